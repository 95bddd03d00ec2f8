package bot

import (
	"strings"
	"testing"
	"time"
)

func TestWatchActionsReplaceOnlyTheirOwnReplies(t *testing.T) {
	for action, want := range map[string]bool{
		WatchAction("2612.04001"): false, // a post everyone sees: answered apart
		"wu:0:2612.04001":         true,
		"wp:1":                    true,
		"s:abc:2":                 true,
	} {
		if got := ActionReplaces(action); got != want {
			t.Errorf("ActionReplaces(%q) = %v, want %v", action, got, want)
		}
	}
}

func TestWatchMessagesSayWhatChanged(t *testing.T) {
	at := time.Date(2026, 12, 9, 13, 0, 0, 0, time.UTC)
	p := Paper{ID: "2612.04001", Title: "Sparse routers", ListDate: Date{Year: 2026, Month: time.December, Day: 7},
		GitHubRepo: "https://github.com/example/routers", GitHubStars: 1200}
	q := Paper{ID: "2612.04002", Title: "Graph transformers v2", ListDate: p.ListDate}
	b := &AlertBatch{Watched: []WatchedChange{
		{Paper: p, Change: Change{Kind: FollowCode}, Detected: at},
		{Paper: q, Change: Change{Kind: FollowVersion, Value: 2, Detail: "Graph transformers"}, Detected: at},
		{Paper: p, Change: Change{Kind: FollowStars, Value: 1000}, Detected: at},
		{Paper: q, Change: Change{Kind: FollowVenue, Detail: "Accepted at NeurIPS 2026"}, Detected: at},
	}}
	parts := AlertMessages(b, nil)
	if len(parts) != 1 {
		t.Fatalf("%d messages, want 1", len(parts))
	}
	text := parts[0].Plain()
	for _, want := range []string{
		"2 papers you watch changed",
		"Sparse routers: code released, 1,000 stars on GitHub\nCode on GitHub · ★ 1,200",
		"Graph transformers v2: v2 with a new title (was “Graph transformers”), Accepted at NeurIPS 2026",
		"/papers unwatch <arXiv id>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the DM lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "unsubscribe") {
		t.Errorf("a DM of watched papers only speaks of topics:\n%s", text)
	}
	// With topic alerts too, both are said.
	b.Items = []AlertItem{{Paper: Paper{ID: "2612.05000", Title: "New one"}, Topics: []int64{3}}}
	b.Topics = map[int64]Subscription{3: {ID: 3, Query: "routers"}}
	if got := AlertMessages(b, nil)[0].Title; got != "1 new paper for your topics · 2 papers you watch changed" {
		t.Errorf("title %q", got)
	}
}
