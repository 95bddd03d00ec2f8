-- Follow-ups (issue 17): what changed about a posted paper (code released,
-- stars, a new version, a venue, Hugging Face repos linked) is edited into
-- its item message, or replied in its thread, once.
--
-- How a channel takes follow-ups: edit (the default), reply or off.
ALTER TABLE channels ADD COLUMN on_update TEXT NOT NULL DEFAULT 'edit'
	CHECK (on_update IN ('edit', 'reply', 'off'));

-- One row per refreshed paper: when the follow-up refresh (Hugging Face's
-- /api/papers/{id}) last ran and when it is due again, and the counts of
-- the Hugging Face models, datasets and Spaces linked to the paper.
-- A paper posted in many channels has one row: it is refreshed once.
CREATE TABLE paper_refresh (
	paper_id     TEXT    PRIMARY KEY REFERENCES papers (id),
	refreshed_at TEXT    NOT NULL,  -- last attempt
	next_at      TEXT    NOT NULL,  -- due again from then
	failures     INTEGER NOT NULL DEFAULT 0, -- failed attempts in a row
	error        TEXT    NOT NULL DEFAULT '',
	models       INTEGER NOT NULL DEFAULT 0,
	datasets     INTEGER NOT NULL DEFAULT 0,
	spaces       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- What each posted item message shows of the facts follow-ups follow: the
-- paper as it was when the item was confirmed (the trigger below), then as
-- each planned follow-up makes it show. Changes are detected against it.
-- checked_seq: the paper's change (paper_changes.seq) it was last compared
-- with; gone_at: the message was deleted (nothing is detected for it any
-- more).
CREATE TABLE followup_shown (
	item_id       INTEGER PRIMARY KEY REFERENCES deliveries (id),
	github_repo   TEXT    NOT NULL,
	github_stars  INTEGER NOT NULL,
	version       INTEGER NOT NULL,
	title         TEXT    NOT NULL,
	arxiv_comment TEXT    NOT NULL,
	journal_ref   TEXT    NOT NULL,
	models        INTEGER NOT NULL,
	datasets      INTEGER NOT NULL,
	spaces        INTEGER NOT NULL,
	shown_at      TEXT    NOT NULL,
	checked_seq   INTEGER NOT NULL DEFAULT 0,
	gone_at       TEXT    NOT NULL DEFAULT ''
);

-- An item's baseline is written in the same statement that confirms it,
-- so what the message shows is never missed, whatever process sent it.
CREATE TRIGGER followup_shown_on_sent AFTER UPDATE OF state ON deliveries
WHEN new.kind = 'item' AND new.state = 'sent' AND old.state <> 'sent'
BEGIN
	INSERT INTO followup_shown (item_id, github_repo, github_stars, version, title, arxiv_comment, journal_ref,
		models, datasets, spaces, shown_at)
	SELECT new.id, p.github_repo, p.github_stars, p.version, p.title, p.arxiv_comment, p.journal_ref,
		coalesce(r.models, 0), coalesce(r.datasets, 0), coalesce(r.spaces, 0), coalesce(new.sent_at, '')
	FROM papers p LEFT JOIN paper_refresh r ON r.paper_id = p.id
	WHERE p.id = new.paper_id
	ON CONFLICT (item_id) DO NOTHING;
END;

-- The last change of each paper's followed facts, numbered in the order
-- they happened (a sequence, not a clock: the clocks of sources and of the
-- bot need not agree). An item is compared with its paper again only when
-- the paper's seq is past the item's checked_seq.
CREATE TABLE paper_changes (
	paper_id TEXT    PRIMARY KEY,
	seq      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX paper_changes_seq ON paper_changes (seq);

CREATE TRIGGER paper_changes_on_update AFTER UPDATE OF github_repo, github_stars, version, title, arxiv_comment, journal_ref ON papers
WHEN old.github_repo IS NOT new.github_repo OR old.github_stars IS NOT new.github_stars OR old.version IS NOT new.version
  OR old.title IS NOT new.title OR old.arxiv_comment IS NOT new.arxiv_comment OR old.journal_ref IS NOT new.journal_ref
BEGIN
	INSERT INTO paper_changes (paper_id, seq) VALUES (new.id, (SELECT coalesce(max(seq), 0) + 1 FROM paper_changes))
	ON CONFLICT (paper_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER paper_changes_on_linked AFTER INSERT ON paper_refresh
WHEN new.models > 0 OR new.datasets > 0 OR new.spaces > 0
BEGIN
	INSERT INTO paper_changes (paper_id, seq) VALUES (new.paper_id, (SELECT coalesce(max(seq), 0) + 1 FROM paper_changes))
	ON CONFLICT (paper_id) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER paper_changes_on_relinked AFTER UPDATE OF models, datasets, spaces ON paper_refresh
WHEN old.models IS NOT new.models OR old.datasets IS NOT new.datasets OR old.spaces IS NOT new.spaces
BEGIN
	INSERT INTO paper_changes (paper_id, seq) VALUES (new.paper_id, (SELECT coalesce(max(seq), 0) + 1 FROM paper_changes))
	ON CONFLICT (paper_id) DO UPDATE SET seq = excluded.seq;
END;

-- Items posted before this migration: their paper as it is now.
INSERT INTO followup_shown (item_id, github_repo, github_stars, version, title, arxiv_comment, journal_ref,
	models, datasets, spaces, shown_at)
SELECT d.id, p.github_repo, p.github_stars, p.version, p.title, p.arxiv_comment, p.journal_ref, 0, 0, 0,
	coalesce(d.sent_at, '')
FROM deliveries d JOIN papers p ON p.id = d.paper_id
WHERE d.kind = 'item' AND d.state = 'sent';

-- The delivery log of follow-ups, beside the digests' (whose kind CHECK
-- allows only headers and items): one row per change (kind) per paper per
-- channel, keyed by key, claimed before the edit or reply and confirmed
-- after it, as posting is. batch is the key of the first row of the edit
-- or reply a row went out in (what a reply carries, so that it can be
-- found after a crash); mode is how it went out. message_id/thread_id: a
-- reply's. A row is gone when its message was deleted (never retried),
-- failed when it failed for good.
CREATE TABLE followup_deliveries (
	id         INTEGER PRIMARY KEY,
	key        TEXT    NOT NULL UNIQUE,
	item_id    INTEGER NOT NULL REFERENCES deliveries (id),
	platform   TEXT    NOT NULL,
	target     TEXT    NOT NULL,
	paper_id   TEXT    NOT NULL REFERENCES papers (id),
	kind       TEXT    NOT NULL CHECK (kind IN ('code', 'stars', 'version', 'venue', 'models', 'datasets', 'spaces')),
	value      INTEGER NOT NULL DEFAULT 0,  -- stars: the threshold; version: its number; repos: the count
	detail     TEXT    NOT NULL DEFAULT '', -- venue: the venue; version: the title it replaced, if it changed
	state      TEXT    NOT NULL CHECK (state IN ('planned', 'sending', 'sent', 'gone', 'failed')),
	mode       TEXT    NOT NULL DEFAULT '' CHECK (mode IN ('', 'edit', 'reply')),
	batch      TEXT    NOT NULL DEFAULT '',
	attempts   INTEGER NOT NULL DEFAULT 0,
	message_id TEXT    NOT NULL DEFAULT '',
	thread_id  TEXT    NOT NULL DEFAULT '',
	error      TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL,
	claimed_at TEXT,
	next_at    TEXT    NOT NULL DEFAULT '',
	done_at    TEXT
);
CREATE INDEX followup_deliveries_item ON followup_deliveries (item_id, id);
CREATE INDEX followup_deliveries_open ON followup_deliveries (next_at) WHERE state IN ('planned', 'sending');
CREATE INDEX followup_deliveries_channel ON followup_deliveries (platform, target, created_at);

-- Each change of a paper, once whatever the channels that show it, in the
-- order detected: what a watcher of the paper is to be told (the "watch
-- this paper" button of issue 17 reads these by id, as alerts read their
-- queue). suffix is the change's part of the follow-up keys.
CREATE TABLE paper_followups (
	id          INTEGER PRIMARY KEY,
	paper_id    TEXT    NOT NULL REFERENCES papers (id),
	suffix      TEXT    NOT NULL,
	kind        TEXT    NOT NULL,
	value       INTEGER NOT NULL DEFAULT 0,
	detail      TEXT    NOT NULL DEFAULT '',
	detected_at TEXT    NOT NULL,
	UNIQUE (paper_id, suffix)
);

-- Channels whose follow-ups stopped because paperboy lacks a permission
-- there: shown by status, not retried until an admin runs
-- /papers-admin channel set again.
CREATE TABLE followup_stops (
	platform TEXT NOT NULL,
	target   TEXT NOT NULL,
	reason   TEXT NOT NULL,
	since    TEXT NOT NULL,
	PRIMARY KEY (platform, target)
) WITHOUT ROWID;

CREATE INDEX deliveries_sent_items ON deliveries (sent_at) WHERE kind = 'item' AND state = 'sent';
