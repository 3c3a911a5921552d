-- Chat: every message gets an increasing sequence number within its room (procurement), so a
-- client that reconnects can ask for exactly what it missed. The counter lives in its own row
-- per room: taking the next number locks that row until the message commits, so numbers are
-- committed in order and a reader never sees seq N+1 before seq N.
CREATE TABLE chat_rooms (
    procurement_id BIGINT PRIMARY KEY REFERENCES procurements (id) ON DELETE CASCADE,
    last_seq       BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE chat_messages ADD COLUMN seq BIGINT;
WITH numbered AS (
    SELECT id, row_number() OVER (PARTITION BY procurement_id ORDER BY created_at, id) AS seq
    FROM chat_messages
)
UPDATE chat_messages m SET seq = n.seq FROM numbered n WHERE m.id = n.id;
INSERT INTO chat_rooms (procurement_id, last_seq)
SELECT procurement_id, max(seq) FROM chat_messages GROUP BY procurement_id;
ALTER TABLE chat_messages ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX chat_messages_room_seq_key ON chat_messages (procurement_id, seq);

-- Unread badges count a person's unread rows on every delivery.
CREATE INDEX notifications_user_unread_idx ON notifications (user_id, id) WHERE NOT is_read;
