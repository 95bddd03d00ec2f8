-- Chat users the bot knows: where their direct messages go (DM channels are
-- looked up with rate-limited calls, so they are cached here), whether
-- their alerts are paused and why, and a notice to show them the next time
-- they use a command (for example: "your alerts are paused because you do
-- not accept direct messages").
CREATE TABLE users (
    platform      TEXT NOT NULL,
    team_id       TEXT NOT NULL DEFAULT '',
    user_id       TEXT NOT NULL,
    dm_channel_id TEXT NOT NULL DEFAULT '',
    paused_reason TEXT NOT NULL DEFAULT '',
    notice        TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (platform, team_id, user_id)
) WITHOUT ROWID;
