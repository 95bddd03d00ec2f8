package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// These tests run the real slack-go client against the fake Slack Web API
// in adapters/fakes/slack, driven by the bot's real delivery engine on a
// real SQLite store.

const (
	botToken      = "xoxb-test1"
	appToken      = "xapp-test1"
	signingSecret = "test-signing-secret-0123456789"
	teamID        = "T100"
	botUser       = "U0BOT"
	adminUser     = "U1ADMIN"
	memberUser    = "U2MEMBER"
	channelID     = "C100"
	otherChannel  = "C200" // the bot is not a member
)

var listDay = bot.Date{Year: 2026, Month: 11, Day: 26}

type env struct {
	t    *testing.T
	srv  *slackfake.Server
	s    *Slack
	db   *store.DB
	b    *bot.Bot
	src  *testsupport.Lists
	logs *testsupport.Logs
	now  time.Time
}

func newEnv(t *testing.T) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith is newEnv with the adapter's options changed by mod.
func newEnvWith(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	srv := slackfake.New()
	t.Cleanup(srv.Close)
	srv.SetToken(botToken)
	srv.SetAppToken(appToken)
	srv.SetBotUser(botUser, teamID)
	srv.AddUser(slackfake.User{ID: adminUser, Name: "ada", IsAdmin: true})
	srv.AddUser(slackfake.User{ID: memberUser, Name: "bob"})
	srv.AddChannel(slackfake.Channel{ID: channelID, Name: "papers", Members: []string{botUser, adminUser, memberUser}})
	srv.AddChannel(slackfake.Channel{ID: otherChannel, Name: "random", Members: []string{adminUser, memberUser}})
	logs := &testsupport.Logs{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts := Options{BotToken: botToken, AppToken: appToken, SigningSecret: signingSecret, APIURL: srv.APIURL(),
		// Real waits (the fake enforces Retry-After), capped for backoffs.
		Retries: 4, Sleep: func(ctx context.Context, d time.Duration) error {
			return bot.Sleep(ctx, min(d, 1100*time.Millisecond))
		}, Logger: log}
	if mod != nil {
		mod(&opts)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	src := &testsupport.Lists{Lists: map[bot.Date][]bot.Paper{listDay: testsupport.Papers(listDay, 5)}}
	b := &bot.Bot{Store: db, Source: src, Platforms: map[string]bot.Platform{Name: s}, Clock: testsupport.FixedClock{T: now}, Log: log}
	s.SetCommands(&bot.Commands{Bot: b, DefaultZone: "Europe/Berlin"})
	e := &env{t: t, srv: srv, s: s, db: db, b: b, src: src, logs: logs, now: now}
	t.Cleanup(func() {
		for _, secret := range []string{botToken, appToken, signingSecret} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("a secret appears in the logs")
			}
		}
	})
	return e
}

