package bot

import (
	"fmt"
	"slices"
	"strings"
)

// Digest is a platform-neutral daily thread: a header and one item per
// paper. Adapters render it.
type Digest struct {
	ListDate Date
	Items    []Item
	// Arxiv is set for a channel that follows arXiv categories: what the
	// header and the closing line say of the day's announcement.
	Arxiv *ArxivPart
}

// Item is one paper of a digest.
type Item struct {
	Rank  int // 1-based
	Paper Paper
	// Watch puts a Watch button on the item's message (WatchAction): set
	// when the message goes to a channel whose follow-ups are on.
	Watch bool
}

// Title is the thread's name: "Daily Papers · Thu 26 Nov 2026", for a
// channel that follows arXiv "arXiv cs.RO, cs.LG · Tue 8 Dec 2026" (and
// "Daily Papers + arXiv cs.RO · …" when it also follows the daily lists).
func (d *Digest) Title() string {
	if d.Arxiv == nil {
		return "Daily Papers · " + d.ListDate.Long()
	}
	name := "arXiv " + d.Arxiv.CategoryLabel()
	if d.Arxiv.WithLists {
		name = "Daily Papers + " + name
	}
	return name + " · " + d.ListDate.Long()
}

// Header is the header line: "Daily Papers · Thu 26 Nov 2026 · 10
// papers", for arXiv "arXiv cs.LG · Tue 8 Dec 2026 · 10 of 241 new
// papers".
func (d *Digest) Header() string {
	if d.Arxiv == nil {
		return d.Title() + " · " + Count(len(d.Items), "paper")
	}
	if d.Arxiv.WithLists || len(d.Items) > d.Arxiv.Announced {
		// Some of the items may come from the Hugging Face list.
		return d.Title() + " · " + Count(len(d.Items), "paper") + fmt.Sprintf(" (%d new on arXiv)", d.Arxiv.Announced)
	}
	return d.Title() + " · " + fmt.Sprintf("%d of %s", len(d.Items), Count(d.Arxiv.Announced, "new paper"))
}

// Closing is the line the thread ends with, "and 231 more new in cs.LG
// today", or "" (see ArxivPart.MoreText).
func (d *Digest) Closing() string { return d.Arxiv.MoreText() }

// Selection is what choosing a digest's papers found, with the counts that
// explain an empty day.
type Selection struct {
	ListDate      Date
	OnList        int // papers on the list
	AlreadyPosted int // left out: posted to this channel before
	BelowMin      int // left out: under the minimum upvotes
	Filtered      int // left out: did not match the channel's filter
	BestUpvotes   int // highest upvotes among those below the minimum
	Papers        []Paper
}

// FilterFunc reports whether a paper matches a channel's filter. The search
// issue provides one built from the query language.
type FilterFunc func(Paper) bool

// SelectRanked picks the digest's papers from a list: not posted to the
// channel before, at or above the minimum upvotes, matching filter (when
// not nil), the top max in the channel's rank order (Settings.Rank):
//   - upvotes (the default): Hugging Face upvotes, then relevance to the
//     filter, then comments, then the list's order (for an arXiv channel,
//     the announcement's order);
//   - relevance: relevance to the filter first, then as upvotes;
//   - newest: the latest first submission first (then the higher id).
//
// relevance scores a paper against the filter (nil: all equal). The
// minimum upvotes applies to papers Hugging Face knows, not to papers
// only arXiv has described (they have no upvotes to count).
func SelectRanked(list []Paper, posted map[string]bool, s Settings, filter FilterFunc, relevance func(Paper) float64) Selection {
	sel := Selection{OnList: len(list)}
	order := make(map[string]int, len(list))
	for i, p := range list {
		if _, dup := order[p.ID]; dup {
			sel.OnList--
			continue
		}
		order[p.ID] = i
		switch {
		case posted[p.ID]:
			sel.AlreadyPosted++
		case p.Upvotes < s.MinUpvotes && !p.ArxivOnly():
			sel.BelowMin++
			sel.BestUpvotes = max(sel.BestUpvotes, p.Upvotes)
		case filter != nil && !filter(p):
			sel.Filtered++
		default:
			sel.Papers = append(sel.Papers, p)
		}
	}
	score := map[string]float64{}
	if relevance != nil {
		for _, p := range sel.Papers {
			score[p.ID] = relevance(p)
		}
	}
	byUpvotes := func(a, b Paper) int {
		if a.Upvotes != b.Upvotes {
			return cmpInt(b.Upvotes, a.Upvotes)
		}
		if sa, sb := score[a.ID], score[b.ID]; sa != sb {
			return cmpFloat(sb, sa)
		}
		if a.Comments != b.Comments {
			return cmpInt(b.Comments, a.Comments)
		}
		return cmpInt(order[a.ID], order[b.ID])
	}
	cmp := byUpvotes
	switch s.Rank {
	case RankRelevance:
		cmp = func(a, b Paper) int {
			if sa, sb := score[a.ID], score[b.ID]; sa != sb {
				return cmpFloat(sb, sa)
			}
			return byUpvotes(a, b)
		}
	case RankNewest:
		cmp = func(a, b Paper) int {
			if !a.PublishedAt.Equal(b.PublishedAt) {
				return b.PublishedAt.Compare(a.PublishedAt)
			}
			if a.ID != b.ID {
				return strings.Compare(b.ID, a.ID)
			}
			return cmpInt(order[a.ID], order[b.ID])
		}
	}
	slices.SortStableFunc(sel.Papers, cmp)
	if len(sel.Papers) > s.MaxPapers {
		sel.Papers = sel.Papers[:s.MaxPapers]
	}
	return sel
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Digest builds the digest of the selected papers.
func (sel Selection) Digest() *Digest {
	d := &Digest{ListDate: sel.ListDate}
	for i, p := range sel.Papers {
		d.Items = append(d.Items, Item{Rank: i + 1, Paper: p})
	}
	return d
}

// EmptyReason explains, in one line, why the selection has no papers.
func (sel Selection) EmptyReason(s Settings) string {
	day := sel.ListDate.Long()
	switch {
	case sel.OnList == 0:
		return fmt.Sprintf("the list for %s has no papers", day)
	case sel.AlreadyPosted == sel.OnList && sel.OnList == 1:
		return fmt.Sprintf("the only paper on the list for %s was already posted to this channel", day)
	case sel.AlreadyPosted == sel.OnList:
		return fmt.Sprintf("all %s on the list for %s were already posted to this channel", Count(sel.OnList, "paper"), day)
	}
	msg := fmt.Sprintf("none of the %s on the list for %s qualified:", Count(sel.OnList, "paper"), day)
	if sel.OnList == 1 {
		msg = fmt.Sprintf("the only paper on the list for %s did not qualify:", day)
	}
	sep := " "
	if sel.AlreadyPosted > 0 {
		msg += fmt.Sprintf("%s%d already posted", sep, sel.AlreadyPosted)
		sep = ", "
	}
	if sel.BelowMin > 0 {
		msg += fmt.Sprintf("%s%d below the minimum of %d upvotes (best had %d)", sep, sel.BelowMin, s.MinUpvotes, sel.BestUpvotes)
		sep = ", "
	}
	if sel.Filtered > 0 {
		msg += fmt.Sprintf("%s%d not matching the filter %q", sep, sel.Filtered, s.Filter)
	}
	return msg
}
