-- Author names lower-cased with diacritics stripped (bot.FoldText), one per
-- line, for the accent- and case-insensitive substring match of author:
-- filters. Filled by the store on every save; rows saved before this
-- migration are filled when the store opens.
ALTER TABLE papers ADD COLUMN authors_fold TEXT NOT NULL DEFAULT '';

-- Search paging state for chat buttons: a short key in the button, the
-- query here, so paging keeps working after a restart. Rows older than a
-- day may be deleted.
CREATE TABLE search_pages (
    key        TEXT PRIMARY KEY,
    query      TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