func (e *env) channel(id string) bot.Channel {
	e.t.Helper()
	ref := bot.ChannelRef{Platform: Name, ID: id}
	ch, err := e.db.GetChannel(context.Background(), ref)
	if errors.Is(err, bot.ErrNotFound) {
		ch = bot.Channel{ChannelRef: ref, Settings: bot.DefaultSettings("Europe/Berlin")}
		if err := e.db.SaveChannel(context.Background(), ch, e.now); err != nil {
			e.t.Fatal(err)
		}
		ch, err = e.db.GetChannel(context.Background(), ref)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

func (e *env) digest(id string) (bot.DigestResult, error) {
	return e.b.Digest(context.Background(), bot.DigestRequest{Channel: e.channel(id), ListDate: listDay})
}

// thread returns the single header in the channel and its replies.
func (e *env) thread() (slackfake.Message, []slackfake.Message) {
	e.t.Helper()
	top := e.srv.Messages(channelID)
	if len(top) != 1 {
		e.t.Fatalf("%d messages in the channel, want 1 header", len(top))
	}
	return top[0], e.srv.Replies(channelID, top[0].TS)
}

// assertOnce checks that each of n papers is in the replies exactly once.
func assertOnce(t *testing.T, replies []slackfake.Message, n int) {
	t.Helper()
	count := map[string]int{}
	for _, m := range replies {
		count[m.PayloadField("key")]++
	}
	if len(count) != n || len(replies) != n {
		t.Errorf("%d replies for %d distinct keys, want %d of each", len(replies), len(count), n)
	}
	for k, c := range count {
		if c != 1 {
			t.Errorf("%s posted %d times", k, c)
		}
	}
}

func TestDailyThread(t *testing.T) {
	e := newEnv(t)
	res, err := e.digest(channelID)
	if err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	header, replies := e.thread()
	if !strings.Contains(string(header.Blocks), `"type":"header"`) || !strings.Contains(string(header.Blocks), "Daily Papers · Thu 26 Nov 2026") {
		t.Errorf("header blocks: %s", header.Blocks)
	}
	if header.Text == "" || header.PayloadField("key") != bot.HeaderKey(bot.ChannelRef{Platform: Name, ID: channelID}, listDay) {
		t.Errorf("header fallback %q, metadata %s", header.Text, header.Metadata)
	}
	assertOnce(t, replies, 5)
	for i, r := range replies {
		if r.ThreadTS != header.TS {
			t.Errorf("reply %d not in the header's thread", i)
		}
		if r.UnfurlLinks != "false" || r.UnfurlMedia != "false" {
			t.Errorf("reply %d unfurls links (%q, %q)", i, r.UnfurlLinks, r.UnfurlMedia)
		}
		want := fmt.Sprintf("<https://huggingface.co/papers/2611.%05d|", 100+i)
		if !strings.Contains(texts(r.Blocks), want) || r.Text == "" {
			t.Errorf("reply %d: %s", i, r.Blocks)
		}
		for _, label := range []string{"Hugging Face", "arXiv", "PDF", "Code ★ 1.2k", "Project"} {
			if !slices.Contains(strings.Split(texts(r.Blocks), "\n"), label) {
				t.Errorf("reply %d lacks the %s button", i, label)
			}
		}
	}
	// Golden: what Slack received, without the timestamps it chose.
	type sent struct {
		Text     string          `json:"text"`
		Blocks   json.RawMessage `json:"blocks"`
		Metadata json.RawMessage `json:"metadata"`
		InThread bool            `json:"in_thread"`
	}
	var all []sent
	for _, m := range append([]slackfake.Message{header}, replies...) {
		all = append(all, sent{m.Text, m.Blocks, m.Metadata, m.ThreadTS != "" && m.ThreadTS != m.TS})
	}
	testsupport.Golden(t, filepath.Join("testdata", "daily_thread.json"), testsupport.JSON(t, all))
}

// texts returns every string of a JSON document (the text a user reads),
// decoded, joined by newlines.
func texts(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, y := range x {
				walk(y)
			}
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return strings.Join(out, "\n")
}

// mrkdwnTexts returns the texts Slack parses as mrkdwn (mentions, links):
// every mrkdwn text object. plain_text (headers, buttons, alt text) is
// shown as written.
func mrkdwnTexts(raw json.RawMessage) string {
	var v any
	json.Unmarshal(raw, &v)
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, y := range x {
				walk(y)
			}
		case map[string]any:
			if x["type"] == "mrkdwn" {
				if s, ok := x["text"].(string); ok {
					out = append(out, s)
				}
			}
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return strings.Join(out, "\n")
}

func TestHostileTextPingsNobody(t *testing.T) {
	e := newEnv(t)
	p := testsupport.Papers(listDay, 1)[0]
	p.Title = "<!channel> <!here> <!everyone> <@U123> <#C123> <https://evil.example|click> & *bold*"
	p.AISummary = ""
	p.Abstract = "Ping <!here> and <@U123>. See <https://evil.example|this>."
	p.Authors = []string{"<!everyone>", "@channel"}
	e.src.Lists[listDay] = []bot.Paper{p}
	if _, err := e.digest(channelID); err != nil {
		t.Fatal(err)
	}
	_, replies := e.thread()
	raw := replies[0].Text + mrkdwnTexts(replies[0].Blocks)
	// The evil URL itself may be a link, to itself; never the masked one.
	for _, bad := range []string{"<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C123>", "|click>", "|this>"} {
		if strings.Contains(raw, bad) {
			t.Errorf("unescaped %q reached Slack: %s", bad, raw)
		}
	}
	if !strings.Contains(escapeReadBack.Replace(texts(replies[0].Blocks)), "<!channel> <!here> <!everyone> <@U123> <#C123> <https://evil.example|click> &") {
		t.Errorf("the title is not shown literally: %s", replies[0].Blocks)
	}
	if !strings.Contains(string(replies[0].Blocks), `"verbatim":true`) {
		t.Errorf("mrkdwn without verbatim: %s", replies[0].Blocks)
	}
}

func TestLongTextWithinLimits(t *testing.T) {
	e := newEnv(t)
	p := testsupport.Papers(listDay, 1)[0]
	p.Title = strings.ToValidUTF8(strings.Repeat("Ünïcödé wörds 🧪 ", 40)[:600], "")
	p.AISummary = ""
	p.Abstract = strings.Repeat("αβγ δεζ ηθι κλμ ", 700)
	for i := 0; i < 700; i++ {
		p.Authors = append(p.Authors, fmt.Sprintf("Author %d", i))
	}
	e.src.Lists[listDay] = []bot.Paper{p}
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v (the fake rejects any Block Kit limit broken)", res.Run, err)
	}
	_, replies := e.thread()
	if !utf8.Valid(replies[0].Blocks) || !utf8.ValidString(replies[0].Text) {
		t.Fatal("invalid UTF-8 sent")
	}
	if !strings.Contains(string(replies[0].Blocks), "…") {
		t.Errorf("nothing was cut: %s", replies[0].Blocks)
	}
}

func TestRateLimitAndServerErrorMidThread(t *testing.T) {
	e := newEnv(t)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 6)
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 2, Times: 1, RetryAfter: time.Second})
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 4, Times: 1, Status: 500})
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, replies := e.thread()
	assertOnce(t, replies, 6)
	faults := 0
	for _, r := range e.srv.Requests() {
		if r.Status == 429 || r.Status == 500 {
			faults++
		}
	}
	if faults != 2 {
		t.Errorf("%d faults seen, want 2 (the rules did not fire)", faults)
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("posted again before Retry-After ended: %+v", v)
	}
}

