package bot

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Follow-ups keep posted papers true (issue 17). For every paper posted to
// a channel in the last Followups.Days, paperboy refreshes the paper (at
// most once per Followups.Interval, once however many channels show it)
// and compares what its item message shows with what the paper is now.
// Each change (code released, stars crossing 100/1,000/10,000, a new arXiv
// version, a venue, Hugging Face repos linked) is a row of the follow-up
// delivery log, keyed by (channel, paper, change), claimed before the
// item message is edited (or a reply is posted in its thread) and
// confirmed after, exactly as posting is: never twice, never lost.

// Kinds of follow-up.
const (
	FollowCode     = "code"     // a GitHub repository appeared
	FollowStars    = "stars"    // its stars crossed Value
	FollowVersion  = "version"  // arXiv announced version Value; Detail: the title it replaced
	FollowVenue    = "venue"    // a venue in the comments or journal reference; Detail: the venue
	FollowModels   = "models"   // Hugging Face models linked (Value: how many)
	FollowDatasets = "datasets" // Hugging Face datasets linked
	FollowSpaces   = "spaces"   // Hugging Face Spaces linked
)

// StarThresholds are the star counts whose crossing is a follow-up.
var StarThresholds = []int{100, 1000, 10000}

// On-update modes of a channel (the on_update setting).
const (
	OnUpdateEdit  = "edit"  // edit the item message (the default)
	OnUpdateReply = "reply" // post one short reply in the thread
	OnUpdateOff   = "off"   // no follow-ups
)

// ParseOnUpdate reads an on_update value ("" is the default, edit).
func ParseOnUpdate(s string) (string, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "", OnUpdateEdit:
		return OnUpdateEdit, nil
	case OnUpdateReply, OnUpdateOff:
		return v, nil
	}
	return "", Errorf(EInvalid, "on_update: %q is not edit, reply or off", Truncate(CleanText(s), 20))
}

// Linked counts what Hugging Face links to a paper.
type Linked struct {
	Models, Datasets, Spaces int
}

// Shown is what an item message shows of the facts follow-ups follow (or
// what a paper is now, ShownOf).
type Shown struct {
	GitHubRepo string
	Stars      int
	Version    int
	Title      string
	Comment    string // arXiv comments
	JournalRef string
	Linked
}

// ShownOf is what a message showing p as it is now would show.
func ShownOf(p Paper, l Linked) Shown {
	return Shown{GitHubRepo: p.GitHubRepo, Stars: p.GitHubStars, Version: p.Version, Title: p.Title,
		Comment: p.ArxivComment, JournalRef: p.JournalRef, Linked: l}
}

// Venue is the venue the comments or the journal reference name, or "".
func (s Shown) Venue() string { return DetectVenue(s.Comment, s.JournalRef) }

// Change is one follow-up: what changed about a posted paper.
type Change struct {
	Kind   string
	Value  int    // FollowStars: the threshold; FollowVersion: the version; repos: the count
	Detail string // FollowVenue: the venue; FollowVersion: the replaced title, if it changed
}

// Suffix is the change's part of its delivery-log key: one row per kind,
// per star threshold and per version.
func (c Change) Suffix() string {
	switch c.Kind {
	case FollowStars, FollowVersion:
		return c.Kind + ":" + strconv.Itoa(c.Value)
	}
	return c.Kind
}

// FollowupKey is the delivery-log key of a change of a paper posted to a
// channel.
func FollowupKey(ch ChannelRef, paperID string, c Change) string {
	return "u:" + ch.String() + ":" + paperID + ":" + c.Suffix()
}

// Detect returns the changes between what a message shows and what the
// paper is now, in display order. Stars count only for a message that
// already showed the code (a release shows its stars with it); a version
// counts from v2; a venue, models, datasets and Spaces when the message
// showed none.
func Detect(shown, now Shown) []Change {
	var out []Change
	if shown.GitHubRepo == "" && now.GitHubRepo != "" {
		out = append(out, Change{Kind: FollowCode})
	}
	if shown.GitHubRepo != "" && now.GitHubRepo != "" {
		for _, t := range StarThresholds {
			if shown.Stars < t && now.Stars >= t {
				out = append(out, Change{Kind: FollowStars, Value: t})
			}
		}
	}
	if now.Version >= 2 && now.Version > shown.Version {
		c := Change{Kind: FollowVersion, Value: now.Version}
		if old := CleanText(shown.Title); old != "" && old != CleanText(now.Title) {
			c.Detail = old
		}
		out = append(out, c)
	}
	if v := now.Venue(); v != "" && shown.Venue() == "" {
		out = append(out, Change{Kind: FollowVenue, Detail: v})
	}
	for _, r := range []struct {
		kind      string
		was, more int
	}{{FollowModels, shown.Models, now.Models}, {FollowDatasets, shown.Datasets, now.Datasets}, {FollowSpaces, shown.Spaces, now.Spaces}} {
		if r.was == 0 && r.more > 0 {
			out = append(out, Change{Kind: r.kind, Value: r.more})
		}
	}
	return out
}

