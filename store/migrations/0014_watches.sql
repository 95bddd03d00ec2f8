-- "Watch this paper" (issue 17): the papers each user watches. A change of
-- a watched paper (a paper_followups row) reaches its watchers as a direct
-- message through the alert path: one watch_alerts row per watcher and
-- change, written in the transaction that records the change, put into the
-- watcher's next alert batch and sent with it, at most once (the key).
CREATE TABLE watches (
	platform   TEXT NOT NULL,
	team_id    TEXT NOT NULL DEFAULT '',
	user_id    TEXT NOT NULL,
	paper_id   TEXT NOT NULL REFERENCES papers (id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (platform, team_id, user_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX watches_paper ON watches (paper_id);

CREATE TABLE watch_alerts (
	platform    TEXT    NOT NULL,
	team_id     TEXT    NOT NULL DEFAULT '',
	user_id     TEXT    NOT NULL,
	followup_id INTEGER NOT NULL REFERENCES paper_followups (id),
	batch_id    INTEGER REFERENCES alert_batches (id),
	rank        INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT    NOT NULL,
	PRIMARY KEY (platform, team_id, user_id, followup_id)
) WITHOUT ROWID;
CREATE INDEX watch_alerts_batch ON watch_alerts (batch_id) WHERE batch_id IS NOT NULL;
