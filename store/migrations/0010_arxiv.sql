-- arXiv as a source (issue 15).
--
-- The facts arXiv gives about a paper, next to Hugging Face's: one row per
-- paper whichever source saw it first; each source fills in what it knows
-- and never erases what the other gave (store/paper.go, upsertSQL).
-- categories: canonical arXiv categories, one per line, the primary one
-- first where the source says which; version: the latest version seen
-- (0: unknown); announced_on: the first arXiv announcement day
-- (YYYY-MM-DD, US Eastern) the paper was seen in, '' when none.
ALTER TABLE papers ADD COLUMN categories    TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN arxiv_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN journal_ref   TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN doi           TEXT NOT NULL DEFAULT '';
ALTER TABLE papers ADD COLUMN version       INTEGER NOT NULL DEFAULT 0;
ALTER TABLE papers ADD COLUMN announced_on  TEXT NOT NULL DEFAULT '';

-- The papers of each arXiv announcement day, in feed order, with how each
-- was announced: new, cross (a cross-list), replace or replace-cross (a
-- new version; never posted as new).
CREATE TABLE announcements (
	day           TEXT NOT NULL,
	paper_id      TEXT NOT NULL,
	position      INTEGER NOT NULL,
	announce_type TEXT NOT NULL,
	PRIMARY KEY (day, paper_id)
) WITHOUT ROWID;
