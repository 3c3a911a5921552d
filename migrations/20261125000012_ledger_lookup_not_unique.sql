-- ledger_accounts_owner_key is the one uniqueness rule for accounts. A second unique index on the
-- same owner made concurrent first postings deadlock: an account opened by `INSERT … ON CONFLICT`
-- (arbitrated by the constraint) could wait on the other index for a transaction that was
-- itself waiting on the speculative insertion. The lookup index stays, for lookups only.
DROP INDEX ledger_accounts_lookup_idx;
CREATE INDEX ledger_accounts_lookup_idx
    ON ledger_accounts (kind, COALESCE(user_id, 0), COALESCE(procurement_id, 0));
