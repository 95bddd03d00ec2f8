package hostile

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// DailyDate is the date of DailyList.
var DailyDate = bot.Date{Year: 2026, Month: 8, Day: 21}

// Element is one element of DailyList: its JSON, as Hugging Face's
// /api/daily_papers would send it, and what paperboy must make of it.
type Element struct {
	Name string
	JSON json.RawMessage
	// ID is the paper it must become ("" when it must be skipped).
	ID string
	// Skip is a piece of the reason it must be skipped for ("" when it
	// must be stored).
	Skip string
}

// DailyList is a hostile daily list of more than 40 elements: every paper
// of Cases (each with its own id), papers whose text sits exactly at and
// just over the platforms' limits in astral characters (which count 2 in
// UTF-16), fields of the wrong JSON types, a 100 KB abstract, invites and
// URLs in titles and abstracts, and elements that cannot be papers (no
// id, id "abc", the same id twice, null, a string). Upvotes fall from 60
// down, and there are 50 good ones: a digest of 50 posts every one.
func DailyList() []Element {
	var out []Element
	n := 0
	id := func() string { n++; return fmt.Sprintf("2608.3%04d", n) }
	paper := func(name string, p bot.Paper) {
		p.ID = id()
		p.Upvotes = 60 - len(out)
		out = append(out, Element{Name: name, JSON: elementJSON(p), ID: p.ID})
	}
	raw := func(name, json, want, skip string) {
		out = append(out, Element{Name: name, JSON: []byte(json), ID: want, Skip: skip})
	}
	mentions := 0
	for _, c := range Cases() {
		if strings.HasPrefix(c.Name, "mention in title ") {
			// Two of the mention titles are enough here (every mention
			// is in other cases' abstracts and authors).
			if mentions++; mentions > 2 {
				continue
			}
		}
		switch c.Name {
		case "huge counters", "negative counters":
			continue // upvotes order the list; wrong counters are in the raw elements
		case "backslashes", "dollar title":
			continue // a digest holds 50 papers; these are in the renderers' own tests
		}
		paper(c.Name, c.Paper)
	}
	astral := func(n int) string { return strings.Repeat("𝐀", n/2) + strings.Repeat("x", n%2) }
	for _, tt := range []struct {
		name string
		edit func(p *bot.Paper)
	}{
		{"title at Discord's embed title limit in UTF-16 units", func(p *bot.Paper) { p.Title = astral(256) }},
		{"title one unit over it, under it in code points", func(p *bot.Paper) { p.Title = astral(257) }},
		{"title of 376 units", func(p *bot.Paper) { p.Title = astral(376) }},
		{"title at Slack's header limit", func(p *bot.Paper) { p.Title = astral(150) }},
		{"summary at a Slack section's limit", func(p *bot.Paper) { p.AISummary = astral(3000) }},
		{"author at a Discord field's limit", func(p *bot.Paper) { p.Authors = []string{astral(1024), astral(1025)} }},
		{"600-character title", func(p *bot.Paper) { p.Title = strings.Repeat("Scalable ", 66) + "Models" }},
		{"title of emoji only", func(p *bot.Paper) { p.Title = "🧪🔬 🧬" }},
		{"invites and links in title and abstract", func(p *bot.Paper) {
			p.Title = "Join https://discord.gg/abcdef or discord.com/invite/xyz for Open Models"
			p.Abstract = "Code at https://github.com/a/b_c*d (see **https://bold.example/x_y**). Chat: https://discordapp.com/invite/q1 <https://example.org/a>"
			p.AISummary = "Project https://example.org/p_q_r and javascript:alert(1) mailto:a@b.c"
		}},
		{"title that looks like a link", func(p *bot.Paper) { p.Title = "https://huggingface.co/papers/2401.00001" }},
		{"soft hyphens and zero-width characters", func(p *bot.Paper) {
			p.Title = "Token\u00adization with Trans\u00adformers at \u200bScale"
			p.Abstract = "@\u200beveryone and @\u200bhere in a\u2060 word\ufeff"
		}},
	} {
		p := Plain()
		tt.edit(&p)
		paper(tt.name, p)
	}
	first := out[0].ID
	up := func() int { return 60 - len(out) }
	raw("wrong field types", fmt.Sprintf(`{"paper":{"id":%q,"title":12345,"upvotes":"%d","authors":null,"ai_keywords":"one keyword",
		"githubStars":"many","summary":{"not":"text"},"publishedAt":"yesterday"},"numComments":"3","thumbnail":7}`, "2608.39001", up()),
		"2608.39001", "")
	raw("a number as id", fmt.Sprintf(`{"paper":{"id":2608.39002,"title":"Numeric id","upvotes":%d}}`, up()), "2608.39002", "")
	raw("empty fields", fmt.Sprintf(`{"paper":{"id":"2608.39003","title":"","summary":"","authors":[],"ai_keywords":[],"upvotes":%d},"title":""}`, up()),
		"2608.39003", "")
	raw("a 100 KB abstract", fmt.Sprintf(`{"paper":{"id":"2608.39004","title":"Long Abstract","summary":%q,"upvotes":%d}}`,
		strings.Repeat("A very long abstract sentence, again. ", 2800), up()), "2608.39004", "")
	raw("an old-style id", fmt.Sprintf(`{"paper":{"id":"hep-th/9901001v2","title":"Old Style","upvotes":%d}}`, up()), "hep-th/9901001", "")
	raw("no id", `{"paper":{"title":"A paper without an id","upvotes":3}}`, "", "no paper id")
	raw("id abc", `{"paper":{"id":"abc","title":"A paper with a bad id","upvotes":3}}`, "", `paper id "abc" is not an arXiv id`)
	raw("the same id twice", fmt.Sprintf(`{"paper":{"id":%q,"title":"A repeat","upvotes":2}}`, first), "", "the same paper as element 0")
	raw("null", `null`, "", "JSON null, not a JSON object")
	raw("a string", `"not an element"`, "", "JSON string, not a JSON object")
	return out
}

