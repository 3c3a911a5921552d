-- A staff bulk notification: what to say and to whom (fixed when staff send it, so the count
-- they are told is the count written). A job writes one notification per recipient, each under
-- the key `bulk:{id}:{user}`, so running it again writes nothing twice.
CREATE TABLE bulk_notifications (
    id                 BIGSERIAL PRIMARY KEY,
    -- the staff member; NULL for a service key
    staff_id           BIGINT,
    notification_type  VARCHAR(30)  NOT NULL,
    title              VARCHAR(200) NOT NULL,
    message            TEXT         NOT NULL,
    recipients         BIGINT[]     NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- when the job had written every row
    written_at         TIMESTAMPTZ
);
