// arXiv's OAI-PMH interface, https://oaipmh.arxiv.org/oai
// (https://info.arxiv.org/help/oa/index.html; the protocol:
// https://www.openarchives.org/OAI/openarchivesprotocol.html): ListRecords
// pages in the arXiv metadata format (metadataPrefix=arXiv), linked by
// resumption tokens.

package arxiv

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// OAIPage is one page of a ListRecords harvest.
type OAIPage struct {
	// Papers are the records in page order, each a different paper: ID,
	// Title, Abstract, Authors, PublishedAt (the created date, v1's
	// submission day, at 00:00 UTC), Categories (canonical, the primary
	// one first), ArxivComment, JournalRef and DOI. OAI-PMH gives no
	// version.
	Papers []bot.Paper
	// Deleted are the bare ids of records arXiv reports deleted.
	Deleted []string
	// Skipped are the records in neither list, and why: "record N"
	// counts every <record> of the page from 0.
	Skipped []bot.Skip
	// ResumptionToken asks for the next page (verb=ListRecords&
	// resumptionToken=...); it is empty on the last page.
	ResumptionToken string
	// Cursor is the 0-based position of this page's first record in the
	// whole list and CompleteListSize the list's length, from the
	// resumption token's attributes; 0 when not given.
	Cursor           int
	CompleteListSize int
}

// oaiRecord is a <record>; the arXiv metadata is in its own namespace
// (http://arxiv.org/OAI/arXiv/), the rest in OAI-PMH's.
type oaiRecord struct {
	Header struct {
		Status     string `xml:"status,attr"`
		Identifier string `xml:"identifier"`
	} `xml:"header"`
	Metadata struct {
		ArXiv *oaiArXiv `xml:"arXiv"`
	} `xml:"metadata"`
}

type oaiArXiv struct {
	ID         string      `xml:"id"`
	Created    string      `xml:"created"`
	Authors    []oaiAuthor `xml:"authors>author"`
	Title      string      `xml:"title"`
	Categories string      `xml:"categories"`
	Comments   string      `xml:"comments"`
	JournalRef string      `xml:"journal-ref"`
	DOI        string      `xml:"doi"`
	Abstract   string      `xml:"abstract"`
}

type oaiAuthor struct {
	Keyname   string `xml:"keyname"`
	Forenames string `xml:"forenames"`
	Suffix    string `xml:"suffix"`
}

type oaiToken struct {
	Token            string `xml:",chardata"`
	Cursor           string `xml:"cursor,attr"`
	CompleteListSize string `xml:"completeListSize,attr"`
}

// ParseListRecords reads one ListRecords response page. A record it cannot
// use (no arXiv id, no metadata, a paper already on the page) is skipped
// with a reason; a deleted record goes to Deleted. arXiv's answer that
// nothing matches (<error code="noRecordsMatch">) is an empty last page.
// It fails for a body that is not an OAI-PMH response or is cut off, for
// an element larger than MaxElementBytes, and for any other OAI-PMH
// error, with an *ErrorResponse naming its code and message. Errors are
// one line.
func ParseListRecords(r io.Reader) (OAIPage, error) {
	p, err := parseListRecords(r)
	if err != nil {
		return OAIPage{}, fmt.Errorf("arxiv: OAI-PMH: %w", err)
	}
	return p, nil
}

func parseListRecords(r io.Reader) (OAIPage, error) {
	s := newStream(r)
	root, err := s.root()
	if err != nil {
		return OAIPage{}, err
	}
	if root.Name.Local != "OAI-PMH" {
		return OAIPage{}, fmt.Errorf("not an OAI-PMH response (the root element is <%s>)", excerpt(root.Name.Local, 40))
	}
	page := OAIPage{Papers: []bot.Paper{}}
	var oaiErr *ErrorResponse
	lists := 0
	for {
		el, ok, err := s.child()
		if err != nil {
			return OAIPage{}, err
		}
		if !ok {
			break
		}
		switch el.Name.Local {
		case "error":
			var e struct {
				Code    string `xml:"code,attr"`
				Message string `xml:",chardata"`
			}
			if err := s.decode(&e, el); err != nil {
				return OAIPage{}, err
			}
			if oaiErr == nil && strings.TrimSpace(e.Code) != "noRecordsMatch" {
				oaiErr = errorResponse("oai-pmh", strings.TrimSpace(e.Code), e.Message)
			}
		case "ListRecords":
			lists++
			if lists > 1 {
				return OAIPage{}, fmt.Errorf("more than one <ListRecords>")
			}
			if err := parseRecords(s, &page); err != nil {
				return OAIPage{}, err
			}
		default:
			if err := s.skip(); err != nil {
				return OAIPage{}, err
			}
		}
	}
	if err := s.end(); err != nil {
		return OAIPage{}, err
	}
	if oaiErr != nil {
		return OAIPage{}, oaiErr
	}
	return page, nil
}

