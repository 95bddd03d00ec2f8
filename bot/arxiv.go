package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// arXiv as a source of a channel: its daily announcements per category.
//
// A channel's sources are "huggingface" (the daily lists of the process's
// list source: Hugging Face, or the sample or a file in tests) and
// "arxiv:CATS" (the announcements of arXiv categories or whole archives).
// A channel with several sources gets one thread a day holding the best of
// all of them (see Bot.Digest); a paper is posted to a channel once,
// whichever source brought it.

// Announce types, as arXiv's feeds write them.
const (
	AnnounceNew          = "new"           // first announced in one of the feed's categories
	AnnounceCross        = "cross"         // a cross-list from another category
	AnnounceReplace      = "replace"       // a new version of an earlier paper
	AnnounceReplaceCross = "replace-cross" // a new version of an earlier cross-list
)

// IsNewAnnouncement reports whether an announce type announces a paper for
// the first time (new or cross) rather than a new version of one.
func IsNewAnnouncement(t string) bool { return t == AnnounceNew || t == AnnounceCross }

// Announced is one paper of an arXiv announcement day with how it was
// announced (AnnounceNew, AnnounceCross, AnnounceReplace,
// AnnounceReplaceCross).
type Announced struct {
	Paper Paper
	Type  string
}

// Announcement is one announcement day of some arXiv categories, as a
// source returned it.
type Announcement struct {
	// Day is the announcement day (the US Eastern date of the feed's
	// pubDate). An announcement with no items is a day arXiv announced
	// nothing (a weekend, a holiday).
	Day     Date
	Items   []Announced
	Skipped []Skip
}

// ArxivSource fetches arXiv's announcements.
type ArxivSource interface {
	// Latest fetches the announcement feed of cats (canonical categories
	// or archives): the latest announcement day, which arXiv's feeds are
	// the only live record of. An empty feed is a day with no items.
	Latest(ctx context.Context, cats []string) (Announcement, error)
	// Past fetches an earlier announcement day of cats from the export
	// API: the papers submitted in the window that day announced, typed
	// new (primary category in cats) or cross. Used to fill the days a
	// daemon that was down missed.
	Past(ctx context.Context, cats []string, day Date) (Announcement, error)
}

// AnnouncementStore keeps what arXiv announced, per feed (the channel's
// categories joined with "+", see FeedKey) and day.
type AnnouncementStore interface {
	// SaveAnnouncement saves one fetch of feed's day (possibly empty):
	// papers upserted with arXiv's facts (filling in, never erasing what
	// Hugging Face gave), the feed's items with their types, and that the
	// day was fetched. With queue, papers the store had not seen are
	// queued for alert matching. A replacement of a paper the store does
	// not have is left out (it is old).
	SaveAnnouncement(ctx context.Context, feed string, a Announcement, queue bool, now time.Time) (SaveResult, error)
	// Announcement returns feed's items of day in feed order, with the
	// stored papers, and whether the day was fetched at all.
	Announcement(ctx context.Context, feed string, day Date) (items []Announced, fetched bool, err error)
	// LastAnnouncement returns the newest day fetched for feed, or the
	// zero date.
	LastAnnouncement(ctx context.Context, feed string) (Date, error)
}

// SourceHuggingFace is the source name of the daily lists.
const SourceHuggingFace = "huggingface"

// Sources is what a channel follows: the daily lists, and arXiv
// categories.
type Sources struct {
	Lists bool     // the daily lists ("huggingface")
	Arxiv []string // canonical arXiv categories or archives, in the order given
}

// maxSourceCategories bounds the arXiv categories of one channel (arXiv's
// feed URL joins them; a few dozen is already every archive).
const maxSourceCategories = 40

// DefaultSources is what a channel follows when nothing is set.
var DefaultSources = Sources{Lists: true}

// IsZero reports whether nothing is followed.
func (s Sources) IsZero() bool { return !s.Lists && len(s.Arxiv) == 0 }

// Specs returns the sources as written in config: "huggingface",
// "arxiv:cs.RO,cs.LG".
func (s Sources) Specs() []string {
	var out []string
	if s.Lists {
		out = append(out, SourceHuggingFace)
	}
	if len(s.Arxiv) > 0 {
		out = append(out, "arxiv:"+strings.Join(s.Arxiv, ","))
	}
	return out
}

// String is Specs joined with spaces: "huggingface arxiv:cs.RO".
func (s Sources) String() string { return strings.Join(s.Specs(), " ") }

