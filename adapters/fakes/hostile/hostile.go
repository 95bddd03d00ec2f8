// Package hostile is a shared set of hostile papers and replies for the
// renderers' tests: every field a paper gets from Hugging Face (title,
// abstract, authors, AI summary, organization, links) is untrusted, and a
// search query is typed by anyone. Both chat adapters feed the same cases
// through their renderers (adapters do not import each other, so the set
// lives here, next to the other test fakes).
package hostile

import (
	"fmt"
	"strings"

	"github.com/paperboy-bot/paperboy/bot"
)

// Case is one hostile paper with a name for test output.
type Case struct {
	Name  string
	Paper bot.Paper
}

// ID is the arXiv id every case's paper has (a valid one: ids come out of
// the parser normalised, so they are not attacker-controlled text).
const ID = "2608.19880"

// Mentions lists mention syntax of both platforms, in every form the
// tests know of. None of it may ping anyone once rendered.
var Mentions = []string{
	"@everyone", "@here", "@EVERYONE", "@Here", "@every\u200bone", "@every\u200done", "@\u200beveryone",
	"<@123456789012345678>", "<@!123456789012345678>", "<@&123456789012345678>", "<#123456789012345678>",
	"<t:1:R>", "<:emoji:123>", "</papers search:123>",
	"<!channel>", "<!here>", "<!everyone>", "<!subteam^S123ABC>", "<!subteam^S123|@team>",
	"<@U123ABC>", "<@W123ABC>", "<#C123ABC>", "<#C123ABC|general>", "<!date^1392734382^{date}|x>",
	"＠everyone", "@\u2060here",
}

