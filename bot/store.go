package bot

import (
	"context"
	"time"
)

// SaveResult says what saving papers changed.
type SaveResult struct {
	New     int      // papers the store had not seen
	Updated int      // papers seen before (counters and summaries refreshed)
	NewIDs  []string // ids of the new papers
	// Skipped are the papers the store did not save, each with its
	// reason (a paper without a usable arXiv id: sources skip those
	// already, the store checks again), named "paper N" by their 0-based
	// position in what was saved. The others are saved all the same.
	Skipped []Skip
}

// ListInfo is what the store knows about fetching a daily list.
type ListInfo struct {
	Date      Date
	FetchedAt time.Time // last successful fetch
	Papers    int       // papers in the last fetch
	Skipped   []Skip    // elements of the last fetch that were not stored
}

// PaperStore keeps papers and the daily lists they were on.
type PaperStore interface {
	// SavePapers upserts papers: a paper seen before has its upvotes,
	// comments, stars, summary and other live fields refreshed and is never
	// duplicated. Each paper is recorded as being on the list of its
	// ListDate. Papers are saved cleaned (CleanPaper). One paper's problem
	// never fails the others (see SaveResult.Skipped); an error is a
	// failure of the database, and then nothing is saved.
	SavePapers(ctx context.Context, papers []Paper, now time.Time) (SaveResult, error)
	// SaveList saves a freshly fetched daily list (possibly empty) like
	// SavePapers and records that the list was fetched.
	SaveList(ctx context.Context, day Date, papers []Paper, now time.Time) (SaveResult, error)
	// ListPapers returns the papers on the daily list of day, best first.
	// An unknown day gives an empty list.
	ListPapers(ctx context.Context, day Date) ([]Paper, error)
	// ListInfo returns what is known about fetching day's list, or
	// ErrNotFound if it was never fetched.
	ListInfo(ctx context.Context, day Date) (ListInfo, error)
	// RecordSkipped records the elements of day's last fetch that were not
	// stored (none: the fetch skipped nothing), after SaveList or
	// SaveLiveList saved the rest. It reports whether they differ from
	// those of the fetch before.
	RecordSkipped(ctx context.Context, day Date, skipped []Skip) (changed bool, err error)
	// LastFetch returns the list fetched most recently, or ErrNotFound.
	LastFetch(ctx context.Context) (ListInfo, error)
	// GetPaper returns one paper by its bare arXiv id, or ErrNotFound.
	GetPaper(ctx context.Context, id string) (Paper, error)
}

// ChannelStore keeps channel settings.
type ChannelStore interface {
	// Channels returns every channel, ordered by platform and id.
	Channels(ctx context.Context) ([]Channel, error)
	// GetChannel returns one channel or ErrNotFound.
	GetChannel(ctx context.Context, ref ChannelRef) (Channel, error)
	// SaveChannel creates or replaces a channel's settings and origins.
	SaveChannel(ctx context.Context, ch Channel, now time.Time) error
	// DeleteChannel removes a channel's settings (its delivery log stays,
	// so papers already posted there are never posted again).
	DeleteChannel(ctx context.Context, ref ChannelRef) error
	// StopChannel records why posting to the channel stopped; an empty
	// reason resumes it.
	StopChannel(ctx context.Context, ref ChannelRef, reason string, now time.Time) error
}

// Outcome is how a channel's run ended.
type Outcome string

// Run outcomes.
const (
	OutcomePosted  Outcome = "posted"  // a digest was posted (or completed)
	OutcomeEmpty   Outcome = "empty"   // nothing to post; Reason says why
	OutcomeWaiting Outcome = "waiting" // no list yet or an error: retried later
	OutcomeSkipped Outcome = "skipped" // a missed run, skipped (catch_up off)
	OutcomeStopped Outcome = "stopped" // the channel is stopped
)

// Run is the record of one attempt at a channel's digest.
type Run struct {
	Channel  ChannelRef
	Slot     time.Time // the scheduled time it was for; zero for a digest run by hand
	At       time.Time
	ListDate Date
	Outcome  Outcome
	Reason   string
	Papers   int
	// RetryAt is when a waiting scheduled run is tried again.
	RetryAt time.Time
}

// RunLog records channel runs for status and catch-up.
type RunLog interface {
	// RecordRun appends a run.
	RecordRun(ctx context.Context, r Run) error
	// LastRun returns the channel's newest run, or ErrNotFound.
	LastRun(ctx context.Context, ch ChannelRef) (Run, error)
	// LastPosted returns the channel's newest run that posted, or
	// ErrNotFound.
	LastPosted(ctx context.Context, ch ChannelRef) (Run, error)
	// LastSlot returns the newest scheduled slot of the channel whose run
	// was final (see Outcome.Final), or the zero time.
	LastSlot(ctx context.Context, ch ChannelRef) (time.Time, error)
}

// Store is everything the bot keeps.
type Store interface {
	PaperStore
	ChannelStore
	DeliveryLog
	RunLog
	UserStore
	AlertStore
	Searcher
	PageStore
	AnnouncementStore
	FollowupStore
	WatchStore
	ArxivCheckStore
}