func TestAmbiguousFailureNotPostedTwice(t *testing.T) {
	e := newEnv(t)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 4)
	// The third post (the second item) is stored, then the connection drops.
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 2, Times: 1, DropAfterApply: true})
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, replies := e.thread()
	assertOnce(t, replies, 4)
}

func TestRestartAfterAmbiguousFailure(t *testing.T) {
	e := newEnv(t)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 4)
	e.s.opts.Retries = 0
	e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Skip: 2, Times: 1, DropAfterApply: true})
	if _, err := e.digest(channelID); err == nil {
		t.Fatal("want the dropped connection reported")
	}
	e.s.opts.Retries = 4
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("resume: %+v %v", res.Run, err)
	}
	_, replies := e.thread()
	assertOnce(t, replies, 4)
}

func TestStopErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(e *env)
		want  string
	}{
		{"not in channel", func(e *env) {}, "not a member of the channel"},
		{"archived", func(e *env) {
			e.srv.AddChannel(slackfake.Channel{ID: otherChannel, Name: "random", IsArchived: true, Members: []string{botUser}})
		}, "archived"},
		{"invalid auth", func(e *env) {
			e.srv.AddRule(slackfake.Rule{Method: "chat.postMessage", Error: "invalid_auth"})
		}, "invalid_auth"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			c.setup(e)
			res, _ := e.digest(otherChannel)
			if res.Run.Outcome != bot.OutcomeStopped || !strings.Contains(res.Run.Reason, c.want) {
				t.Fatalf("run: %+v", res.Run)
			}
			if ch := e.channel(otherChannel); !strings.Contains(ch.Stopped, c.want) {
				t.Fatalf("stopped = %q", ch.Stopped)
			}
			n := len(e.srv.Requests())
			e.digest(otherChannel)
			if len(e.srv.Requests()) != n {
				t.Fatal("a stopped channel was tried again")
			}
		})
	}
}

