// arXiv's per-category announcement feeds, https://rss.arxiv.org/rss/{cats}
// (https://info.arxiv.org/help/rss.html and rss_specifications.md in
// arXiv/arxiv-docs): RSS 2.0, one <item> per paper announced that day.

package arxiv

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// The announce types of an announcement feed item.
const (
	AnnounceNew          = "new"           // first announced today, in this category
	AnnounceCross        = "cross"         // first announced today, cross-listed here
	AnnounceReplace      = "replace"       // a new version of an earlier paper
	AnnounceReplaceCross = "replace-cross" // a new version of an earlier cross-list
)

// Feed is one day's announcement feed.
type Feed struct {
	// Day is the announcement day: the US Eastern date of the channel's
	// pubDate (arXiv writes the announcement's midnight, "Thu, 28 Nov
	// 2024 00:00:00 -0500"). When the channel has none that parses, it is
	// the first item's; zero when no date is given anywhere.
	Day bot.Date
	// Title is the channel's title ("cs.AI updates on arXiv.org").
	Title string
	// Items are the usable items in feed order, each a different paper.
	Items []Item
	// Skipped are the items that are not in Items, and why: "item N"
	// counts every <item> of the feed from 0.
	Skipped []bot.Skip
}

// Item is one paper of an announcement feed.
type Item struct {
	// Paper has the ID (from the item's guid or link, never from its
	// description), Version (from the guid), Title, Abstract, Authors
	// (affiliations left out), Categories (canonical, in feed order: the
	// feed does not say which is primary), DOI, JournalRef and
	// AnnouncedOn (the feed's Day). The feeds give no submission time and
	// no comments.
	Paper bot.Paper
	// AnnounceType is one of AnnounceNew, AnnounceCross, AnnounceReplace
	// and AnnounceReplaceCross.
	AnnounceType string
}

// rssItem is an <item> as arXiv's generator writes it. The tags name no
// namespace, so they match the element in any (its local names are
// unique), and a feed that declares arxiv: or dc: wrongly still reads.
type rssItem struct {
	Title        string   `xml:"title"`
	Link         string   `xml:"link"`
	Description  string   `xml:"description"`
	GUID         string   `xml:"guid"`
	Categories   []string `xml:"category"`
	PubDate      string   `xml:"pubDate"`
	AnnounceType string   `xml:"announce_type"`
	DOI          string   `xml:"DOI"`
	JournalRef   string   `xml:"journal_reference"`
	Creators     []string `xml:"creator"`
}

// ParseFeed reads an announcement feed (https://rss.arxiv.org/rss/cs.LG).
// One item it cannot use (no arXiv id in its guid or link, the two
// disagreeing, an announce type it does not know, a paper already in the
// feed) is skipped with a reason and never fails the feed. An empty feed
// (weekends, holidays) is a Feed with a Day and no items. It fails for a
// body that is not an RSS feed or is cut off, for an element larger than
// MaxElementBytes, and for arXiv's error feed ("Feed error for query"),
// with an *ErrorResponse that quotes arXiv's message. Errors are one line.
func ParseFeed(r io.Reader) (Feed, error) {
	f, err := parseFeed(r)
	if err != nil {
		return Feed{}, fmt.Errorf("arxiv: announcement feed: %w", err)
	}
	return f, nil
}

func parseFeed(r io.Reader) (Feed, error) {
	s := newStream(r)
	root, err := s.root()
	if err != nil {
		return Feed{}, err
	}
	if root.Name.Local != "rss" {
		return Feed{}, fmt.Errorf("not an RSS feed (the root element is <%s>)", excerpt(root.Name.Local, 40))
	}
	var f Feed
	channels := 0
	for {
		el, ok, err := s.child()
		if err != nil {
			return Feed{}, err
		}
		if !ok {
			break
		}
		if el.Name.Local != "channel" || channels > 0 {
			if err := s.skip(); err != nil {
				return Feed{}, err
			}
			continue
		}
		channels++
		if f, err = parseChannel(s); err != nil {
			return Feed{}, err
		}
	}
	if channels == 0 {
		return Feed{}, fmt.Errorf("an RSS feed without a <channel>")
	}
	if err := s.end(); err != nil {
		return Feed{}, err
	}
	return f, nil
}

