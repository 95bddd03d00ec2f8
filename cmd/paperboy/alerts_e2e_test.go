package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/discord"
	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// Topic alerts end to end, through the real adapters and the fake Discord
// and Slack servers: slash commands in, direct messages out.

// daySource is a Source of lists set by the test.
type daySource struct {
	mu    sync.Mutex
	lists map[bot.Date][]bot.Paper
}

func (s *daySource) Name() string { return "test" }

func (s *daySource) Day(_ context.Context, d bot.Date) (bot.DayList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bot.DayList{Papers: append([]bot.Paper(nil), s.lists[d]...)}, nil
}

func (s *daySource) add(d bot.Date, ps ...bot.Paper) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range ps {
		ps[i].ListDate = d
	}
	s.lists[d] = append(s.lists[d], ps...)
}

type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *setClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func testPaper(id, title string, upvotes int) bot.Paper {
	return bot.Paper{ID: id, Title: title, Abstract: "An abstract about " + title + ".", Authors: []string{"Ada Lovelace"},
		Upvotes: upvotes, AISummary: "Summary of " + title + "."}
}

// chatWorld is one platform under test.
type chatWorld struct {
	name     string
	platform bot.Platform
	// command runs "/papers <text>" as user and returns what they saw.
	command func(t *testing.T, user, text string) string
	// dms returns the texts of the direct messages the user got.
	dms       func(user string) []string
	blockDMs  func(user string)
	userRef   func(user string) bot.UserRef
	setupCmds func(c *bot.Commands)
}

