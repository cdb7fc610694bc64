-- The CSV line each rate row came from: imports COPY straight into rate_deck_rows (no second copy from a
-- staging table) and report overlapping date ranges by line number; also lets staff trace a rate to its file.
ALTER TABLE rate_deck_rows ADD COLUMN source_line integer;

-- A duplicate (prefix, effective_from) is an overlap, which the import reports by line number before it
-- commits; a unique index would instead abort the COPY mid-stream without saying which CSV line it was.
-- The import is the only writer of rate_deck_rows, so the lookup index need not be unique.
ALTER TABLE rate_deck_rows DROP CONSTRAINT rate_deck_rows_pkey;
CREATE INDEX rate_deck_rows_lookup ON rate_deck_rows (version_id, prefix, effective_from);
