-- Document frequencies of the full-text index's terms: how many papers
-- have each term (in any column), which BM25's idf needs. FTS5 counts
-- them by reading the term's whole list of papers in every search (tens
-- of milliseconds for a common word at a million papers); the store keeps
-- them instead, up to date in the transaction that changes the index
-- (store/terms.go). The terms are the index's own (bot.Tokenize is
-- FTS5's tokenizer), so docs equals what FTS5 would count.
CREATE TABLE search_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
) WITHOUT ROWID;

-- Filled from the index as it stands (a store upgraded from before
-- migration 0005 has an empty index here; store/index.go adds its papers'
-- terms as it indexes them).
CREATE VIRTUAL TABLE search_terms_vocab USING fts5vocab (papers_fts, row);
INSERT INTO search_terms (term, docs) SELECT term, doc FROM search_terms_vocab;
DROP TABLE search_terms_vocab;
