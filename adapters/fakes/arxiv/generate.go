package arxivfake

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Announce types of feed items (data-sources.md 2.2).
const (
	AnnounceNew          = "new"
	AnnounceCross        = "cross"
	AnnounceReplace      = "replace"
	AnnounceReplaceCross = "replace-cross"
)

// Author is one author, in OAI-PMH's parts.
type Author struct {
	Forenames, Keyname, Suffix, Affiliation string
}

// Name is "Forenames Keyname Suffix".
func (a Author) Name() string {
	return strings.Join(strings.Fields(a.Forenames+" "+a.Keyname+" "+a.Suffix), " ")
}

// Paper is one paper of the fake's corpus, served by the export API and
// OAI-PMH and, as an Item, by the feeds.
type Paper struct {
	ID         string // bare: "2411.17700" or "hep-th/9901001"
	Version    int    // latest version, at least 1
	Title      string
	Abstract   string
	Authors    []Author
	Categories []string  // primary first
	Submitted  time.Time // v1
	Updated    time.Time // latest version; zero means Submitted
	Comment    string
	JournalRef string
	DOI        string
	License    string
	// Datestamp is the OAI-PMH datestamp (last metadata change); zero
	// means the date of Updated (or Submitted).
	Datestamp bot.Date
	Deleted   bool // OAI-PMH: a deleted record (header only)
}

func (p Paper) version() int { return max(p.Version, 1) }

func (p Paper) updated() time.Time {
	if p.Updated.IsZero() {
		return p.Submitted
	}
	return p.Updated
}

func (p Paper) datestamp() bot.Date {
	if !p.Datestamp.IsZero() {
		return p.Datestamp
	}
	return bot.DateOf(p.updated().UTC())
}

// Item is one item of an announcement feed.
type Item struct {
	Paper
	AnnounceType string // AnnounceNew, AnnounceCross, AnnounceReplace or AnnounceReplaceCross
}

// Day is one announcement: the feed of Cats on Date.
type Day struct {
	Cats  []string // the feed's categories or archives, as in /rss/{a+b}
	Date  bot.Date // the announcement day (the feed's pubDate, US Eastern midnight)
	Items []Item   // in feed order: new, cross, replace, replace-cross
}

// Papers returns the papers of d's items.
func (d Day) Papers() []Paper {
	out := make([]Paper, len(d.Items))
	for i, it := range d.Items {
		out[i] = it.Paper
	}
	return out
}

// Count returns how many items of d have announce type t.
func (d Day) Count(t string) int {
	n := 0
	for _, it := range d.Items {
		if it.AnnounceType == t {
			n++
		}
	}
	return n
}

// GenOptions configure Generate. Zero fields take the defaults noted.
type GenOptions struct {
	Cats []string // default cs.LG
	Date bot.Date // default 2024-11-28
	N    int      // items; default 2000 (arXiv's most per feed)
	Seed uint64   // 0 is a seed like any other
	// Shares of the announce types other than new; defaults 0.25 cross,
	// 0.18 replace and 0.07 replace-cross (a combined feed has about 45%
	// cross and replace items, data-sources.md 2.2). Negative means none.
	Cross, Replace, ReplaceCross float64
	// FirstNumber is the number of the day's first new id (YYMM.NNNNN, YYMM
	// from Date); default 1 + (day of month - 1) * 2000.
	FirstNumber int
}

