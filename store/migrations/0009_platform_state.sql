-- What the daemon last saw of each platform's connection (paperboy status
-- shows it): one row per platform, replaced on every change of state.
CREATE TABLE platform_state (
	platform   TEXT PRIMARY KEY,
	connected  INTEGER NOT NULL,
	reason     TEXT NOT NULL,
	since      TEXT NOT NULL
);
