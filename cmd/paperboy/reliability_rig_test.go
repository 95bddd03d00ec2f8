package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// The crash and fault tests (crash_test.go) share this rig: the real
// binary (this test binary re-executed as paperboy) runs the daemon against
// fake Discord, Slack and Hugging Face servers, one weekday at a time under
// a clock set to 20:05 UTC of that day, five minutes after every channel's
// time, until the database says the day's work is done: every channel's
// thread confirmed, every new paper matched, every alert DM confirmed.
// Then the rig counts what the fakes hold.

// rigTopics are the words papers are about; each day's list has 6 papers,
// one per word from a different start each day, and each user subscribes
// to two of the words.
var rigTopics = []string{"diffusion", "robotics", "graph", "speech", "quantum", "protein", "retrieval", "agents"}

// rigMaxPapers is each platform's channels' max_papers: the lists have 6
// papers, so most channels get only the most upvoted.
var rigMaxPapers = []int{2, 3, 4, 5, 6}

const rigListLen = 6

const (
	rigChannelTime = 20 * time.Hour // 20:00 UTC, every channel
	rigGuild       = "9000"
	rigSlackTeam   = "T100"
	rigSlackBot    = "U0BOT"
	rigSecret      = "fake-signing-secret-for-tests"
)

type rigPaper struct {
	id, title string
	upvotes   int
	topic     string
}

type rigChannel struct {
	platform, id string
	max          int
}

type rigUser struct {
	ref    bot.UserRef
	topics []string
}

// rig is one run: the fakes, the config, the database, and what the run
// must produce.
type rig struct {
	t      *testing.T
	hf     *hffake.Server
	dc     *discordfake.Server
	sl     *slackfake.Server
	cfg    string
	db     string
	days   []bot.Date
	lists  map[bot.Date][]rigPaper
	chans  []rigChannel
	users  []rigUser
	seed   uint64
	rnd    *rand.Rand
	stderr *syncBuffer // the last process's

	// Figures.
	starts, kills, idleKills, exits int
	wall                            time.Duration
	logged                          map[string]int // rigLogLines seen, over all processes
	cut, lost                       atomic.Int64   // latencyProxy's counts
}

// newRig builds the fakes and the config for n weekdays from Mon 3 Aug
// 2026, seeds the channels (through `paperboy status`) and the users'
// subscriptions (through the /papers subscribe command handling).
// With latency > 0 the binary reaches Discord and Slack through
// latencyProxy.
func newRig(t *testing.T, n int, seed uint64, latency time.Duration) *rig {
	r := &rig{t: t, lists: map[bot.Date][]rigPaper{}, seed: seed, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		logged: map[string]int{}}
	for d := bot.DateOf(time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)); len(r.days) < n; d = d.AddDays(1) {
		if !d.IsWeekend() {
			r.days = append(r.days, d)
		}
	}
	r.hf = hffake.New()
	t.Cleanup(r.hf.Close)
	for i, d := range r.days {
		var list []rigPaper
		for j := range rigListLen {
			topic := rigTopics[(i+j)%len(rigTopics)]
			list = append(list, rigPaper{id: fmt.Sprintf("2608.%05d", i*100+j+1), upvotes: 90 - 10*j, topic: topic,
				title: fmt.Sprintf("A %s method, study %d of day %d", topic, j+1, i+1)})
		}
		r.lists[d] = list
		if err := r.hf.SetList(d.String(), hfListJSON(d, list)); err != nil {
			t.Fatal(err)
		}
	}

	r.dc = discordfake.New()
	t.Cleanup(r.dc.Close)
	r.dc.SetToken(fakeDiscordToken)
	r.dc.SetBotUser("9001", "paperboy")
	perms := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionCreatePublicThreads |
		discordgo.PermissionSendMessagesInThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory)
	r.dc.AddGuild(discordfake.Guild{ID: rigGuild, OwnerID: "1", Roles: []discordfake.Role{{ID: rigGuild, Permissions: perms}},
		Members: []discordfake.Member{{UserID: "9001"}}})
	r.sl = slackfake.New()
	t.Cleanup(r.sl.Close)
	r.sl.SetToken(fakeSlackBot)
	r.sl.SetBotUser(rigSlackBot, rigSlackTeam)

	var chans strings.Builder
	for i, max := range rigMaxPapers {
		dID, sID := fmt.Sprintf("%d", 101+i), fmt.Sprintf("C%d", 101+i)
		r.dc.AddChannel(discordfake.Channel{ID: dID, GuildID: rigGuild, Type: discordgo.ChannelTypeGuildText, Name: "papers-" + dID})
		r.sl.AddChannel(slackfake.Channel{ID: sID, Name: "papers-" + sID, Members: []string{rigSlackBot}})
		r.chans = append(r.chans, rigChannel{"discord", dID, max}, rigChannel{"slack", sID, max})
		for _, c := range []struct{ p, id string }{{"discord", dID}, {"slack", sID}} {
			fmt.Fprintf(&chans, "  - platform: %s\n    id: %q\n    time: \"20:00\"\n    zone: UTC\n    weekdays: mon-fri\n    max_papers: %d\n", c.p, c.id, max)
		}
	}
	for i := range 4 {
		topics := []string{rigTopics[i], rigTopics[(i+3)%len(rigTopics)]}
		dID, sID := fmt.Sprintf("%d", 801+i), fmt.Sprintf("U%d", 801+i)
		r.dc.AddUser(dID, "reader"+dID)
		r.sl.AddUser(slackfake.User{ID: sID, Name: "reader" + sID})
		r.users = append(r.users, rigUser{bot.UserRef{Platform: "discord", ID: dID}, topics},
			rigUser{bot.UserRef{Platform: "slack", TeamID: rigSlackTeam, ID: sID}, topics})
	}

	dcURL, slURL := r.dc.URL(), r.sl.URL()
	if latency > 0 {
		dcURL, slURL = latencyProxy(t, dcURL, latency, &r.cut, &r.lost), latencyProxy(t, slURL, latency, &r.cut, &r.lost)
	}
	r.cfg = writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
  max_retries: 1
  min_interval: 0s
  timeout: 500ms
