-- Hot-path tuning found by `groupbuy bench api` (bench/RESULTS.md).

-- Every join and leave rewrites its procurement's row. Free space on each page lets PostgreSQL
-- keep those versions on the same page (HOT updates, no index churn), and a tighter autovacuum
-- keeps dead versions from piling up between sweeps.
ALTER TABLE procurements SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02,
                              autovacuum_vacuum_threshold = 200, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE participants SET (fillfactor = 85, autovacuum_vacuum_scale_factor = 0.05);

-- Search matches each word anywhere in title, description or city: a trigram index on their
-- concatenation answers `ILIKE '%word%'` without reading every row.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX procurements_search_trgm_idx ON procurements
    USING gin ((title || ' ' || description || ' ' || city) gin_trgm_ops);
