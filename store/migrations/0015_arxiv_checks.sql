-- arXiv look-ups of followed papers (issue 17): when each posted paper was
-- last looked up in arXiv's export API (its latest version, comments and
-- journal reference) and when it is due again. What arXiv says is saved
-- into papers, whose triggers (0013) record the change.
CREATE TABLE arxiv_checks (
	paper_id   TEXT    PRIMARY KEY REFERENCES papers (id),
	checked_at TEXT    NOT NULL,
	next_at    TEXT    NOT NULL,
	failures   INTEGER NOT NULL DEFAULT 0,
	error      TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- A paper's change is worth comparing its items again only when a
-- follow-up may come of it: code, stars, a version from 2 on (with the
-- title it brings), comments or a journal reference (a venue). arXiv's
-- first look-up of a paper Hugging Face listed (version 0 to 1, its
-- title as arXiv writes it) is none.
DROP TRIGGER paper_changes_on_update;
CREATE TRIGGER paper_changes_on_update AFTER UPDATE OF github_repo, github_stars, version, title, arxiv_comment, journal_ref ON papers
WHEN old.github_repo IS NOT new.github_repo OR old.github_stars IS NOT new.github_stars
  OR (new.version >= 2 AND (old.version IS NOT new.version OR old.title IS NOT new.title))
  OR old.arxiv_comment IS NOT new.arxiv_comment OR old.journal_ref IS NOT new.journal_ref
BEGIN
	INSERT INTO paper_changes (paper_id, seq) VALUES (new.id, (SELECT coalesce(max(seq), 0) + 1 FROM paper_changes))
	ON CONFLICT (paper_id) DO UPDATE SET seq = excluded.seq;
END;
