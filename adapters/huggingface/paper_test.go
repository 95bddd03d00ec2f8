package huggingface

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
)

// Refresh reads /api/papers/{id} from the fake: the paper of its newest
// list, then the document set for it, with the repos linked to it; an
// unknown paper is bot.ErrNotFound; every request is paced like the lists.
func TestFollowupRefreshFromHub(t *testing.T) {
	hf := hffake.New()
	t.Cleanup(hf.Close)
	if err := hf.SetList("2026-12-01", []byte(`[{"paper":{"id":"2612.00001","title":"A  paper","summary":"S.","upvotes":7,
		"authors":[{"name":"Ada"}],"publishedAt":"2026-11-30T00:00:00.000Z","submittedOnDailyAt":"2026-12-01T00:00:00.000Z"},
		"title":"A paper","numComments":3,"publishedAt":"2026-11-29T19:00:00.000Z"}]`)); err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	c, err := New(Options{BaseURL: hf.URL(), UserAgent: testUA, MinInterval: time.Second, Sleep: w.sleep})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p, l, err := c.Refresh(ctx, "2612.00001v2")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "2612.00001" || p.Title != "A paper" || p.Upvotes != 7 || p.Comments != 3 || p.GitHubRepo != "" ||
		p.ListDate != (bot.Date{Year: 2026, Month: 12, Day: 1}) || l != (bot.Linked{}) || p.FetchedAt.IsZero() {
		t.Errorf("paper %+v, linked %+v", p, l)
	}
	if err := hf.SetPaper("2612.00001", []byte(`{"id":"2612.00001","title":"A paper, v2","upvotes":40,
		"githubRepo":"https://github.com/a/b","githubStars":120,"publishedAt":"2026-11-30T00:00:00.000Z"}`)); err != nil {
		t.Fatal(err)
	}
	hf.SetLinked("2612.00001", hffake.Linked{Models: []string{"a/m1", "a/m2"}, Spaces: []string{"a/s"}})
	p, l, err = c.Refresh(ctx, "2612.00001")
	if err != nil {
		t.Fatal(err)
	}
	if p.GitHubRepo != "https://github.com/a/b" || p.GitHubStars != 120 || p.Title != "A paper, v2" || !p.ListDate.IsZero() ||
		l != (bot.Linked{Models: 2, Spaces: 1}) {
		t.Errorf("paper %+v (a document without submittedOnDailyAt is on no list), linked %+v", p, l)
	}
	if _, _, err := c.Refresh(ctx, "2612.99999"); !errors.Is(err, bot.ErrNotFound) || !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown paper: %v", err)
	}
	if _, _, err := c.Refresh(ctx, "not an id"); err == nil {
		t.Error("a bad id was asked for")
	}
	reqs := hf.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/api/papers/2612.00001" || reqs[0].UserAgent != testUA {
		t.Errorf("requests %+v", reqs)
	}
	if got := w.list(); len(got) != 2 || got[0] < 900*time.Millisecond {
		t.Errorf("waits %v: want each request after the first paced by MinInterval", got)
	}
	if n := len(hf.PaperRequests("2612.00001")); n != 2 {
		t.Errorf("PaperRequests: %d", n)
	}
}

// A 429 on a paper is retried after its Retry-After, as for the lists.
func TestFollowupRefreshRateLimited(t *testing.T) {
	hf := hffake.New()
	t.Cleanup(hf.Close)
	if err := hf.SetPaper("2612.00002", []byte(`{"id":"2612.00002","title":"B"}`)); err != nil {
		t.Fatal(err)
	}
	hf.AddRule(hffake.Rule{Path: "/api/papers/2612.00002", Times: 1, RetryAfter: 3 * time.Second})
	w := &waits{}
	c, err := New(Options{BaseURL: hf.URL(), UserAgent: testUA, MinInterval: -1, Sleep: w.sleep})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Refresh(context.Background(), "2612.00002"); err != nil {
		t.Fatal(err)
	}
	if got := w.list(); len(got) != 1 || got[0] != 3*time.Second {
		t.Errorf("waits %v, want the 3 s Retry-After", got)
	}
}
