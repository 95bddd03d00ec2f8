package arxivfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// OAI-PMH ListRecords (data-sources.md 2.2b) over the fake's corpus:
// verb=ListRecords&metadataPrefix=arXiv with optional set, from and until
// (datestamps, inclusive), or verb=ListRecords&resumptionToken=T and
// nothing else. Records are in datestamp then id order, PageSize to a
// page; every page but the last carries <resumptionToken cursor=…
// completeListSize=…>, the last page of a list of several an empty one. No
// match is the OAI error noRecordsMatch; other mistakes are badArgument,
// badResumptionToken, badVerb and cannotDisseminateFormat, all in HTTP
// 200 answers as OAI-PMH does.

// DefaultOAIPageSize is the number of records per ListRecords page.
const DefaultOAIPageSize = 1000

// SetSpecs returns the OAI-PMH sets of a paper of categories cats: the
// three-part group:archive:category ("cs:cs:LG",
// "physics:physics:plasm-ph"), or group:archive for an archive without
// subcategories ("physics:quant-ph", "math:math" never occurs: math
// categories are "math:math:OC").
func SetSpecs(cats []string) []string {
	var out []string
	for _, c := range cats {
		arch, sub, hasSub := strings.Cut(c, ".")
		group := arch
		if physicsGroup[arch] {
			group = "physics"
		}
		s := group + ":" + arch
		if hasSub {
			s += ":" + sub
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// inSet reports whether a record of specs belongs to set: one of its
// specs is set or lies under it ("cs" holds "cs:cs:LG").
func inSet(specs []string, set string) bool {
	if set == "" {
		return true
	}
	return slices.ContainsFunc(specs, func(s string) bool { return s == set || strings.HasPrefix(s, set+":") })
}

type oaiToken struct {
	Set    string `json:"s,omitempty"`
	From   string `json:"f,omitempty"`
	Until  string `json:"u,omitempty"`
	Cursor int    `json:"c"`
}

func (t oaiToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string) (oaiToken, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var t oaiToken
	if err != nil || json.Unmarshal(b, &t) != nil || t.Cursor < 0 {
		return oaiToken{}, false
	}
	return t, true
}

func oaiAnswer(corpus []Paper, q url.Values, pageSize int, base string, now time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">` + "\n")
	b.WriteString("  <responseDate>" + atomTime(now) + "</responseDate>\n")
	fail := func(code, msg string) []byte {
		b.WriteString("  <request>" + textEsc.Replace(base) + "</request>\n")
		b.WriteString(`  <error code="` + code + `">` + textEsc.Replace(msg) + "</error>\n</OAI-PMH>\n")
		return b.Bytes()
	}
	for k, v := range q {
		if len(v) > 1 {
			return fail("badArgument", "repeated argument "+k)
		}
	}
	if verb := q.Get("verb"); verb != "ListRecords" {
		if verb == "" {
			return fail("badVerb", "no verb given")
		}
		return fail("badVerb", "the fake serves only ListRecords, not "+verb)
	}
	var t oaiToken
	if tok := q.Get("resumptionToken"); tok != "" {
		if len(q) != 2 {
			return fail("badArgument", "resumptionToken is an exclusive argument")
		}
		var ok bool
		if t, ok = decodeToken(tok); !ok {
			return fail("badResumptionToken", "the resumptionToken is invalid or expired")
		}
	} else {
		for k := range q {
			switch k {
			case "verb", "metadataPrefix", "set", "from", "until":
			default:
				return fail("badArgument", "illegal argument "+k)
			}
		}
		switch q.Get("metadataPrefix") {
		case "arXiv":
		case "":
			return fail("badArgument", "metadataPrefix is required")
		default:
			return fail("cannotDisseminateFormat", "the fake serves only metadataPrefix arXiv")
		}
		t = oaiToken{Set: q.Get("set"), From: q.Get("from"), Until: q.Get("until")}
		for _, d := range []string{t.From, t.Until} {
			if d == "" {
				continue
			}
			if _, err := bot.ParseDate(d); err != nil {
				return fail("badArgument", "bad date "+d+" (use YYYY-MM-DD)")
			}
		}
		if t.Set != "" && !knownSet(t.Set) {
			return fail("badArgument", "unknown set "+t.Set)
		}
	}
	var from, until bot.Date
	from, _ = bot.ParseDate(t.From)
	until, _ = bot.ParseDate(t.Until)
	var list []Paper
	for _, p := range corpus {
		ds := p.datestamp()
		if (!from.IsZero() && ds.Before(from)) || (!until.IsZero() && ds.After(until)) || !inSet(SetSpecs(p.Categories), t.Set) {
			continue
		}
		list = append(list, p)
	}
	slices.SortStableFunc(list, func(a, b Paper) int {
		if c := a.datestamp().Compare(b.datestamp()); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(list) == 0 {
		return fail("noRecordsMatch", "No records match the request")
	}
	if t.Cursor >= len(list) {
		return fail("badResumptionToken", "the resumptionToken is past the end of the list")
	}
	b.WriteString(`  <request verb="ListRecords"`)
	for _, k := range []string{"metadataPrefix", "set", "from", "until", "resumptionToken"} {
		if v := q.Get(k); v != "" {
			b.WriteString(" " + k + `="` + attrEsc.Replace(v) + `"`)
		}
	}
	b.WriteString(">" + textEsc.Replace(base) + "</request>\n  <ListRecords>\n")
	end := min(t.Cursor+pageSize, len(list))
	for _, p := range list[t.Cursor:end] {
		writeRecord(&b, p)
	}
	switch {
	case end < len(list):
		next := t
		next.Cursor = end
		b.WriteString(`    <resumptionToken cursor="` + itoa(t.Cursor) + `" completeListSize="` + itoa(len(list)) + `">` + next.encode() + "</resumptionToken>\n")
	case t.Cursor > 0:
		b.WriteString(`    <resumptionToken cursor="` + itoa(t.Cursor) + `" completeListSize="` + itoa(len(list)) + `"/>` + "\n")
	}
	b.WriteString("  </ListRecords>\n</OAI-PMH>\n")
	return b.Bytes()
}

func knownSet(set string) bool {
	parts := strings.Split(set, ":")
	if len(parts) == 0 || len(parts) > 3 {
		return false
	}
	if parts[0] == "physics" {
		return len(parts) == 1 || physicsGroup[parts[1]]
	}
	_, ok := archives[parts[0]]
	return ok && (len(parts) == 1 || parts[1] == parts[0])
}

// wrap breaks s into lines of about 70 characters, indented, as arXiv's
// OAI titles and abstracts are.
func wrap(s, indent string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > 70 {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	lines = append(lines, line)
	return strings.Join(lines, "\n"+indent)
}

func writeRecord(b *bytes.Buffer, p Paper) {
	b.WriteString("    <record>\n")
	if p.Deleted {
		b.WriteString(`      <header status="deleted">` + "\n")
	} else {
		b.WriteString("      <header>\n")
	}
	b.WriteString("        <identifier>oai:arXiv.org:" + p.ID + "</identifier>\n")
	b.WriteString("        <datestamp>" + p.datestamp().String() + "</datestamp>\n")
	for _, s := range SetSpecs(p.Categories) {
		b.WriteString("        <setSpec>" + s + "</setSpec>\n")
	}
	b.WriteString("      </header>\n")
	if p.Deleted {
		b.WriteString("    </record>\n")
		return
	}
	b.WriteString("      <metadata>\n")
	b.WriteString(`        <arXiv xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">` + "\n")
	b.WriteString("          <id>" + p.ID + "</id>\n")
	b.WriteString("          <created>" + bot.DateOf(p.Submitted.UTC()).String() + "</created>\n")
	if p.version() > 1 && !p.Updated.IsZero() {
		b.WriteString("          <updated>" + bot.DateOf(p.Updated.UTC()).String() + "</updated>\n")
	}
	b.WriteString("          <authors>\n")
	for _, a := range p.Authors {
		b.WriteString("            <author><keyname>" + textEsc.Replace(a.Keyname) + "</keyname><forenames>" + textEsc.Replace(a.Forenames) + "</forenames>")
		if a.Suffix != "" {
			b.WriteString("<suffix>" + textEsc.Replace(a.Suffix) + "</suffix>")
		}
		if a.Affiliation != "" {
			b.WriteString("<affiliation>" + textEsc.Replace(a.Affiliation) + "</affiliation>")
		}
		b.WriteString("</author>\n")
	}
	b.WriteString("          </authors>\n")
	b.WriteString("          <title>" + textEsc.Replace(wrap(p.Title, "  ")) + "</title>\n")
	b.WriteString("          <categories>" + textEsc.Replace(strings.Join(p.Categories, " ")) + "</categories>\n")
	if p.Comment != "" {
		b.WriteString("          <comments>" + textEsc.Replace(p.Comment) + "</comments>\n")
	}
	if p.JournalRef != "" {
		b.WriteString("          <journal-ref>" + textEsc.Replace(p.JournalRef) + "</journal-ref>\n")
	}
	if p.DOI != "" {
		b.WriteString("          <doi>" + textEsc.Replace(p.DOI) + "</doi>\n")
	}
	b.WriteString("          <license>" + textEsc.Replace(license(p)) + "</license>\n")
	b.WriteString("          <abstract>  " + textEsc.Replace(wrap(p.Abstract, "")) + "\n</abstract>\n")
	b.WriteString("        </arXiv>\n      </metadata>\n    </record>\n")
}