// FeedKey is the store's name for the feed of cats: the categories in
// order, joined with "+" as in arXiv's feed URLs ("cs.LG+cs.RO"). Two
// channels following the same categories share one feed.
func FeedKey(cats []string) string {
	c := slices.Clone(cats)
	slices.Sort(c)
	return strings.Join(slices.Compact(c), "+")
}

// ParseSources parses source specs: "huggingface" (or "hf") and
// "arxiv:CATS" with CATS comma-separated arXiv categories or archives;
// one spec may hold several, separated by spaces or commas
// ("huggingface,arxiv:cs.RO,cs.LG", as chat gives them: a word after an
// arxiv: spec that is not a source is one more category). canon resolves
// one category or archive to its canonical name, or returns an error
// naming it and the closest valid one. Several arxiv: specs are merged;
// repeats count once.
func ParseSources(specs []string, canon func(string) (string, error)) (Sources, error) {
	var s Sources
	for _, spec := range specs {
		inArxiv := false
		for _, f := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			name, cat, isArxiv := strings.Cut(f, ":")
			switch {
			case strings.EqualFold(f, SourceHuggingFace) || strings.EqualFold(f, "hf"):
				s.Lists, inArxiv = true, false
				continue
			case isArxiv && strings.EqualFold(name, "arxiv"):
				inArxiv = true
				if cat == "" {
					continue
				}
			case inArxiv && !isArxiv:
				cat = f
			default:
				return Sources{}, Errorf(EInvalid, "source %q is not huggingface or arxiv:CATEGORIES (e.g. arxiv:cs.RO,cs.LG)", Truncate(CleanText(f), 60))
			}
			cc, err := canon(cat)
			if err != nil {
				return Sources{}, Errorf(EInvalid, "source: %v", err)
			}
			if !slices.Contains(s.Arxiv, cc) {
				s.Arxiv = append(s.Arxiv, cc)
			}
		}
		if inArxiv && len(s.Arxiv) == 0 {
			return Sources{}, Errorf(EInvalid, "source %s: no categories given (e.g. arxiv:cs.RO,cs.LG)", Truncate(CleanText(spec), 60))
		}
	}
	if s.IsZero() {
		return Sources{}, Errorf(EInvalid, "source: none given (use huggingface or arxiv:CATEGORIES)")
	}
	return s, nil
}

// Rank orders of a channel's selection.
const (
	RankUpvotes   = "upvotes"   // Hugging Face upvotes where known, then relevance, then announcement order
	RankRelevance = "relevance" // filter relevance, then upvotes, then announcement order
	RankNewest    = "newest"    // the newest submissions first
)

// ParseRank checks a rank order ("" is the default, upvotes).
func ParseRank(s string) (string, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "", RankUpvotes:
		return RankUpvotes, nil
	case RankRelevance, RankNewest:
		return v, nil
	}
	return "", Errorf(EInvalid, "rank: %q is not upvotes, relevance or newest", Truncate(CleanText(s), 40))
}

// ArxivListURL is arXiv's page of a category's new papers.
func ArxivListURL(cat string) string { return "https://arxiv.org/list/" + cat + "/new" }

// ArxivPart is what an arXiv channel's digest says about the day's
// announcement: the header's count and the closing "and N more" line.
type ArxivPart struct {
	Day        Date     // the announcement day
	Categories []string // the channel's categories, as it follows them
	Announced  int      // papers announced new (and cross-listed, if the channel takes them) in them that day
	More       int      // of those, the ones the thread does not show
	WithLists  bool     // the channel also follows the daily lists
}

// CategoryLabel is the categories for display: "cs.RO", "cs.RO, cs.LG".
func (a *ArxivPart) CategoryLabel() string { return strings.Join(a.Categories, ", ") }

// MoreText is the thread's closing line, "and 231 more new in cs.LG
// today", or "" when there are none.
func (a *ArxivPart) MoreText() string {
	before, after, ok := a.MoreParts()
	if !ok {
		return ""
	}
	return before + a.CategoryLabel() + after
}

// MoreParts is MoreText around its category list ("and 231 more new in ",
// " today"), for renderers that link each category; ok is false when
// there is no closing line.
func (a *ArxivPart) MoreParts() (before, after string, ok bool) {
	if a == nil || a.More <= 0 {
		return "", "", false
	}
	return fmt.Sprintf("and %d more new in ", a.More), " today", true
}

// noAnnouncementReason is the status line of a day arXiv announced
// nothing: "arXiv announced nothing on Saturday 5 Dec (no announcements on
// weekends and holidays)".
func noAnnouncementReason(day Date) string {
	return fmt.Sprintf("arXiv announced nothing on %s %d %s (no announcements on weekends and holidays)",
		day.Weekday(), day.Day, day.Month.String()[:3])
}