// archives maps arXiv's archives to some of their categories (the
// categories of a generated paper come from here).
var archives = map[string][]string{
	"cs":       {"cs.LG", "cs.AI", "cs.CL", "cs.CV", "cs.RO", "cs.CR", "cs.DS", "cs.DB", "cs.SE", "cs.NI", "cs.IT", "cs.HC", "cs.IR", "cs.MA", "cs.NE", "cs.DC"},
	"math":     {"math.OC", "math.PR", "math.AP", "math.CO", "math.AG", "math.NT", "math.NA", "math.ST", "math.DS"},
	"stat":     {"stat.ML", "stat.ME", "stat.AP", "stat.CO"},
	"physics":  {"physics.optics", "physics.comp-ph", "physics.flu-dyn", "physics.plasm-ph", "physics.chem-ph"},
	"quant-ph": {"quant-ph"},
	"hep-th":   {"hep-th"},
	"hep-ph":   {"hep-ph"},
	"hep-ex":   {"hep-ex"},
	"gr-qc":    {"gr-qc"},
	"math-ph":  {"math-ph"},
	"nucl-th":  {"nucl-th"},
	"astro-ph": {"astro-ph.GA", "astro-ph.CO", "astro-ph.HE", "astro-ph.SR", "astro-ph.EP", "astro-ph.IM"},
	"cond-mat": {"cond-mat.mtrl-sci", "cond-mat.str-el", "cond-mat.mes-hall", "cond-mat.stat-mech", "cond-mat.soft"},
	"eess":     {"eess.SP", "eess.SY", "eess.IV", "eess.AS"},
	"q-bio":    {"q-bio.BM", "q-bio.NC", "q-bio.QM", "q-bio.GN"},
	"q-fin":    {"q-fin.ST", "q-fin.CP", "q-fin.MF"},
	"econ":     {"econ.EM", "econ.GN", "econ.TH"},
	"nlin":     {"nlin.CD", "nlin.PS"},
}

// physicsGroup lists the archives of OAI-PMH's physics group.
var physicsGroup = map[string]bool{
	"astro-ph": true, "cond-mat": true, "gr-qc": true, "hep-ex": true, "hep-lat": true, "hep-ph": true,
	"hep-th": true, "math-ph": true, "nlin": true, "nucl-ex": true, "nucl-th": true, "physics": true, "quant-ph": true,
}

