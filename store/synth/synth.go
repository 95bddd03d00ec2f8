// Package synth builds large synthetic paper corpora for search benchmarks
// from a real one: every title, sentence, summary, keyword and author name
// in a generated paper comes from a real paper, recombined with a fixed
// seed, so the vocabulary, word frequencies and field lengths are those of
// real papers while the corpus can be as large as a benchmark needs. The
// same seed and source give the same corpus, byte for byte.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Seed is the seed of the committed benchmarks.
const Seed = 20261127

// Generator makes synthetic papers from a real corpus.
type Generator struct {
	base      []bot.Paper // real papers with a title and an abstract
	titles    [][]string  // real titles split into words
	sentences []string    // real abstract sentences
	summaries []string
	keywords  []string
	authors   []string
	orgs      [][2]string
	upvotes   []int // real upvote counts, sampled as a distribution
	codeRate  float64
	projRate  float64
	first     bot.Date
	days      int
}

// New prepares a generator from real papers. Generated papers are spread
// over the weekdays from first (inclusive) for the given number of days.
func New(real []bot.Paper, first bot.Date, days int) *Generator {
	g := &Generator{first: first, days: days}
	seenA := map[string]bool{}
	seenK := map[string]bool{}
	code, proj := 0, 0
	for _, p := range real {
		if w := strings.Fields(p.Title); len(w) >= 3 {
			g.titles = append(g.titles, w)
			if p.Abstract != "" {
				g.base = append(g.base, p)
			}
		}
		for _, s := range splitSentences(p.Abstract) {
			g.sentences = append(g.sentences, s)
		}
		if p.AISummary != "" {
			g.summaries = append(g.summaries, p.AISummary)
		}
		for _, k := range p.AIKeywords {
			if !seenK[k] {
				seenK[k] = true
				g.keywords = append(g.keywords, k)
			}
		}
		for _, a := range p.Authors {
			if !seenA[a] {
				seenA[a] = true
				g.authors = append(g.authors, a)
			}
		}
		if p.OrgName != "" {
			g.orgs = append(g.orgs, [2]string{p.OrgName, p.OrgFullName})
		}
		g.upvotes = append(g.upvotes, p.Upvotes)
		if p.GitHubRepo != "" {
			code++
		}
		if p.ProjectPage != "" {
			proj++
		}
	}
	if n := float64(len(real)); n > 0 {
		g.codeRate, g.projRate = float64(code)/n, float64(proj)/n
	}
	return g
}

// splitSentences splits an abstract at ". " boundaries.
func splitSentences(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.Index(s, ". ")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+2:]
	}
	return out
}

// Papers calls fn with n generated papers, in list-date order, made with
// the given seed. Paper i has the id 9xxx.nnnnn (a "month" 9000 + i/100000
// that arXiv has not used yet), so ids never collide with real ones.
func (g *Generator) Papers(n int, seed uint64, fn func(bot.Paper) error) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	weekdays := g.weekdays()
	for i := range n {
		day := weekdays[i*len(weekdays)/n]
		p := g.paper(r, i, day)
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (g *Generator) weekdays() []bot.Date {
	var out []bot.Date
	for k := range max(g.days, 1) {
		if d := g.first.AddDays(k); !d.IsWeekend() {
			out = append(out, d)
		}
	}
	return out
}

func (g *Generator) paper(r *rand.Rand, i int, day bot.Date) bot.Paper {
	// Each paper is built around one real paper, so that the words that go
	// together in real papers go together here too and a word is about as
	// common as in the real corpus: its title starts like the base paper's
	// and ends like another's, most of its abstract is the base paper's,
	// with a sentence or two from other papers, and it keeps the base
	// paper's summary and keywords. Authors are drawn from all real names.
	base := g.base[r.IntN(len(g.base))]
	b := g.titles[r.IntN(len(g.titles))]
	a := strings.Fields(base.Title)
	head := a[:min(len(a), max(1, len(a)/2+r.IntN(2)))]
	title := strings.Join(append(append([]string{}, head...), b[len(b)/2:]...), " ")
	sents := splitSentences(base.Abstract)
	for k := range sents {
		if r.IntN(4) == 0 {
			sents[k] = g.sentences[r.IntN(len(g.sentences))]
		}
	}
	authors := make([]string, 1+r.IntN(12))
	for k := range authors {
		authors[k] = g.authors[r.IntN(len(g.authors))]
	}
	keywords := append([]string{}, base.AIKeywords...)
	if len(keywords) < 3 || r.IntN(3) == 0 {
		keywords = append(keywords, g.keywords[r.IntN(len(g.keywords))])
	}
	p := bot.Paper{
		ID:          fmt.Sprintf("%04d.%05d", 9000+i/100000, i%100000),
		Title:       title,
		Abstract:    strings.Join(sents, " "),
		Authors:     authors,
		PublishedAt: day.In(time.UTC, 0, 0).Add(-30 * time.Hour),
		ListDate:    day,
		Upvotes:     g.upvotes[r.IntN(len(g.upvotes))],
		AISummary:   base.AISummary,
		AIKeywords:  keywords,
	}
	if r.Float64() < g.codeRate {
		p.GitHubRepo = fmt.Sprintf("https://github.com/example/repo-%d", i)
		p.GitHubStars = r.IntN(2000)
	}
	if r.Float64() < g.projRate {
		p.ProjectPage = fmt.Sprintf("https://example.org/p/%d", i)
	}
	if len(g.orgs) > 0 && r.IntN(3) == 0 {
		o := g.orgs[r.IntN(len(g.orgs))]
		p.OrgName, p.OrgFullName = o[0], o[1]
	}
	return p
}
