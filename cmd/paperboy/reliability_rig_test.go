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

// rigTopics are the words papers are about; each day's list has
// rigListLen papers, one word each, from a different start each day. Most
// users subscribe to two of the words; one user per platform to all of
// them, so that a day's alerts make a DM split in several parts.
var rigTopics = []string{"diffusion", "robotics", "graph", "speech", "quantum", "protein", "retrieval", "agents"}

// rigMaxPapers is each platform's channels' max_papers: channels get only
// the most upvoted papers of the list. The last Discord channel is a forum
// (each day one post).
var rigMaxPapers = []int{2, 3, 4, 5, 6}

// rigListLen is the papers a day: 30 with long titles and summaries, so
// that the all-topics users' daily DM takes several messages on both
// platforms (about 8 on Discord's 2,000 characters, 2 on Slack's 12,000
// bytes of blocks). The short fault run has 6 (several parts on Discord
// only).
const (
	rigListLen      = 30
	rigShortListLen = 6
)

// rigForum is the Discord channel that is a forum channel.
const rigForum = "105"

// rigDailyTime is the daily users' delivery time: before every process's
// clock (20:05 and on), so that a day's alerts, matched after it, go out at
// the next day's run (the last day's at a run on the Saturday after).
const rigDailyTime = 20*time.Hour + 3*time.Minute

// rigFiller pads titles and summaries (no topic word in it).
const rigFiller = "with careful ablations across many settings, long horizons, a broad set of baselines and open code for everyone to build on"

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
	daily  bool // daily delivery at rigDailyTime UTC, not instant
}

// rig is one run: the fakes, the config, the database, and what the run
// must produce.
type rig struct {
	t       *testing.T
	hf      *hffake.Server
	dc      *discordfake.Server
	sl      *slackfake.Server
	cfg     string
	db      string
	days    []bot.Date
	lists   map[bot.Date][]rigPaper
	chans   []rigChannel
	users   []rigUser
	seed    uint64
	listLen int // papers a day
	rnd     *rand.Rand
	stderr  *syncBuffer // the last process's

	// Figures.
	starts, kills, idleKills, exits int
	wall                            time.Duration
	logged                          map[string]int // rigLogLines seen, over all processes
	cut, lost                       atomic.Int64   // latencyProxy's counts
	chatter                         chatter        // other people's messages (chatter.go)
	early                           []string       // checkDaily's finds
}

// newRig builds the fakes and the config for n weekdays (with papers a
// day) from early August 2026, ending on a Friday (the daily alerts of the
// last day go out on the Saturday after, see run), seeds the channels
// (through `paperboy status`) and the users' subscriptions and delivery
// modes (through the /papers subscribe and /papers alerts command
// handling). With latency > 0 the binary reaches Discord and Slack through
// latencyProxy.
func newRig(t *testing.T, n, papers int, seed uint64, latency time.Duration) *rig {
	r := &rig{t: t, lists: map[bot.Date][]rigPaper{}, seed: seed, listLen: papers, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		logged: map[string]int{}}
	r.hf = hffake.New()
	t.Cleanup(r.hf.Close)
	// From Mon 3 Aug 2026, later by as many weekdays as make n end on a
	// Friday.
	d := bot.DateOf(time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC))
	for range (5 - n%5) % 5 {
		d = d.AddDays(1)
	}
	for range n {
		r.addDay(d)
		d = nextWeekday(d)
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
		typ := discordgo.ChannelTypeGuildText
		if dID == rigForum {
			typ = discordgo.ChannelTypeGuildForum
		}
		r.dc.AddChannel(discordfake.Channel{ID: dID, GuildID: rigGuild, Type: typ, Name: "papers-" + dID})
		r.sl.AddChannel(slackfake.Channel{ID: sID, Name: "papers-" + sID, Members: []string{rigSlackBot}})
		r.chans = append(r.chans, rigChannel{"discord", dID, max}, rigChannel{"slack", sID, max})
		for _, c := range []struct{ p, id string }{{"discord", dID}, {"slack", sID}} {
			fmt.Fprintf(&chans, "  - platform: %s\n    id: %q\n    time: \"20:00\"\n    zone: UTC\n    weekdays: mon-fri\n    max_papers: %d\n", c.p, c.id, max)
		}
	}
	// Users 801-804 on each platform: two topics each, instant delivery
	// but for 804 (daily); 805: every topic, daily (a DM in several parts).
	for i := range 5 {
		topics := []string{rigTopics[i%len(rigTopics)], rigTopics[(i+3)%len(rigTopics)]}
		if i == 4 {
			topics = rigTopics
		}
		daily := i >= 3
		dID, sID := fmt.Sprintf("%d", 801+i), fmt.Sprintf("U%d", 801+i)
		r.dc.AddUser(dID, "reader"+dID)
		r.sl.AddUser(slackfake.User{ID: sID, Name: "reader" + sID})
		r.users = append(r.users, rigUser{bot.UserRef{Platform: "discord", ID: dID}, topics, daily},
			rigUser{bot.UserRef{Platform: "slack", TeamID: rigSlackTeam, ID: sID}, topics, daily})
	}
	// Someone else, who talks in the channels and threads (chatter.go).
	r.dc.AddUser(rigChatterDiscord, "talker")
	r.sl.AddUser(slackfake.User{ID: rigChatterSlack, Name: "talker"})

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

