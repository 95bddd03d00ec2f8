package huggingface

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// wirePaper is the Paper document: the "paper" object of a daily-list
// element, or a whole flat item (/api/papers/{id}). Only the fields paperboy
// uses are decoded; unknown keys and JSON nulls leave zero values. mediaUrl
// (a string) and mediaUrls (an array) are deliberately not decoded, so
// either shape is accepted.
type wirePaper struct {
	ID                 string       `json:"id"`
	Title              string       `json:"title"`
	Summary            string       `json:"summary"`
	Authors            []wireAuthor `json:"authors"`
	PublishedAt        string       `json:"publishedAt"`
	SubmittedOnDailyAt string       `json:"submittedOnDailyAt"`
	Upvotes            int          `json:"upvotes"`
	GitHubRepo         string       `json:"githubRepo"`
	GitHubStars        int          `json:"githubStars"`
	ProjectPage        string       `json:"projectPage"`
	AISummary          string       `json:"ai_summary"`
	AIKeywords         []string     `json:"ai_keywords"`
	Organization       *wireOrg     `json:"organization"`
}

type wireAuthor struct {
	Name   string `json:"name"`
	Hidden bool   `json:"hidden"`
}

type wireOrg struct {
	Name     string `json:"name"`
	FullName string `json:"fullname"`
}

// wireElement is one element of /api/daily_papers (and of search results).
// The outer object repeats id/title/summary/publishedAt/organization next
// to "paper"; those are promoted from the embedded wirePaper, which also
// makes a flat item without "paper" decode.
type wireElement struct {
	wirePaper
	Paper       *wirePaper `json:"paper"`
	Thumbnail   string     `json:"thumbnail"`
	NumComments int        `json:"numComments"`
}

// ParseDaily parses a response body of GET /api/daily_papers: a JSON array
// of list elements, in order. day is the date= the list was asked for; pass
// the zero Date when it is not known (a saved response), and each paper's
// ListDate is derived as the package documentation says. An element that
// cannot be read is an error naming its index (0-based).
func ParseDaily(body []byte, day bot.Date) ([]bot.Paper, error) {
	papers, err := parseDaily(body, day)
	if err != nil {
		return nil, fmt.Errorf("huggingface: %w", err)
	}
	return papers, nil
}

func parseDaily(body []byte, day bot.Date) ([]bot.Paper, error) {
	var papers []bot.Paper
	err := decodeArray(bytes.NewReader(body), func(i int, raw json.RawMessage) error {
		p, err := parseElement(raw, day)
		if err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		papers = append(papers, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if papers == nil {
		papers = []bot.Paper{}
	}
	return papers, nil
}

// ParseElement parses one list element (a JSON object) into a Paper. day is
// as for ParseDaily.
func ParseElement(data []byte, day bot.Date) (bot.Paper, error) {
	p, err := parseElement(data, day)
	if err != nil {
		return bot.Paper{}, fmt.Errorf("huggingface: %w", err)
	}
	return p, nil
}

// decodeArray streams the elements of a JSON array from r, so a large file
// is never held in memory at once. A truncated array is reported as such.
func decodeArray(r io.Reader, fn func(i int, raw json.RawMessage) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("expected a JSON array, got %s", describeToken(tok))
	}
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("element %d: %w", i, jsonError(err))
		}
		if err := fn(i, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON array")
	}
	return nil
}

// jsonError names the common failure of a cut-off body plainly.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &se) && strings.HasPrefix(se.Error(), "unexpected end of JSON input") {
		return errors.New("truncated JSON: unexpected end of JSON input")
	}
	return err
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "a JSON object"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a JSON string"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", v)
	}
}

// parseElement does the work of ParseElement; its errors carry no prefix so
// callers can say where the element came from.
func parseElement(data []byte, day bot.Date) (bot.Paper, error) {
	var e wireElement
	if err := json.Unmarshal(data, &e); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return bot.Paper{}, fmt.Errorf("field %s: JSON %s where %s was expected", te.Field, te.Value, te.Type)
		}
		return bot.Paper{}, jsonError(err)
	}
	outer := &e.wirePaper
	p := e.Paper
	if p == nil {
		p = outer // a flat item: the outer object is the paper
	}

	id, ok := bot.NormalizeID(p.ID)
	if !ok {
		id, ok = bot.NormalizeID(outer.ID)
	}
	if !ok {
		if p.ID == "" && outer.ID == "" {
			return bot.Paper{}, errors.New("no paper id")
		}
		raw := p.ID
		if raw == "" {
			raw = outer.ID
		}
		return bot.Paper{}, fmt.Errorf("paper id %q is not an arXiv id", excerpt([]byte(raw), 40))
	}

	paper := bot.Paper{
		ID:       id,
		Title:    firstNonEmpty(p.Title, outer.Title),
		Abstract: firstNonEmpty(p.Summary, outer.Summary),
		// Counters cannot be negative; a feed that says so is read as 0
		// (digest thresholds, sorting and search boosts assume it).
		Upvotes:     max(p.Upvotes, 0),
		Comments:    max(e.NumComments, 0),
		GitHubRepo:  strings.TrimSpace(p.GitHubRepo),
		GitHubStars: max(p.GitHubStars, 0),
		ProjectPage: strings.TrimSpace(p.ProjectPage),
		Thumbnail:   strings.TrimSpace(e.Thumbnail),
		AISummary:   bot.CollapseSpace(p.AISummary),
	}
	for _, a := range p.Authors {
		if name := bot.CollapseSpace(a.Name); name != "" && !a.Hidden {
			paper.Authors = append(paper.Authors, name)
		}
	}
	for _, k := range p.AIKeywords {
		if k = bot.CollapseSpace(k); k != "" {
			paper.AIKeywords = append(paper.AIKeywords, k)
		}
	}
	org := p.Organization
	if org == nil {
		org = outer.Organization
	}
	if org != nil {
		paper.OrgName = bot.CollapseSpace(org.Name)
		paper.OrgFullName = bot.CollapseSpace(org.FullName)
	}

	var err error
	if paper.PublishedAt, err = parseTime(p.PublishedAt); err != nil {
		return bot.Paper{}, fmt.Errorf("paper %s: paper.publishedAt: %w", id, err)
	}
	if paper.ListDate, err = listDate(p.SubmittedOnDailyAt, day, outer.PublishedAt, paper.PublishedAt); err != nil {
		return bot.Paper{}, fmt.Errorf("paper %s: %w", id, err)
	}
	return paper, nil
}