// Archives returns the archive names the fake knows, sorted (a feed for
// anything else answers arXiv's "Bad archive" error feed).
func Archives() []string {
	var out []string
	for a := range archives {
		out = append(out, a)
	}
	for a := range physicsGroup {
		if _, ok := archives[a]; !ok {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

func archiveOf(cat string) string {
	a, _, _ := strings.Cut(cat, ".")
	return a
}

// catsUnder returns the categories a feed entry cat covers: cat itself,
// or every known category of an archive.
func catsUnder(cat string) []string {
	if !strings.Contains(cat, ".") {
		if cs, ok := archives[cat]; ok {
			return cs
		}
	}
	return []string{cat}
}

var (
	titleStart = []string{"Towards", "On", "Learning", "Scaling", "Rethinking", "A Survey of", "Efficient", "Robust", "Provable", "Beyond", "Understanding", "Benchmarking"}
	titleAdj   = []string{"Sparse", "Diffusion-Based", "Equivariant", "Self-Supervised", "Multimodal", "Bayesian", "Quantum", "Stochastic", "Low-Rank", "Graph", "Causal", "Adaptive", "Non-Convex", "Federated"}
	titleNoun  = []string{"Transformers", "Control Policies", "Language Models", "Optimal Transport", "Dark Matter Halos", "Spin Chains", "Protein Folding", "Mixed-Integer Programs", "Robot Grasping", "Point Clouds", "Gaussian Processes", "Query Optimizers", "Black Hole Mergers"}
	titleTail  = []string{"", "", "", " via Contrastive Alignment", " with $\\mathcal{O}(n\\log n)$ Cost", " in the Wild", " for Long-Horizon Planning", ": Theory & Practice", " under Distribution Shift", " at Scale", " with <1% Overhead"}
	forenames  = []string{"Jane", "Wei", "José", "Ana", "Yuki", "Oluwaseun", "Lars", "Priya", "Mohammed", "Chloé", "Dmitri", "Hyewon", "Sofía", "Jun", "Aarav", "Émilie"}
	keynames   = []string{"Müller", "Zhang", "García", "Smith", "Tanaka", "Okafor", "Nielsen", "Sharma", "Al-Sayed", "Dubois", "Ivanov", "Jeong", "Rossi", "Cui", "Patel", "O'Brien"}
	affils     = []string{"MIT", "ETH Zurich", "Tsinghua University", "University of Tokyo", "Inria"}
	licenses   = []string{"http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "http://creativecommons.org/licenses/by/4.0/", "http://creativecommons.org/licenses/by-nc-sa/4.0/", "http://creativecommons.org/licenses/by-nc-nd/4.0/", "http://creativecommons.org/publicdomain/zero/1.0/"}
	sentences  = []string{
		"We study the problem in a setting where classical methods fail.",
		"Our method improves the state of the art by 3.2% on five benchmarks.",
		"We prove a bound of $O(\\sqrt{T})$ on the regret & show it is tight.",
		"Experiments on synthetic and real data confirm the theory.",
		"The code is available at https://github.com/example/project.",
		"This extends earlier work to the case $p<2$.",
		"We release a dataset of 1.2M annotated examples.",
	}
)

// seedFor mixes the options into a generator seed.
func seedFor(o GenOptions) (uint64, uint64) {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%d", strings.Join(o.Cats, "+"), o.Date, o.Seed)
	return h.Sum64(), o.Seed
}

// Generate makes a day's feed of o.N items, deterministic for the same
// options: new items first (primary category in the feed's categories,
// version 1, ids numbered from FirstNumber), then cross-lists (primary
// elsewhere, one listed category in the feed), then replacements of
// earlier papers (versions 2 to 5, submitted months before, ids numbered
// from 70000 so that they are no generated day's new ids) and
// replace-cross items. New and cross-listed papers were submitted in the
// window arXiv announces on o.Date (see SubmissionWindow). About one paper
// in eight has a DOI, one in ten a journal reference.
func Generate(o GenOptions) Day {
	if len(o.Cats) == 0 {
		o.Cats = []string{"cs.LG"}
	}
	if o.Date.IsZero() {
		o.Date = bot.Date{Year: 2024, Month: time.November, Day: 28}
	}
	if o.N == 0 {
		o.N = 2000
	}
	share := func(v, def float64) float64 {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	cross, repl, replCross := share(o.Cross, 0.25), share(o.Replace, 0.18), share(o.ReplaceCross, 0.07)
	s1, s2 := seedFor(o)
	r := rand.New(rand.NewPCG(s1, s2))
	if o.FirstNumber == 0 {
		// Days of a month do not share ids while each has at most 2,000
		// new and cross items (a full feed), nor with replacements.
		o.FirstNumber = 1 + (o.Date.Day-1)*2000
	}
	nCross := int(float64(o.N) * cross)
	nRepl := int(float64(o.N) * repl)
	nReplCross := int(float64(o.N) * replCross)
	nNew := o.N - nCross - nRepl - nReplCross
	if nNew < 0 {
		nNew, nCross, nRepl, nReplCross = 0, min(nCross, o.N), 0, 0
		nRepl = o.N - nCross
	}
	var inFeed []string // the categories the feed covers
	for _, c := range o.Cats {
		inFeed = append(inFeed, catsUnder(c)...)
	}
	var elsewhere []string // categories outside the feed
	for _, a := range Archives() {
		for _, c := range catsUnder(a) {
			if !slices.Contains(inFeed, c) {
				elsewhere = append(elsewhere, c)
			}
		}
	}
	if len(elsewhere) == 0 {
		elsewhere = []string{"nlin.CD"}
	}
	// Announcements are US Eastern midnight; new papers were submitted
	// in the window arXiv announced that day, in whole hours (23, 24, 25,
	// 71, 72 or 73 of them).
	ny := eastern()
	midnight := time.Date(o.Date.Year, o.Date.Month, o.Date.Day, 0, 0, 0, 0, ny)
	from, to := SubmissionWindow(o.Date)
	hours := int(to.Sub(from) / time.Hour)
	yymm := fmt.Sprintf("%02d%02d", o.Date.Year%100, int(o.Date.Month))
	num := o.FirstNumber
	d := Day{Cats: slices.Clone(o.Cats), Date: o.Date}
	used := map[string]bool{}
	newPaper := func(primary string, others []string, old bool) Paper {
		p := Paper{Version: 1, License: licenses[r.IntN(len(licenses))]}
		if old {
			back := 1 + r.IntN(30)
			t := midnight.AddDate(0, -back, -r.IntN(28))
			for p.ID == "" || used[p.ID] {
				p.ID = fmt.Sprintf("%02d%02d.%05d", t.Year()%100, int(t.Month()), 70000+r.IntN(30000))
			}
			used[p.ID] = true
			p.Submitted = t.Add(time.Duration(r.IntN(86400)) * time.Second).UTC()
			p.Version = 2 + r.IntN(4)
			p.Updated = midnight.Add(-time.Duration(1+r.IntN(40)) * time.Hour).UTC()
		} else {
			p.ID = yymm + "." + fmt.Sprintf("%05d", num)
			num++
			p.Submitted = from.Add(time.Duration(r.IntN(hours))*time.Hour + time.Duration(r.IntN(3600))*time.Second).UTC()
		}
		p.Title = titleStart[r.IntN(len(titleStart))] + " " + titleAdj[r.IntN(len(titleAdj))] + " " + titleNoun[r.IntN(len(titleNoun))] + titleTail[r.IntN(len(titleTail))]
		var ab []string
		for _, i := range r.Perm(len(sentences))[:3+r.IntN(len(sentences)-2)] {
			ab = append(ab, sentences[i])
		}
		if r.IntN(10) == 0 {
			ab[len(ab)/2] += "\n"
		}
		p.Abstract = strings.Join(ab, " ")
		for i := range 1 + r.IntN(6) {
			a := Author{Forenames: forenames[r.IntN(len(forenames))], Keyname: keynames[(i*7+r.IntN(len(keynames)))%len(keynames)]}
			if r.IntN(6) == 0 {
				a.Affiliation = affils[r.IntN(len(affils))]
			}
			p.Authors = append(p.Authors, a)
		}
		p.Categories = []string{primary}
		for _, c := range others {
			if !slices.Contains(p.Categories, c) {
				p.Categories = append(p.Categories, c)
			}
		}
		if r.IntN(3) == 0 {
			p.Comment = fmt.Sprintf("%d pages, %d figures", 5+r.IntN(40), r.IntN(12))
		}
		if r.IntN(8) == 0 {
			p.DOI = fmt.Sprintf("10.%d/j.%d.%d", 1000+r.IntN(9000), 2020+r.IntN(5), r.IntN(100000))
		}
		if r.IntN(10) == 0 {
			p.JournalRef = fmt.Sprintf("Phys. Rev. %c %d, %d (%d)", "ABDE"[r.IntN(4)], 100+r.IntN(12), r.IntN(99999), 2020+r.IntN(5))
		}
		return p
	}
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	extra := func() []string {
		var out []string
		for range r.IntN(3) {
			out = append(out, pick(inFeed))
		}
		return out
	}
	for range nNew {
		d.Items = append(d.Items, Item{newPaper(pick(inFeed), extra(), false), AnnounceNew})
	}
	for range nCross {
		d.Items = append(d.Items, Item{newPaper(pick(elsewhere), []string{pick(inFeed)}, false), AnnounceCross})
	}
	for range nRepl {
		d.Items = append(d.Items, Item{newPaper(pick(inFeed), extra(), true), AnnounceReplace})
	}
	for range nReplCross {
		d.Items = append(d.Items, Item{newPaper(pick(elsewhere), []string{pick(inFeed)}, true), AnnounceReplaceCross})
	}
	return d
}

// SubmissionWindow returns when the papers arXiv first announces on day d
// (the feed dated d) were submitted: from 14:00 US Eastern on the second
// weekday before d (included) to 14:00 on the weekday before d (excluded).
// Papers submitted before 14:00 on a weekday are announced at 20:00 that
// evening, in the feed of the next weekday: Monday's feed holds Thursday
// 14:00 to Friday 14:00, Tuesday's Friday 14:00 to Monday 14:00. Holidays
// are not taken into account.
func SubmissionWindow(d bot.Date) (from, to time.Time) {
	p1 := weekdayBefore(d)
	p2 := weekdayBefore(p1)
	return p2.In(eastern(), 14, 0), p1.In(eastern(), 14, 0)
}

func weekdayBefore(d bot.Date) bot.Date {
	d = d.AddDays(-1)
	for d.IsWeekend() {
		d = d.AddDays(-1)
	}
	return d
}

// IsWeekendOrHoliday reports whether arXiv announces nothing on d: a
// Saturday, a Sunday, or one of holidays.
func IsWeekendOrHoliday(d bot.Date, holidays []bot.Date) bool {
	return d.IsWeekend() || slices.Contains(holidays, d)
}
