-- Daily counts for staff dashboards, written by the daily-statistics cron job.
CREATE TABLE daily_stats (
    day         DATE PRIMARY KEY,
    stats       JSONB       NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
