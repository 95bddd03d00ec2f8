package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// searchAction is the prefix of the paging buttons' actions:
// "s:<key>:<page>", the key naming the query in the PageStore.
const searchAction = "s:"

// searchHelp is the short guide shown with a query that has nothing in
// it once cleaned (the one query ParseSearch refuses).
const searchHelp = `Write words (all must match), "an exact phrase", -exclude, a OR b, (groups), ` +
	`author:"Name", org:name, cat:cs.CL (or cat:cs.*), upvotes:>=10, has:code, has:project, since:30d, before:2025-01-01, sort:date|upvotes|relevance, ` +
	`or paste a paper link.`

func (c *Commands) search(ctx context.Context, cmd Command) (Reply, error) {
	text := strings.TrimSpace(cmd.Args["query"])
	if text == "" {
		return usageReply("search", "What should paperboy look for?"), nil
	}
	return c.searchPage(ctx, cmd.User, text, 0, "")
}

// searchPageAction answers a search paging button ("s:<key>:<page>").
func (c *Commands) searchPageAction(ctx context.Context, user UserRef, action string) (Reply, error) {
	rest, ok := strings.CutPrefix(action, searchAction)
	key, pageS, ok2 := strings.Cut(rest, ":")
	page, err := strconv.Atoi(pageS)
	if !ok || !ok2 || err != nil || page < 0 || page > 1000 {
		return errorReply("This button is not paperboy's, or it is broken."), nil
	}
	if r, limited := c.slowDown(user, "search"); limited {
		return r, nil
	}
	text, err := c.Bot.Store.LoadPage(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return errorReply("This search is too old to page through; run /papers search again."), nil
	}
	if err != nil {
		return Reply{}, fmt.Errorf("load search page: %w", err)
	}
	return c.searchPage(ctx, user, text, page, key)
}

// searchPage answers one page of a search. The query is read leniently
// (ParseSearch): only an empty one is refused, and the note on how it was
// read (searched as plain words, cut to the length limit, ...) is the last
// line of the reply, on every page.
func (c *Commands) searchPage(ctx context.Context, user UserRef, text string, page int, key string) (Reply, error) {
	r, note, err := c.searchReply(ctx, user, text, page, key)
	if err == nil && note != "" {
		r.Lines = append(r.Lines, Line{Text("%s", capitalize(note)+".")})
	}
	return r, err
}

func (c *Commands) searchReply(ctx context.Context, user UserRef, text string, page int, key string) (Reply, string, error) {
	now := c.Bot.now()
	q, note, err := ParseSearch(text, now)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return Reply{Error: true, Lines: []Line{{Text("%s", e.Message)}, {Text("%s", searchHelp)}}}, "", nil
		}
		return Reply{}, "", err
	}
	release, err := c.admit(ctx, user)
	if err != nil {
		return Reply{}, "", err
	}
	start := time.Now()
	res, err := c.Bot.Store.Search(ctx, SearchRequest{Query: q, Limit: SearchPageSize, Offset: page * SearchPageSize, Now: now,
		Timeout: c.searchTimeout()})
	release()
	if err == nil {
		c.Bot.metrics().SearchDone(time.Since(start))
	}
	if err != nil {
		return Reply{}, "", err
	}
	if n := res.Note(c.searchTimeout()); n != "" {
		note = joinNotes(note, n)
	}
	if q.ID != "" {
		if len(res.Hits) == 0 {
			return Reply{Lines: []Line{{Text("Paper %s is not in paperboy's store. ", q.ID), Link("Look it up on Hugging Face", "https://huggingface.co/papers/"+q.ID)}}}, note, nil
		}
		return Reply{Papers: []Paper{res.Hits[0].Paper}}, note, nil
	}
	all := res.Total + res.PartialTotal
	if res.Stopped && len(res.Hits) == 0 {
		return Reply{Title: "No results in time"}, note, nil // the note says why
	}
	if all == 0 {
		return Reply{Title: "No papers found", Lines: []Line{{Text("Nothing matches %s. %s", q.String(), loosen(q))}}}, note, nil
	}
	r := Reply{}
	papers := func(n int) string {
		if res.Stopped { // the counts are what was read by then
			return "at least " + countNoun(n, "paper")
		}
		return countNoun(n, "paper")
	}
	switch {
	case res.Total == 0:
		r.Title = fmt.Sprintf("No paper has all the words; %s match some of them", papers(res.PartialTotal))
	case res.PartialTotal > 0 && len(res.Hits) > 0 && res.Hits[len(res.Hits)-1].Partial:
		r.Title = capitalize(fmt.Sprintf("%s match, then %s with some of the words", papers(res.Total), papers(res.PartialTotal)))
	default:
		r.Title = capitalize(fmt.Sprintf("%s match", papers(res.Total)))
	}
	first := page*SearchPageSize + 1
	for i, h := range res.Hits {
		p := h.Paper
		head := Line{Text("%d. ", first+i), Link(Truncate(p.DisplayTitle(), 200), p.PageURL()),
			Text(" · %s · %s", p.Standing(), paperDate(p))}
		if h.Partial {
			head = append(head, Text(" · some words"))
		}
		r.Lines = append(r.Lines, head)
		if len(h.Snippet) > 0 {
			r.Lines = append(r.Lines, h.Snippet)
		}
	}
	last := first + len(res.Hits) - 1
	r.Lines = append(r.Lines, Line{Text("Results %d–%d of %d.", first, last, all)})
	if page > 0 || last < all {
		if key == "" {
			if key, err = newKey(); err != nil {
				return Reply{}, "", err
			}
			if err := c.Bot.Store.SavePage(ctx, key, text, now); err != nil {
				return Reply{}, "", err
			}
		}
		if page > 0 {
			r.Buttons = append(r.Buttons, Button{Label: "◀ Prev", Action: fmt.Sprintf("%s%s:%d", searchAction, key, page-1)})
		}
		if last < all {
			r.Buttons = append(r.Buttons, Button{Label: "Next ▶", Action: fmt.Sprintf("%s%s:%d", searchAction, key, page+1)})
		}
	}
	return r, note, nil
}

// joinNotes joins two notes of a search into one line.
func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// loosen suggests how to find something when nothing matched.
func loosen(q *Query) string {
	switch {
	case !q.Since.IsZero() || !q.Before.IsZero():
		return "Try a longer time range, or drop since:/before:."
	case len(q.Upvotes) > 0:
		return "Try a lower upvotes: threshold, or drop it."
	case len(q.Authors) > 0 || len(q.Orgs) > 0:
		return "Check the author: or org: spelling (part of a name is enough), or drop it."
	case len(q.Categories) > 0:
		return "Check the cat: category (cs.CL, or cs.* for a whole archive): only papers from arXiv have categories."
	case q.HasCode || q.HasProject:
		return "Try without has:."
	}
	return "Try fewer or more general words, or a word's other spelling."
}

func paperDate(p Paper) string {
	if !p.ListDate.IsZero() {
		return p.ListDate.String()
	}
	if !p.PublishedAt.IsZero() {
		return DateOf(p.PublishedAt.UTC()).String()
	}
	if !p.AnnouncedOn.IsZero() {
		return p.AnnouncedOn.String()
	}
	return "undated"
}

func newKey() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
