-- An outbox row is finished once a worker has run its job to an end: done, dead-lettered, or
-- handed on to a retry row of its own. A row pushed to Redis and not finished whose task Redis
-- no longer holds (Redis lost, or the last second of its append-only file) is pushed again.
ALTER TABLE outbox ADD COLUMN finished_at TIMESTAMPTZ;
-- What was pushed before this migration has run, or waits in Redis, which keeps it.
UPDATE outbox SET finished_at = sent_at WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_unfinished_idx ON outbox (id) WHERE sent_at IS NOT NULL AND finished_at IS NULL;
