-- A posting looks its account up by (kind, user, procurement); this index answers that with
-- equality on every column (ids are positive, so 0 stands for "none").
CREATE UNIQUE INDEX ledger_accounts_lookup_idx
    ON ledger_accounts (kind, COALESCE(user_id, 0), COALESCE(procurement_id, 0));

-- An outbox row no running version can read (or for an unknown queue) is set aside with its
-- error for staff, instead of blocking the rows behind it or being marked sent unpushed.
ALTER TABLE outbox ADD COLUMN error TEXT;
DROP INDEX outbox_unsent_idx;
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL AND error IS NULL;
