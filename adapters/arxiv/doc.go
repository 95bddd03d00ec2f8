// Package arxiv reads arXiv (https://arxiv.org): its category taxonomy
// (ParseCategories, Canonical, MatchesCategory), the daily announcement
// feeds (ParseFeed, https://info.arxiv.org/help/rss.html), the export API
// (ParseAtom, https://info.arxiv.org/help/api/user-manual.html) and
// OAI-PMH harvesting pages (ParseListRecords,
// https://info.arxiv.org/help/oa/index.html). Every parser turns arXiv's
// records into bot.Paper values keyed by the bare arXiv id, new-style
// (2411.17700) or old-style (hep-th/9901001), with the text cleaned as
// bot.CleanPaper cleans it (LaTeX is kept as arXiv wrote it).
//
// The parsers read element by element and never fail a whole response for
// one bad record: a record without a usable id, or with an announce type
// the bot does not know, is skipped with a bot.Skip saying which and why.
// They fail for a body that is not the XML they expect, for one that is
// cut off, for an element larger than MaxElementBytes, and for arXiv's own
// error responses, whose message the error quotes.
//
// A Client is the bot's bot.ArxivSource (announce.go): Latest reads the
// announcement feed, Past rebuilds an earlier announcement day from the
// export API by the submission window arXiv announced that day.
package arxiv
