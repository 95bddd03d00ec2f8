// Package console is the platform that prints digests to a terminal,
// exactly as a chat would show the thread: the default when no chat token
// is configured, and what `paperboy digest --dry-run` prints.
package console

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/bot"
)

// Name is the platform name of console channels.
const Name = "console"

// Width is the column the summary is wrapped at.
const Width = 78

// Console prints threads to a writer.
type Console struct {
	mu    sync.Mutex
	w     io.Writer
	color bool
	// Pace is a pause before each message, as a chat's rate limit would
	// space them out.
	Pace time.Duration
	// printed remembers the headers printed by this process, so a thread
	// resumed from an earlier run says so.
	printed map[string]bool
}

var _ bot.Platform = (*Console)(nil)

// New returns a console writing to w, with colour when color is true.
func New(w io.Writer, color bool) *Console {
	return &Console{w: w, color: color, printed: map[string]bool{}}
}

// IsTerminal reports whether w is a character device (a terminal). A
// writer that wraps another (an Unwrap() io.Writer method, like the
// binary's secret-redacting writer) is judged by what it wraps.
func IsTerminal(w io.Writer) bool {
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Name returns "console".
func (c *Console) Name() string { return Name }

// Send prints the header or one item.
func (c *Console) Send(ctx context.Context, m *bot.Message) (bot.Sent, error) {
	if c.Pace > 0 {
		if err := bot.Sleep(ctx, c.Pace); err != nil {
			return bot.Sent{}, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	var sent bot.Sent
	if m.IsHeader() {
		c.renderHeader(&b, m.Digest)
		sent = bot.Sent{MessageID: m.Key, ThreadID: m.Key}
		c.printed[m.Key] = true
	} else {
		if !c.printed[m.Thread.MessageID] {
			// The header went out in an earlier run: say which thread this continues.
			fmt.Fprintf(&b, "%s\n\n", c.style(dim, "… continuing "+Clean(m.Digest.Header())))
			c.printed[m.Thread.MessageID] = true
		}
		c.RenderItem(&b, *m.Item)
		c.renderClosing(&b, m.Digest, *m.Item)
		sent = bot.Sent{MessageID: m.Key, ThreadID: m.Thread.ThreadID}
	}
	// One write per message: a message is printed whole or not at all.
	if _, err := io.WriteString(c.w, b.String()); err != nil {
		return bot.Sent{}, fmt.Errorf("console: write: %w", err)
	}
	return sent, nil
}

// Find cannot look back at what a terminal showed: it reports not found,
// so a message whose confirmation was lost in a crash is printed again.
func (c *Console) Find(context.Context, *bot.Message) (bot.Sent, bool, error) {
	return bot.Sent{}, false, nil
}

// Render writes a whole digest, header and items, as Send would.
func (c *Console) Render(w io.Writer, d *bot.Digest) {
	var b strings.Builder
	c.renderHeader(&b, d)
	for _, it := range d.Items {
		c.RenderItem(&b, it)
		c.renderClosing(&b, d, it)
	}
	io.WriteString(w, b.String())
}

// renderHeader writes the header line, underlined; for an arXiv digest
// then where its papers come from (see renderArxivIntro).
func (c *Console) renderHeader(b *strings.Builder, d *bot.Digest) {
	h := Clean(d.Header())
	fmt.Fprintf(b, "%s\n%s\n", c.style(boldCyan, h), c.style(dim, strings.Repeat("─", utf8.RuneCountInString(h))))
	if d.Arxiv != nil {
		c.renderArxivIntro(b, d)
	}
	b.WriteString("\n")
}

// RenderItem writes one paper: rank and title, authors and counts (for a
// paper only arXiv has described, which Hugging Face has no counts of, its
// arXiv categories), the summary wrapped to Width, then its links (no
// Hugging Face page for a paper only arXiv has described).
func (c *Console) RenderItem(b *strings.Builder, it bot.Item) {
	p := it.Paper
	rank := fmt.Sprintf("%2d. ", it.Rank)
	indent := strings.Repeat(" ", len(rank))
	for i, line := range wrap(Clean(p.DisplayTitle()), Width-len(indent)) {
		lead := indent
		if i == 0 {
			lead = rank
		}
		fmt.Fprintf(b, "%s%s\n", lead, c.style(bold, line))
	}
	meta := []string{}
	if a := Clean(bot.ShortAuthors(p.Authors, 3)); a != "" {
		meta = append(meta, a)
	}
	if p.ArxivOnly() {
		if cats := Clean(strings.Join(p.Categories, ", ")); cats != "" {
			meta = append(meta, cats)
		}
	} else {
		meta = append(meta, bot.Count(p.Upvotes, "upvote"), bot.Count(p.Comments, "comment"))
	}
	if org := Clean(p.Organization()); org != "" {
		meta = append(meta, org)
	}
	fmt.Fprintf(b, "%s%s\n", indent, strings.Join(meta, " · "))
	if s := Clean(bot.Summary(p, bot.SummaryLen)); s != "" {
		for _, line := range wrap(s, Width-len(indent)) {
			fmt.Fprintf(b, "%s%s\n", indent, line)
		}
	}
	var links [][2]string
	if !p.ArxivOnly() {
		links = append(links, [2]string{"Hugging Face", p.HuggingFaceURL()})
	}
	links = append(links, [2]string{"arXiv", p.ArxivURL()}, [2]string{"PDF", p.PDFURL()})
	if p.GitHubRepo != "" {
		code := Clean(p.GitHubRepo)
		if p.GitHubStars > 0 {
			code += " (" + bot.Count(p.GitHubStars, "star") + ")"
		}
		links = append(links, [2]string{"Code", code})
	}
	if p.ProjectPage != "" {
		links = append(links, [2]string{"Project", Clean(p.ProjectPage)})
	}
	for _, l := range links {
		fmt.Fprintf(b, "%s%-13s%s\n", indent, l[0], c.style(dim, l[1]))
	}
	b.WriteString("\n")
}

// Highlight renders a search snippet for a terminal: the matched words in
// bold colour when colour is on, in capitals otherwise.
func (c *Console) Highlight(l bot.Line) string {
	var b strings.Builder
	for _, sp := range l {
		t := Clean(sp.Text)
		if strings.HasPrefix(sp.Text, " ") && b.Len() > 0 {
			b.WriteByte(' ')
		}
		switch {
		case !sp.Bold:
			b.WriteString(t)
		case c.color:
			b.WriteString(boldYellow + t + reset)
		default:
			b.WriteString(strings.ToUpper(t))
		}
		if strings.HasSuffix(sp.Text, " ") && t != "" {
			b.WriteByte(' ')
		}
	}
	return strings.TrimSpace(b.String())
}

// Clean makes untrusted text safe for a terminal: it is cleaned as for
// every platform (bot.CleanText: terminal escape sequences removed whole,
// control characters, bidirectional overrides and other invisible
// characters dropped, white space collapsed to one line).
func Clean(s string) string { return bot.CleanText(s) }

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		wl := utf8.RuneCountInString(word)
		if n > 0 && n+1+wl > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(word)
		n += wl
	}
	if n > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

const (
	bold       = "\x1b[1m"
	boldCyan   = "\x1b[1;36m"
	dim        = "\x1b[2m"
	boldYellow = "\x1b[1;33m"
	reset      = "\x1b[0m"
)

func (c *Console) style(code, s string) string {
	if !c.color {
		return s
	}
	return code + s + reset
}
