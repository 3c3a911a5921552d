-- GroupBuy schema. PostgreSQL is the truth: every rule the database can hold is a constraint here.
-- Money columns are NUMERIC(14,2) roubles; Rust reads them as integer kopecks (workflows::Money).

-- People -------------------------------------------------------------------------------------

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      VARCHAR(100) NOT NULL DEFAULT '',
    first_name    VARCHAR(100) NOT NULL DEFAULT '',
    last_name     VARCHAR(100) NOT NULL DEFAULT '',
    phone         VARCHAR(20)  NOT NULL DEFAULT '',
    email         VARCHAR(254) NOT NULL DEFAULT '',
    role          VARCHAR(20)  NOT NULL DEFAULT 'buyer'
                  CONSTRAINT users_role_valid CHECK (role IN ('buyer', 'organizer', 'supplier')),
    language_code VARCHAR(10)  NOT NULL DEFAULT 'ru',
    is_active     BOOLEAN      NOT NULL DEFAULT TRUE,
    is_verified   BOOLEAN      NOT NULL DEFAULT FALSE,
    is_staff      BOOLEAN      NOT NULL DEFAULT FALSE,
    -- argon2 PHC string; only staff accounts log in with a password
    password_hash TEXT,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX users_role_idx ON users (role);
CREATE INDEX users_created_at_idx ON users (created_at);
-- staff log in by username, so it must be unique among them
CREATE UNIQUE INDEX users_staff_username_key ON users (username) WHERE is_staff;

-- One person may reach us from several messengers: each (platform, id) belongs to exactly one user.
CREATE TABLE user_identities (
    id               BIGSERIAL PRIMARY KEY,
    user_id          BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform         VARCHAR(20)  NOT NULL
                     CONSTRAINT user_identities_platform_valid
                     CHECK (platform IN ('telegram', 'whatsapp', 'websocket', 'vk')),
    platform_user_id VARCHAR(100) NOT NULL CONSTRAINT user_identities_platform_user_id_not_blank
                     CHECK (btrim(platform_user_id) <> ''),
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT user_identities_platform_key UNIQUE (platform, platform_user_id),
    -- one account per messenger for a person
    CONSTRAINT user_identities_user_platform_key UNIQUE (user_id, platform)
);

-- Catalogue ----------------------------------------------------------------------------------

CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    name        VARCHAR(100) NOT NULL CONSTRAINT categories_name_not_blank CHECK (btrim(name) <> ''),
    description TEXT         NOT NULL DEFAULT '',
    parent_id   BIGINT REFERENCES categories (id) ON DELETE CASCADE,
    icon        VARCHAR(50)  NOT NULL DEFAULT '',
    is_active   BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT categories_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id),
    CONSTRAINT categories_name_parent_key UNIQUE NULLS NOT DISTINCT (parent_id, name)
);

-- Procurements -------------------------------------------------------------------------------

CREATE TABLE procurements (
    id                 BIGSERIAL PRIMARY KEY,
    title              VARCHAR(200)  NOT NULL CONSTRAINT procurements_title_not_blank CHECK (btrim(title) <> ''),
    description        TEXT          NOT NULL,
    category_id        BIGINT REFERENCES categories (id) ON DELETE SET NULL,
    organizer_id       BIGINT        NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    supplier_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    city               VARCHAR(100)  NOT NULL,
    delivery_address   TEXT          NOT NULL DEFAULT '',
    target_amount      NUMERIC(14,2) NOT NULL CONSTRAINT procurements_target_positive CHECK (target_amount > 0),
    -- sum of active participants' amounts, maintained in the join/leave transaction
    current_amount     NUMERIC(14,2) NOT NULL DEFAULT 0 CONSTRAINT procurements_current_non_negative CHECK (current_amount >= 0),
    stop_at_amount     NUMERIC(14,2) CONSTRAINT procurements_stop_positive CHECK (stop_at_amount > 0),
    unit               VARCHAR(20)   NOT NULL DEFAULT 'units',
    price_per_unit     NUMERIC(14,2) CONSTRAINT procurements_price_positive CHECK (price_per_unit > 0),
    min_quantity       NUMERIC(10,2) NOT NULL DEFAULT 1 CONSTRAINT procurements_min_quantity_positive CHECK (min_quantity > 0),
    commission_percent NUMERIC(4,2)  NOT NULL DEFAULT 0
                       CONSTRAINT procurements_commission_range CHECK (commission_percent >= 0 AND commission_percent <= 10),
    status             VARCHAR(20)   NOT NULL DEFAULT 'draft'
                       CONSTRAINT procurements_status_valid
                       CHECK (status IN ('draft', 'active', 'stopped', 'payment', 'completed', 'cancelled')),
    deadline           TIMESTAMPTZ   NOT NULL,
    payment_deadline   TIMESTAMPTZ,
    image_url          VARCHAR(500)  NOT NULL DEFAULT '',
    is_featured        BOOLEAN       NOT NULL DEFAULT FALSE,
    -- active participants only (people who left are not counted)
    participant_count  INTEGER       NOT NULL DEFAULT 0 CONSTRAINT procurements_participant_count_non_negative CHECK (participant_count >= 0),
    created_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    -- the stop amount can never be overshot, whatever the concurrency
    CONSTRAINT procurements_within_stop CHECK (stop_at_amount IS NULL OR current_amount <= stop_at_amount),
    CONSTRAINT procurements_payment_after_deadline CHECK (payment_deadline IS NULL OR payment_deadline >= deadline)
);
CREATE INDEX procurements_status_idx ON procurements (status);
CREATE INDEX procurements_organizer_idx ON procurements (organizer_id);
CREATE INDEX procurements_category_idx ON procurements (category_id);
CREATE INDEX procurements_deadline_idx ON procurements (deadline);
CREATE INDEX procurements_created_at_idx ON procurements (created_at DESC, id DESC);

