package arxiv

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// What the three parsers share: a streaming XML reader with a size cap per
// element, arXiv id and time parsing, and one-line errors.

// MaxElementBytes is the most one element of a response may take: an
// item, an entry or a record, or one of the header elements around them.
// A real one, with hundreds of authors and a long abstract, is under
// 100 KB; a larger one ends the response with one error instead of being
// read into memory.
const MaxElementBytes = 4 << 20

// errTooBig ends a response with an element past MaxElementBytes.
var errTooBig = fmt.Errorf("an element larger than %d MiB, the most one may have", MaxElementBytes>>20)

// budgetReader reads at most left more bytes from r before it fails with
// errTooBig; the parsers give it a new budget at each element.
type budgetReader struct {
	r    io.Reader
	left int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errTooBig
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// stream walks an XML document element by element.
type stream struct {
	d  *xml.Decoder
	br *budgetReader
}

func newStream(r io.Reader) *stream {
	br := &budgetReader{r: r, left: MaxElementBytes}
	return &stream{d: xml.NewDecoder(br), br: br}
}

// renew gives the next element a whole budget.
func (s *stream) renew() { s.br.left = MaxElementBytes }

// root returns the document's root element.
func (s *stream) root() (xml.StartElement, error) {
	for {
		tok, err := s.d.Token()
		if err == io.EOF {
			return xml.StartElement{}, errors.New("an empty body, not XML")
		}
		if err != nil {
			return xml.StartElement{}, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) > 0 {
				return xml.StartElement{}, fmt.Errorf("not XML (starts with %q)", excerpt(string(t), 20))
			}
		}
	}
}

// child returns the next child element of the element the stream is in,
// with a renewed budget, or false at that element's end.
func (s *stream) child() (xml.StartElement, bool, error) {
	for {
		s.renew()
		tok, err := s.d.Token()
		if err == io.EOF {
			return xml.StartElement{}, false, errors.New("truncated XML: unexpected end of the body")
		}
		if err != nil {
			return xml.StartElement{}, false, xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, true, nil
		case xml.EndElement:
			return xml.StartElement{}, false, nil
		}
	}
}

// decode reads the element that start opened into v.
func (s *stream) decode(v any, start xml.StartElement) error {
	return xmlError(s.d.DecodeElement(v, &start))
}

// skip reads past the element just opened.
func (s *stream) skip() error { return xmlError(s.d.Skip()) }

// end reads what follows the root element: nothing but white space,
// comments and processing instructions.
func (s *stream) end() error {
	for {
		s.renew()
		tok, err := s.d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("a second root element <%s> after the first", excerpt(t.Name.Local, 40))
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) > 0 {
				return errors.New("text after the root element")
			}
		}
	}
}

// xmlError names a cut-off body and an oversized element plainly and
// keeps every message on one line.
func xmlError(err error) error {
	var se *xml.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errTooBig):
		return errTooBig
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF"):
		return errors.New("truncated XML: unexpected end of the body")
	case errors.As(err, &se):
		return fmt.Errorf("XML syntax error on line %d: %s", se.Line, excerpt(se.Msg, 200))
	}
	return errors.New(excerpt(err.Error(), 300))
}

// ErrorResponse is arXiv's own answer that a request failed: the
// announcement feed's "Feed error for query" channel, the export API's
// entry titled "Error", an OAI-PMH <error> element. The parsers return it
// (wrapped) so that a caller can tell arXiv's refusal from a broken body.
type ErrorResponse struct {
	Service string // "rss", "api" or "oai-pmh"
	Code    string // OAI-PMH's error code ("badArgument"), the API's error id; may be empty
	Message string // arXiv's message, cleaned to one line and shortened
}

func (e *ErrorResponse) Error() string {
	s := "arXiv " + e.Service + " error"
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func errorResponse(service, code, msg string) *ErrorResponse {
	return &ErrorResponse{Service: service, Code: excerpt(code, 80), Message: excerpt(msg, 500)}
}

var (
	// idVersionRe splits "2411.17700v1" and "hep-th/9901001v2".
	idVersionRe = regexp.MustCompile(`^(.+?)v([1-9][0-9]{0,4})$`)
	// absPrefixRe matches the start of an abstract page URL.
	absPrefixRe = regexp.MustCompile(`^(?i:https?://(?:www\.|export\.)?arxiv\.org/abs/)`)
)

// parseID reads an arXiv id as the feeds write it: bare, as an OAI
// identifier ("oai:arXiv.org:2411.17700v1") or an abstract URL
// ("http://arxiv.org/abs/hep-th/9901001v2"), with or without a version.
// It returns the bare id and the version (0 when there is none).
func parseID(s string) (id string, version int, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) > len("oai:arXiv.org:") && strings.EqualFold(s[:len("oai:arXiv.org:")], "oai:arXiv.org:") {
		s = s[len("oai:arXiv.org:"):]
	} else if loc := absPrefixRe.FindStringIndex(s); loc != nil {
		s = s[loc[1]:]
	}
	if m := idVersionRe.FindStringSubmatch(s); m != nil {
		if id, ok := bot.NormalizeID(m[1]); ok {
			for _, c := range m[2] {
				version = version*10 + int(c-'0')
			}
			return id, version, true
		}
	}
	id, ok = bot.NormalizeID(s)
	return id, 0, ok
}

// badID is the skip reason for an id that is not an arXiv id.
func badID(what, raw string) *skipError {
	shown := excerpt(raw, 40)
	return &skipError{id: shown, reason: fmt.Sprintf("%s %q is not an arXiv id", what, shown)}
}

// skipError is why a record cannot be a paper, with the id it had.
type skipError struct {
	id     string
	reason string
}

func (e *skipError) Error() string { return e.reason }

// skipOf describes a skipped record.
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

// parseTime reads an RFC 3339 time (the API's "2017-07-27T08:18:33Z",
// the 2007 format's "2007-10-08T00:00:00-04:00") or a bare date (OAI-PMH's
// "2025-04-15"), in UTC; a blank one is the zero time.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time", excerpt(s, 40))
}

// cleanPaper cleans what bot.CleanPaper cleans and the arXiv fields it
// leaves alone.
func cleanPaper(p bot.Paper) bot.Paper {
	p = bot.CleanPaper(p)
	p.ArxivComment = bot.CleanText(p.ArxivComment)
	p.JournalRef = bot.CleanText(p.JournalRef)
	p.DOI = bot.CleanText(p.DOI)
	return p
}

// excerpt returns at most n bytes of s as clean text on one line, for
// error messages and skip reasons.
func excerpt(s string, n int) string {
	cut := len(s) > n
	if cut {
		s = s[:n]
	}
	s = bot.CleanText(strings.ToValidUTF8(s, ""))
	if cut {
		s += "…"
	}
	return s
}
