-- People's sessions in the web cabinet (signed in by a login link or as a Telegram Mini App):
-- short-lived access tokens name the session (`sid`), a refresh token renews them, and signing out
-- ends the session so its tokens stop working at once. Refresh tokens are stored only as SHA-256.
CREATE TABLE web_sessions (
    id                     UUID PRIMARY KEY,
    user_id                BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    via                    VARCHAR(20) NOT NULL CONSTRAINT web_sessions_via_valid CHECK (via IN ('login_link', 'telegram')),
    refresh_hash           BYTEA       NOT NULL CONSTRAINT web_sessions_refresh_hash_key UNIQUE,
    -- the refresh token rotated out last: presenting it again means it leaked, and ends the session
    previous_refresh_hash  BYTEA,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    refreshed_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at             TIMESTAMPTZ NOT NULL,
    revoked_at             TIMESTAMPTZ
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_previous_refresh_idx ON web_sessions (previous_refresh_hash) WHERE previous_refresh_hash IS NOT NULL;
