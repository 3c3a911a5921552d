-- The public list pages by newest first and hides drafts: with the status in the index, the
-- page's ids come from the index alone.
DROP INDEX procurements_created_at_idx;
CREATE INDEX procurements_list_idx ON procurements (created_at DESC, id DESC) INCLUDE (status, organizer_id);
