-- Topic alerts. A user's delivery mode: '' for instant (the default), or
-- 'HH:MM' and an IANA zone for one digest a day.
ALTER TABLE users ADD COLUMN daily_time TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN daily_zone TEXT NOT NULL DEFAULT '';

-- Papers stored by a live fetch of a recent list (a poll, a digest's
-- refresh), waiting to be matched against the subscriptions. Filled in the
-- same transaction that stores the papers, emptied in the one that writes
-- the matches, so a crash in between loses nothing. backfill and ingest
-- never queue anything.
CREATE TABLE alert_queue (
    paper_id  TEXT PRIMARY KEY REFERENCES papers (id),
    queued_at TEXT NOT NULL
) WITHOUT ROWID;

-- One direct message per user per batch (several parts only where a
-- platform limit forces it). Its key goes into the message, so a batch
-- claimed but never confirmed is looked up before it is sent again. At most
-- one batch of a user is open at a time.
CREATE TABLE alert_batches (
    id         INTEGER PRIMARY KEY,
    platform   TEXT    NOT NULL,
    team_id    TEXT    NOT NULL DEFAULT '',
    user_id    TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('planned', 'sending', 'sent')),
    parts_sent INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    message_id TEXT    NOT NULL DEFAULT '',
    channel_id TEXT    NOT NULL DEFAULT '',
    error      TEXT    NOT NULL DEFAULT '',
    retry_at   TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    sent_at    TEXT
);
CREATE UNIQUE INDEX alert_batches_open ON alert_batches (platform, team_id, user_id) WHERE state <> 'sent';

-- The alerts part of the delivery log: a paper reaches a user at most once,
-- whatever topics matched it and however often the bot restarts (the
-- primary key). topics lists the matched subscription ids, comma-separated.
-- batch_id is NULL until the alert is put into a direct message; rank is
-- its place there (upvotes at that moment, frozen so a re-send is the same
-- message).
CREATE TABLE alerts (
    platform   TEXT    NOT NULL,
    team_id    TEXT    NOT NULL DEFAULT '',
    user_id    TEXT    NOT NULL,
    paper_id   TEXT    NOT NULL REFERENCES papers (id),
    topics     TEXT    NOT NULL,
    batch_id   INTEGER REFERENCES alert_batches (id),
    rank       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (platform, team_id, user_id, paper_id)
) WITHOUT ROWID;

-- Users who may have alerts not yet in a batch: one row per user instead
-- of an index over every alert row, so writing a poll's alerts stays cheap.
CREATE TABLE alert_pending (
    platform TEXT NOT NULL,
    team_id  TEXT NOT NULL DEFAULT '',
    user_id  TEXT NOT NULL,
    PRIMARY KEY (platform, team_id, user_id)
) WITHOUT ROWID;