// maxVenue bounds a venue as shown (it comes from the authors' comments).
const maxVenue = 80

var (
	// venueClause splits comments into clauses ("12 pages; accepted at
	// NeurIPS 2026. Code: …").
	venueClause = regexp.MustCompile(`[;|]|\.\s|\.$|\n`)
	// notYet marks a clause about a venue that has not accepted the paper.
	notYet = regexp.MustCompile(`(?i)\b(under review|in review|submitted|submission|rejected|withdrawn|preprint|reviewing)\b`)
	// acceptedAt is an acceptance in words: "Accepted at NeurIPS 2026",
	// "to appear in TPAMI", "published in Nature".
	acceptedAt = regexp.MustCompile(`(?i)\b(accepted|to appear|appearing|published|presented|camera[- ]ready|oral|spotlight)\b.{0,12}?\b(at|in|to|by|for|as)\b\s+\S`)
	// venueName is a well-known venue with a year: "CVPR 2026", "ICLR'26".
	venueName = regexp.MustCompile(`\b(?:Findings of (?:the )?)?(NeurIPS|NIPS|ICML|ICLR|CVPR|ICCV|ECCV|WACV|BMVC|3DV|ACL|EMNLP|NAACL|EACL|AACL|COLING|COLM|LREC|AAAI|IJCAI|AISTATS|UAI|KDD|WWW|SIGIR|WSDM|RecSys|CIKM|CoRL|RSS|ICRA|IROS|Interspeech|INTERSPEECH|ICASSP|MICCAI|SIGGRAPH(?: Asia)?|CHI|UIST|TPAMI|JMLR|TMLR|IJCV|TACL)(?:\s*(?:'|’)\s*\d{2}\b|\s+(?:19|20)\d{2}\b)`)
)

// DetectVenue returns the venue that the arXiv comments or journal
// reference say the paper is accepted at or published in, or "": a
// journal reference as it is; in the comments, a clause saying the paper
// was accepted, appears or was published at a venue ("Accepted at NeurIPS
// 2026 (spotlight)"), or a well-known venue with its year ("CVPR 2026"),
// but never one under review or submitted to. At most 80 characters.
func DetectVenue(comment, journalRef string) string {
	if j := CleanText(journalRef); j != "" {
		return Truncate(j, maxVenue)
	}
	for _, clause := range venueClause.Split(CleanText(comment), -1) {
		clause = strings.TrimSpace(clause)
		if clause == "" || notYet.MatchString(clause) {
			continue
		}
		if loc := acceptedAt.FindStringIndex(clause); loc != nil {
			v := strings.TrimRight(strings.TrimSpace(clause[loc[0]:]), ",:")
			return Truncate(strings.ToUpper(v[:1])+v[1:], maxVenue)
		}
		if m := venueName.FindString(clause); m != "" {
			return Truncate(m, maxVenue)
		}
	}
	return ""
}

// FollowupState is where a follow-up row is in its life.
type FollowupState string

// Follow-up states.
const (
	FollowPlanned FollowupState = "planned" // detected, never attempted
	FollowSending FollowupState = "sending" // claimed: an edit or reply started and was not confirmed
	FollowSent    FollowupState = "sent"    // confirmed
	FollowGone    FollowupState = "gone"    // the item message was deleted: never retried
	FollowFailed  FollowupState = "failed"  // failed for good (after maxFollowupAttempts)
)

// Followup is one row of the follow-up delivery log.
type Followup struct {
	ID      int64
	Key     string
	ItemID  int64
	Channel ChannelRef
	PaperID string
	Change
	State FollowupState
	// Mode is how it went out (or is going out): edit or reply; "" before
	// its first claim.
	Mode string
	// Batch is the key of the edit or reply it went out in: the key of
	// the first row of that batch.
	Batch    string
	Attempts int
	Error    string
	Sent     Sent // a reply's ids
	Created  time.Time
	Done     time.Time // when it was confirmed (or found gone, or failed)
}

// FollowItem is a posted item message and what follow-ups know of it.
type FollowItem struct {
	ItemID   int64
	ItemKey  string
	Channel  ChannelRef
	ListDate Date
	Rank     int
	Posted   Sent // the item message and its thread
	SentAt   time.Time
	Shown    Shown // what the message shows
	Paper    Paper // the paper now
	Linked   Linked
	Gone     bool // the message was deleted
	// Seq is the paper's last change (a sequence number) when it was read:
	// PlanFollowups records it, and the item is compared again only after a
	// later change.
	Seq int64
}

// Now is what a message showing the paper now would show.
func (it FollowItem) Now() Shown { return ShownOf(it.Paper, it.Linked) }

