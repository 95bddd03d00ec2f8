package bot

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Metrics is told what the bot does, for monitoring (the Prometheus
// metrics of `paperboy run`, adapters/metrics). Every method must be safe
// for concurrent use and return at once; none may fail. A Bot without
// Metrics counts nothing.
type Metrics interface {
	// DigestDone: a channel's digest run ended, with one of the
	// DigestPosted, DigestEmpty, DigestWaiting, DigestStopped or
	// DigestFailed outcomes. Dry runs (`/papers today`, `digest
	// --dry-run`) are not digests and are not reported.
	DigestDone(platform, outcome string)
	// ItemSent: one paper of a digest's thread was sent and confirmed.
	ItemSent(platform string)
	// DMSent: one direct message (an alert batch, or a part of one) was
	// sent.
	DMSent(platform string)
	// Fetched: one request for a daily list or an arXiv announcement
	// ended, after took; err is its failure, nil when it answered (an
	// empty list is an answer). source is a SourceLabel. Fetches cut
	// short because paperboy is stopping are not reported.
	Fetched(source string, took time.Duration, err error)
	// Stored: a fetch from source was saved: papers new to the store
	// and papers it already had (refreshed).
	Stored(source string, added, updated int)
	// Skipped: n elements of a fetch from source were not stored (see
	// Skip). A list fetched again reports its skipped elements again.
	Skipped(source string, n int)
	// SearchDone: one chat search read the store, in took (not counting
	// its wait for a turn among the concurrent searches).
	SearchDone(took time.Duration)
	// CommandDone: a slash command was answered after took. command is
	// "papers <sub>" or "papers-admin <sub>" for the known
	// sub-commands (PapersSubs, AdminSubs), "papers page" for a paging
	// button, and "papers unknown" for anything else.
	CommandDone(command string, took time.Duration)
	// AlertsMatched: new papers were matched against every topic
	// subscription, in took.
	AlertsMatched(took time.Duration)
}

// RequestMetrics is told what a platform adapter's retries cost: Discord
// and Slack take it in their Options. Its methods must be safe for
// concurrent use and return at once.
type RequestMetrics interface {
	// Retried: a request to platform failed and is sent again after
	// wait (its backoff, or the Retry-After of a 429).
	Retried(platform string, wait time.Duration)
	// RateLimited: platform answered a request with a rate limit (HTTP
	// 429 or Slack's "ratelimited"), whether or not it is retried.
	RateLimited(platform string)
}

// The outcomes DigestDone reports.
const (
	DigestPosted  = "posted"  // a thread was posted, or a half-posted one completed
	DigestEmpty   = "empty"   // nothing to post (already posted, all below the minimum, no list ready)
	DigestWaiting = "waiting" // the list or feed is not out yet: tried again after the next poll
	DigestStopped = "stopped" // the channel's posting is stopped until someone acts
	DigestFailed  = "failed"  // an error (the platform, the source, the database): retried
)

// DigestOutcomes are the outcomes DigestDone reports.
var DigestOutcomes = []string{DigestPosted, DigestEmpty, DigestWaiting, DigestStopped, DigestFailed}

// Backlog is a count of delivery-log rows not confirmed yet.
type Backlog struct {
	Platform string
	// Kind is "channel" (headers and items of digests) or "dm" (alert
	// batches).
	Kind string
	Rows int
}

// OpsStore is what the operations endpoints of `paperboy run` (metrics
// and readiness) read from the store at each scrape or probe. Every method
// only reads, except that CheckWritable takes the write lock for a moment.
type OpsStore interface {
	// DeliveryBacklog counts the delivery-log rows claimed or planned but
	// not confirmed as sent, per platform and kind; kinds with none are
	// left out.
	DeliveryBacklog(ctx context.Context) ([]Backlog, error)
	// LastPosts returns, for every channel that has a digest posted, when
	// its newest posted digest ran. Channels that never posted are left
	// out.
	LastPosts(ctx context.Context) (map[ChannelRef]time.Time, error)
	// Size returns the bytes the database takes on disk: its file and
	// its write-ahead log.
	Size() (int64, error)
	// CheckWritable returns nil when the database can be written: its
	// files' permissions allow it and the write lock can be taken within
	// ctx. Otherwise it says why in one line.
	CheckWritable(ctx context.Context) error
}

// SourceLabel names a source in metrics by its kind, never by a path:
// "huggingface", "sample", "file" or "arxiv".
func SourceLabel(name string) string {
	switch {
	case strings.HasPrefix(name, "file:"):
		return "file"
	case strings.HasPrefix(name, "arxiv"):
		return "arxiv"
	}
	return name
}

// CommandLabel is the command name CommandDone reports for cmd.
func CommandLabel(cmd Command) string {
	switch {
	case cmd.Name == CmdPapers && (cmd.Sub == "" || slices.Contains(PapersSubs, cmd.Sub)):
		if cmd.Sub == "" {
			return CmdPapers + " help"
		}
		return CmdPapers + " " + cmd.Sub
	case cmd.Name == CmdAdmin && slices.Contains(AdminSubs, cmd.Sub):
		return CmdAdmin + " " + cmd.Sub
	}
	return CmdPapers + " unknown"
}

// noMetrics counts nothing.
type noMetrics struct{}

func (noMetrics) DigestDone(string, string)            {}
func (noMetrics) ItemSent(string)                      {}
func (noMetrics) DMSent(string)                        {}
func (noMetrics) Fetched(string, time.Duration, error) {}
func (noMetrics) Stored(string, int, int)              {}
func (noMetrics) Skipped(string, int)                  {}
func (noMetrics) SearchDone(time.Duration)             {}
func (noMetrics) CommandDone(string, time.Duration)    {}
func (noMetrics) AlertsMatched(time.Duration)          {}
func (noMetrics) Retried(string, time.Duration)        {}
func (noMetrics) RateLimited(string)                   {}

func (b *Bot) metrics() Metrics {
	if b.Metrics == nil {
		return noMetrics{}
	}
	return b.Metrics
}

// NoRequestMetrics returns m, or when m is nil a RequestMetrics that
// counts nothing (for the adapters' Options).
func NoRequestMetrics(m RequestMetrics) RequestMetrics {
	if m == nil {
		return noMetrics{}
	}
	return m
}

// digestOutcome is the outcome DigestDone reports for a run.
func digestOutcome(o Outcome, err error) string {
	switch {
	case err != nil:
		return DigestFailed
	case o == OutcomePosted:
		return DigestPosted
	case o == OutcomeWaiting:
		return DigestWaiting
	case o == OutcomeStopped:
		return DigestStopped
	}
	return DigestEmpty
}

// fetchDay fetches day's list from the Source, reporting the fetch.
func (b *Bot) fetchDay(ctx context.Context, day Date) (DayList, error) {
	start := time.Now()
	l, err := b.Source.Day(ctx, day)
	b.fetched(ctx, b.Source.Name(), start, err)
	return l, err
}

// arxivLatest fetches the feed of cats, reporting the fetch.
func (b *Bot) arxivLatest(ctx context.Context, cats []string) (Announcement, error) {
	start := time.Now()
	a, err := b.Arxiv.Latest(ctx, cats)
	b.fetched(ctx, "arxiv", start, err)
	return a, err
}

// arxivPast fetches an earlier announcement day of cats, reporting the
// fetch.
func (b *Bot) arxivPast(ctx context.Context, cats []string, day Date) (Announcement, error) {
	start := time.Now()
	a, err := b.Arxiv.Past(ctx, cats, day)
	b.fetched(ctx, "arxiv", start, err)
	return a, err
}

func (b *Bot) fetched(ctx context.Context, source string, start time.Time, err error) {
	if err != nil && ctx.Err() != nil {
		return // stopping: not the source's failure
	}
	b.metrics().Fetched(SourceLabel(source), time.Since(start), err)
}

// saved reports a saved fetch.
func (b *Bot) saved(source string, res SaveResult, skipped int) {
	m := b.metrics()
	m.Stored(SourceLabel(source), res.New, res.Updated)
	if skipped > 0 {
		m.Skipped(SourceLabel(source), skipped)
	}
}
