-- Dirty input never costs a day (issue 13).
--
-- What the last fetch of each list skipped: the elements a source could
-- not use (no usable arXiv id, not a JSON object), as a JSON array of
-- {where, id, reason}; '' when it skipped nothing. paperboy status shows
-- it.
ALTER TABLE lists ADD COLUMN skipped TEXT NOT NULL DEFAULT '';

-- The text of the papers already stored is cleaned again the way new
-- papers are (bot.CleanPaper: invisible characters removed, white space
-- collapsed) and re-indexed, by store/migrate_clean.go in this migration's
-- transaction: "Token\u00adization" then finds "tokenization".