// Cases returns the hostile papers (more than 40), each a variation of a
// plain paper with one or a few hostile fields.
func Cases() []Case {
	var cs []Case
	add := func(name string, change func(p *bot.Paper)) {
		p := Plain()
		change(&p)
		cs = append(cs, Case{Name: name, Paper: p})
	}
	for _, m := range Mentions {
		m := m
		add("mention in title "+m, func(p *bot.Paper) { p.Title = "Attention " + m + " is all you need" })
	}
	add("every mention in the abstract", func(p *bot.Paper) { p.Abstract = strings.Join(Mentions, " ") })
	add("every mention as authors", func(p *bot.Paper) { p.Authors = append([]string(nil), Mentions...) })
	add("mentions in summary and organization", func(p *bot.Paper) {
		p.AISummary = "Pinging <!channel> and @everyone and <@&1> and <@U1>."
		p.OrgFullName = "<!here> @here Org"
		p.OrgName = "<@123>"
	})
	add("mentions glued to words", func(p *bot.Paper) {
		p.Title = "x@everyone@here<@1><!channel>y"
		p.Abstract = "mail:a@everyone.com, (<@123>), [<!here>]"
	})
	add("discord markdown in title", func(p *bot.Paper) {
		p.Title = "**bold** __underline__ *it* _it_ ~~strike~~ ||spoiler|| `code` \\*escaped\\*"
	})
	add("masked links", func(p *bot.Paper) {
		p.Title = "[Click here](https://evil.example/phish) for results"
		p.Abstract = "See [the paper](<https://evil.example>) and [x](https://evil.example \"title\")."
		p.Authors = []string{"[Yann LeCun](https://evil.example)", "Bob"}
	})
	add("slack links", func(p *bot.Paper) {
		p.Title = "<https://evil.example|Hugging Face> <mailto:a@b.c|mail> <javascript:alert(1)|x>"
		p.AISummary = "<https://huggingface.co/papers/2608.19880|looks like ours>"
	})
	add("code fences", func(p *bot.Paper) {
		p.Title = "```js\nalert(1)\n```"
		p.Abstract = "Before ```` fence ``` after `single` and ``double``.\n```\ncode block\n```"
	})
	add("block markers", func(p *bot.Paper) {
		p.Title = "# Heading"
		p.Abstract = "> quoted\n>>> block quote\n- list\n* star\n1. numbered\n-# subtext\n### small"
		p.AISummary = ">>> rest is quoted"
	})
	add("slack mrkdwn", func(p *bot.Paper) {
		p.Title = "*bold* _italic_ ~strike~ `code` :fire: :skull_and_crossbones:"
		p.Abstract = "&amp; &lt;!channel&gt; & < > &&& <<>> R&D a<b>c"
	})
	add("html and tokens", func(p *bot.Paper) {
		p.Title = "<think>reasoning</think> <EOS> <script>alert(1)</script>"
		p.Abstract = "Tokens <|endoftext|> <s> </s> and LaTeX $\\frac{a}{b}$ $$x^2$$ \\(y\\)."
	})
	add("dollar title", func(p *bot.Paper) { p.Title = "$100 for $\\mathcal{O}(n)$ ~ $$" })
	add("10k-character abstract", func(p *bot.Paper) {
		p.Abstract = strings.Repeat("Diffusion models <@1> & @here are *great*. ", 250)[:10000]
	})
	add("10k-character title", func(p *bot.Paper) { p.Title = strings.Repeat("Long_title*", 1000) })
	add("10k-character unbroken word", func(p *bot.Paper) { p.Abstract = strings.Repeat("x", 10000) })
	add("10k-character summary of emoji", func(p *bot.Paper) { p.AISummary = strings.Repeat("🧪", 10000) })
	add("700 authors", func(p *bot.Paper) {
		p.Authors = nil
		for i := range 700 {
			p.Authors = append(p.Authors, fmt.Sprintf("Author_%d *%d*", i, i))
		}
	})
	add("700 authors with mentions", func(p *bot.Paper) {
		p.Authors = nil
		for i := range 700 {
			p.Authors = append(p.Authors, Mentions[i%len(Mentions)])
		}
	})
	add("one 5000-character author", func(p *bot.Paper) { p.Authors = []string{strings.Repeat("Ab ", 1700)} })
	add("RTL override", func(p *bot.Paper) {
		p.Title = "Safe \u202Eevil.exe\u202C paper"
		p.Abstract = "\u202Dltr\u202C \u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069 \u200F\u200E marks"
		p.Authors = []string{"\u202Eeno\u202C", "Bob"}
	})
	add("zero-width characters", func(p *bot.Paper) {
		p.Title = "zero\u200bwidth\u200cnon\u200djoiner\u2060word\ufeffbom"
		p.Abstract = "@\u200beveryone <\u200b@123> <!\u200bchannel>"
	})
	add("control characters", func(p *bot.Paper) {
		p.Title = "nul\x00bell\x07esc\x1b[31mred\x1b[0m del\x7f c1\u0085\u009b"
		p.Abstract = "tab\tnew\nline\rcr\vvt\ffeed\u2028ls\u2029ps"
	})
	add("emoji ZWJ sequences", func(p *bot.Paper) {
		p.Title = strings.Repeat("👨‍👩‍👧‍👦🏳️‍🌈👩🏽‍💻", 40)
		p.Abstract = strings.Repeat("🇺🇳🇫🇷 1️⃣ ❤️‍🔥 ", 500)
	})
	add("combining marks", func(p *bot.Paper) {
		p.Title = "Z" + strings.Repeat("\u0301\u0302\u0303", 300) + "algo"
	})
	add("whitespace-only title", func(p *bot.Paper) { p.Title = " \t\n\u00a0\u3000 " })
	add("empty title and abstract", func(p *bot.Paper) { p.Title, p.Abstract, p.AISummary = "", "", "" })
	add("zero-width-only title", func(p *bot.Paper) { p.Title = "\u200b\u200c\u200d\ufeff\u2060" })
	add("invalid UTF-8", func(p *bot.Paper) {
		p.Title = "bad \xff\xfe bytes \xc3\x28 and \xed\xa0\x80 surrogate"
		p.Abstract = "\xe2\x82 cut sequence"
		p.Authors = []string{"\xff", "Bob\x80"}
		p.OrgFullName = "\xc0\xaf"
	})
	add("backslashes", func(p *bot.Paper) {
		p.Title = "\\\\\\*not bold\\*\\"
		p.Abstract = "ends with a backslash \\"
	})
	add("hostile links", func(p *bot.Paper) {
		p.GitHubRepo = "javascript:alert(1)"
		p.ProjectPage = "https://evil.example/<!channel>|label>"
		p.Thumbnail = "http://insecure.example/t.png"
	})
	add("link with pipes and brackets", func(p *bot.Paper) {
		p.GitHubRepo = "https://github.com/a/b|<@U1>"
		p.ProjectPage = "https://example.org/p?q=1&r=<2>)](x)"
	})
	add("very long links", func(p *bot.Paper) {
		p.GitHubRepo = "https://github.com/" + strings.Repeat("a", 3000)
		p.ProjectPage = "https://example.org/" + strings.Repeat("%41", 1000)
		p.Thumbnail = "https://example.org/" + strings.Repeat("t", 5000) + ".png"
	})
	add("huge counters", func(p *bot.Paper) {
		p.Upvotes, p.Comments, p.GitHubStars = 1<<31-1, 1<<31-1, 1<<62
	})
	add("negative counters", func(p *bot.Paper) { p.Upvotes, p.Comments, p.GitHubStars = -1, -5, -100 })
	add("hostile keywords", func(p *bot.Paper) {
		p.AIKeywords = []string{"<!channel>", "@everyone", "**x**", strings.Repeat("k", 2000)}
	})
	add("everything at once", func(p *bot.Paper) {
		all := strings.Join(Mentions, " ") + " **x** [a](https://e.example) ```c``` \u202E \x00 \xff 👨‍👩‍👧"
		p.Title, p.Abstract, p.AISummary, p.OrgFullName = all, strings.Repeat(all, 50), all, all
		p.Authors = []string{all, all}
	})
	return cs
}

