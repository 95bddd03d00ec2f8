package main

import (
	"io"
	"strings"
	"sync"
)

// minSecret is the shortest value the redactor hides: shorter values
// would garble ordinary words, and no real token is that short.
const minSecret = 8

// redacted replaces a secret in output.
const redacted = "[redacted]"

// redactor hides secrets (tokens, the signing secret) in everything
// paperboy writes: logs, error messages, the console platform's output.
// The code never logs a secret on purpose; this is the net under it, for
// what a library or a recovered panic might put in an error.
type redactor struct {
	mu      sync.RWMutex
	secrets map[string]bool
	r       *strings.Replacer
}

// add registers secret values (empty and short ones are ignored).
func (r *redactor) add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secrets == nil {
		r.secrets = map[string]bool{}
	}
	for _, v := range values {
		if len(v) >= minSecret {
			r.secrets[v] = true
		}
	}
	var pairs []string
	for s := range r.secrets {
		pairs = append(pairs, s, redacted)
	}
	r.r = strings.NewReplacer(pairs...)
}

// redact returns s with every registered secret replaced.
func (r *redactor) redact(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// writer returns w with every write redacted. Each write is redacted on
// its own: slog and fmt write a record or message in one call.
func (r *redactor) writer(w io.Writer) io.Writer { return &redactWriter{w: w, r: r} }

type redactWriter struct {
	w io.Writer
	r *redactor
}

// Unwrap returns the writer underneath (console.IsTerminal looks at it).
func (w *redactWriter) Unwrap() io.Writer { return w.w }

func (w *redactWriter) Write(p []byte) (int, error) {
	s := string(p)
	out := w.r.redact(s)
	if out == s {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// secretEnvValues returns the values of the environment variables the
// config's secret keys conventionally name (HF_TOKEN, DISCORD_BOT_TOKEN,
// ...), so they are hidden even before the config is read.
func secretEnvValues(getenv func(string) string) []string {
	var out []string
	for _, name := range secretKeys {
		out = append(out, getenv(name))
	}
	return out
}

// secrets returns the resolved secret settings.
func (s *resolvedConfig) secrets() []string {
	return []string{s.HFToken, s.Discord.Token, s.Slack.BotToken, s.Slack.AppToken, s.Slack.SigningSecret}
}