// parseRecords reads the <ListRecords> just opened into page.
func parseRecords(s *stream, page *OAIPage) error {
	seen := map[string]int{}
	for n := 0; ; {
		el, ok, err := s.child()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		switch el.Name.Local {
		case "record":
			var rec oaiRecord
			if err := s.decode(&rec, el); err != nil {
				return fmt.Errorf("record %d: %w", n, err)
			}
			where := fmt.Sprintf("record %d", n)
			n++
			if strings.TrimSpace(rec.Header.Status) == "deleted" {
				id, _, ok := parseID(rec.Header.Identifier)
				if !ok {
					page.Skipped = append(page.Skipped, skipOf(where, headerIDError(rec.Header.Identifier)))
					continue
				}
				page.Deleted = append(page.Deleted, id)
				continue
			}
			p, err := parseRecord(rec)
			if err != nil {
				page.Skipped = append(page.Skipped, skipOf(where, err))
			} else if first, dup := seen[p.ID]; dup {
				page.Skipped = append(page.Skipped, bot.Skip{Where: where, ID: p.ID,
					Reason: fmt.Sprintf("the same paper as record %d", first)})
			} else {
				seen[p.ID] = n - 1
				page.Papers = append(page.Papers, p)
			}
		case "resumptionToken":
			var tok oaiToken
			if err := s.decode(&tok, el); err != nil {
				return err
			}
			page.ResumptionToken = strings.TrimSpace(tok.Token)
			if page.Cursor, err = count("cursor", tok.Cursor); err != nil {
				return err
			}
			if page.CompleteListSize, err = count("completeListSize", tok.CompleteListSize); err != nil {
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
}

// count reads a resumption token's numeric attribute; absent is 0.
func count(name, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("resumptionToken %s %q is not a count", name, excerpt(v, 40))
	}
	return n, nil
}

func headerIDError(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return &skipError{reason: "no identifier"}
	}
	return badID("identifier", raw)
}

// parseRecord turns a live record into a paper. The id is the metadata's
// (bare); the header's identifier (oai:arXiv.org:ID) stands in when it is
// missing, and a record whose two ids disagree is skipped.
func parseRecord(rec oaiRecord) (bot.Paper, error) {
	m := rec.Metadata.ArXiv
	hid, _, hok := parseID(rec.Header.Identifier)
	if m == nil {
		e := &skipError{reason: "no arXiv metadata"}
		if hok {
			e.id = hid
		}
		return bot.Paper{}, e
	}
	id := hid
	if raw := strings.TrimSpace(m.ID); raw != "" {
		mid, _, ok := parseID(raw)
		if !ok {
			return bot.Paper{}, badID("id", raw)
		}
		if hok && mid != hid {
			return bot.Paper{}, &skipError{id: mid, reason: fmt.Sprintf("metadata names %s but the header %s", mid, hid)}
		}
		id = mid
	} else if !hok {
		return bot.Paper{}, headerIDError(rec.Header.Identifier)
	}
	p := bot.Paper{
		ID:           id,
		Title:        m.Title,
		Abstract:     m.Abstract,
		Categories:   canonicalCategories(strings.Fields(m.Categories)),
		ArxivComment: m.Comments,
		JournalRef:   m.JournalRef,
		DOI:          strings.TrimSpace(m.DOI),
	}
	p.PublishedAt, _ = parseTime(m.Created)
	for _, a := range m.Authors {
		p.Authors = append(p.Authors, strings.Join([]string{a.Forenames, a.Keyname, a.Suffix}, " "))
	}
	return cleanPaper(p), nil
}
