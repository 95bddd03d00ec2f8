package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// TestArxivChannelsEndToEnd runs the real binary against the fake arXiv,
// a fake Hugging Face and the Discord and Slack fakes, for a Discord
// channel and a Slack channel that follow the Hugging Face lists and
// arXiv's cs.RO. Monday: the thread holds arXiv's new robotics papers
// (the header names cs.RO and the day's count, the thread ends with the
// "and N more" line). Tuesday: a paper of Monday's announcement is on
// Hugging Face's list with upvotes: it is not posted again, on either
// platform, and the stored paper has both sources' facts. Saturday:
// nothing is posted and status says why.
func TestArxivChannelsEndToEnd(t *testing.T) {
	mon := bot.Date{Year: 2026, Month: time.December, Day: 7}
	tue := mon.AddDays(1)
	sat := mon.AddDays(5)
	var mu sync.Mutex
	now := mon.In(bot.Eastern(), 9, 0)
	ax := arxivfake.New()
	t.Cleanup(ax.Close)
	ax.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	ax.SetMinInterval(20*time.Millisecond, 0)
	monDay := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: mon, N: 60, Seed: 41})
	ax.SetDay(monDay)
	ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: tue, N: 60, Seed: 42}))
	for d := tue.AddDays(1); d.Before(sat); d = d.AddDays(1) {
		ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: d, N: 30, Seed: uint64(d.Day)}))
	}
	shared := monDay.Items[0].Paper // announced new on Monday: the thread's first paper

	hf := hffake.New()
	t.Cleanup(hf.Close)
	setHF := func(d bot.Date, papers ...map[string]any) {
		t.Helper()
		b, err := json.Marshal(papers)
		if err != nil {
			t.Fatal(err)
		}
		if err := hf.SetList(d.String(), b); err != nil {
			t.Fatal(err)
		}
	}
	hfPaper := func(id, title string, upvotes int, d bot.Date) map[string]any {
		return map[string]any{
			"paper": map[string]any{"id": id, "title": title, "summary": "We study " + title + ".", "upvotes": upvotes,
				"authors":     []any{map[string]any{"name": "Ada Lovelace"}},
				"githubRepo":  "https://github.com/example/" + strings.ReplaceAll(id, ".", "-"),
				"publishedAt": d.String() + "T00:00:00.000Z", "submittedOnDailyAt": d.String() + "T01:00:00.000Z"},
			"title": title, "publishedAt": d.String() + "T00:00:00.000Z", "numComments": 2,
		}
	}
	setHF(mon, hfPaper("2612.90001", "A list paper of Monday", 40, mon))
	setHF(tue, hfPaper(shared.ID, shared.Title, 300, tue), hfPaper("2612.90002", "A list paper of Tuesday", 20, tue))

	dc := fakeDiscord(t)
	sl := slackfake.New()
	t.Cleanup(sl.Close)
	sl.SetToken(fakeSlackBot)
	sl.SetBotUser("U0BOT", "T100")
	sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
arxiv:
  rss_url: %s
  api_url: %s
  oai_url: %s
  min_interval: 20ms
  contact: ops@example.org
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  guild_ids: ["9000"]
  gateway: false
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
channels:
  - {platform: discord, id: "100", zone: America/New_York, weekdays: daily, source: [huggingface, "arxiv:cs.RO"]}
  - {platform: slack, id: C100, zone: America/New_York, weekdays: daily, source: [huggingface, "arxiv:cs.RO"]}