// PaperRefresher fetches a paper's current facts from a source (Hugging
// Face's /api/papers/{id}: one request per paper).
type PaperRefresher interface {
	// Refresh returns the paper as the source describes it now and what
	// it links to, or an error wrapping ErrNotFound when the source has no
	// page for it.
	Refresh(ctx context.Context, id string) (Paper, Linked, error)
}

// ErrMessageGone is what an Editor returns when the item message was
// deleted (Discord 10008 Unknown Message; Slack message_not_found,
// cant_update_message): the follow-up is recorded and never retried.
var ErrMessageGone = errors.New("the message was deleted")

// FollowupMessage is one follow-up going out: the edit of an item
// message, or a reply in its thread.
type FollowupMessage struct {
	// Key is the batch's key: a reply carries it (Find looks for it).
	Key     string
	Channel Channel
	// Digest is the item's thread as planned (its header's facts), with
	// every paper as it is now; Item is the item, in it.
	Digest *Digest
	Item   *Item
	// ItemKey is the item's delivery-log key (its card keeps its
	// reference).
	ItemKey string
	// Posted is where the item message is: its id and thread.
	Posted Sent
	// Notes are the follow-ups the message shows, newest first (for an
	// edit every one confirmed and those of this batch; for a reply those
	// of this batch).
	Notes []Followup
	// At is when it goes out (the dates of Notes are shown in the
	// channel's zone).
	At time.Time
}

// Editor is what a platform that can keep its posts true does: edit an
// item message and post a reply in its thread. The console cannot (its
// channels get no follow-ups).
type Editor interface {
	// EditItem replaces the item message with the item as it is now and
	// its update line. Repeating it is harmless: the same input gives the
	// same message. It returns an error wrapping ErrMessageGone when the
	// message was deleted, a *StopError when paperboy lacks a permission.
	EditItem(ctx context.Context, m *FollowupMessage) error
	// ReplyItem posts a short reply about m.Notes in the item's thread,
	// carrying m.Key; errors as EditItem's.
	ReplyItem(ctx context.Context, m *FollowupMessage) (Sent, error)
	// FindReply looks for a reply carrying m.Key that an earlier,
	// unconfirmed attempt posted.
	FindReply(ctx context.Context, m *FollowupMessage) (Sent, bool, error)
}

// Describe says what a follow-up is, in a few words: "code released",
// "100 stars", "v2 with a new title", "NeurIPS 2026", "3 models on Hugging
// Face". The venue and the replaced title are not included (see
// NoteLine).
func (f Followup) Describe() string {
	switch f.Kind {
	case FollowCode:
		return "code released"
	case FollowStars:
		return groupThousands(f.Value) + " stars on GitHub"
	case FollowVersion:
		if f.Detail != "" {
			return "v" + strconv.Itoa(f.Value) + " with a new title"
		}
		return "v" + strconv.Itoa(f.Value) + " on arXiv"
	case FollowVenue:
		return "venue"
	case FollowModels:
		return Count(f.Value, "model") + " on Hugging Face"
	case FollowDatasets:
		return Count(f.Value, "dataset") + " on Hugging Face"
	case FollowSpaces:
		return Count(f.Value, "Space") + " on Hugging Face"
	}
	return f.Kind
}

// groupThousands writes 10000 as "10,000".
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// maxOldTitle bounds the replaced title in an update line.
const maxOldTitle = 100

// NoteLine is the update line of a message: "Updated 5 Dec: 1,000 stars
// on GitHub; 3 Dec: code released, Accepted at NeurIPS 2026", the newest
// day first, dates in loc. The venue and the replaced title come from
// outside: they are spans of their own, which adapters escape like all
// text. Empty when there are no notes.
func NoteLine(notes []Followup, loc *time.Location) Line {
	if len(notes) == 0 {
		return nil
	}
	sorted := append([]Followup(nil), notes...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Created.After(sorted[j].Created) })
	line := Line{Bold("Updated")}
	day := ""
	for _, n := range sorted {
		d := n.Created.In(loc).Format("2 Jan")
		switch {
		case day == "":
			line = append(line, Text(" %s: ", d))
		case d != day:
			line = append(line, Text("; %s: ", d))
		default:
			line = append(line, Text(", "))
		}
		day = d
		switch {
		case n.Kind == FollowVenue:
			line = append(line, Text("%s", Truncate(n.Detail, maxVenue)))
		case n.Kind == FollowVersion && n.Detail != "":
			line = append(line, Text("%s (was “%s”)", n.Describe(), Truncate(n.Detail, maxOldTitle)))
		default:
			line = append(line, Text("%s", n.Describe()))
		}
	}
	return line
}

// PlainNote is NoteLine as plain text (logs, fallback text).
func PlainNote(notes []Followup, loc *time.Location) string {
	var b strings.Builder
	for _, sp := range NoteLine(notes, loc) {
		b.WriteString(sp.Text)
	}
	return b.String()
}
