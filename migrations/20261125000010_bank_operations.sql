-- Every movement the platform asks the bank for, written (pending) in the same transaction as
-- the ledger change that calls for it, and carried out by a job. It is our view of what moved at
-- the bank, which `groupbuy doctor` compares with the bank's balances.
CREATE TABLE bank_operations (
    key        VARCHAR(200)  PRIMARY KEY,  -- also the bank's ext_key where it has one
    kind       VARCHAR(20)   NOT NULL CONSTRAINT bank_operations_kind_valid CHECK (kind IN ('transfer', 'payout')),
    from_va    VARCHAR(100)  NOT NULL,
    -- a transfer's beneficiary ('user:42' or 'platform'), whose account the job opens if needed
    to_owner   VARCHAR(40),
    to_va      VARCHAR(100),
    amount     NUMERIC(14,2) NOT NULL CONSTRAINT bank_operations_amount_positive CHECK (amount > 0),
    -- pending: to do; done; failed: the bank refused (nothing moved);
    -- unknown: the bank did not answer a call that has no idempotency key: staff check it.
    status     VARCHAR(20)   NOT NULL DEFAULT 'pending'
               CONSTRAINT bank_operations_status_valid CHECK (status IN ('pending', 'done', 'failed', 'unknown')),
    recipient  JSONB,                      -- a payout's bank details
    bank_ref   VARCHAR(100),               -- a payout's payment id at the bank
    error      TEXT          NOT NULL DEFAULT '',
    payment_id BIGINT        REFERENCES payments (id) ON DELETE RESTRICT,
    created_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT bank_operations_transfer_has_target CHECK (kind <> 'transfer' OR to_owner IS NOT NULL),
    CONSTRAINT bank_operations_payout_has_recipient CHECK (kind <> 'payout' OR recipient IS NOT NULL)
);
CREATE INDEX bank_operations_open_idx ON bank_operations (status) WHERE status IN ('pending', 'unknown');

-- The platform's own virtual account, where commission goes.
CREATE TABLE platform_bank_account (
    only_one        BOOLEAN      PRIMARY KEY DEFAULT TRUE CONSTRAINT platform_bank_account_single CHECK (only_one),
    beneficiary_id  VARCHAR(100) NOT NULL,
    virtual_account VARCHAR(100) NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);
