-- A fan-out: one parent step split into a child job per participant, with a completion step
-- that runs once, when the last child is done. The counter row serializes the children's
-- "I am done" so exactly one of them sees done = total and queues the completion.
CREATE TABLE fanouts (
    id             BIGSERIAL PRIMARY KEY,
    kind           VARCHAR(40) NOT NULL
                   CONSTRAINT fanouts_kind_valid CHECK (kind IN ('payment_requests', 'captures')),
    procurement_id BIGINT      NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    total          INTEGER     NOT NULL CONSTRAINT fanouts_total_nonnegative CHECK (total >= 0),
    done           INTEGER     NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at   TIMESTAMPTZ,
    CONSTRAINT fanouts_once_per_procurement UNIQUE (kind, procurement_id),
    CONSTRAINT fanouts_done_within_total CHECK (done BETWEEN 0 AND total)
);

CREATE TABLE fanout_children (
    fanout_id      BIGINT      NOT NULL REFERENCES fanouts (id) ON DELETE CASCADE,
    participant_id BIGINT      NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    done_at        TIMESTAMPTZ,
    PRIMARY KEY (fanout_id, participant_id)
);

-- Delivery: the notification row is the truth; a delivery job hands it to the person's live
-- channels and records when and where it went.
ALTER TABLE notifications
    ADD COLUMN delivered_at TIMESTAMPTZ,
    ADD COLUMN channels     VARCHAR(100) NOT NULL DEFAULT '';
