-- Search index layout for fast exact top-k (store/rank.go explains the
-- algorithm). Every indexed paper gets a search rowid, rid = band << 36 |
-- day << 20 | n: band is its upvotes band (0: under 5, 1: 5-14, 2: 15-39,
-- 3: 40-99, 4: 100 or more), day its daily-list date (else its arXiv date)
-- in days since 1970-01-01, and n counts the papers of that band and day.
-- The full-text indexes use rid as their rowid, so each band is a rowid
-- range read newest first, since:/before: narrow the range, and the
-- ranking can stop as soon as no older or less upvoted paper can reach the
-- top results. rid is NULL until the store indexes the row (at the end of
-- the transaction that saved it; see indexNew in store/index.go), and
-- changes when the paper's date or band does.
ALTER TABLE papers ADD COLUMN rid INTEGER;
CREATE UNIQUE INDEX papers_rid ON papers (rid);

DROP TRIGGER papers_fts_delete;
DROP TRIGGER papers_fts_update;
DROP TABLE papers_fts;

CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, ai_summary, ai_keywords, abstract, authors,
    content = 'papers', content_rowid = 'rid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Substring index of the folded author names for author: filters: FTS5's
-- trigram tokenizer answers a substring of 3 or more characters from the
-- index instead of a LIKE over every paper. The text is folded by the
-- store (bot.FoldText), so the index compares it as it is.
CREATE VIRTUAL TABLE authors_fts USING fts5 (
    authors_fold,
    content = 'papers', content_rowid = 'rid',
    tokenize = 'trigram case_sensitive 1'
);

-- What ranking needs per paper besides the text, in a narrow table that
-- stays in the page cache (a papers row holds the whole abstract): the
-- upvotes and has:code / has:project flags (1: code, 2: project page).
CREATE TABLE search_rank (
    rid     INTEGER PRIMARY KEY,
    pk      INTEGER NOT NULL,
    upvotes INTEGER NOT NULL,
    flags   INTEGER NOT NULL
);

CREATE TRIGGER papers_search_delete AFTER DELETE ON papers WHEN old.rid IS NOT NULL BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, ai_summary, ai_keywords, abstract, authors)
    VALUES ('delete', old.rid, old.title, old.ai_summary, old.ai_keywords, old.abstract, old.authors);
    INSERT INTO authors_fts (authors_fts, rowid, authors_fold) VALUES ('delete', old.rid, old.authors_fold);
    DELETE FROM search_rank WHERE rid = old.rid;
END;

-- Re-index when indexed text changes or the paper's date (so its rid)
-- does, not on every upvote refresh.
CREATE TRIGGER papers_search_text AFTER UPDATE OF title, ai_summary, ai_keywords, abstract, authors, rid ON papers
WHEN old.rid IS NOT NULL AND (old.rid IS NOT new.rid OR old.title IS NOT new.title
  OR old.ai_summary IS NOT new.ai_summary OR old.ai_keywords IS NOT new.ai_keywords
  OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors)
BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, ai_summary, ai_keywords, abstract, authors)
    VALUES ('delete', old.rid, old.title, old.ai_summary, old.ai_keywords, old.abstract, old.authors);
    INSERT INTO papers_fts (rowid, title, ai_summary, ai_keywords, abstract, authors)
    VALUES (new.rid, new.title, new.ai_summary, new.ai_keywords, new.abstract, new.authors);
END;

CREATE TRIGGER papers_search_authors AFTER UPDATE OF authors_fold, rid ON papers
WHEN old.rid IS NOT NULL AND (old.rid IS NOT new.rid OR old.authors_fold IS NOT new.authors_fold)
BEGIN
    INSERT INTO authors_fts (authors_fts, rowid, authors_fold) VALUES ('delete', old.rid, old.authors_fold);
    INSERT INTO authors_fts (rowid, authors_fold) VALUES (new.rid, new.authors_fold);
END;

CREATE TRIGGER papers_search_rank AFTER UPDATE OF upvotes, github_repo, project_page, rid ON papers
WHEN old.rid IS NOT NULL
BEGIN
    DELETE FROM search_rank WHERE rid = old.rid;
    INSERT INTO search_rank (rid, pk, upvotes, flags)
    VALUES (new.rid, new.pk, new.upvotes, (new.github_repo <> '') | ((new.project_page <> '') << 1));
END;
