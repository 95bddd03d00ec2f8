package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// benchEditor is a chat platform that counts edits (the platforms' own
// costs are their rate limits, measured elsewhere).
type benchEditor struct {
	name  string
	edits atomic.Int64
}

func (e *benchEditor) Name() string { return e.name }
func (e *benchEditor) Send(context.Context, *bot.Message) (bot.Sent, error) {
	return bot.Sent{}, fmt.Errorf("not used")
}
func (e *benchEditor) Find(context.Context, *bot.Message) (bot.Sent, bool, error) {
	return bot.Sent{}, false, nil
}
func (e *benchEditor) EditItem(context.Context, *bot.FollowupMessage) error {
	e.edits.Add(1)
	return nil
}
func (e *benchEditor) ReplyItem(context.Context, *bot.FollowupMessage) (bot.Sent, error) {
	return bot.Sent{MessageID: "r"}, nil
}
func (e *benchEditor) FindReply(context.Context, *bot.FollowupMessage) (bot.Sent, bool, error) {
	return bot.Sent{}, false, nil
}

// followBench is a store with days × perDay papers, each day's papers
// posted to every one of chans channels (half on Discord, half on Slack),
// and a fake Hugging Face whose documents say that every changeEvery-th
// paper's code came out.
type followBench struct {
	db     *store.DB
	hf     *hffake.Server
	ax     *arxivfake.Server
	bot    *bot.Bot
	eds    []*benchEditor
	papers int
	items  int
}

