-- One escrow payment per order, whatever path reaches it twice.
CREATE UNIQUE INDEX payments_one_per_order_key ON payments (participant_id) WHERE payment_type = 'procurement_payment';

-- Notifications about a cancelled procurement find its cancelled orders in the event log.
CREATE INDEX event_log_participant_procurement_idx ON event_log (((data->>'procurement_id')::bigint), event)
    WHERE entity_type = 'participant';