// Digest is a one-paper digest of p's list date.
func Digest(p bot.Paper) *bot.Digest {
	return &bot.Digest{ListDate: p.ListDate, Items: []bot.Item{{Rank: 1, Paper: p}}}
}

// Plain is a harmless paper the cases vary.
func Plain() bot.Paper {
	return bot.Paper{
		ID:          ID,
		Title:       "A Plain Paper",
		Abstract:    "We study things. Results are good.",
		AISummary:   "A summary.",
		Authors:     []string{"Ann Lee", "Bob Stone"},
		ListDate:    bot.Date{Year: 2026, Month: 8, Day: 21},
		Upvotes:     12,
		Comments:    3,
		GitHubRepo:  "https://github.com/example/plain",
		GitHubStars: 1234,
		ProjectPage: "https://example.org/plain",
		Thumbnail:   "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/" + ID + ".png",
		OrgName:     "example",
		OrgFullName: "Example Lab",
	}
}

// Queries are hostile search queries: echoed back in replies.
var Queries = []string{
	"<!channel> diffusion", "@everyone", "**bold** `x`", "author:\"<@U123>\"", "\u202Eevil", "\xff\xfe",
	strings.Repeat("q", 2000), "[x](https://evil.example)",
}

// Replies returns the replies a paper and a query can appear in, shaped as
// the bot builds them: a page of search results (titles as links, a
// snippet with highlights, paging buttons), a card of one paper (the
// `paper` command, a direct message), a list of several, a "no papers
// found" echoing the query, and an error about the query.
func Replies(p bot.Paper, query string) []bot.Reply {
	hf := p.HuggingFaceURL()
	results := bot.Reply{Title: "3 papers match"}
	for i := range 3 {
		results.Lines = append(results.Lines,
			bot.Line{bot.Text("%d. ", i+1), bot.Link(bot.Truncate(bot.CollapseSpace(p.Title), 200), hf),
				bot.Text(" · %d upvotes · %s", p.Upvotes, "21 Aug 2026")},
			bot.Line{bot.Text("…%s ", bot.Truncate(p.Abstract, 80)), bot.Bold(query), bot.Text(" %s…", bot.Truncate(p.AISummary, 80))})
	}
	results.Lines = append(results.Lines, bot.Line{bot.Text("Results 1–3 of 9.")})
	results.Buttons = []bot.Button{{Label: "◀ Prev", Action: "search:k:0"}, {Label: "Next ▶", Action: "search:k:2"}}
	return []bot.Reply{
		results,
		{Papers: []bot.Paper{p}},
		{Title: "Papers for " + query, Papers: []bot.Paper{p, p, p, p, p}},
		{Title: "No papers found", Lines: []bot.Line{{bot.Text("Nothing matches %s. Try fewer words.", query)}}},
		{Error: true, Lines: []bot.Line{{bot.Text("unknown field in %q", query)}, {bot.Code(query)}}},
		{Title: p.Title, Lines: []bot.Line{{bot.Bold(strings.Join(p.Authors, ", ")), bot.Text(" "), bot.Text("%s", p.Abstract)}}},
	}
}

// Seeder is what AddSeeds needs of a *testing.F.
type Seeder interface{ Add(args ...any) }

// AddSeeds adds every case to a fuzz target taking the arguments of
// FuzzPaper and a query.
func AddSeeds(f Seeder) {
	for i, c := range Cases() {
		p := c.Paper
		author := ""
		if len(p.Authors) > 0 {
			author = p.Authors[0]
		}
		f.Add(p.Title, p.Abstract, p.AISummary, author, p.OrgFullName, p.GitHubRepo, p.ProjectPage, Queries[i%len(Queries)])
	}
}

// FuzzPaper is Plain with the untrusted fields a fuzz target varies (the
// project page doubles as the thumbnail).
func FuzzPaper(title, abstract, summary, author, org, repo, project string) bot.Paper {
	p := Plain()
	p.Title, p.Abstract, p.AISummary, p.OrgFullName = title, abstract, summary, org
	p.Authors = []string{author, author + author, "Third"}
	p.GitHubRepo, p.ProjectPage, p.Thumbnail = repo, project, project
	p.GitHubStars = len(repo) * 997
	return p
}