func newFollowBench(b *testing.B, days, perDay, chans, changeEvery int) *followBench {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "p.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	hf := hffake.New()
	b.Cleanup(hf.Close)
	ax := arxivfake.New()
	b.Cleanup(ax.Close)
	ax.SetMinInterval(0, 0)
	last := bot.Date{Year: 2026, Month: time.December, Day: 18}
	first := last.AddDays(-days + 1)
	var refs []bot.ChannelRef
	for c := 0; c < chans; c++ {
		ref := bot.ChannelRef{Platform: "discord", ID: fmt.Sprint(100000 + c)}
		if c%2 == 1 {
			ref = bot.ChannelRef{Platform: "slack", ID: fmt.Sprintf("C%08d", c)}
		}
		refs = append(refs, ref)
		if err := db.SaveChannel(ctx, bot.Channel{ChannelRef: ref, Settings: bot.DefaultSettings("UTC")}, first.In(time.UTC, 0, 0)); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	for d := first; !d.After(last); d = d.AddDays(1) {
		var ps []bot.Paper
		for i := 0; i < perDay; i++ {
			id := fmt.Sprintf("2612.%05d", n)
			p := bot.Paper{ID: id, Title: "Paper " + id, Abstract: "About " + id + ".", Authors: []string{"Ada Lovelace"},
				ListDate: d, Upvotes: 100 - i}
			ps = append(ps, p)
			doc := map[string]any{"id": id, "title": p.Title, "summary": p.Abstract, "upvotes": p.Upvotes + 10,
				"authors": []any{map[string]any{"name": "Ada Lovelace"}}, "submittedOnDailyAt": d.String() + "T00:00:00.000Z"}
			if changeEvery > 0 && n%changeEvery == 0 {
				doc["githubRepo"], doc["githubStars"] = "https://github.com/example/"+id, 42
			}
			body, _ := json.Marshal(doc)
			if err := hf.SetPaper(id, body); err != nil {
				b.Fatal(err)
			}
			ax.AddPapers(arxivfake.Paper{ID: id, Version: 1, Title: p.Title, Abstract: p.Abstract,
				Authors: []arxivfake.Author{{Forenames: "Ada", Keyname: "Lovelace"}}, Categories: []string{"cs.LG"}, Submitted: d.In(time.UTC, 0, 0), Comment: "12 pages, 5 figures"})
			n++
		}
		at := d.In(time.UTC, 9, 0)
		if _, err := db.SaveList(ctx, d, ps, at); err != nil {
			b.Fatal(err)
		}
		dg := &bot.Digest{ListDate: d}
		for i, p := range ps {
			dg.Items = append(dg.Items, bot.Item{Rank: i + 1, Paper: p})
		}
		for _, ref := range refs {
			if _, _, err := db.PlanDigest(ctx, ref, dg, at); err != nil {
				b.Fatal(err)
			}
		}
	}
	// Every row confirmed in one statement (the trigger records what each
	// item shows, as a confirmation one by one would).
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE deliveries SET state = 'sent', message_id = 'm' || id, thread_id = 't' || coalesce(header_id, id),
		sent_at = list_date || 'T09:01:00.000000000Z' WHERE state <> 'sent'`); err != nil {
		b.Fatal(err)
	}
	hc, err := huggingface.New(huggingface.Options{BaseURL: hf.URL(), UserAgent: userAgent(), MinInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	ac, err := arxiv.New(arxiv.Options{RSSURL: ax.URL(), APIURL: ax.APIURL(), OAIURL: ax.OAIURL(), MinInterval: time.Millisecond, Contact: "bench@example.org", Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	eds := []*benchEditor{{name: "discord"}, {name: "slack"}}
	fb := &followBench{db: db, hf: hf, ax: ax, eds: eds, papers: n, items: n * chans}
	fb.bot = &bot.Bot{Store: db, Platforms: map[string]bot.Platform{"discord": eds[0], "slack": eds[1]},
		Clock:     fixedClock{at: last.In(time.UTC, 15, 0)},
		Followups: &bot.Followups{Days: days + 1, Interval: 6 * time.Hour, Refresher: hc, Arxiv: ac, PerTurn: 1 << 20, Budget: time.Hour}}
	return fb
}

func (f *followBench) edits() int64 { return f.eds[0].edits.Load() + f.eds[1].edits.Load() }

// BenchmarkFollowupRefresh: one refresh cycle of 14 days of posts (30
// papers a day) in 10 and in 100 channels, every channel showing every
// paper (4,200 and 42,000 posted items), one paper in ten with its code
// released since: the source requests (one per paper, whatever the
// number of channels), the edits (one per changed item), the turns the
// daemon needs (each turn compares and delivers at most 200 items) and
// the time, without Hugging Face's pacing (the pacing adds
// huggingface.min_interval per request: 600 ms by default).
func BenchmarkFollowupRefresh(b *testing.B) {
	for _, chans := range []int{10, 100} {
		b.Run(fmt.Sprintf("channels=%d", chans), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				fb := newFollowBench(b, 14, 30, chans, 10)
				b.StartTimer()
				start := time.Now()
				turns, idle := 0, 0
				var first time.Duration
				for idle < 2 {
					before, reqs := fb.edits(), len(fb.hf.Requests())
					t0 := time.Now()
					if err := fb.bot.RunFollowups(context.Background(), time.Time{}); err != nil {
						b.Fatal(err)
					}
					if turns == 0 {
						first = time.Since(t0)
					}
					turns++
					if fb.edits() == before && len(fb.hf.Requests()) == reqs {
						idle++
					}
				}
				elapsed := time.Since(start)
				b.StopTimer()
				// A turn with nothing to do, for the daemon's steady state.
				t0 := time.Now()
				if err := fb.bot.RunFollowups(context.Background(), time.Time{}); err != nil {
					b.Fatal(err)
				}
				idleTurn := time.Since(t0)
				reqs := len(fb.hf.Requests())
				b.ReportMetric(float64(reqs), "requests")
				axReqs := len(fb.ax.Requests())
				b.ReportMetric(float64(axReqs), "arxiv-requests")
				b.ReportMetric(float64(fb.papers), "papers")
				b.ReportMetric(float64(fb.items), "items")
				b.ReportMetric(float64(fb.edits()), "edits")
				b.ReportMetric(float64(turns-2), "turns")
				b.ReportMetric(float64(first.Milliseconds()), "first-turn-ms")
				b.ReportMetric(float64(elapsed.Milliseconds()), "cycle-ms")
				b.ReportMetric(float64(idleTurn.Milliseconds()), "idle-turn-ms")
				if reqs != fb.papers {
					b.Fatalf("%d requests for %d papers", reqs, fb.papers)
				}
				if want := (fb.papers + bot.ArxivBatch - 1) / bot.ArxivBatch; axReqs != want {
					b.Fatalf("%d arXiv requests for %d papers, want %d", axReqs, fb.papers, want)
				}
				if want := int64(fb.papers / 10 * chans); fb.edits() != want {
					b.Fatalf("%d edits, want %d", fb.edits(), want)
				}
				b.StartTimer()
			}
		})
	}
}