func TestDirectMessages(t *testing.T) {
	e := newEnv(t)
	u := bot.UserRef{Platform: Name, TeamID: teamID, ID: memberUser}
	for i, text := range []string{"<!channel> matched: #3 state space models", "second"} {
		msg := &bot.DirectMessage{Key: fmt.Sprintf("a:%d", i), Reply: bot.Reply{Lines: []bot.Line{{bot.Text("%s", text)}}}}
		if _, err := e.b.SendDM(context.Background(), u, msg); err != nil {
			t.Fatal(err)
		}
	}
	dms := e.srv.DMs(memberUser)
	if len(dms) != 2 || strings.Contains(dms[0].Text+texts(dms[0].Blocks), "<!channel>") {
		t.Fatalf("DMs: %+v", dms)
	}
	opens := 0
	for _, r := range e.srv.Requests() {
		if r.Method == "conversations.open" {
			opens++
		}
	}
	if opens != 1 {
		t.Errorf("conversations.open called %d times, want 1 (cached)", opens)
	}
	e.srv.BlockDMs(adminUser, "")
	blocked := bot.UserRef{Platform: Name, TeamID: teamID, ID: adminUser}
	if _, err := e.b.SendDM(context.Background(), blocked, &bot.DirectMessage{Key: "a:9", Reply: bot.Reply{Title: "x"}}); !errors.Is(err, bot.ErrDMsClosed) {
		t.Fatalf("blocked: %v", err)
	}
	if usr, _ := e.db.GetUser(context.Background(), blocked); usr.PausedReason == "" {
		t.Fatal("alerts not paused")
	}
	r := e.socketCommand(adminUser, channelID, "/papers", "help")
	if !strings.Contains(r.Text+texts(r.Blocks), "Your topic alerts are paused") {
		t.Fatalf("the user was not told: %s %s", r.Text, r.Blocks)
	}
}

var responseSeq int

// socketCommand dispatches a slash command as Socket Mode delivers it and
// returns the ephemeral answer posted to the response URL.
func (e *env) socketCommand(user, channel, command, text string) slackfake.Response {
	e.t.Helper()
	responseSeq++
	name := "r" + strconv.Itoa(responseSeq)
	h := e.s.SocketHandler()
	h.DispatchEvent(socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: slackgo.SlashCommand{
		TeamID: teamID, ChannelID: channel, UserID: user, Command: command, Text: text, ResponseURL: e.srv.ResponseURL(name)}})
	return e.waitResponse(name)
}

func (e *env) waitResponse(name string) slackfake.Response {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range e.srv.Responses() {
			if r.Name == name {
				return r
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatalf("no answer on response URL %s", name)
	return slackfake.Response{}
}

func TestSlashCommandsOverSocketMode(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 3), e.now); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		user, text, cmd string
		want            []string
	}{
		{memberUser, "help", "/papers", []string{"/papers search", "/papers-admin channel set"}},
		{memberUser, "paper https://arxiv.org/abs/2611.00101v2", "/papers", []string{"<https://huggingface.co/papers/2611.00101|"}},
		{memberUser, "today", "/papers", []string{"Daily Papers · Thu 26 Nov 2026 · 5 papers"}},
		{memberUser, "search diffusion number", "/papers", []string{"3 papers match", "<https://huggingface.co/papers/2611.00100|Paper number 1 on diffusion>", "*diffusion.*", "Results 1–3 of 3."}},
		{memberUser, "frobnicate", "/papers", []string{"Unknown command /papers frobnicate", "/papers search"}},
		{memberUser, "status", "/papers", []string{"gets no daily digest"}},
		{adminUser, "channel set time 07:45 zone America/New_York count 5", "/papers-admin", []string{"Daily digest set up", "07:45 (set in chat)"}},
		{adminUser, "channel set time 25:00", "/papers-admin", []string{"is not a time of day", "Usage: `/papers-admin channel set"}},
		{memberUser, "status", "/papers", []string{"at 07:45 (America/New_York)"}},
	}
	for _, c := range cases {
		r := e.socketCommand(c.user, channelID, c.cmd, c.text)
		if r.ResponseType != "ephemeral" {
			t.Errorf("%s %s: response_type %q, want ephemeral", c.cmd, c.text, r.ResponseType)
		}
		got := r.Text + texts(r.Blocks)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s: answer lacks %q:\n%s", c.cmd, c.text, w, got)
			}
		}
	}
}

func TestAdminRefusedToMember(t *testing.T) {
	e := newEnv(t)
	r := e.socketCommand(memberUser, channelID, "/papers-admin", "channel set time 08:00")
	if !strings.Contains(r.Text+texts(r.Blocks), "Only members who can manage this channel") {
		t.Fatalf("non-admin: %s %s", r.Text, r.Blocks)
	}
	if chans, _ := e.db.Channels(context.Background()); len(chans) != 0 {
		t.Fatal("a non-admin set up the channel")
	}
	// Listed in the config: allowed.
	e.s.opts.Admins = []string{memberUser}
	r = e.socketCommand(memberUser, channelID, "/papers-admin", "channel set time 08:00")
	if !strings.Contains(r.Text+texts(r.Blocks), "Daily digest set up") {
		t.Fatalf("configured admin: %s", r.Text)
	}
}