func discordWorld(t *testing.T) *chatWorld {
	srv := discordfake.New()
	t.Cleanup(srv.Close)
	srv.SetToken(fakeDiscordToken)
	srv.SetBotUser("9001", "paperboy")
	srv.AddGuild(discordfake.Guild{ID: "9000", OwnerID: "1", Members: []discordfake.Member{{UserID: "9001"}, {UserID: "501"}, {UserID: "502"}}})
	srv.AddChannel(discordfake.Channel{ID: "100", GuildID: "9000", Type: discordgo.ChannelTypeGuildText, Name: "papers"})
	srv.AddUser("501", "ann")
	srv.AddUser("502", "bob")
	d, err := discord.New(discord.Options{Token: fakeDiscordToken, APIURL: srv.URL(), ApplicationID: "9100",
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	seq := 0
	w := &chatWorld{name: "discord", platform: d}
	w.setupCmds = func(c *bot.Commands) { d.SetCommands(c) }
	w.userRef = func(u string) bot.UserRef { return bot.UserRef{Platform: discord.Name, ID: u} }
	w.command = func(t *testing.T, user, text string) string {
		t.Helper()
		seq++
		cmd := bot.ParseCommand("papers", text)
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		for k, v := range cmd.Args {
			opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{Name: k, Type: discordgo.ApplicationCommandOptionString, Value: v})
		}
		i := &discordgo.Interaction{ID: fmt.Sprintf("7700%d", seq), AppID: "9100", Type: discordgo.InteractionApplicationCommand,
			GuildID: "9000", ChannelID: "100", Token: fmt.Sprintf("itok-%d", seq),
			Member: &discordgo.Member{User: &discordgo.User{ID: user}},
			Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: cmd.Sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}}}
		before := len(srv.InteractionResponses())
		d.HandleInteraction(&discordgo.InteractionCreate{Interaction: i})
		var out string
		for _, r := range srv.InteractionResponses()[before:] {
			var data struct {
				Content string `json:"content"`
			}
			json.Unmarshal(r.Data, &data)
			if r.Kind == "edit" {
				out = data.Content
			}
		}
		return strings.ReplaceAll(out, `\`, "")
	}
	w.dms = func(user string) []string {
		var out []string
		for _, m := range srv.DMs(user) {
			if m.AllowedMentions == nil || !strings.Contains(string(m.AllowedMentions), `"parse":[]`) {
				t.Errorf("a DM without allowed_mentions {parse: []}: %s", m.AllowedMentions)
			}
			out = append(out, strings.ReplaceAll(m.Content, `\`, ""))
		}
		return out
	}
	w.blockDMs = srv.BlockDMs
	return w
}

func slackWorld(t *testing.T) *chatWorld {
	srv := slackfake.New()
	t.Cleanup(srv.Close)
	srv.SetToken(fakeSlackBot)
	srv.SetBotUser("U0BOT", "T100")
	srv.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT", "U501", "U502"}})
	srv.AddUser(slackfake.User{ID: "U501", Name: "ann"})
	srv.AddUser(slackfake.User{ID: "U502", Name: "bob"})
	secret := "fake-signing-secret"
	sl, err := slack.New(slack.Options{BotToken: fakeSlackBot, SigningSecret: secret, APIURL: srv.APIURL(),
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(sl.HTTPHandler())
	t.Cleanup(hs.Close)
	seq := 0
	w := &chatWorld{name: "slack", platform: sl}
	w.setupCmds = func(c *bot.Commands) { sl.SetCommands(c) }
	w.userRef = func(u string) bot.UserRef { return bot.UserRef{Platform: slack.Name, TeamID: "T100", ID: "U" + u} }
	w.command = func(t *testing.T, user, text string) string {
		t.Helper()
		seq++
		name := fmt.Sprintf("r%d", seq)
		body := url.Values{"team_id": {"T100"}, "channel_id": {"C100"}, "user_id": {"U" + user}, "command": {"/papers"},
			"text": {text}, "response_url": {srv.ResponseURL(name)}}.Encode()
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + stamp + ":" + body))
		req, _ := http.NewRequest("POST", hs.URL+slack.CommandsPath, strings.NewReader(body))
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		immediate, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, r := range srv.Responses() {
				if r.Name == name {
					return r.Text + "\n" + string(r.Blocks)
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		return string(immediate)
	}
	w.dms = func(user string) []string {
		var out []string
		for _, m := range srv.DMs("U" + user) {
			out = append(out, m.Text)
		}
		return out
	}
	w.blockDMs = func(user string) { srv.BlockDMs("U"+user, "messages_tab_disabled") }
	return w
}

func TestAlertsEndToEnd(t *testing.T) {
	for _, mk := range []func(*testing.T) *chatWorld{discordWorld, slackWorld} {
		w := mk(t)
		t.Run(w.name, func(t *testing.T) { alertsScenario(t, w) })
	}
}

func alertsScenario(t *testing.T, w *chatWorld) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "p.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	clock := &setClock{t: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)} // Thursday
	src := &daySource{lists: map[bot.Date][]bot.Paper{}}
	newBot := func() *bot.Bot {
		b := &bot.Bot{Store: db, Source: src, Platforms: map[string]bot.Platform{w.name: w.platform}, Clock: clock,
			Log: slog.New(slog.DiscardHandler)}
		w.setupCmds(&bot.Commands{Bot: b, DefaultZone: "UTC"})
		return b
	}
	b := newBot()
	round := func() {
		t.Helper()
		b.Poll(ctx)
		if _, err := b.MatchAlerts(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.SendAlerts(ctx); err != nil && !strings.Contains(err.Error(), "direct messages") {
			t.Fatal(err)
		}
	}
	ann, bob := "501", "502"

	// History: a backfilled old day that matches, and a paper for the preview.
	if _, err := db.SaveList(ctx, bot.Date{Year: 2026, Month: 11, Day: 10}, []bot.Paper{
		{ID: "2611.00001", Title: "Old diffusion paper", Abstract: "diffusion", Upvotes: 7, ListDate: bot.Date{Year: 2026, Month: 11, Day: 10}},
	}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	out := w.command(t, ann, `subscribe diffusion`)
	if !strings.Contains(out, "Subscribed (#1). In the last 30 days this would have matched 1 paper, for example:") || !strings.Contains(out, "Old diffusion paper") {
		t.Fatalf("subscribe answered %q", out)
	}
	if out := w.command(t, ann, `subscribe video -survey label:"Video, no surveys"`); !strings.Contains(out, "Subscribed (#2)") {
		t.Fatalf("second subscribe: %q", out)
	}
	if out := w.command(t, ann, `subscribe "state space" has:data`); !strings.Contains(out, `has: takes code or project`) {
		t.Fatalf("bad query: %q", out)
	}
	if out := w.command(t, ann, `alerts daily 25:00 Europe/Berlin`); !strings.Contains(out, `time: "25:00" is not a time of day`) {
		t.Fatalf("bad time: %q", out)
	}
	if out := w.command(t, ann, `subscriptions`); !strings.Contains(out, "#1") || !strings.Contains(out, "#2") || !strings.Contains(out, "in the last 7 days") {
		t.Fatalf("subscriptions: %q", out)
	}
	// A backfill of old days (and the history stored above) sends nothing.
	src.add(bot.Date{Year: 2026, Month: 11, Day: 12}, testPaper("2611.00002", "Backfilled diffusion", 5))
	if _, err := db.SaveList(ctx, bot.Date{Year: 2026, Month: 11, Day: 12}, src.lists[bot.Date{Year: 2026, Month: 11, Day: 12}], clock.Now()); err != nil {
		t.Fatal(err)
	}
	round()
	if got := w.dms(ann); len(got) != 0 {
		t.Fatalf("DMs after a backfill: %q", got)
	}

	// A new day is polled: one DM with exactly the matching papers, most
	// upvoted first, each once with every topic it matched.
	today := bot.Date{Year: 2026, Month: 11, Day: 26}
	src.add(today,
		testPaper("2611.10001", "Video diffusion at scale", 50),
		testPaper("2611.10002", "Protein diffusion models", 80),
		testPaper("2611.10003", "Graph networks for chemistry", 90),
		testPaper("2611.10004", "A survey of video models", 99),
		testPaper("2611.10005", "Streaming video codecs <@everyone>", 10))
	round()
	dms := w.dms(ann)
	if len(dms) != 1 {
		t.Fatalf("%d DMs, want 1: %q", len(dms), dms)
	}
	dm := dms[0]
	for _, want := range []string{"3 new papers for your topics", "matched: #1 diffusion, #2 Video, no surveys", "matched: #1 diffusion", "matched: #2 Video, no surveys", "/papers pause"} {
		if !strings.Contains(dm, want) {
			t.Errorf("the DM lacks %q:\n%s", want, dm)
		}
	}
	if strings.Contains(dm, "Graph networks") || strings.Contains(dm, "survey of video") || strings.Contains(dm, "Backfilled") {
		t.Errorf("the DM has a paper that does not match:\n%s", dm)
	}
	if i, j, k := strings.Index(dm, "Protein diffusion"), strings.Index(dm, "Video diffusion"), strings.Index(dm, "Streaming video"); !(i >= 0 && i < j && j < k) {
		t.Errorf("papers not ordered by upvotes:\n%s", dm)
	}
	if strings.Count(dm, "Video diffusion at scale · 50 upvotes")+strings.Count(dm, "Video diffusion at scale](") != 1 {
		t.Errorf("a paper matching two topics appears twice:\n%s", dm)
	}
	if strings.Contains(dm, "<@everyone>") && w.name == "slack" {
		t.Errorf("untrusted text not escaped on Slack:\n%s", dm)
	}

	// Polling again, and a third topic matching a paper already sent: nothing.
	w.command(t, ann, `subscribe protein`)
	round()
	if got := w.dms(ann); len(got) != 1 {
		t.Fatalf("%d DMs after polling again, want 1", len(got))
	}

	// Restart after the new papers are stored and matched, before sending:
	// sent once by the next process.
	src.add(today, testPaper("2611.10006", "Diffusion transformers", 30))
	b.Poll(ctx)
	if _, err := b.MatchAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = store.Open(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	b = newBot()
	round()
	if got := w.dms(ann); len(got) != 2 || !strings.Contains(got[1], "Diffusion transformers") || strings.Contains(got[1], "Protein") {
		t.Fatalf("after the restart: %q", got)
	}

	// A crash between sending and confirming: the batch is claimed and sent,
	// the confirmation is lost; the next process does not send it again.
	src.add(today, testPaper("2611.10007", "Latent diffusion again", 20))
	b.Poll(ctx)
	if _, err := b.MatchAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	batch, err := db.TakeBatch(ctx, w.userRef(ann), time.Time{}, clock.Now())
	if err != nil || batch == nil {
		t.Fatalf("take batch: %v %v", batch, err)
	}
	fit, _ := w.platform.(bot.DMFitter)
	if _, err := b.SendDM(ctx, w.userRef(ann), &bot.DirectMessage{Key: batch.Key(0), Reply: bot.AlertMessages(batch, fit)[0]}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = store.Open(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	b = newBot()
	round()
	if got := w.dms(ann); len(got) != 3 || !strings.Contains(got[2], "Latent diffusion again") {
		t.Fatalf("after a crash between send and confirm: %d DMs %q", len(got), got)
	}

	// A user who does not accept DMs is paused and told.
	w.command(t, bob, `subscribe diffusion`)
	w.blockDMs(bob)
	src.add(today, testPaper("2611.10008", "Diffusion for robots", 40))
	round()
	if got := w.dms(bob); len(got) != 0 {
		t.Fatalf("bob got %q", got)
	}
	u, err := db.GetUser(ctx, w.userRef(bob))
	if err != nil || u.PausedReason == "" {
		t.Fatalf("bob not paused: %+v %v", u, err)
	}
	if out := w.command(t, bob, `subscriptions`); !strings.Contains(out, "Your topic alerts are paused") {
		t.Fatalf("bob not told: %q", out)
	}
	if got := w.dms(ann); len(got) != 4 {
		t.Fatalf("ann: %d DMs, want 4", len(got))
	}

	// forget-me: no row about ann is left in any table.
	out = w.command(t, ann, `forget-me`)
	if !strings.Contains(out, "3 topics") {
		t.Fatalf("forget-me: %q", out)
	}
	ref := w.userRef(ann)
	if n := rowsMentioning(t, dbPath, ref.ID); n != 0 {
		t.Fatalf("%d rows still mention %s", n, ref.ID)
	}
}

// rowsMentioning counts the rows of every table with a column equal to s.
func rowsMentioning(t *testing.T, dbPath, s string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	total := 0
	for _, tb := range tables {
		cols, err := db.Query(`SELECT name FROM pragma_table_info(?)`, tb)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for cols.Next() {
			var n string
			cols.Scan(&n)
			names = append(names, n)
		}
		cols.Close()
		for _, c := range names {
			var n int
			if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM "%s" WHERE CAST("%s" AS TEXT) = ?`, tb, c), s).Scan(&n); err != nil {
				continue // a virtual table's hidden column
			}
			if n > 0 {
				t.Errorf("table %s column %s: %d rows", tb, c, n)
			}
			total += n
		}
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tables checked", len(tables))
	}
	return total
}
