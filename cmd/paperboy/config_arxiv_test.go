package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The arxiv: section and the arxiv:CATS source: defaults, each key read,
// categories made canonical, and every bad value one line naming the key
// or the category (exit 2), a misspelt category with the closest valid one.
func TestArxivConfig(t *testing.T) {
	resolve := resolveYAML
	s := resolve(t, "")
	if s.Arxiv.RSSURL != "https://rss.arxiv.org" || s.Arxiv.APIURL != "https://export.arxiv.org/api/query" ||
		s.Arxiv.OAIURL != "https://oaipmh.arxiv.org/oai" || s.Arxiv.MaxRetries != 4 {
		t.Errorf("defaults: %+v", s.Arxiv)
	}
	s = resolve(t, "arxiv:\n  contact: ops@example.org\n  rss_url: http://127.0.0.1:1/\n  min_interval: 10ms\n  timeout: 5s\n  max_retries: 0\n")
	if s.Arxiv.Contact != "ops@example.org" || s.Arxiv.RSSURL != "http://127.0.0.1:1/" || s.Arxiv.MinInterval != 10*time.Millisecond ||
		s.Arxiv.Timeout != 5*time.Second || s.Arxiv.MaxRetries != 0 {
		t.Errorf("set: %+v", s.Arxiv)
	}

	// The source's categories, as paperboy reads them.
	db := filepath.Join(t.TempDir(), "p.db")
	r := runMain(t, testEnv(), "status", "--source", "arxiv:cs.CL, cs.LG,cs.CL", "--db", db)
	if r.code != 0 {
		t.Fatalf("arxiv:cs.CL, cs.LG: exit %d: %s", r.code, r.stderr)
	}
	for src, want := range map[string][]string{
		"arxiv:cs.CL, cs.LG,cs.CL": {"cs.CL", "cs.LG"},
		"arxiv:cs.cl":              {"cs.CL"},
		"arxiv:math.IT":            {"cs.IT"}, // an alias: arXiv's name now
		"arxiv:cs":                 {"cs"},    // a whole archive
		"huggingface":              nil,
	} {
		got, err := arxivCategories(src)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: %v, %v; want %v", src, got, err, want)
		}
	}

	for _, c := range []struct {
		name string
		args []string
		yaml string
		want []string
	}{
		{"misspelt category", []string{"--source", "arxiv:cs.CV2"}, "", []string{`source: arxiv: unknown category "cs.CV2": did you mean cs.CV?`}},
		{"no category", []string{"--source", "arxiv:"}, "", []string{"source: arxiv:"}},
		{"bad url", nil, "arxiv:\n  api_url: ftp://x\n", []string{`config: arxiv.api_url: "ftp://x" is not an http(s) URL`}},
		{"zero interval", nil, "arxiv:\n  min_interval: 0s\n", []string{"config: arxiv.min_interval: must be more than 0"}},
		{"negative retries", nil, "arxiv:\n  max_retries: -1\n", []string{"config: arxiv.max_retries: -1 is negative"}},
		{"misspelt key", nil, "arxiv:\n  contakt: me\n", []string{"arxiv.contakt: unknown key", `did you mean "contact"?`}},
		{"two list sources", []string{"--source", "sample", "--source", "huggingface"}, "", []string{"source: sample and huggingface are both sources of daily lists"}},
		{"channel misspelt", nil, "channels:\n  - platform: console\n    id: stdout\n    source: [huggingface, \"arxiv:cs.RO,q-bio.XX\"]\n", []string{`config: channels[0].source: unknown category "q-bio.XX"`, "did you mean"}},
		{"channel bad source", nil, "channels:\n  - platform: console\n    id: stdout\n    source: arxive:cs.RO\n", []string{`config: channels[0].source: source "arxive:cs.RO" is not huggingface or arxiv:CATEGORIES`}},
		{"channel bad rank", nil, "channels:\n  - platform: console\n    id: stdout\n    rank: stars\n", []string{`config: channels[0].rank: "stars" is not upvotes, relevance or newest`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := "status"
			args := append([]string{cmd, "--db", filepath.Join(t.TempDir(), "p.db")}, c.args...)
			if c.yaml != "" {
				args = append(args, "--config", writeConfig(t, c.yaml))
			}
			r := runMain(t, testEnv(), args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if strings.Contains(line, "\n") {
				t.Errorf("error is not one line:\n%s", r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("error %q does not contain %q", line, w)
				}
			}
		})
	}
}