CREATE TABLE participants (
    id             BIGSERIAL PRIMARY KEY,
    procurement_id BIGINT        NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    user_id        BIGINT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    quantity       NUMERIC(10,2) NOT NULL CONSTRAINT participants_quantity_positive CHECK (quantity > 0),
    amount         NUMERIC(14,2) NOT NULL CONSTRAINT participants_amount_positive CHECK (amount > 0),
    status         VARCHAR(20)   NOT NULL DEFAULT 'pending'
                   CONSTRAINT participants_status_valid
                   CHECK (status IN ('pending', 'confirmed', 'paid', 'delivered', 'cancelled')),
    notes          TEXT          NOT NULL DEFAULT '',
    -- derived, so it can never disagree with the status
    is_active      BOOLEAN GENERATED ALWAYS AS (status <> 'cancelled') STORED,
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ   NOT NULL DEFAULT now()
);
-- one active participation per (procurement, user); leaving and joining again is allowed
CREATE UNIQUE INDEX participants_one_active_key ON participants (procurement_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX participants_procurement_status_idx ON participants (procurement_id, status);
CREATE INDEX participants_user_idx ON participants (user_id);

-- Money --------------------------------------------------------------------------------------

CREATE TABLE payments (
    id               BIGSERIAL PRIMARY KEY,
    user_id          BIGINT        NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    payment_type     VARCHAR(30)   NOT NULL
                     CONSTRAINT payments_type_valid CHECK (payment_type IN ('deposit', 'withdrawal', 'procurement_payment')),
    amount           NUMERIC(14,2) NOT NULL CONSTRAINT payments_amount_positive CHECK (amount > 0),
    status           VARCHAR(30)   NOT NULL DEFAULT 'pending'
                     CONSTRAINT payments_status_valid
                     CHECK (status IN ('pending', 'waiting_for_capture', 'succeeded', 'cancelled', 'refunded')),
    external_id      VARCHAR(100) UNIQUE,
    provider         VARCHAR(50)   NOT NULL DEFAULT 'tochka'
                     CONSTRAINT payments_provider_valid CHECK (provider IN ('tochka', 'sandbox')),
    confirmation_url VARCHAR(500)  NOT NULL DEFAULT '',
    order_id         VARCHAR(100)  NOT NULL DEFAULT '',
    procurement_id   BIGINT REFERENCES procurements (id) ON DELETE SET NULL,
    participant_id   BIGINT REFERENCES participants (id) ON DELETE SET NULL,
    description      TEXT          NOT NULL DEFAULT '',
    metadata         JSONB         NOT NULL DEFAULT '{}',
    paid_at          TIMESTAMPTZ,
    created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX payments_user_status_idx ON payments (user_id, status);
CREATE INDEX payments_created_at_idx ON payments (created_at);

-- Double-entry ledger. An account is a user's balance, a procurement's escrow, the platform's
-- commission, or the bank clearing account (the mirror of money held at the bank, the only
-- account allowed to go negative).
CREATE TABLE ledger_accounts (
    id             BIGSERIAL PRIMARY KEY,
    kind           VARCHAR(20)   NOT NULL
                   CONSTRAINT ledger_accounts_kind_valid
                   CHECK (kind IN ('user_balance', 'user_hold', 'escrow', 'commission', 'bank_clearing')),
    user_id        BIGINT REFERENCES users (id) ON DELETE RESTRICT,
    procurement_id BIGINT REFERENCES procurements (id) ON DELETE RESTRICT,
    balance        NUMERIC(14,2) NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT ledger_accounts_owner CHECK (
        (kind IN ('user_balance', 'user_hold') AND user_id IS NOT NULL AND procurement_id IS NULL)
        OR (kind = 'escrow' AND procurement_id IS NOT NULL AND user_id IS NULL)
        OR (kind IN ('commission', 'bank_clearing') AND user_id IS NULL AND procurement_id IS NULL)),
    CONSTRAINT ledger_accounts_non_negative CHECK (kind = 'bank_clearing' OR balance >= 0),
    CONSTRAINT ledger_accounts_owner_key UNIQUE NULLS NOT DISTINCT (kind, user_id, procurement_id)
);

-- One money movement: what the user sees as a transaction.
CREATE TABLE ledger_transactions (
    id               BIGSERIAL PRIMARY KEY,
    idempotency_key  VARCHAR(200) NOT NULL CONSTRAINT ledger_transactions_idempotency_key UNIQUE,
    transaction_type VARCHAR(30)  NOT NULL
                     CONSTRAINT ledger_transactions_type_valid
                     CHECK (transaction_type IN ('deposit', 'withdrawal', 'procurement_join',
                                                 'procurement_refund', 'transfer', 'bonus')),
    procurement_id   BIGINT REFERENCES procurements (id) ON DELETE SET NULL,
    payment_id       BIGINT REFERENCES payments (id) ON DELETE SET NULL,
    description      TEXT         NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE ledger_entries (
    id             BIGSERIAL PRIMARY KEY,
    transaction_id BIGINT        NOT NULL REFERENCES ledger_transactions (id) ON DELETE RESTRICT,
    account_id     BIGINT        NOT NULL REFERENCES ledger_accounts (id) ON DELETE RESTRICT,
    amount         NUMERIC(14,2) NOT NULL CONSTRAINT ledger_entries_amount_non_zero CHECK (amount <> 0),
    balance_after  NUMERIC(14,2) NOT NULL,
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id DESC);
CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id);

-- A transaction's entries must sum to zero; checked at commit so the entries can be inserted
-- one by one inside the transaction.
CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total NUMERIC;
BEGIN
    SELECT COALESCE(SUM(amount), 0) INTO total FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced by %', NEW.transaction_id, total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced
    AFTER INSERT ON ledger_entries DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();

-- Chat and notifications ---------------------------------------------------------------------

CREATE TABLE chat_messages (
    id             BIGSERIAL PRIMARY KEY,
    procurement_id BIGINT      NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    user_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    message_type   VARCHAR(20) NOT NULL DEFAULT 'text'
                   CONSTRAINT chat_messages_type_valid CHECK (message_type IN ('text', 'image', 'file', 'system')),
    text           TEXT        NOT NULL,
    attachment_url VARCHAR(500) NOT NULL DEFAULT '',
    is_edited      BOOLEAN     NOT NULL DEFAULT FALSE,
    is_deleted     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_procurement_idx ON chat_messages (procurement_id, created_at);
CREATE INDEX chat_messages_user_idx ON chat_messages (user_id);

CREATE TABLE message_reads (
    id                   BIGSERIAL PRIMARY KEY,
    user_id              BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    procurement_id       BIGINT      NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    last_read_message_id BIGINT REFERENCES chat_messages (id) ON DELETE SET NULL,
    last_read_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT message_reads_user_procurement_key UNIQUE (user_id, procurement_id)
);

CREATE TABLE notifications (
    id                BIGSERIAL PRIMARY KEY,
    user_id           BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_type VARCHAR(30)  NOT NULL
                      CONSTRAINT notifications_type_valid
                      CHECK (notification_type IN ('new_message', 'procurement_update', 'payment_required',
                                                   'payment_received', 'procurement_completed', 'system')),
    title             VARCHAR(200) NOT NULL,
    message           TEXT         NOT NULL,
    procurement_id    BIGINT REFERENCES procurements (id) ON DELETE CASCADE,
    is_read           BOOLEAN      NOT NULL DEFAULT FALSE,
    -- makes creating the same notification twice (a job run twice) a no-op
    dedupe_key        VARCHAR(200) UNIQUE,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_read_idx ON notifications (user_id, is_read);
CREATE INDEX notifications_created_at_idx ON notifications (created_at);

-- Durable work -------------------------------------------------------------------------------

-- Written in the same transaction as the state change that needs work done; a relay pushes
-- unsent rows to Redis under their task id.
CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    queue      VARCHAR(50)  NOT NULL,
    task_id    VARCHAR(200) NOT NULL CONSTRAINT outbox_task_id_key UNIQUE,
    payload    JSONB        NOT NULL,
    run_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    sent_at    TIMESTAMPTZ
);
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;

-- Append-only history of every state transition.
CREATE TABLE event_log (
    id            BIGSERIAL PRIMARY KEY,
    entity_type   VARCHAR(20) NOT NULL
                  CONSTRAINT event_log_entity_type_valid
                  CHECK (entity_type IN ('procurement', 'participant', 'payment', 'refund', 'broadcast')),
    entity_id     BIGINT      NOT NULL,
    from_state    VARCHAR(30),
    to_state      VARCHAR(30) NOT NULL,
    event         VARCHAR(50) NOT NULL,
    actor_user_id BIGINT,
    data          JSONB       NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX event_log_entity_idx ON event_log (entity_type, entity_id, id);

CREATE FUNCTION event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER event_log_no_update BEFORE UPDATE OR DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_append_only();
