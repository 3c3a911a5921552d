-- The bank side of money (Tochka Cyclops nominal account).

-- Each user's beneficiary and virtual account at the bank, opened on their first deposit.
CREATE TABLE bank_accounts (
    user_id         BIGINT       PRIMARY KEY REFERENCES users (id) ON DELETE RESTRICT,
    beneficiary_id  VARCHAR(100) NOT NULL,
    virtual_account VARCHAR(100) NOT NULL CONSTRAINT bank_accounts_virtual_account_key UNIQUE,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Every incoming payment reconciliation has taken up, and what became of it:
--   identifying: matched to a deposit, being identified at the bank (the row lock is the claim);
--   identified:  credited to the deposit's user, once;
--   unmatched:   no pending deposit fits (purpose, amount or type): flagged for staff, never kept;
--   returned:    sent back to the payer by staff.
CREATE TABLE bank_incoming (
    payment_id  VARCHAR(100)  PRIMARY KEY,
    amount      NUMERIC(14,2) NOT NULL,
    purpose     TEXT          NOT NULL DEFAULT '',
    payer_name  TEXT          NOT NULL DEFAULT '',
    status      VARCHAR(20)   NOT NULL
                CONSTRAINT bank_incoming_status_valid
                CHECK (status IN ('identifying', 'identified', 'unmatched', 'returned')),
    deposit_id  BIGINT        REFERENCES payments (id) ON DELETE RESTRICT,
    reason      TEXT          NOT NULL DEFAULT '',
    seen_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    settled_at  TIMESTAMPTZ,
    CONSTRAINT bank_incoming_identified_has_deposit CHECK (status NOT IN ('identifying', 'identified') OR deposit_id IS NOT NULL)
);
CREATE UNIQUE INDEX bank_incoming_one_per_deposit ON bank_incoming (deposit_id) WHERE status IN ('identifying', 'identified');
CREATE INDEX bank_incoming_open_idx ON bank_incoming (status) WHERE status IN ('identifying', 'unmatched');
CREATE INDEX payments_order_id_idx ON payments (order_id) WHERE order_id <> '';

-- A natural person's INN (12 digits): the bank registers a beneficiary under it before any money
-- can be identified onto their virtual account.
ALTER TABLE users ADD COLUMN inn VARCHAR(12) NOT NULL DEFAULT ''
    CONSTRAINT users_inn_digits CHECK (inn = '' OR inn ~ '^[0-9]{12}$');