// addDay adds day d to the run: its list, on the Hugging Face fake.
func (r *rig) addDay(d bot.Date) {
	i := len(r.days)
	var list []rigPaper
	for j := range r.listLen {
		topic := rigTopics[(i+j)%len(rigTopics)]
		list = append(list, rigPaper{id: fmt.Sprintf("2608.%05d", i*100+j+1), upvotes: 400 - 10*j, topic: topic,
			title: fmt.Sprintf("A %s method, study %d of day %d, %s", topic, j+1, i+1, rigFiller)})
	}
	r.days = append(r.days, d)
	r.lists[d] = list
	if err := r.hf.SetList(d.String(), hfListJSON(d, list)); err != nil {
		r.t.Fatal(err)
	}
}

func nextWeekday(d bot.Date) bot.Date {
	for d = d.AddDays(1); d.IsWeekend(); d = d.AddDays(1) {
	}
	return d
}

// hfListJSON is a day's list as the Hugging Face API returns it.
func hfListJSON(d bot.Date, list []rigPaper) []byte {
	var out []any
	for _, p := range list {
		out = append(out, map[string]any{
			"paper": map[string]any{"id": p.id, "title": p.title, "summary": "We study " + p.title + ". Our results hold " + rigFiller + ".", "upvotes": p.upvotes,
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
		if u.daily {
			at := fmt.Sprintf("%02d:%02d", int(rigDailyTime.Hours()), int(rigDailyTime.Minutes())%60)
			reply := cmds.Handle(ctx, bot.Command{Platform: u.ref.Platform, TeamID: u.ref.TeamID, User: u.ref,
				Name: bot.CmdPapers, Sub: "alerts", Args: map[string]string{"mode": "daily", "time": at, "zone": "UTC"}})
			if len(reply.Lines) == 0 || !strings.Contains(fmt.Sprint(reply.Lines), "once a day") {
				r.t.Fatalf("alerts daily for %s: %+v", u.ref, reply)
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
// channel's thread for it confirmed (none on a weekend), no delivery
// unconfirmed, no paper waiting to be matched, no alert whose DM is not
// confirmed but a daily user's matched after the day's daily time.
func (r *rig) dayDone(day bot.Date) (bool, string) {
	want := len(r.chans)
	if day.IsWeekend() {
		want = 0
	}
	cutoff := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC).Add(rigDailyTime).Format("2006-01-02T15:04:05.000000000Z")
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
		(SELECT count(*) FROM alerts a LEFT JOIN alert_batches b ON b.id = a.batch_id
			LEFT JOIN users u ON u.platform = a.platform AND u.team_id = a.team_id AND u.user_id = a.user_id
			WHERE (b.state IS NULL OR b.state <> 'sent') AND NOT (COALESCE(u.daily_time, '') <> '' AND a.created_at > ?))`,
		day.String(), cutoff).Scan(&headers, &open, &queued, &unsent)
	state := fmt.Sprintf("%d/%d headers confirmed, %d deliveries unconfirmed, %d papers to match, %d alerts unsent (err %v)",
		headers, want, open, queued, unsent, err)
	return err == nil && headers == want && open == 0 && queued == 0 && unsent == 0, state
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
					// People talk before the next process looks for
					// what this one may have sent.
					r.bury()
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
			r.t.Logf("%s done in %s: %d processes, %d killed with work outstanding (run so far: %d kills)", day,
				time.Since(begin).Round(10*time.Millisecond), r.starts-startsBefore, r.kills-killsBefore, r.kills)
			r.checkDaily(day)
			return
		}
	}
}

// rigMaxDays bounds how far run extends the days to reach its kills.
const rigMaxDays = 900

// run runs every day, then more weeks until at least minKills processes
// were killed with work outstanding, then the Saturday after the last day
// (the daily users' last alerts; no channel posts on weekends), and
// records the wall time.
func (r *rig) run(kill bool, maxKill, dayLimit time.Duration, minKills int) {
	start := time.Now()
	for i := 0; i < len(r.days); i++ {
		r.runDay(r.days[i], kill, maxKill, dayLimit)
		if i == len(r.days)-1 && r.kills < minKills && len(r.days) < rigMaxDays {
			r.t.Logf("%d kills with work outstanding, want %d: another week", r.kills, minKills)
			d := r.days[i]
			for range 5 {
				d = nextWeekday(d)
				r.addDay(d)
			}
		}
	}
	r.runDay(r.days[len(r.days)-1].AddDays(1), kill, maxKill, dayLimit)
	r.wall = time.Since(start)
}

// checkDaily records as unexpected any paper of day's list already in a
// daily user's DMs when the day's work is done: it is due at the next
// day's daily time, not at once.
func (r *rig) checkDaily(day bot.Date) {
	for _, u := range r.users {
		if !u.daily || r.lists[day] == nil {
			continue
		}
		got, _ := r.dmPapers(u)
		for _, p := range r.lists[day] {
			if got[p.id] > 0 {
				r.early = append(r.early, fmt.Sprintf("DM to %s (daily): %s of %s sent on its own day", u.ref, p.id, day))
			}
		}
	}
}
