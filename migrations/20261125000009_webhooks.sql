-- Tochka's signed webhook notifications (incomingPayment, incomingSbpPayment, …), as received.
-- A notification is only a nudge to re-query the bank, never the source of truth; the row makes
-- a replay a no-op. `id` is the bank's paymentId / operationId, else the sha256 of the token.
CREATE TABLE bank_webhooks (
    id           TEXT        PRIMARY KEY,
    webhook_type TEXT        NOT NULL DEFAULT '',
    payload      JSONB       NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX bank_webhooks_received_at_idx ON bank_webhooks (received_at);
