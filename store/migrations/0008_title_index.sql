-- Exact-title lookup (issue 13: a pasted title finds its paper). A search
-- first looks its whole cleaned text up as a title (bot.Query.Title; the
-- store keeps titles cleaned), so a pasted title puts its paper first even
-- when full-text search cannot find it: a title without letters or digits,
-- or one whose upper-case NOT or leading "-" reads as an exclusion of its
-- own words. See titled in store/rank.go.
CREATE INDEX papers_title ON papers (title);