`, hf.URL(), ax.URL(), ax.APIURL(), ax.OAIURL(), dc.URL(), sl.APIURL()))
	db := filepath.Join(t.TempDir(), "p.db")
	env := []string{"DISCORD_BOT_TOKEN=" + fakeDiscordToken, "SLACK_BOT_TOKEN=" + fakeSlackBot, "SLACK_APP_TOKEN=" + fakeSlackApp}
	at := func(d bot.Date) []string {
		mu.Lock()
		now = d.In(bot.Eastern(), 9, 0)
		mu.Unlock()
		return append(slices.Clone(env), "PAPERBOY_TEST_NOW="+d.In(bot.Eastern(), 9, 0).Format(time.RFC3339))
	}

	// Monday.
	r := runBinary(t, at(mon), "digest", "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("Monday: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, target := range []string{"100", "C100"} {
		if !strings.Contains(r.stdout, "posted 10 papers from arXiv cs.RO for Mon 7 Dec 2026") {
			t.Errorf("Monday stdout: %q", r.stdout)
		}
		if got := sentPapers(t, db, target); !slices.Contains(got, shared.ID) || len(got) != 10 {
			t.Errorf("%s on Monday: %v, want 10 papers with %s", target, got, shared.ID)
		}
	}
	announced := monDay.Count("new") + monDay.Count("cross")
	more := fmt.Sprintf("and %d more new in", announced-9) // nine of the ten are arXiv's, one is the list's
	threads := dc.Threads("100")
	if len(threads) != 1 {
		t.Fatalf("Discord: %d threads", len(threads))
	}
	head := dc.Messages("100")[0].Embeds[0]
	if !strings.HasPrefix(head.Title, "Daily Papers + arXiv cs.RO · Mon 7 Dec 2026 · 10 papers") || !strings.Contains(head.Description, fmt.Sprintf("%d new papers", announced)) {
		t.Errorf("Discord header %q / %q", head.Title, head.Description)
	}
	items := dc.Messages(threads[0].ID)
	last := items[len(items)-1]
	if len(last.Embeds) < 2 || !strings.Contains(last.Embeds[len(last.Embeds)-1].Description, more) ||
		!strings.Contains(last.Embeds[len(last.Embeds)-1].Description, "https://arxiv.org/list/cs.RO/new") {
		t.Errorf("Discord's last item does not end with %q and the list link: %+v", more, last.Embeds)
	}
	top := sl.Messages("C100")
	if len(top) != 1 {
		t.Fatalf("Slack: %d top-level messages", len(top))
	}
	replies := sl.Replies("C100", top[0].TS)
	lastSlack := replies[len(replies)-1]
	if !strings.Contains(string(lastSlack.Blocks), more) || !strings.Contains(string(lastSlack.Blocks), "https://arxiv.org/list/cs.RO/new|cs.RO") {
		t.Errorf("Slack's last item does not end with %q and the list link: %s", more, lastSlack.Blocks)
	}

	// Tuesday: the shared paper is on Hugging Face's list; not again.
	r = runBinary(t, at(tue), "digest", "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("Tuesday: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, target := range []string{"100", "C100"} {
		got := sentPapers(t, db, target)
		if len(got) != 20 {
			t.Errorf("%s after Tuesday: %d papers posted, want 20", target, len(got))
		}
		n := 0
		for _, id := range got {
			if id == shared.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %s posted %d times", target, shared.ID, n)
		}
	}
	if got := len(dc.Threads("100")); got != 2 {
		t.Errorf("Discord: %d threads after Tuesday, want 2", got)
	}
	s, err := store.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.GetPaper(context.Background(), shared.ID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if p.Upvotes != 300 || p.GitHubRepo == "" || p.ListDate != tue || p.AnnouncedOn != mon ||
		!slices.Equal(p.Categories, shared.Categories) || p.Version != shared.Version {
		t.Errorf("stored paper lacks a source's facts: upvotes %d, repo %q, list %s, announced %s, categories %v (want %v), version %d",
			p.Upvotes, p.GitHubRepo, p.ListDate, p.AnnouncedOn, p.Categories, shared.Categories, p.Version)
	}

	// Saturday: arXiv announces nothing, and Hugging Face's list of
	// Friday was never published: nothing is posted, status says why.
	r = runBinary(t, at(sat), "digest", "--config", cfg, "--db", db, "--channel", "slack:C100")
	if r.code != 0 || !strings.Contains(r.stdout, "slack:C100: nothing posted") {
		t.Fatalf("Saturday: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if len(sl.Messages("C100")) != 2 {
		t.Errorf("Slack: %d threads after Saturday, want 2", len(sl.Messages("C100")))
	}
	for _, req := range ax.Requests() {
		if !strings.HasPrefix(req.UserAgent, "paperboy/") || !strings.Contains(req.UserAgent, "ops@example.org") {
			t.Fatalf("arXiv request with User-Agent %q", req.UserAgent)
		}
	}
	if v := ax.Violations(); len(v) != 0 {
		t.Errorf("arXiv's terms broken: %+v", v)
	}
}

// A channel that follows only arXiv: on a Saturday status says arXiv
// announced nothing, not an error.
func TestArxivWeekendStatus(t *testing.T) {
	sat := bot.Date{Year: 2026, Month: time.December, Day: 5}
	ax := arxivfake.New()
	t.Cleanup(ax.Close)
	ax.SetClock(func() time.Time { return sat.In(bot.Eastern(), 9, 0) })
	ax.SetDay(arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: sat.AddDays(-1), N: 20}))
	hf := hffake.New() // nothing follows it: never asked
	t.Cleanup(hf.Close)
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface: {base_url: %s}
arxiv: {rss_url: %s, api_url: %s, oai_url: %s, min_interval: 10ms}
channels:
  - {platform: console, id: stdout, zone: America/New_York, weekdays: daily}
`, hf.URL(), ax.URL(), ax.APIURL(), ax.OAIURL()))
	db := filepath.Join(t.TempDir(), "p.db")
	env := []string{"PAPERBOY_TEST_NOW=" + sat.In(bot.Eastern(), 9, 0).Format(time.RFC3339)}
	r := runBinary(t, env, "digest", "--source", "arxiv:cs.RO", "--config", cfg, "--db", db)
	want := "arXiv announced nothing on Saturday 5 Dec (no announcements on weekends and holidays)"
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("digest: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, env, "status", "--source", "arxiv:cs.RO", "--config", cfg, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "arxiv:cs.RO") ||
		!strings.Contains(r.stdout, "last arXiv fetch: cs.RO, the announcement of Sat 5 Dec 2026 at ") || !strings.Contains(r.stdout, ": nothing announced") {
		t.Fatalf("status: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestArxivDaemonKilledMidThread runs the daemon (`paperboy run`) for a
// Slack channel of arXiv's cs.RO: it polls the feed, posts the thread at
// 09:00 New York time, is killed (SIGKILL) after the header and three
// papers, and started again: the thread is finished under the same header,
// every paper once, its last item ending with the "and N more" line (the
// header's facts come back from the delivery log, not from memory).
func TestArxivDaemonKilledMidThread(t *testing.T) {
	tue := bot.Date{Year: 2026, Month: time.December, Day: 8}
	start := tue.In(bot.Eastern(), 8, 59).Add(57 * time.Second)
	ax := arxivfake.New()
	t.Cleanup(ax.Close)
	t0 := time.Now()
	ax.SetClock(func() time.Time { return start.Add(time.Since(t0)) })
	// The spacing the config asks of the client (20 ms): a process killed
	// and started again cannot know when its predecessor last asked, so
	// the fake's default 3 s would fail on a quick restart, not on paperboy.
	// The fake's clock is real time: allow its jitter.
	ax.SetMinInterval(20*time.Millisecond, 5*time.Millisecond)
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.RO"}, Date: tue, N: 80, Seed: 51})
	ax.SetDay(day)
	sl := slackfake.New()
	t.Cleanup(sl.Close)
	sl.SetToken(fakeSlackBot)
	sl.SetBotUser("U0BOT", "T100")
	sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	// Slow posts after the fourth message (the header and three papers), so
	// the kill lands mid-thread.
	remove := sl.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 4, Delay: time.Minute})
	hf := hffake.New()
	t.Cleanup(hf.Close)
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface: {base_url: %s}
arxiv: {rss_url: %s, api_url: %s, oai_url: %s, min_interval: 20ms}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
schedule: {poll_interval: 1h}
channels:
  - {platform: slack, id: C100, zone: America/New_York, time: "09:00", source: "arxiv:cs.RO"}
`, hf.URL(), ax.URL(), ax.APIURL(), ax.OAIURL(), sl.APIURL()))
	db := filepath.Join(t.TempDir(), "p.db")
	env := []string{"SLACK_BOT_TOKEN=" + fakeSlackBot, "SLACK_APP_TOKEN=" + fakeSlackApp, "PAPERBOY_TEST_NOW=" + start.Format(time.RFC3339)}
	// Socket Mode is not what this tests: the fake refuses its connection,
	// the daemon posts all the same (the Web API works).
	cmd, _, stderr := startBinaryEnv(t, env, "run", "--source", "arxiv:cs.RO", "--config", cfg, "--db", db)
	deadline := time.Now().Add(30 * time.Second)
	for sentItems(t, db) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("no three papers posted after 30 s:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if n := sentItems(t, db); n != 3 {
		t.Fatalf("%d papers confirmed at the kill, want 3", n)
	}
	remove()
	next, _, stderr2 := startBinaryEnv(t, env, "run", "--source", "arxiv:cs.RO", "--config", cfg, "--db", db)
	deadline = time.Now().Add(30 * time.Second)
	for sentItems(t, db) < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("thread not finished after 30 s:\n%s", stderr2.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	next.Process.Signal(syscall.SIGTERM)
	next.Wait()

	top := sl.Messages("C100")
	if len(top) != 1 {
		t.Fatalf("%d threads, want 1", len(top))
	}
	replies := sl.Replies("C100", top[0].TS)
	var keys []string
	for _, m := range replies {
		keys = append(keys, string(m.EventPayload))
	}
	slices.Sort(keys)
	if len(replies) != 10 || len(slices.Compact(keys)) != 10 {
		t.Fatalf("%d replies (%d distinct), want 10 papers once each", len(replies), len(slices.Compact(keys)))
	}
	more := fmt.Sprintf("and %d more new in", day.Count("new")+day.Count("cross")-10)
	if last := replies[len(replies)-1]; !strings.Contains(string(last.Blocks), more) {
		t.Errorf("the last paper does not end with %q: %s", more, last.Blocks)
	}
	if !strings.Contains(string(top[0].Blocks), "arXiv cs.RO") {
		t.Errorf("header: %s", top[0].Blocks)
	}
	if v := ax.Violations(); len(v) != 0 {
		t.Errorf("arXiv's terms broken: %+v", v)
	}
	if n := len(hf.Requests()); n != 0 {
		t.Errorf("%d requests to Hugging Face, which no channel follows", n)
	}
}