// parseChannel reads the <channel> just opened.
func parseChannel(s *stream) (Feed, error) {
	var (
		f           Feed
		description string
		pubDate     string
		itemDay     bot.Date
		items       []rssItem
		seen        = map[string]int{}
		n           int
	)
	for {
		el, ok, err := s.child()
		if err != nil {
			return Feed{}, err
		}
		if !ok {
			break
		}
		var dst *string
		switch el.Name.Local {
		case "item":
			var it rssItem
			if err := s.decode(&it, el); err != nil {
				return Feed{}, fmt.Errorf("item %d: %w", n, err)
			}
			if itemDay.IsZero() {
				itemDay, _ = feedDay(it.PubDate)
			}
			items = append(items, it)
			n++
			continue
		case "title":
			if el.Name.Space == "" {
				dst = &f.Title
			}
		case "description":
			dst = &description
		case "pubDate":
			dst = &pubDate
		}
		if dst == nil {
			if err := s.skip(); err != nil {
				return Feed{}, err
			}
			continue
		}
		if err := s.decode(dst, el); err != nil {
			return Feed{}, err
		}
	}
	f.Title = bot.CleanText(f.Title)
	if strings.HasPrefix(f.Title, "Feed error for query") {
		msg := bot.CleanText(description)
		if msg == "" {
			msg = f.Title
		}
		return Feed{}, errorResponse("rss", "", msg)
	}
	day, err := feedDay(pubDate)
	if err != nil || day.IsZero() {
		day = itemDay
	}
	f.Day = day
	f.Items = []Item{}
	for i, raw := range items {
		where := fmt.Sprintf("item %d", i)
		it, err := parseItem(raw, f.Day)
		if err != nil {
			f.Skipped = append(f.Skipped, skipOf(where, err))
			continue
		}
		if first, dup := seen[it.Paper.ID]; dup {
			f.Skipped = append(f.Skipped, bot.Skip{Where: where, ID: it.Paper.ID,
				Reason: fmt.Sprintf("the same paper as item %d", first)})
			continue
		}
		seen[it.Paper.ID] = i
		f.Items = append(f.Items, it)
	}
	return f, nil
}

// feedDay reads an RSS pubDate as the US Eastern date of the announcement.
func feedDay(s string) (bot.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return bot.Date{}, nil
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return bot.DateIn(t, bot.Eastern()), nil
		}
	}
	return bot.Date{}, fmt.Errorf("pubDate %q is not an RFC 1123 time", excerpt(s, 40))
}

// parseItem turns one <item> into an Item.
func parseItem(it rssItem, day bot.Date) (Item, error) {
	id, version, err := itemID(it)
	if err != nil {
		return Item{}, err
	}
	typ := strings.TrimSpace(it.AnnounceType)
	switch typ {
	case AnnounceNew, AnnounceCross, AnnounceReplace, AnnounceReplaceCross:
	case "":
		return Item{}, &skipError{id: id, reason: "no announce type"}
	default:
		return Item{}, &skipError{id: id, reason: fmt.Sprintf("unknown announce type %q", excerpt(typ, 40))}
	}
	p := bot.Paper{
		ID:          id,
		Version:     version,
		Title:       it.Title,
		Abstract:    abstract(it.Description),
		Authors:     splitCreators(it.Creators),
		Categories:  canonicalCategories(it.Categories),
		DOI:         it.DOI,
		JournalRef:  it.JournalRef,
		AnnouncedOn: day,
	}
	return Item{Paper: cleanPaper(p), AnnounceType: typ}, nil
}

// itemID reads the paper's id and version from the item's guid
// ("oai:arXiv.org:2411.17700v1"), checked against its link
// ("https://arxiv.org/abs/2411.17700"), or from the link alone. The
// description also names the id, but arXiv documents only the guid and
// the link as the paper's identity.
func itemID(it rssItem) (string, int, error) {
	guid, link := strings.TrimSpace(it.GUID), strings.TrimSpace(it.Link)
	var gid, lid string
	var version int
	if guid != "" {
		var ok bool
		if gid, version, ok = parseID(guid); !ok {
			return "", 0, badID("guid", guid)
		}
	}
	if link != "" {
		var ok bool
		if lid, _, ok = parseID(link); !ok && gid == "" {
			return "", 0, badID("link", link)
		}
	}
	switch {
	case gid == "" && lid == "":
		return "", 0, &skipError{reason: "no guid and no link"}
	case gid == "":
		return lid, 0, nil
	case lid != "" && lid != gid:
		return "", 0, &skipError{id: gid, reason: fmt.Sprintf("guid names %s but link names %s", gid, lid)}
	}
	return gid, version, nil
}

// abstract is the part of an item's description after "Abstract:"
// ("arXiv:2411.17700v1 Announce Type: new \nAbstract: ..."); a
// description without that label is the abstract itself, less a first
// line naming the id.
func abstract(desc string) string {
	if i := strings.Index(desc, "Abstract:"); i >= 0 {
		return desc[i+len("Abstract:"):]
	}
	if t := strings.TrimSpace(desc); strings.HasPrefix(t, "arXiv:") && strings.Contains(t, "Announce Type:") {
		if nl := strings.IndexByte(t, '\n'); nl >= 0 {
			return t[nl+1:]
		}
		return ""
	}
	return desc
}

// splitCreators splits dc:creator, "First Last (Affil, Dept), First2
// Last2", into names without affiliations. Commas inside parentheses
// belong to the affiliation.
func splitCreators(creators []string) []string {
	var names []string
	for _, c := range creators {
		var b strings.Builder
		depth := 0
		flush := func() {
			if name := bot.CleanText(b.String()); name != "" {
				names = append(names, name)
			}
			b.Reset()
		}
		for _, r := range c {
			switch {
			case r == '(':
				depth++
			case r == ')':
				if depth > 0 {
					depth--
				}
			case depth > 0:
			case r == ',':
				flush()
			default:
				b.WriteRune(r)
			}
		}
		flush()
	}
	return names
}
