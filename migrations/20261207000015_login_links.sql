-- One-time login links: the bot hands a person a link to the web cabinet carrying a random code;
-- the web exchanges the code once for the person's token. Only the code's SHA-256 is stored, so
-- a copy of the table logs nobody in; a code is refused once used or after it expires.
CREATE TABLE login_links (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  BYTEA       NOT NULL CONSTRAINT login_links_code_hash_key UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_links_expires_at_idx ON login_links (expires_at);
