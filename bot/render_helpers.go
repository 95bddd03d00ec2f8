package bot

import (
	"regexp"
	"strconv"
)

// What every renderer (adapters/discord, adapters/slack, adapters/console)
// writes the same way, whatever its markup: counts, the pages a digest
// links to, and the start of an arXiv digest's intro. Each lives here once
// so the platforms cannot drift apart.

// CompactCount formats a count the way GitHub shows stars, rounding down so
// it never claims more than there are: 999, 1.2k, 12k, 79k, 1.5M.
func CompactCount(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n)
	case n < 10_000:
		return tenths(n/100) + "k"
	case n < 1_000_000:
		return strconv.Itoa(n/1000) + "k"
	case n < 10_000_000:
		return tenths(n/100_000) + "M"
	default:
		return strconv.Itoa(n/1_000_000) + "M"
	}
}

// tenths formats a number of tenths: 12 → "1.2", 10 → "1".
func tenths(n int) string {
	s := strconv.Itoa(n / 10)
	if n%10 != 0 {
		s += "." + strconv.Itoa(n%10)
	}
	return s
}

// Count is n and word, with an s unless n is 1: "1 paper", "2 papers",
// "0 papers".
func Count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// DailyListURL is Hugging Face's page of the daily list of day, or of the
// latest list when day is zero.
func DailyListURL(day Date) string {
	if day.IsZero() {
		return "https://huggingface.co/papers"
	}
	return "https://huggingface.co/papers/date/" + day.String()
}

// CategoryListURL is ArxivListURL(cat) when cat has the shape of an arXiv
// category or archive ("cs.LG", "hep-th", "cond-mat.stat-mech", "math")
// and the URL has at most max characters, else "". Only a name of that
// shape is made a link: the categories of a digest come from the store,
// and a hand-edited database must not put a link of its choosing into a
// message. A URL of that shape holds only letters, hyphens and dots after
// arXiv's host, so it is a valid link on every platform (ValidLink).
func CategoryListURL(cat string, max int) string {
	if !categoryNameRe.MatchString(cat) {
		return ""
	}
	if u := ArxivListURL(cat); len(u) <= max {
		return u
	}
	return ""
}

// categoryNameRe is the shape of an arXiv category or archive name.
var categoryNameRe = regexp.MustCompile(`^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$`)

// IsLast reports whether it is the last item of d, whose message ends the
// thread (and carries the closing line, see Closing). A nil d has none.
func (d *Digest) IsLast(it Item) bool {
	return d != nil && it.Rank > 0 && it.Rank == len(d.Items)
}

// ArxivCounts is the start of an arXiv digest's intro, up to the list of
// its categories: "10 of 241 new papers in ", "3 new papers in ", or with
// the daily lists too "12 papers from " + hfList + " and arXiv's 241 new
// papers in ". hfList is the renderer's name (or link) for Hugging Face's
// daily list. d must have an Arxiv part.
func (d *Digest) ArxivCounts(hfList string) string {
	a, n := d.Arxiv, len(d.Items)
	switch {
	case a.WithLists:
		return Count(n, "paper") + " from " + hfList + " and arXiv's " + Count(a.Announced, "new paper") + " in "
	case a.Announced >= n:
		return strconv.Itoa(n) + " of " + Count(a.Announced, "new paper") + " in "
	default:
		return Count(n, "new paper") + " in "
	}
}
