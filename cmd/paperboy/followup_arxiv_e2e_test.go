package main

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
)

// withArxiv points the world's configuration at ax instead of the guard
// writeConfig adds.
func (w *followWorld) withArxiv(ax *arxivfake.Server) {
	w.t.Helper()
	b, err := os.ReadFile(w.cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "arxiv:") {
			kept = append(kept, l)
		}
	}
	w.cfg = writeConfig(w.t, strings.Join(kept, "\n")+"\narxiv: {api_url: "+ax.APIURL()+", min_interval: 20ms}\n")
}

// TestFollowupArxivVersionAndVenueOfListedPapers: the channels follow only
// Hugging Face's daily lists, whose documents say nothing of versions or
// venues. By Wednesday arXiv has v2 of the first paper, with a new title
// and "Accepted at NeurIPS 2026" in its comments. The daemon looks the
// three posted papers up in arXiv's export API in one request (though two
// channels show them), and each card is edited once to show the new title
// and both facts; a restart within the interval asks arXiv nothing.
func TestFollowupArxivVersionAndVenueOfListedPapers(t *testing.T) {
	w := newFollowWorld(t, "")
	ax := arxivfake.New()
	t.Cleanup(ax.Close)
	ax.SetMinInterval(20*time.Millisecond, 10*time.Millisecond)
	ax.AddPapers(
		arxivfake.Paper{ID: followIDs[0], Version: 2, Title: "Sparse routers for mixtures of experts", Abstract: "We study sparse routers.",
			Authors: []arxivfake.Author{{Forenames: "Ada", Keyname: "Lovelace"}}, Categories: []string{"cs.LG"}, Submitted: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC),
			Updated: time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC), Comment: "12 pages. Accepted at NeurIPS 2026"},
		arxivfake.Paper{ID: followIDs[1], Version: 1, Title: "Graph transformers at scale", Abstract: "We study graph transformers.",
			Authors: []arxivfake.Author{{Forenames: "Ada", Keyname: "Lovelace"}}, Categories: []string{"cs.LG"}, Submitted: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)},
	)
	w.withArxiv(ax)
	wed := followMon.AddDays(2)
	stop, _, log := w.daemon(wed, 13)
	w.waitFor("the follow-ups confirmed", 30*time.Second, log, func() bool { return w.rows("sent") == 4 })
	time.Sleep(3 * time.Second)
	stop()

	var queries []url.Values
	for _, r := range ax.Requests() {
		if r.Route == arxivfake.RouteAPI {
			q, _ := url.ParseQuery(r.Query)
			queries = append(queries, q)
		}
	}
	if len(queries) != 1 || queries[0].Get("id_list") == "" || strings.Count(queries[0].Get("id_list"), ",") != 2 || queries[0].Get("max_results") != "3" {
		t.Fatalf("arXiv API requests %v, want one for the three papers", queries)
	}
	if v := ax.Violations(); len(v) != 0 {
		t.Errorf("arXiv's terms broken: %+v", v)
	}
	if got := w.rows(""); got != 4 {
		t.Errorf("%d follow-up rows, want 4 (v2 and the venue, in two channels)", got)
	}
	if d, s := w.discordEdits(), w.slackEdits(); d != 1 || s != 1 {
		t.Errorf("%d Discord edits and %d Slack updates, want one each", d, s)
	}
	d0 := w.discordItem(0)
	if note := discordNote(d0); note != "9 Dec: v2 with a new title (was “Sparse routers for mixtures”), Accepted at NeurIPS 2026" {
		t.Errorf("Discord card's update: %q", note)
	}
	if !strings.Contains(d0.Embeds[0].Title, "Sparse routers for mixtures of experts") {
		t.Errorf("Discord card's title: %q", d0.Embeds[0].Title)
	}
	if s0 := string(w.slackItem(0).Blocks); !strings.Contains(s0, "Accepted at NeurIPS 2026") || !strings.Contains(s0, "mixtures of experts") {
		t.Errorf("Slack card: %s", s0)
	}
	if note := discordNote(w.discordItem(1)); note != "" {
		t.Errorf("an unchanged paper was edited: %q", note)
	}

	stop, _, _ = w.daemon(wed, 14)
	time.Sleep(3 * time.Second)
	stop()
	n := 0
	for _, r := range ax.Requests() {
		if r.Route == arxivfake.RouteAPI {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d arXiv API requests after a restart within the interval, want still 1", n)
	}
}
