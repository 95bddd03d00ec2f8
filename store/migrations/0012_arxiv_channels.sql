-- arXiv channels (issue 15).
--
-- A channel's sources: '' is the default (the Hugging Face daily lists),
-- otherwise the specs separated by spaces ("huggingface arxiv:cs.RO,cs.LG");
-- cross_lists: also post arXiv's cross-lists into the channel's
-- categories; rank: upvotes ('' too), relevance or newest.
ALTER TABLE channels ADD COLUMN sources     TEXT    NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN cross_lists INTEGER NOT NULL DEFAULT 1;
ALTER TABLE channels ADD COLUMN rank        TEXT    NOT NULL DEFAULT '';

-- What a digest's header said beyond its date and items (JSON; '' for a
-- Hugging Face thread): for an arXiv thread the announcement day, the
-- categories, the day's count and how many the thread leaves out, so a
-- thread finished after a crash reads as it was planned.
ALTER TABLE deliveries ADD COLUMN meta TEXT NOT NULL DEFAULT '';

-- Each fetch of an arXiv announcement feed: a feed is a channel's
-- categories joined with '+' (bot.FeedKey), a day its announcement day
-- (US Eastern). A day with items = 0 is a day arXiv announced nothing
-- (a weekend, a holiday); a day with no row was never fetched.
CREATE TABLE arxiv_feed_days (
	feed       TEXT    NOT NULL,
	day        TEXT    NOT NULL,
	fetched_at TEXT    NOT NULL,
	items      INTEGER NOT NULL,
	PRIMARY KEY (feed, day)
) WITHOUT ROWID;

-- The items of each feed's day in feed order, typed as that feed
-- announced them: a paper new in cs.LG is a cross-list in the feed of
-- cs.RO.
CREATE TABLE arxiv_feed_items (
	feed          TEXT    NOT NULL,
	day           TEXT    NOT NULL,
	paper_id      TEXT    NOT NULL,
	position      INTEGER NOT NULL,
	announce_type TEXT    NOT NULL,
	PRIMARY KEY (feed, day, paper_id)
) WITHOUT ROWID;
