-- A bank operation is carried out at most once: its intent ('sending', with the time) is
-- committed before the bank is called, and the outcome recorded after. A row found 'sending'
-- by a later run is in doubt: the bank is asked what happened before anything is sent again.
ALTER TABLE bank_operations DROP CONSTRAINT bank_operations_status_valid;
ALTER TABLE bank_operations ADD CONSTRAINT bank_operations_status_valid
    CHECK (status IN ('pending', 'sending', 'done', 'failed', 'unknown'));
ALTER TABLE bank_operations
    ADD COLUMN sending_at TIMESTAMPTZ,            -- when the last request for it left
    ADD COLUMN sends      INTEGER NOT NULL DEFAULT 0;  -- requests sent (a resend needs proof the last did nothing)
ALTER TABLE bank_operations ADD CONSTRAINT bank_operations_sending_has_time
    CHECK (status <> 'sending' OR sending_at IS NOT NULL);
DROP INDEX bank_operations_open_idx;
CREATE INDEX bank_operations_open_idx ON bank_operations (status) WHERE status IN ('pending', 'sending', 'unknown');
-- What the bank named each operation by (a transfer's id, a payout's payment id): a movement
-- the bank lists that one operation already accounts for is never taken as another's.
CREATE INDEX bank_operations_from_va_idx ON bank_operations (from_va) WHERE bank_ref IS NOT NULL;
