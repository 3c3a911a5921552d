-- The staff lists under 100 ms at 100,000 people and 1,000,000 ledger entries (issue 14,
-- `groupbuy bench admin`, bench/RESULTS.md): every ordering a list offers is an index scan that
-- stops after one page, and searches use trigram indexes.

-- What left each account, kept beside its balance by the ledger's posting (ledger/post.rs) in
-- the same statement: users/?ordering=total_spent reads it instead of summing every debit.
ALTER TABLE ledger_accounts ADD COLUMN debited NUMERIC(14,2) NOT NULL DEFAULT 0
    CONSTRAINT ledger_accounts_debited_non_negative CHECK (debited >= 0);
UPDATE ledger_accounts a SET debited = s.total
FROM (SELECT account_id, -sum(amount) AS total FROM ledger_entries WHERE amount < 0 GROUP BY account_id) s
WHERE s.account_id = a.id;

-- Everyone has a balance account from registration on (until now it opened with the first
-- movement), so ordering people by balance or spending walks the accounts' index and joins
-- each person, instead of sorting everyone. A zero balance is what it always meant.
INSERT INTO ledger_accounts (kind, user_id) SELECT 'user_balance', id FROM users
ON CONFLICT ON CONSTRAINT ledger_accounts_owner_key DO NOTHING;
CREATE FUNCTION users_open_balance_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_accounts (kind, user_id) VALUES ('user_balance', NEW.id)
    ON CONFLICT ON CONSTRAINT ledger_accounts_owner_key DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER users_open_balance_account AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION users_open_balance_account();
CREATE INDEX ledger_accounts_user_balance_idx ON ledger_accounts (balance, user_id) WHERE kind = 'user_balance';
CREATE INDEX ledger_accounts_user_debited_idx ON ledger_accounts (debited, user_id) WHERE kind = 'user_balance';

-- users/?search=: one trigram index over the searched columns together, and the messenger ids.
CREATE INDEX users_search_trgm_idx ON users
    USING gin ((first_name || ' ' || last_name || ' ' || username || ' ' || email || ' ' || phone) gin_trgm_ops);
CREATE INDEX user_identities_platform_user_id_trgm_idx ON user_identities USING gin (platform_user_id gin_trgm_ops);

-- The newest-first lists (the default ordering, ties broken by id): the index hands over one
-- page in order.
CREATE INDEX ledger_entries_created_idx ON ledger_entries (created_at, id);
DROP INDEX payments_created_at_idx;
CREATE INDEX payments_created_idx ON payments (created_at, id);
DROP INDEX chat_messages_created_at_idx;
CREATE INDEX chat_messages_created_idx ON chat_messages (created_at, id);
DROP INDEX notifications_created_at_idx;
CREATE INDEX notifications_created_idx ON notifications (created_at, id);