// DailyListJSON is DailyList as one JSON array.
func DailyListJSON() []byte {
	var parts []string
	for _, e := range DailyList() {
		parts = append(parts, string(e.JSON))
	}
	return []byte("[" + strings.Join(parts, ",\n") + "]")
}

// elementJSON writes p as a daily-list element, the way Hugging Face nests
// it ("paper" with the arXiv fields, the outer object with the thumbnail,
// comments and the submitter's title).
func elementJSON(p bot.Paper) json.RawMessage {
	type author struct {
		Name   string `json:"name"`
		Hidden bool   `json:"hidden"`
	}
	type org struct {
		Name     string `json:"name"`
		FullName string `json:"fullname"`
	}
	authors := []author{}
	for _, a := range p.Authors {
		authors = append(authors, author{Name: a})
	}
	inner := map[string]any{
		"id": p.ID, "title": p.Title, "summary": p.Abstract, "authors": authors, "upvotes": p.Upvotes,
		"publishedAt": "2026-08-20T00:00:00.000Z", "submittedOnDailyAt": "2026-08-21T00:00:00.000Z",
	}
	if p.AISummary != "" {
		inner["ai_summary"] = p.AISummary
	}
	if len(p.AIKeywords) > 0 {
		inner["ai_keywords"] = p.AIKeywords
	}
	if p.GitHubRepo != "" {
		inner["githubRepo"] = p.GitHubRepo
		inner["githubStars"] = p.GitHubStars
	}
	if p.ProjectPage != "" {
		inner["projectPage"] = p.ProjectPage
	}
	if p.OrgName != "" || p.OrgFullName != "" {
		inner["organization"] = org{p.OrgName, p.OrgFullName}
	}
	outer := map[string]any{"paper": inner, "title": p.Title, "numComments": p.Comments,
		"publishedAt": "2026-08-19T20:00:00.000Z"}
	if p.Thumbnail != "" {
		outer["thumbnail"] = p.Thumbnail
	}
	b, err := json.Marshal(outer)
	if err != nil {
		panic(err)
	}
	return b
}