schedule:
  poll_interval: 1s
  retry_delay: 1s
  catch_up: true
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  guild_ids: [%q]
  gateway: false
  timeout: 500ms
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
  mode: http
  listen: 127.0.0.1:0
  api_url: %s
  timeout: 500ms
channels:
%s`, r.hf.URL(), dcURL, rigGuild, slURL+slackfake.APIPrefix, chans.String()))
	r.db = filepath.Join(t.TempDir(), "paperboy.db")

	// The channels, created (from the config) at 00:00 of the first day.
	first := time.Date(r.days[0].Year, r.days[0].Month, r.days[0].Day, 0, 0, 0, 0, time.UTC)
	r.seedChannels(first)
	r.subscribe(first)
	return r
}

// hfListJSON is a day's list as the Hugging Face API returns it.
func hfListJSON(d bot.Date, list []rigPaper) []byte {
	var out []any
	for _, p := range list {
		out = append(out, map[string]any{
			"paper": map[string]any{"id": p.id, "title": p.title, "summary": "We study " + p.title + ".", "upvotes": p.upvotes,
				"authors":     []any{map[string]any{"name": "Ada Lovelace", "hidden": false}},
				"publishedAt": d.String() + "T00:00:00.000Z", "submittedOnDailyAt": d.String() + "T01:00:00.000Z"},
			"title": p.title, "publishedAt": d.String() + "T00:00:00.000Z", "numComments": 0,
		})
	}
	b, _ := json.Marshal(out)
	return b
}

// subscribe runs /papers subscribe for every user's topics through the
// bot's command handling, on the database the binary uses.
func (r *rig) subscribe(at time.Time) {
	ctx := context.Background()
	db, err := store.Open(ctx, r.db)
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	cmds := &bot.Commands{Bot: &bot.Bot{Store: db, Clock: fixedClock{at}}, DefaultZone: "UTC"}
	for _, u := range r.users {
		for _, topic := range u.topics {
			reply := cmds.Handle(ctx, bot.Command{Platform: u.ref.Platform, TeamID: u.ref.TeamID, User: u.ref,
				Name: bot.CmdPapers, Sub: "subscribe", Args: map[string]string{"query": topic}})
			if !strings.HasPrefix(reply.Title, "Subscribed") {
				r.t.Fatalf("subscribe %s to %q: %+v", u.ref, topic, reply)
			}
		}
	}
}

// seedChannels stores the config's channels as created at, as the first
// `paperboy run` would (status and dry runs only read).
func (r *rig) seedChannels(at time.Time) {
	vars := map[string]string{"TZ": "UTC", "DISCORD_BOT_TOKEN": fakeDiscordToken, "SLACK_BOT_TOKEN": fakeSlackBot, "SLACK_SIGNING_SECRET": rigSecret}
	e := &env{ctx: context.Background(), getenv: func(k string) string { return vars[k] }, stdout: io.Discard, stderr: io.Discard,
		flags: &globalFlags{config: r.cfg, db: r.db}}
	if err := e.setup(); err != nil {
		r.t.Fatal(err)
	}
	db, err := store.Open(e.ctx, r.db)
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	if _, err := e.applySeeds(db, at); err != nil {
		r.t.Fatal(err)
	}
}

type fixedClock struct{ at time.Time }

func (c fixedClock) Now() time.Time                                   { return c.at }
func (c fixedClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// command is the binary with the rig's config, database and secrets, its
// clock starting at now.
func (r *rig) command(now time.Time, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		r.t.Fatal(err)
	}
	cmd := exec.Command(exe, append(args, "--config", r.cfg, "--db", r.db)...)
	cmd.Env = append(os.Environ(), "PAPERBOY_TEST_MAIN=1", "TZ=UTC", "NO_COLOR=1",
		"PAPERBOY_TEST_NOW="+now.UTC().Format(time.RFC3339Nano),
		"DISCORD_BOT_TOKEN="+fakeDiscordToken, "SLACK_BOT_TOKEN="+fakeSlackBot, "SLACK_SIGNING_SECRET="+rigSecret)
	return cmd
}

// dayDone reports whether the database holds day's work as done: every
// channel's thread for it confirmed, no delivery unconfirmed, no paper
// waiting to be matched, no alert whose DM is not confirmed.
func (r *rig) dayDone(day bot.Date) (bool, string) {
	db, err := sql.Open("sqlite3", "file:"+r.db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	var headers, open, queued, unsent int
	err = db.QueryRow(`SELECT
		(SELECT count(*) FROM deliveries WHERE kind = 'header' AND state = 'sent' AND list_date = ?),
		(SELECT count(*) FROM deliveries WHERE state <> 'sent'),
		(SELECT count(*) FROM alert_queue),
		(SELECT count(*) FROM alerts a LEFT JOIN alert_batches b ON b.id = a.batch_id WHERE b.state IS NULL OR b.state <> 'sent')`,
		day.String()).Scan(&headers, &open, &queued, &unsent)
	state := fmt.Sprintf("%d/%d headers confirmed, %d deliveries unconfirmed, %d papers to match, %d alerts unsent (err %v)",
		headers, len(r.chans), open, queued, unsent, err)
	return err == nil && headers == len(r.chans) && open == 0 && queued == 0 && unsent == 0, state
}

// runDay runs the daemon for day until its work is done. With kill set,
// each process is killed (SIGKILL) at a random moment up to maxKill after
// it started and a new one started, until one sees the work done.
func (r *rig) runDay(day bot.Date, kill bool, maxKill, limit time.Duration) {
	slot := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC).Add(rigChannelTime)
	begin := time.Now()
	startsBefore, killsBefore := r.starts, r.kills
	for {
		if time.Since(begin) > limit {
			_, state := r.dayDone(day)
			r.t.Fatalf("%s not done after %s (%d processes): %s\nlast process's log:\n%s", day, limit, r.starts, state, tail(r.stderr.String(), 40))
		}
		// The clock goes on from where the last process left the day.
		cmd := r.command(slot.Add(5*time.Minute+time.Since(begin)), "run")
		r.stderr = &syncBuffer{}
		cmd.Stderr = r.stderr
		if err := cmd.Start(); err != nil {
			r.t.Fatal(err)
		}
		r.starts++
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var killAt <-chan time.Time
		if kill {
			killAt = time.After(time.Duration(r.rnd.Int64N(int64(maxKill))))
		}
		tick := time.NewTicker(20 * time.Millisecond)
		outcome := ""
		for outcome == "" {
			select {
			case err := <-exited:
				r.exits++
				r.t.Logf("%s: the process exited by itself (%v); starting another:\n%s", day, err, tail(r.stderr.String(), 10))
				outcome = "exited"
			case <-killAt:
				cmd.Process.Signal(syscall.SIGKILL)
				<-exited
				if done, _ := r.dayDone(day); done {
					r.idleKills++
					outcome = "done"
				} else {
					r.kills++
					outcome = "killed"
				}
			case <-tick.C:
				if done, _ := r.dayDone(day); done {
					cmd.Process.Signal(syscall.SIGKILL)
					<-exited
					r.idleKills++
					outcome = "done"
				}
			}
		}
		tick.Stop()
		r.countLog(r.stderr.String())
		if dir := os.Getenv("PAPERBOY_RIG_LOGS"); dir != "" {
			// Every process's log, for a closer look at a run.
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%03d.log", day, r.starts)), []byte(r.stderr.String()), 0o644)
		}
		if outcome == "done" {
			r.t.Logf("%s done: %d processes, %d killed with work outstanding (run so far: %d kills)", day, r.starts-startsBefore, r.kills-killsBefore, r.kills)
			return
		}
	}
}

// run runs every day and records the wall time.
func (r *rig) run(kill bool, maxKill, dayLimit time.Duration) {
	start := time.Now()
	for _, d := range r.days {
		r.runDay(d, kill, maxKill, dayLimit)
	}
	r.wall = time.Since(start)
}
