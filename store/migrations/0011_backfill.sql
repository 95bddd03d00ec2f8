-- Backfill bookkeeping (issue 15): one row per finished slice of a
-- backfill, so that a run stopped anyhow (Ctrl-C, kill -9) resumes where
-- it stopped and never fetches a finished slice again. source names what
-- was fetched (e.g. "arxiv-api:cs.CL,cs.LG", the canonical categories,
-- sorted); day is the slice, a UTC day of submission (YYYY-MM-DD); papers
-- how many papers the slice had; finished_at when its papers were all
-- saved (a row is written only after that, so a kill in between repeats
-- the slice, whose saving is idempotent).
CREATE TABLE backfill_slices (
	source      TEXT NOT NULL,
	day         TEXT NOT NULL,
	papers      INTEGER NOT NULL,
	finished_at TEXT NOT NULL,
	PRIMARY KEY (source, day)
) WITHOUT ROWID;
