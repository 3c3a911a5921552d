-- Indexes for the staff API's reads (measured by `groupbuy bench admin`, bench/RESULTS.md).

-- users/ `total_spent` (a page's rows, and ordering everyone by it): the debits of balances,
-- read from the index alone.
CREATE INDEX ledger_entries_debits_idx ON ledger_entries (account_id) INCLUDE (amount) WHERE amount < 0;

-- dashboard/ revenue today/week/month and the series' revenue per day: succeeded payments by
-- when they were paid.
CREATE INDEX payments_succeeded_paid_at_idx ON payments (paid_at) INCLUDE (amount) WHERE status = 'succeeded';

-- dashboard/ messages_today and the series' messages per day.
CREATE INDEX chat_messages_created_at_idx ON chat_messages (created_at);

-- procurements/?search=: title and description (the staff search; the public one adds the city).
CREATE INDEX procurements_staff_search_trgm_idx ON procurements
    USING gin ((title || ' ' || description) gin_trgm_ops);
