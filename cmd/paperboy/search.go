package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/console"
	"github.com/paperboy-bot/paperboy/bot"
)

func searchFlags(fs *flag.FlagSet) func(*env, []string) error {
	limit := fs.Int("limit", 10, "how many `results`")
	asJSON := fs.Bool("json", false, "print a JSON array (id, title, url, score, …), best first; notes go to stderr")
	return func(e *env, args []string) error {
		text := strings.TrimSpace(strings.Join(args, " "))
		if text == "" {
			return usagef(`give a query, e.g. paperboy search "mixture of experts" since:30d`)
		}
		if *limit < 1 || *limit > 1000 {
			return usagef("--limit: %d is out of range (1 to 1000)", *limit)
		}
		return runSearch(e, text, *limit, *asJSON)
	}
}

// searchResult is one result of `paperboy search --json`.
type searchResult struct {
	ID    string `json:"id"`
	Title string `json:"title"` // bot.Paper.DisplayTitle: never empty
	URL   string `json:"url"`
	// Score is the paper's relevance (BM25 times the boosts); 0 for a
	// title match that lacks the query's words.
	Score   float64  `json:"score"`
	Upvotes int      `json:"upvotes"`
	Date    string   `json:"date"`
	Authors []string `json:"authors"`
	Partial bool     `json:"partial"`
	// TitleMatch: the paper's title is exactly the query; such papers
	// come first.
	TitleMatch bool   `json:"title_match"`
	Snippet    string `json:"snippet"`
	ArxivURL   string `json:"arxiv_url"`
}

// runSearch reads the query as chat does (bot.ParseSearch: only an empty
// query is refused) and prints its note, when there is one, on stderr as
// one line, so that stdout (--json) holds only the results.
func runSearch(e *env, text string, limit int, asJSON bool) error {
	now := time.Now()
	q, note, err := bot.ParseSearch(text, now)
	if err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			return usagef("%s", be.Message)
		}
		return err
	}
	if note != "" {
		fmt.Fprintf(e.stderr, "paperboy search: %s\n", console.Clean(note))
	}
	db, err := e.openReadOnly()
	if err != nil {
		return err
	}
	defer db.Close()
	// No time limit here: the operator's own search runs to the end
	// (Ctrl-C stops it).
	res, err := db.Search(e.ctx, bot.SearchRequest{Query: q, Limit: limit, Now: now})
	if err != nil {
		return err
	}
	if n := res.Note(0); n != "" {
		fmt.Fprintf(e.stderr, "paperboy search: %s\n", console.Clean(n))
	}
	if asJSON {
		out := make([]searchResult, 0, len(res.Hits))
		for _, h := range res.Hits {
			p := h.Paper
			date := p.Date().String()
			out = append(out, searchResult{ID: p.ID, Title: p.DisplayTitle(), URL: p.PageURL(), Score: h.Score,
				Upvotes: p.Upvotes, Date: date, Authors: p.Authors, Partial: h.Partial, TitleMatch: h.TitleMatch,
				Snippet: plain(h.Snippet), ArxivURL: p.ArxivURL()})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := e.stdout
	color := e.newConsole()
	switch {
	case len(res.Hits) == 0:
		fmt.Fprintf(w, "no papers match %s\n", q.String())
		return nil
	case res.Total == 0:
		fmt.Fprintf(w, "no paper has all the words; %s match some of them\n\n", countText(res.PartialTotal))
	default:
		fmt.Fprintf(w, "%s papers match", countText(res.Total))
		if res.PartialTotal > 0 {
			fmt.Fprintf(w, " (and %s more match some of the words)", countText(res.PartialTotal))
		}
		fmt.Fprint(w, "\n\n")
	}
	for i, h := range res.Hits {
		p := h.Paper
		tag := ""
		switch {
		case h.TitleMatch:
			tag = " · exact title"
		case h.Partial:
			tag = " · some words"
		}
		fmt.Fprintf(w, "%2d. %s\n    %s · %s · %s · score %.2f%s\n    %s\n", i+1, console.Clean(p.DisplayTitle()),
			p.ID, p.Standing(), p.Date(), h.Score, tag, p.PageURL())
		if s := color.Highlight(h.Snippet); s != "" {
			fmt.Fprintf(w, "    %s\n", s)
		}
	}
	return nil
}

func plain(l bot.Line) string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.Text)
	}
	return b.String()
}

// countText writes a result count, "10000+" at bot.CountCap.
func countText(n int) string {
	if n >= bot.CountCap {
		return fmt.Sprintf("%d+", bot.CountCap)
	}
	return fmt.Sprint(n)
}
