-- Papers, keyed by their bare arXiv id. Authors and keywords are stored one
-- per line (names and keywords are whitespace-collapsed, so they never hold
-- a newline), which is also how the full-text index reads them.
CREATE TABLE papers (
    pk            INTEGER PRIMARY KEY,
    id            TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    abstract      TEXT    NOT NULL DEFAULT '',
    authors       TEXT    NOT NULL DEFAULT '',
    published_at  TEXT    NOT NULL DEFAULT '',  -- arXiv v1 time, UTC
    list_date     TEXT    NOT NULL DEFAULT '',  -- first daily list it was on
    upvotes       INTEGER NOT NULL DEFAULT 0,
    comments      INTEGER NOT NULL DEFAULT 0,
    github_repo   TEXT    NOT NULL DEFAULT '',
    github_stars  INTEGER NOT NULL DEFAULT 0,
    project_page  TEXT    NOT NULL DEFAULT '',
    thumbnail     TEXT    NOT NULL DEFAULT '',
    ai_summary    TEXT    NOT NULL DEFAULT '',
    ai_keywords   TEXT    NOT NULL DEFAULT '',
    org_name      TEXT    NOT NULL DEFAULT '',
    org_fullname  TEXT    NOT NULL DEFAULT '',
    first_seen_at TEXT    NOT NULL,
    fetched_at    TEXT    NOT NULL
);
CREATE INDEX papers_list_date ON papers (list_date);

-- Which papers each daily list holds (a paper can be on two lists).
CREATE TABLE list_papers (
    list_date TEXT    NOT NULL,
    paper_id  TEXT    NOT NULL REFERENCES papers (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (list_date, paper_id)
) WITHOUT ROWID;
CREATE INDEX list_papers_paper ON list_papers (paper_id);

-- Daily lists fetched from a source (an empty list is recorded too).
CREATE TABLE lists (
    list_date  TEXT    PRIMARY KEY,
    fetched_at TEXT    NOT NULL,
    papers     INTEGER NOT NULL
) WITHOUT ROWID;

-- Full-text index over the papers. External content: the text lives once,
-- in papers. New rows are indexed by the store in one INSERT ... SELECT per
-- transaction (store/paper.go, indexNew), not by a per-row trigger: FTS5
-- flushes its pending terms at the end of every statement that writes to
-- it, and a per-row trigger makes ingest twice as slow. Deletes and text
-- changes are rare and handled by the triggers below.
CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, ai_summary, ai_keywords, abstract, authors,
    content = 'papers', content_rowid = 'pk',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, ai_summary, ai_keywords, abstract, authors)
    VALUES ('delete', old.pk, old.title, old.ai_summary, old.ai_keywords, old.abstract, old.authors);
END;

-- Re-index only when indexed text changes, not on every upvote refresh.
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, ai_summary, ai_keywords, abstract, authors ON papers
WHEN old.title IS NOT new.title OR old.ai_summary IS NOT new.ai_summary OR old.ai_keywords IS NOT new.ai_keywords
  OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors
BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, ai_summary, ai_keywords, abstract, authors)
    VALUES ('delete', old.pk, old.title, old.ai_summary, old.ai_keywords, old.abstract, old.authors);
    INSERT INTO papers_fts (rowid, title, ai_summary, ai_keywords, abstract, authors)
    VALUES (new.pk, new.title, new.ai_summary, new.ai_keywords, new.abstract, new.authors);
END;

-- Channels and their settings. origins is a JSON object: setting -> where
-- its value came from (default, config, chat).
CREATE TABLE channels (
    platform    TEXT    NOT NULL,
    channel_id  TEXT    NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    time_of_day INTEGER NOT NULL CHECK (time_of_day BETWEEN 0 AND 1439),
    zone        TEXT    NOT NULL,
    weekdays    INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    max_papers  INTEGER NOT NULL CHECK (max_papers >= 1),
    min_upvotes INTEGER NOT NULL CHECK (min_upvotes >= 0),
    filter      TEXT    NOT NULL DEFAULT '',
    origins     TEXT    NOT NULL DEFAULT '{}',
    from_config INTEGER NOT NULL DEFAULT 0,
    stopped     TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (platform, channel_id)
) WITHOUT ROWID;

-- The delivery log: every message the bot intends to send. The unique
-- indexes are what make "never twice" true: one header per channel and list
-- date, one item per channel and paper, ever.
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL CHECK (kind IN ('header', 'item')),
    platform   TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    list_date  TEXT    NOT NULL,
    paper_id   TEXT    REFERENCES papers (id),
    rank       INTEGER NOT NULL DEFAULT 0,
    header_id  INTEGER REFERENCES deliveries (id),
    state      TEXT    NOT NULL CHECK (state IN ('planned', 'sending', 'sent')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    message_id TEXT    NOT NULL DEFAULT '',
    thread_id  TEXT    NOT NULL DEFAULT '',
    error      TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    claimed_at TEXT,
    sent_at    TEXT,
    CHECK ((kind = 'item') = (paper_id IS NOT NULL)),
    CHECK ((kind = 'item') = (header_id IS NOT NULL))
);
CREATE UNIQUE INDEX deliveries_header ON deliveries (platform, target, list_date) WHERE kind = 'header';
CREATE UNIQUE INDEX deliveries_item ON deliveries (platform, target, paper_id) WHERE kind = 'item';
CREATE INDEX deliveries_by_header ON deliveries (header_id, rank);
CREATE INDEX deliveries_open ON deliveries (platform, target) WHERE state <> 'sent';

-- Runs of each channel's digest: what happened and why (status, catch-up).
CREATE TABLE runs (
    id         INTEGER PRIMARY KEY,
    platform   TEXT    NOT NULL,
    channel_id TEXT    NOT NULL,
    slot_at    TEXT,
    ran_at     TEXT    NOT NULL,
    list_date  TEXT    NOT NULL DEFAULT '',
    outcome    TEXT    NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    papers     INTEGER NOT NULL DEFAULT 0,
    retry_at   TEXT
);
CREATE INDEX runs_channel ON runs (platform, channel_id, id);

-- Topic subscriptions (schema only; the alerts issue fills it in).
CREATE TABLE subscriptions (
    id            INTEGER PRIMARY KEY,
    platform      TEXT    NOT NULL,
    team_id       TEXT    NOT NULL DEFAULT '',
    user_id       TEXT    NOT NULL,
    query         TEXT    NOT NULL CHECK (length(query) <= 500),
    label         TEXT    NOT NULL DEFAULT '',
    paused        INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (platform, team_id, user_id);
