-- Messenger notifications and broadcasts (issue 13, items 5 and 6).

-- A person may keep their notifications to the web and switch the messenger copies off.
ALTER TABLE users ADD COLUMN messenger_notifications BOOLEAN NOT NULL DEFAULT TRUE;

-- One row per (notification, messenger): written when the notification's delivery job runs,
-- marked 'sending' before the message leaves and 'sent' (with the messenger's message id) or
-- 'failed' (with the reason) after, so a job run twice sends at most once.
CREATE TABLE messenger_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    notification_id BIGINT       NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    platform        VARCHAR(20)  NOT NULL CONSTRAINT messenger_deliveries_platform_valid
                                 CHECK (platform IN ('telegram', 'vk')),
    chat_id         VARCHAR(100) NOT NULL,
    status          VARCHAR(10)  NOT NULL DEFAULT 'pending' CONSTRAINT messenger_deliveries_status_valid
                                 CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INT          NOT NULL DEFAULT 0,
    message_id      VARCHAR(100),
    error           TEXT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT messenger_deliveries_once UNIQUE (notification_id, platform)
);

-- An organizer's or staff member's message to many chats.
CREATE TABLE broadcasts (
    id          BIGSERIAL PRIMARY KEY,
    -- NULL when a service client or staff tool wrote it without naming a person
    author_id   BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    text        TEXT        NOT NULL CONSTRAINT broadcasts_text_not_blank CHECK (btrim(text) <> ''),
    status      VARCHAR(20) NOT NULL DEFAULT 'draft' CONSTRAINT broadcasts_status_valid
                            CHECK (status IN ('draft', 'queued', 'sending', 'completed', 'cancelled')),
    -- platforms whose every active person is a target; expanded into rows when it starts
    all_users   TEXT[]      NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ
);
CREATE INDEX broadcasts_author_idx ON broadcasts (author_id, id);

-- One row per (broadcast, chat), with its delivery as the notification rows above.
CREATE TABLE broadcast_targets (
    id           BIGSERIAL PRIMARY KEY,
    broadcast_id BIGINT       NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    platform     VARCHAR(20)  NOT NULL CONSTRAINT broadcast_targets_platform_valid
                              CHECK (platform IN ('telegram', 'vk')),
    chat_id      VARCHAR(100) NOT NULL,
    status       VARCHAR(10)  NOT NULL DEFAULT 'pending' CONSTRAINT broadcast_targets_status_valid
                              CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts     INT          NOT NULL DEFAULT 0,
    message_id   VARCHAR(100),
    error        TEXT,
    updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT broadcast_targets_once UNIQUE (broadcast_id, platform, chat_id)
);
-- The history counts each broadcast's targets by status; completion looks for unfinished ones.
CREATE INDEX broadcast_targets_status_idx ON broadcast_targets (broadcast_id, status);
