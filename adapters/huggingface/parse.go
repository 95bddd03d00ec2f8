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
// ListDate is derived as the package documentation says. It fails only
// when the body is not a JSON array or is cut off: an element it cannot
// use (no usable arXiv id, not a JSON object) is skipped, named "element
// N" (0-based) in the list's Skipped, and a field of the wrong type is
// coerced or left out (see ParseElement). An element whose id repeats an
// earlier one is skipped too.
func ParseDaily(body []byte, day bot.Date) (bot.DayList, error) {
	list, err := parseDaily(body, day)
	if err != nil {
		return bot.DayList{}, fmt.Errorf("huggingface: %w", err)
	}
	return list, nil
}

func parseDaily(body []byte, day bot.Date) (bot.DayList, error) {
	list, _, err := parseList(body, day)
	return list, err
}

// parseList is parseDaily that also returns the element index of each
// paper.
func parseList(body []byte, day bot.Date) (bot.DayList, []int, error) {
	list := bot.DayList{Papers: []bot.Paper{}}
	var pos []int
	seen := map[string]int{}
	err := decodeArray(bytes.NewReader(body), func(i int, raw json.RawMessage) error {
		where := fmt.Sprintf("element %d", i)
		p, err := parseElement(raw, day)
		if err != nil {
			list.Skipped = append(list.Skipped, skipOf(where, err))
			return nil
		}
		if first, dup := seen[p.ID]; dup {
			list.Skipped = append(list.Skipped, bot.Skip{Where: where, ID: p.ID,
				Reason: fmt.Sprintf("the same paper as element %d", first)})
			return nil
		}
		seen[p.ID] = i
		list.Papers = append(list.Papers, p)
		pos = append(pos, i)
		return nil
	})
	if err != nil {
		return bot.DayList{}, nil, err
	}
	return list, pos, nil
}

// ParseElement parses one list element (a JSON object) into a Paper. day is
// as for ParseDaily. It fails only for an element that cannot be a paper:
// not a JSON object, or without a usable arXiv id (see bot.NormalizeID: a
// new-style NNNN.NNNNN or old-style archive/NNNNNNN id, with or without a
// version). Fields of the wrong type are coerced where the meaning is
// plain ("upvotes": "12", a number as a title) and left out otherwise
// (null lists, an object where a string belongs, a time that does not
// parse); the element is never refused for them.
func ParseElement(data []byte, day bot.Date) (bot.Paper, error) {
	p, err := parseElement(data, day)
	if err != nil {
		return bot.Paper{}, fmt.Errorf("huggingface: %w", err)
	}
	return p, nil
}

// skipError is why an element cannot be a paper, with the id it had.
type skipError struct {
	id     string
	reason string
}

func (e *skipError) Error() string { return e.reason }

// skipOf describes a skipped element.
func skipOf(where string, err error) bot.Skip {
	s := bot.Skip{Where: where, Reason: err.Error()}
	if se, ok := err.(*skipError); ok {
		s.ID = se.id
	}
	if s.Reason == "" {
		s.Reason = "unreadable element"
	}
	return s
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
// callers can say where the element came from. Most elements decode
// strictly into wireElement; one with a field of an unexpected type is
// decoded again, leniently (lenientElement).
func parseElement(data []byte, day bot.Date) (bot.Paper, error) {
	var e wireElement
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		// Not an object: lenientElement names what it is.
		if _, err := lenientElement(data); err != nil {
			return bot.Paper{}, err
		}
		return bot.Paper{}, &skipError{reason: "not a JSON object"}
	}
	if err := json.Unmarshal(data, &e); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return bot.Paper{}, jsonError(err)
		}
		if e, err = lenientElement(data); err != nil {
			return bot.Paper{}, err
		}
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
		raw := strings.TrimSpace(p.ID)
		if raw == "" {
			raw = strings.TrimSpace(outer.ID)
		}
		if raw == "" {
			return bot.Paper{}, &skipError{reason: "no paper id"}
		}
		shown := excerpt([]byte(bot.CleanText(raw)), 40)
		return bot.Paper{}, &skipError{id: shown, reason: fmt.Sprintf("paper id %q is not an arXiv id", shown)}
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
		AISummary:   bot.CleanText(p.AISummary),
	}
	for _, a := range p.Authors {
		if name := bot.CleanText(a.Name); name != "" && !a.Hidden {
			paper.Authors = append(paper.Authors, name)
		}
	}
	for _, k := range p.AIKeywords {
		if k = bot.CleanText(k); k != "" {
			paper.AIKeywords = append(paper.AIKeywords, k)
		}
	}
	org := p.Organization
	if org == nil {
		org = outer.Organization
	}
	if org != nil {
		paper.OrgName = bot.CleanText(org.Name)
		paper.OrgFullName = bot.CleanText(org.FullName)
	}
	// A time that does not parse is left out, like any field of the wrong
	// type; the list date then comes from the next source in line.
	paper.PublishedAt, _ = parseTime(p.PublishedAt)
	paper.ListDate = listDate(p.SubmittedOnDailyAt, day, outer.PublishedAt, paper.PublishedAt)
	return paper, nil
}

// firstNonEmpty returns the first of ss that is not blank once cleaned
// (bot.CleanText: Hugging Face hard-wrapped titles and abstracts until
// ~2025-11), cleaned. When every one is blank it returns the first
// non-empty one as it came (a title of only white space or invisible
// characters is kept; bot.Paper.DisplayTitle shows such a paper as
// "Untitled (arXiv:ID)"), else "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if c := bot.CleanText(s); c != "" {
			return c
		}
	}
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// parseTime parses Hugging Face's "2026-08-20T00:00:00.000Z" (or a bare
// date); an absent value is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// A bare date is plain enough to use.
		if d, derr := time.Parse("2006-01-02", s); derr == nil {
			return d, nil
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", excerpt([]byte(s), 40))
	}
	return t.UTC(), nil
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
