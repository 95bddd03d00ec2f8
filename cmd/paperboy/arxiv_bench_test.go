package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	arxivfake "github.com/paperboy-bot/paperboy/adapters/fakes/arxiv"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// BenchmarkArxivBusyDay measures one busy arXiv day from feed to posted
// thread through the real binary (this test binary as paperboy, a process
// of its own): a 2,000-item announcement feed of cs.LG (arXiv's most per
// feed; new, cross-lists and replacements mixed) fetched from the fake
// arXiv, parsed, stored with its full-text index and queued for alerts,
// selected against the channel's filter and posted as an 11-message
// thread to the Slack fake, on a fresh database each time. The baseline,
// in the same run, is the Hugging Face sample list (10 papers, no fetch)
// posted the same way: the difference is the busy day's cost.
//
// Reported: wall time per day (ns/op), the process's CPU time and its
// peak resident memory (maxrss), medians over b.N runs.
//
//	go test -tags sqlite_fts5 ./cmd/paperboy -run '^$' -bench BenchmarkArxivBusyDay -benchtime 5x -count 3
func BenchmarkArxivBusyDay(b *testing.B) {
	tue := bot.Date{Year: 2026, Month: time.December, Day: 8}
	ax := arxivfake.New()
	b.Cleanup(ax.Close)
	ax.SetClock(func() time.Time { return tue.In(bot.Eastern(), 9, 0) })
	ax.SetMinInterval(0, 0)
	day := arxivfake.Generate(arxivfake.GenOptions{Cats: []string{"cs.LG"}, Date: tue, N: 2000, Seed: 7})
	ax.SetDay(day)
	sl := slackfake.New()
	b.Cleanup(sl.Close)
	sl.SetToken(fakeSlackBot)
	sl.SetBotUser("U0BOT", "T100")
	sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	env := []string{"SLACK_BOT_TOKEN=" + fakeSlackBot, "SLACK_APP_TOKEN=" + fakeSlackApp,
		"PAPERBOY_TEST_NOW=" + tue.In(bot.Eastern(), 9, 0).Format(time.RFC3339)}
	config := func(source string) string {
		return writeConfig(b, fmt.Sprintf(`
arxiv: {rss_url: %s, api_url: %s, oai_url: %s, min_interval: 1ms}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
channels:
  - {platform: slack, id: C100, zone: America/New_York, source: %q, filter: "learning OR model OR network"}
`, ax.URL(), ax.APIURL(), ax.OAIURL(), sl.APIURL(), source))
	}
	for _, c := range []struct{ name, source, want string }{
		{"baseline-hf-sample", "huggingface", "posted 10 papers from the list"},
		{"arxiv-2000-items", "arxiv:cs.LG", "posted 10 papers from arXiv cs.LG"},
	} {
		cfg := config(c.source)
		extra := []string{}
		if c.source == "huggingface" {
			extra = []string{"--source", "sample", "--date", "2026-08-21"}
		}
		b.Run(c.name, func(b *testing.B) {
			var walls, cpus []time.Duration
			var rss []int64
			for i := 0; i < b.N; i++ {
				db := filepath.Join(b.TempDir(), "p.db")
				args := append([]string{"digest", "--config", cfg, "--db", db}, extra...)
				start := time.Now()
				out, ps := runMeasured(b, env, args...)
				walls = append(walls, time.Since(start))
				if !bytes.Contains(out, []byte(c.want)) {
					b.Fatalf("digest did not post: %s", out)
				}
				ru := ps.SysUsage().(*syscall.Rusage)
				cpus = append(cpus, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
				rss = append(rss, ru.Maxrss) // KiB on Linux
			}
			slices.Sort(walls)
			slices.Sort(cpus)
			slices.Sort(rss)
			b.ReportMetric(float64(walls[len(walls)/2].Milliseconds()), "median-wall-ms")
			b.ReportMetric(float64(cpus[len(cpus)/2].Milliseconds()), "median-cpu-ms")
			b.ReportMetric(float64(rss[len(rss)/2])/1024, "median-maxrss-MB")
		})
	}
}

// runMeasured runs this test binary as paperboy and returns its stdout
// and process state (resource usage), failing on a non-zero exit.
func runMeasured(b *testing.B, env []string, args ...string) ([]byte, *os.ProcessState) {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "PAPERBOY_TEST_MAIN=1", "TZ=UTC", "NO_COLOR=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		b.Fatalf("%v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes(), cmd.ProcessState
}
