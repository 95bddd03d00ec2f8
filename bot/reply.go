package bot

import "fmt"

// Reply is a platform-neutral answer to a command or the body of a direct
// message. Adapters render it: Discord as content and embeds, Slack as
// Block Kit, always escaping the text of every Span.
type Reply struct {
	Title  string
	Lines  []Line
	Papers []Paper // shown as paper cards
	// Buttons act on the reply (search paging). Their Action is opaque
	// state that comes back through Commands.HandleAction.
	Buttons []Button
	// Error marks a refusal or a message about bad input.
	Error bool
}

// Button is an action button under a reply.
type Button struct {
	Label  string
	Action string // at most 100 characters (Discord's custom_id limit)
}

// Line is one line of text made of spans.
type Line []Span

// Span is a piece of text with a style. Text is shown as written: adapters
// escape it, so it may hold untrusted text (a query, a title).
type Span struct {
	Text string
	Bold bool
	Code bool   // monospace: commands and examples
	URL  string // a link around Text (the bot's own links only)
}

// Text returns a plain span.
func Text(format string, args ...any) Span { return Span{Text: fmt.Sprintf(format, args...)} }

// Bold returns a bold span.
func Bold(s string) Span { return Span{Text: s, Bold: true} }

// Code returns a monospace span.
func Code(s string) Span { return Span{Text: s, Code: true} }

// Link returns a span linking to url.
func Link(text, url string) Span { return Span{Text: text, URL: url} }

// Plain returns the reply as plain text (for logs, terminals and the
// fallback text of chat messages).
func (r Reply) Plain() string {
	s := r.Title
	for _, l := range r.Lines {
		if s != "" {
			s += "\n"
		}
		for _, sp := range l {
			s += sp.Text
		}
	}
	for _, p := range r.Papers {
		s += "\n" + p.DisplayTitle() + " " + p.PageURL()
	}
	return s
}

// Errorf returns an error reply of one line.
func errorReply(format string, args ...any) Reply {
	return Reply{Error: true, Lines: []Line{{Text(format, args...)}}}
}