// firstNonEmpty returns the first of ss that is not blank, whitespace
// collapsed. Hugging Face hard-wrapped titles and abstracts until ~2025-11.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = bot.CollapseSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// parseTime parses Hugging Face's "2026-08-20T00:00:00.000Z"; an absent
// value is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", excerpt([]byte(s), 40))
	}
	return t.UTC(), nil
}

// listDate picks the element's daily-list date; see the package
// documentation for the order and for the numbers behind fileListDate.
func listDate(submittedOnDailyAt string, day bot.Date, outerPublishedAt string, arxivTime time.Time) (bot.Date, error) {
	if submittedOnDailyAt != "" {
		t, err := parseTime(submittedOnDailyAt)
		if err != nil {
			return bot.Date{}, fmt.Errorf("paper.submittedOnDailyAt: %w", err)
		}
		return bot.DateIn(t, time.UTC), nil
	}
	if !day.IsZero() {
		return day, nil
	}
	t, err := parseTime(outerPublishedAt)
	if err != nil {
		return bot.Date{}, fmt.Errorf("publishedAt: %w", err)
	}
	if t.IsZero() {
		return bot.Date{}, errors.New("no list date: neither paper.submittedOnDailyAt nor publishedAt is set")
	}
	if d := arxiv(t, arxivTime); !d.IsZero() {
		return d, nil
	}
	return fileListDate(t), nil
}

// arxiv handles the elements whose outer publishedAt already has its later
// meaning (the arXiv time as a US Eastern wall clock labelled UTC: exactly
// 4 or 5 hours before paper.publishedAt) although submittedOnDailyAt is
// still missing: 85 corpus elements of the 2025-03-05..13 lists. Such a
// time says when the paper reached arXiv, not when it reached Daily
// Papers; the earliest list it can be on is the weekday after arXiv
// announces it (announcements follow the 14:00 ET submission deadline).
// It returns the zero Date for other elements.
func arxiv(outer, arxivTime time.Time) bot.Date {
	if d := arxivTime.Sub(outer); arxivTime.IsZero() || (d != 4*time.Hour && d != 5*time.Hour) {
		return bot.Date{}
	}
	announced := bot.DateOf(outer) // outer's wall clock is Eastern time
	if outer.Hour() >= 14 {
		announced = announced.AddDays(1)
	}
	for announced.IsWeekend() {
		announced = announced.AddDays(1)
	}
	d := announced.AddDays(1)
	for d.IsWeekend() {
		d = d.AddDays(1)
	}
	return d
}

// submissionShift moves a Daily Papers submission time (outer publishedAt
// before 2025-03-17) onto its list's date: on the shared corpus, papers
// submitted from about 21:00 UTC appear in the next day's list (the plain
// UTC date puts 98 of 2,804 papers on a Sunday; +3h leaves 6 on a weekend,
// which fileListDate moves to Monday).
const submissionShift = 3 * time.Hour

// fileListDate derives a list date from a pre-2025-03-17 outer publishedAt:
// the UTC date of t+3h, or the following Monday if that is a weekend day,
// when Hugging Face publishes no list.
func fileListDate(t time.Time) bot.Date {
	d := bot.DateIn(t.Add(submissionShift), time.UTC)
	for d.IsWeekend() {
		d = d.AddDays(1)
	}
	return d
}

// excerpt returns at most n bytes of b as printable, valid UTF-8 on one
// line, for error messages about bodies we did not expect.
func excerpt(b []byte, n int) string {
	cut := len(b) > n
	if cut {
		b = b[:n]
	}
	s := strings.ToValidUTF8(string(b), "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = bot.CollapseSpace(s)
	if cut {
		s += "…"
	}
	return s
}
