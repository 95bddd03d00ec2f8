package testsupport

import (
	"fmt"

	"github.com/paperboy-bot/paperboy/bot"
)

// Papers returns n made-up papers of the list of day d, the most upvoted
// first, each with every field a card shows: ids 2611.00100 on, titles
// "Paper number 1 on diffusion" on.
func Papers(d bot.Date, n int) []bot.Paper {
	var out []bot.Paper
	for i := 0; i < n; i++ {
		out = append(out, bot.Paper{
			ID:          fmt.Sprintf("2611.%05d", 100+i),
			Title:       fmt.Sprintf("Paper number %d on diffusion", i+1),
			Abstract:    "We study diffusion. It works well. More text follows here.",
			Authors:     []string{"Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra"},
			ListDate:    d,
			Upvotes:     100 - i,
			Comments:    i,
			GitHubRepo:  "https://github.com/example/repo",
			GitHubStars: 1234,
			ProjectPage: "https://example.org/project",
			Thumbnail:   "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2611.00100.png",
			AISummary:   "A one-line summary of the paper.",
		})
	}
	return out
}

// ArxivDay is the announcement day of ArxivDigest's digests.
var ArxivDay = bot.Date{Year: 2026, Month: 12, Day: 8}

// ArxivLongCategories are 40 of arXiv's longest category names (a channel
// follows at most 40).
var ArxivLongCategories = []string{
	"cond-mat.stat-mech", "cond-mat.quant-gas", "cond-mat.supr-con", "cond-mat.mtrl-sci", "cond-mat.mes-hall",
	"physics.space-ph", "physics.plasm-ph", "physics.class-ph", "physics.atm-clus", "physics.ins-det",
	"physics.hist-ph", "physics.flu-dyn", "physics.data-an", "physics.comp-ph", "physics.chem-ph",
	"physics.atom-ph", "cond-mat.str-el", "cond-mat.dis-nn", "physics.soc-ph", "physics.pop-ph",
	"physics.optics", "physics.med-ph", "physics.geo-ph", "physics.gen-ph", "physics.bio-ph",
	"physics.app-ph", "physics.acc-ph", "cond-mat.other", "physics.ed-ph", "physics.ao-ph",
	"cond-mat.soft", "astro-ph.SR", "astro-ph.IM", "astro-ph.HE", "astro-ph.GA",
	"astro-ph.EP", "astro-ph.CO", "quant-ph", "q-fin.TR", "q-fin.ST",
}

// ArxivOnlyPaper is a paper only arXiv has described, as a feed gives it.
func ArxivOnlyPaper(i int) bot.Paper {
	return bot.Paper{
		ID: fmt.Sprintf("2612.%05d", 1000+i), Title: fmt.Sprintf("Offline RL, part %d", i+1),
		Abstract: "We study offline reinforcement learning. It works.", Authors: []string{"Ada Lovelace", "Alan Turing"},
		Categories: []string{"cs.LG", "stat.ML"}, AnnouncedOn: ArxivDay, Version: 1,
	}
}

// ArxivDigest is the digest of a channel following cats: n papers
// (ArxivOnlyPaper) of the announced new ones.
func ArxivDigest(cats []string, n, announced int) *bot.Digest {
	d := &bot.Digest{ListDate: ArxivDay, Arxiv: &bot.ArxivPart{Day: ArxivDay, Categories: cats, Announced: announced, More: announced - n}}
	for i := range n {
		d.Items = append(d.Items, bot.Item{Rank: i + 1, Paper: ArxivOnlyPaper(i)})
	}
	return d
}
