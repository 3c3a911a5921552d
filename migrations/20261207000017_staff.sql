-- The staff side: who may log in to the admin app, their sessions, failed logins, and the audit log.

-- `groupbuy createsuperuser` makes superusers; other staff accounts are plain staff.
ALTER TABLE users ADD COLUMN is_superuser BOOLEAN NOT NULL DEFAULT FALSE;

-- A staff login: the same secret serves as the admin app's session cookie and as an API client's
-- bearer token. Only its SHA-256 is stored, so the table itself logs nobody in.
CREATE TABLE staff_sessions (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  BYTEA       NOT NULL CONSTRAINT staff_sessions_token_hash_key UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    -- set by logout (or when the account loses staff rights); a revoked session never comes back
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id);

-- Every login attempt, for rate limiting by name and by address (and for staff to read).
CREATE TABLE staff_login_attempts (
    id         BIGSERIAL PRIMARY KEY,
    username   VARCHAR(100) NOT NULL,
    ip         VARCHAR(64)  NOT NULL,
    succeeded  BOOLEAN      NOT NULL,
    at         TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX staff_login_attempts_username_idx ON staff_login_attempts (username, at) WHERE NOT succeeded;
CREATE INDEX staff_login_attempts_ip_idx ON staff_login_attempts (ip, at) WHERE NOT succeeded;

-- Every staff write: who, what, before and after, when. Append-only: rows are never changed or
-- removed (the triggers below refuse it), and there is no foreign key to users so that removing
-- a person can never rewrite history.
CREATE TABLE audit_log (
    id              BIGSERIAL PRIMARY KEY,
    -- the staff member; NULL when a service key (a staff tool, a script) made the change
    staff_id        BIGINT,
    staff_username  VARCHAR(100) NOT NULL DEFAULT '',
    actor           VARCHAR(10)  NOT NULL CONSTRAINT audit_log_actor_valid CHECK (actor IN ('staff', 'service')),
    action          VARCHAR(100) NOT NULL,
    entity          VARCHAR(50)  NOT NULL,
    entity_id       VARCHAR(100) NOT NULL DEFAULT '',
    before          JSONB,
    after           JSONB,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_staff_named CHECK ((actor = 'staff') = (staff_id IS NOT NULL))
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_staff_idx ON audit_log (staff_id, created_at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
