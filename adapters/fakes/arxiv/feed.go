package arxivfake

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

var (
	easternOnce sync.Once
	easternLoc  *time.Location
)

// eastern is US Eastern time, arXiv's announcement clock.
func eastern() *time.Location {
	easternOnce.Do(func() {
		l, err := time.LoadLocation("America/New_York")
		if err != nil {
			l = time.FixedZone("EST", -5*3600)
		}
		easternLoc = l
	})
	return easternLoc
}

// AnnouncementDay returns the day whose feed is out at t: the date of t in
// US Eastern time (feeds change at midnight Eastern).
func AnnouncementDay(t time.Time) bot.Date { return bot.DateIn(t, eastern()) }

var textEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
var attrEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

const rssOpen = `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
  <channel>
`

func rssDate(t time.Time) string { return t.Format("Mon, 02 Jan 2006 15:04:05 -0700") }

func channelHeader(b *bytes.Buffer, cats []string, day bot.Date) {
	key := strings.Join(cats, "+")
	names := strings.Join(cats, ", ")
	midnight := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, eastern())
	b.WriteString(rssOpen)
	b.WriteString("    <title>" + textEsc.Replace(names) + " updates on arXiv.org</title>\n")
	b.WriteString("    <link>http://rss.arxiv.org/rss/" + textEsc.Replace(key) + "</link>\n")
	b.WriteString("    <description>" + textEsc.Replace(names) + " updates on the arXiv.org e-print archive.</description>\n")
	b.WriteString(`    <atom:link href="http://rss.arxiv.org/rss/` + attrEsc.Replace(key) + `" rel="self" type="application/rss+xml"/>` + "\n")
	b.WriteString("    <docs>http://www.rssboard.org/rss-specification</docs>\n")
	b.WriteString("    <language>en-us</language>\n")
	b.WriteString("    <lastBuildDate>" + rssDate(midnight.Add(2*time.Second).UTC()) + "</lastBuildDate>\n")
	b.WriteString("    <managingEditor>rss-help@arxiv.org</managingEditor>\n")
	b.WriteString("    <pubDate>" + rssDate(midnight) + "</pubDate>\n")
	b.WriteString("    <skipDays>\n      <day>Saturday</day>\n      <day>Sunday</day>\n    </skipDays>\n")
}

// FeedXML renders d as arXiv's RSS 2.0 feed (data-sources.md 2.2): the
// channel header of a real capture, and per item title, link,
// description ("arXiv:{id}v{n} Announce Type: {type} \nAbstract: …"),
// guid, categories, pubDate, arxiv:announce_type, dc:rights, the optional
// arxiv:DOI and arxiv:journal_reference, and dc:creator (all authors in
// one string, affiliations in parentheses).
func FeedXML(d Day) []byte {
	var b bytes.Buffer
	b.Grow(2048 + 1500*len(d.Items))
	channelHeader(&b, d.Cats, d.Date)
	pub := rssDate(time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 0, 0, 0, 0, eastern()))
	for _, it := range d.Items {
		p := it.Paper
		vid := p.ID + "v" + itoa(p.version())
		b.WriteString("    <item>\n")
		b.WriteString("      <title>" + textEsc.Replace(p.Title) + "</title>\n")
		b.WriteString("      <link>https://arxiv.org/abs/" + p.ID + "</link>\n")
		b.WriteString("      <description>arXiv:" + vid + " Announce Type: " + it.AnnounceType + " \nAbstract: " + textEsc.Replace(p.Abstract) + "</description>\n")
		b.WriteString(`      <guid isPermaLink="false">oai:arXiv.org:` + vid + "</guid>\n")
		for _, c := range p.Categories {
			b.WriteString("      <category>" + textEsc.Replace(c) + "</category>\n")
		}
		b.WriteString("      <pubDate>" + pub + "</pubDate>\n")
		b.WriteString("      <arxiv:announce_type>" + it.AnnounceType + "</arxiv:announce_type>\n")
		b.WriteString("      <dc:rights>" + textEsc.Replace(license(p)) + "</dc:rights>\n")
		if p.DOI != "" {
			b.WriteString("      <arxiv:DOI>" + textEsc.Replace(p.DOI) + "</arxiv:DOI>\n")
		}
		if p.JournalRef != "" {
			b.WriteString("      <arxiv:journal_reference>" + textEsc.Replace(p.JournalRef) + "</arxiv:journal_reference>\n")
		}
		var names []string
		for _, a := range p.Authors {
			n := a.Name()
			if a.Affiliation != "" {
				n += " (" + a.Affiliation + ")"
			}
			names = append(names, n)
		}
		b.WriteString("      <dc:creator>" + textEsc.Replace(strings.Join(names, ", ")) + "</dc:creator>\n")
		b.WriteString("    </item>\n")
	}
	b.WriteString("  </channel>\n</rss>\n")
	return b.Bytes()
}

// EmptyFeed renders the feed of cats on a day without announcements (a
// weekend, a holiday): the channel header, no items
// (rss_empty_2024-11-28.rss has the same shape).
func EmptyFeed(cats []string, day bot.Date) []byte {
	return FeedXML(Day{Cats: cats, Date: day})
}

// BadArchiveFeed renders arXiv's error feed for a feed path naming an
// archive that does not exist (rss_error_bad_archive.rss): no items, the
// valid archives in the description. arXiv answers it with HTTP 200.
func BadArchiveFeed(key, bad string, day bot.Date) []byte {
	var b bytes.Buffer
	midnight := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, eastern())
	b.WriteString(rssOpen)
	b.WriteString("    <title>Feed error for query: http://rss.arxiv.org/rss/" + textEsc.Replace(key) + "</title>\n")
	b.WriteString("    <link>http://rss.arxiv.org/rss/" + textEsc.Replace(key) + "</link>\n")
	b.WriteString("    <description>Bad archive '" + textEsc.Replace(bad) + "'. Valid archive names are: " + strings.Join(Archives(), ", ") + ", test.</description>\n")
	b.WriteString(`    <atom:link href="http://rss.arxiv.org/rss/` + attrEsc.Replace(key) + `" rel="self" type="application/rss+xml"/>` + "\n")
	b.WriteString("    <docs>http://www.rssboard.org/rss-specification</docs>\n")
	b.WriteString("    <language>en-us</language>\n")
	b.WriteString("    <lastBuildDate>" + rssDate(midnight.Add(5*time.Hour).UTC()) + "</lastBuildDate>\n")
	b.WriteString("    <managingEditor>rss-help.arxiv.org</managingEditor>\n")
	b.WriteString("    <pubDate>" + rssDate(midnight) + "</pubDate>\n")
	b.WriteString("  </channel>\n</rss>")
	return b.Bytes()
}

func license(p Paper) string {
	if p.License == "" {
		return "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
	}
	return p.License
}