func TestChannelSetWhereBotIsNotMember(t *testing.T) {
	e := newEnv(t)
	r := e.socketCommand(adminUser, otherChannel, "/papers-admin", "channel set")
	if !strings.Contains(r.Text+texts(r.Blocks), "/invite @paperboy") {
		t.Fatalf("answer: %s %s", r.Text, r.Blocks)
	}
	if chans, _ := e.db.Channels(context.Background()); len(chans) != 0 {
		t.Fatal("set up a channel the bot cannot post in")
	}
}

// sign signs a body as Slack does.
func sign(body string, ts time.Time, secret string) http.Header {
	h := http.Header{}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

func TestSlashCommandsOverHTTP(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.s.HTTPHandler())
	defer srv.Close()
	post := func(body string, h http.Header) int {
		req, _ := http.NewRequest("POST", srv.URL+CommandsPath, strings.NewReader(body))
		req.Header = h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	form := func(name, text string) string {
		return url.Values{"team_id": {teamID}, "channel_id": {channelID}, "user_id": {memberUser}, "command": {"/papers"},
			"text": {text}, "response_url": {e.srv.ResponseURL(name)}}.Encode()
	}
	body := form("h1", "help")
	signed := sign(body, time.Now(), signingSecret)
	if code := post(body, signed); code != 200 {
		t.Fatalf("signed request: %d", code)
	}
	if r := e.waitResponse("h1"); !strings.Contains(r.Text+texts(r.Blocks), "/papers search") || r.ResponseType != "ephemeral" {
		t.Fatalf("answer: %+v", r)
	}
	// The same request again (a replay) is refused.
	if code := post(body, signed); code != 401 {
		t.Errorf("replayed request: %d, want 401", code)
	}
	for name, h := range map[string]http.Header{
		"bad signature": sign(form("h2", "help"), time.Now(), "wrong-secret"),
		"old timestamp": sign(form("h3", "help"), time.Now().Add(-6*time.Minute), signingSecret),
		"unsigned":      {"Content-Type": {"application/x-www-form-urlencoded"}},
	} {
		b := form(strings.ReplaceAll(name, " ", ""), "help")
		if name != "unsigned" {
			b = form(map[string]string{"bad signature": "h2", "old timestamp": "h3"}[name], "help")
		}
		if code := post(b, h); code != 401 {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	time.Sleep(100 * time.Millisecond)
	for _, r := range e.srv.Responses() {
		if r.Name != "h1" {
			t.Errorf("a rejected request was answered: %+v", r)
		}
	}
}

func TestSearchPagingOverSocketMode(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 12), e.now); err != nil {
		t.Fatal(err)
	}
	r := e.socketCommand(memberUser, channelID, "/papers", "search diffusion")
	if !strings.Contains(texts(r.Blocks), "Results 1–5 of 12.") {
		t.Fatalf("page 1: %s", texts(r.Blocks))
	}
	value := regexp.MustCompile(`s:[0-9a-f]+:1`).FindString(texts(r.Blocks))
	if value == "" {
		t.Fatalf("no Next button: %s", r.Blocks)
	}
	// A new adapter (paperboy restarted) on the same database.
	s2, err := New(Options{BotToken: botToken, APIURL: e.srv.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	s2.SetCommands(&bot.Commands{Bot: e.b, DefaultZone: "UTC"})
	name := "page-click"
	s2.SocketHandler().DispatchEvent(socketmode.Event{Type: socketmode.EventTypeInteractive, Data: slackgo.InteractionCallback{
		Type: slackgo.InteractionTypeBlockActions, ResponseURL: e.srv.ResponseURL(name),
		User: slackgo.User{ID: memberUser}, Team: slackgo.Team{ID: teamID},
		ActionCallback: slackgo.ActionCallbacks{BlockActions: []*slackgo.BlockAction{{ActionID: actionPrefix + "0", Value: value}}}}})
	page2 := e.waitResponse(name)
	if !page2.ReplaceOriginal || !strings.Contains(texts(page2.Blocks), "Results 6–10 of 12.") {
		t.Fatalf("page 2 (replace %v): %s", page2.ReplaceOriginal, texts(page2.Blocks))
	}
}
