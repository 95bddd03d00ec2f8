package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// These tests run the real discordgo client against the fake Discord in
// adapters/fakes/discord, driven by the bot's real delivery engine on a
// real SQLite store.

const (
	testToken = "TEST.discord.token-abcdefghijklmnop"
	guildID   = "9000"
	botID     = "9001"
	adminID   = "9002"
	memberID  = "9003"
	textID    = "100"
	forumID   = "200"
	appID     = "9100"
)

type env struct {
	t    *testing.T
	srv  *discordfake.Server
	d    *Discord
	db   *store.DB
	b    *bot.Bot
	src  *testsupport.Lists
	logs *testsupport.Logs
	now  time.Time
}

var listDay = bot.Date{Year: 2026, Month: 11, Day: 26}

func newEnv(t *testing.T, botPerms int64) *env {
	t.Helper()
	srv := discordfake.New()
	t.Cleanup(srv.Close)
	srv.SetToken(testToken)
	srv.SetBotUser(botID, "paperboy")
	srv.AddGuild(discordfake.Guild{ID: guildID, OwnerID: adminID,
		Roles:   []discordfake.Role{{ID: guildID, Name: "@everyone", Permissions: discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory}, {ID: "9200", Name: "bot", Permissions: botPerms}},
		Members: []discordfake.Member{{UserID: botID, Roles: []string{"9200"}}, {UserID: memberID}, {UserID: adminID}}})
	srv.AddChannel(discordfake.Channel{ID: textID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "papers"})
	srv.AddChannel(discordfake.Channel{ID: forumID, GuildID: guildID, Type: discordgo.ChannelTypeGuildForum, Name: "papers-forum"})
	logs := &testsupport.Logs{}
	d, err := New(Options{Token: testToken, APIURL: srv.URL(), ApplicationID: appID, GuildIDs: []string{guildID},
		Retries: 4, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
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
	b := &bot.Bot{Store: db, Source: src, Platforms: map[string]bot.Platform{Name: d}, Clock: testsupport.FixedClock{T: now},
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	d.SetCommands(&bot.Commands{Bot: b, DefaultZone: "Europe/Berlin"})
	e := &env{t: t, srv: srv, d: d, db: db, b: b, src: src, logs: logs, now: now}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testToken) {
			t.Errorf("the bot token appears in the logs")
		}
	})
	return e
}

const allPerms = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

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

// thread returns the single thread under a channel and its messages.
func (e *env) thread(parent string) (discordfake.Thread, []discordfake.Message) {
	e.t.Helper()
	ths := e.srv.Threads(parent)
	if len(ths) != 1 {
		e.t.Fatalf("threads under %s: %d, want 1", parent, len(ths))
	}
	return ths[0], e.srv.Messages(ths[0].ID)
}

// assertOnce checks that each of the n papers is in the thread exactly once.
func assertOnce(t *testing.T, msgs []discordfake.Message, skipFirst bool, n int) {
	t.Helper()
	count := map[string]int{}
	for i, m := range msgs {
		if skipFirst && i == 0 {
			continue
		}
		if len(m.Embeds) != 1 {
			t.Errorf("message %s has %d embeds", m.ID, len(m.Embeds))
			continue
		}
		count[m.Embeds[0].URL]++
	}
	if len(count) != n {
		t.Errorf("%d distinct papers in the thread, want %d", len(count), n)
	}
	for url, c := range count {
		if c != 1 {
			t.Errorf("%s posted %d times", url, c)
		}
	}
}

func TestDailyThread(t *testing.T) {
	e := newEnv(t, allPerms)
	res, err := e.digest(textID)
	if err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	headers := e.srv.Messages(textID)
	if len(headers) != 1 || headers[0].Embeds[0].Title != "Daily Papers · Thu 26 Nov 2026 · 5 papers" {
		t.Fatalf("channel messages: %+v", headers)
	}
	th, msgs := e.thread(textID)
	if th.Name != "Daily Papers · Thu 26 Nov 2026" || th.StarterMessageID != headers[0].ID {
		t.Fatalf("thread %q started from %s, want from the header %s", th.Name, th.StarterMessageID, headers[0].ID)
	}
	if len(msgs) != 5 {
		t.Fatalf("thread holds %d messages, want 5", len(msgs))
	}
	for i, m := range msgs {
		em := m.Embeds[0]
		if !strings.HasPrefix(em.Title, fmt.Sprintf("%d. Paper number %d", i+1, i+1)) || em.URL != "https://huggingface.co/papers/"+fmt.Sprintf("2611.%05d", 100+i) {
			t.Errorf("item %d: %q %s", i, em.Title, em.URL)
		}
		var rows []struct {
			Components []struct {
				Label string `json:"label"`
				URL   string `json:"url"`
				Style int    `json:"style"`
			} `json:"components"`
		}
		if err := json.Unmarshal(componentsJSON(t, m), &rows); err != nil || len(rows) != 1 {
			t.Fatalf("components: %v %s", err, componentsJSON(t, m))
		}
		var labels []string
		for _, c := range rows[0].Components {
			labels = append(labels, c.Label)
		}
		if got := strings.Join(labels, ","); got != "Hugging Face,arXiv,PDF,Code ★ 1.2k,Project" {
			t.Errorf("buttons: %s", got)
		}
		if !m.EnforceNonce || m.Nonce == "" {
			t.Errorf("item %d sent without an enforced nonce", i)
		}
	}
	for _, r := range e.srv.Requests() {
		if r.Header.Get("Authorization") != "Bot "+testToken {
			t.Fatalf("request %s %s authorised with %q", r.Method, r.Path, r.Header.Get("Authorization"))
		}
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") && !strings.Contains(string(r.Body), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s sent without an empty allowed_mentions parse list: %s", r.Path, r.Body)
		}
	}
	// Golden payloads: what Discord receives.
	var sent []json.RawMessage
	for _, r := range e.srv.Requests() {
		if r.Method == "POST" {
			sent = append(sent, json.RawMessage(r.Body))
		}
	}
	testsupport.Golden(t, filepath.Join("testdata", "daily_thread_requests.json"), testsupport.JSON(t, sent))
}

func componentsJSON(t *testing.T, m discordfake.Message) []byte {
	t.Helper()
	return m.Components
}

func TestForumPost(t *testing.T) {
	e := newEnv(t, allPerms)
	if res, err := e.digest(forumID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	th, msgs := e.thread(forumID)
	if th.Name != "Daily Papers · Thu 26 Nov 2026" {
		t.Fatalf("post name %q", th.Name)
	}
	if len(msgs) != 6 || !strings.HasPrefix(msgs[0].Embeds[0].Title, "Daily Papers") {
		t.Fatalf("post holds %d messages, the first %+v", len(msgs), msgs[0].Embeds)
	}
	assertOnce(t, msgs, true, 5)
	// A restart with the header unconfirmed finds the post instead of opening a second.
	plan, _ := e.db.GetPlan(context.Background(), bot.ChannelRef{Platform: Name, ID: forumID}, listDay)
	m := &bot.Message{Key: plan.Header.Key, Channel: e.channel(forumID), Digest: plan.Digest}
	s, found, err := e.d.Find(context.Background(), m)
	if err != nil || !found || s.ThreadID != th.ID {
		t.Fatalf("Find forum post: %+v %v %v", s, found, err)
	}
}

func TestMentionsNeverPing(t *testing.T) {
	e := newEnv(t, allPerms)
	hostile := testsupport.Papers(listDay, 1)[0]
	hostile.Title = "@everyone @here <@123456789012345678> <@&1> <#1> [click](https://evil.example) **bold**"
	hostile.AISummary = ""
	hostile.Abstract = "Ping @everyone and <@123456789012345678>. See [this](https://evil.example) and `code` ~~x~~ ||spoiler||."
	hostile.Authors = []string{"@here", "<@&1>"}
	e.src.Lists[listDay] = []bot.Paper{hostile}
	if _, err := e.digest(textID); err != nil {
		t.Fatal(err)
	}
	_, msgs := e.thread(textID)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	raw, _ := json.Marshal(msgs[0].Embeds)
	for _, bad := range []string{"<@123456789012345678>", "<@&1>", "<#1>", "[click](https://evil.example)", "**bold**", "@everyone", "@here"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("unescaped %q reached Discord: %s", bad, raw)
		}
	}
	if string(msgs[0].AllowedMentions) != `{"parse":[]}` && !strings.HasPrefix(string(msgs[0].AllowedMentions), `{"parse":[]`) {
		t.Errorf("allowed_mentions = %s", msgs[0].AllowedMentions)
	}
	// The text still reads as written.
	title := unescape(msgs[0].Embeds[0].Title)
	if !strings.Contains(title, "@everyone @here <@123456789012345678> <@&1> <#1> [click](https://evil.example) **bold**") {
		t.Errorf("title reads %q", title)
	}
}

// unescape is the text a reader sees (markdown escapes undone, links
// shown as their URL) without the zero-width space after "@".
func unescape(s string) string {
	v, _ := mdView(s)
	return strings.ReplaceAll(v, "@\u200b", "@")
}

func TestLongTextWithinLimits(t *testing.T) {
	e := newEnv(t, allPerms)
	p := testsupport.Papers(listDay, 1)[0]
	p.Title = strings.Repeat("Ünïcödé wörds 🧪 ", 40)[:600]
	p.Title = strings.ToValidUTF8(p.Title, "")
	p.AISummary = ""
	p.Abstract = strings.Repeat("αβγ δεζ ηθι κλμ ", 700)
	for i := 0; i < 700; i++ {
		p.Authors = append(p.Authors, fmt.Sprintf("Author %d", i))
	}
	e.src.Lists[listDay] = []bot.Paper{p}
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v (the fake rejects any payload over a Discord limit)", res.Run, err)
	}
	_, msgs := e.thread(textID)
	em := msgs[0].Embeds[0]
	if n := bot.Length(em.Title); n > 256 || !utf8.ValidString(em.Title) || !strings.HasSuffix(em.Title, "…") {
		t.Errorf("title: %d runes, valid %v: %q", n, utf8.ValidString(em.Title), em.Title)
	}
	if n := bot.Length(unescape(em.Description)); n > bot.SummaryLen || !utf8.ValidString(em.Description) {
		t.Errorf("description: %d runes", n)
	}
}

func TestRateLimitAndServerErrorsMidThread(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 8)
	// POSTs: the header, the thread, then the items. A 429 hits the second
	// item, a 500 the fourth and a 503 the fifth.
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 3, Times: 1, RetryAfter: 200 * time.Millisecond})
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 5, Times: 1, Status: 500})
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 6, Times: 1, Status: 503})
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, items := e.thread(textID)
	assertOnce(t, items, false, 8)
	if len(items) != 8 {
		t.Fatalf("%d messages in the thread, want 8", len(items))
	}
	faults := map[string]int{}
	for _, r := range e.srv.Requests() {
		faults[r.Fault]++
	}
	if faults["rate-limit"] != 1 || faults["status"] != 2 {
		t.Errorf("faults seen: %v (the rules did not fire)", faults)
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("requests sent during a 429's retry_after: %+v", v)
	}
}

func TestAmbiguousFailureNotPostedTwice(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 3)
	// The second item is stored, then the connection drops before the answer.
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 2, Times: 1, DropAfterApply: true})
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, items := e.thread(textID)
	assertOnce(t, items, false, 3)
	if len(items) != 3 {
		t.Fatalf("%d messages in the thread, want 3", len(items))
	}
}

func TestRestartAfterNoncesForgotten(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 4)
	// Without retries, the dropped answer leaves the item claimed but unconfirmed.
	e.d.opts.Retries = 0
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 2, Times: 1, DropAfterApply: true})
	if _, err := e.digest(textID); err == nil {
		t.Fatal("want the dropped connection reported")
	}
	// Minutes later Discord has forgotten the nonce, and paperboy restarted.
	e.srv.ForgetNonces()
	d2, err := New(Options{Token: testToken, APIURL: e.srv.URL(), ApplicationID: appID, Sleep: func(ctx context.Context, _ time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	e.b.Platforms[Name] = d2
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("resumed digest: %+v %v", res.Run, err)
	}
	_, items := e.thread(textID)
	if len(items) != 4 {
		t.Fatalf("%d messages in the thread, want 4 (no second copy)", len(items))
	}
	assertOnce(t, items, false, 4)
	if len(e.srv.Messages(textID)) != 1 {
		t.Fatalf("headers: %d", len(e.srv.Messages(textID)))
	}
}

func TestHeaderWithoutThreadResumes(t *testing.T) {
	e := newEnv(t, allPerms)
	// The header posts, but starting its thread fails for good this time.
	e.d.opts.Retries = 0
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/" + textID + "/messages/", Times: 1, Status: 500})
	if _, err := e.digest(textID); err == nil {
		t.Fatal("want the failure reported")
	}
	if len(e.srv.Messages(textID)) != 1 || len(e.srv.Threads(textID)) != 0 {
		t.Fatalf("after the failure: %d headers, %d threads", len(e.srv.Messages(textID)), len(e.srv.Threads(textID)))
	}
	e.srv.ForgetNonces()
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("resume: %+v %v", res.Run, err)
	}
	if len(e.srv.Messages(textID)) != 1 {
		t.Fatalf("a second header was posted")
	}
	_, items := e.thread(textID)
	assertOnce(t, items, false, 5)
}

func TestArchivedThreadIsReopened(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 4)
	e.d.opts.Retries = 0
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 3, Times: 1, Status: 503})
	e.digest(textID) // header and two items, then a failure
	th, _ := e.thread(textID)
	if !e.srv.ArchiveThread(th.ID) {
		t.Fatal("could not archive")
	}
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("resume into an archived thread: %+v %v", res.Run, err)
	}
	_, items := e.thread(textID)
	assertOnce(t, items, false, 4)
}

func TestPermissionErrorStopsChannel(t *testing.T) {
	e := newEnv(t, allPerms&^discordgo.PermissionSendMessages)
	res, err := e.digest(textID)
	if res.Run.Outcome != bot.OutcomeStopped {
		t.Fatalf("outcome %s, err %v", res.Run.Outcome, err)
	}
	ch := e.channel(textID)
	if want := "paperboy lacks Send Messages in the channel (Discord error 50013)"; ch.Stopped != want {
		t.Fatalf("stopped = %q, want %q", ch.Stopped, want)
	}
	n := len(e.srv.Requests())
	res, _ = e.b.Digest(context.Background(), bot.DigestRequest{Channel: ch, ListDate: listDay})
	if res.Run.Outcome != bot.OutcomeStopped || len(e.srv.Requests()) != n {
		t.Fatalf("a stopped channel was tried again (%d requests)", len(e.srv.Requests())-n)
	}
	st, _ := e.b.Status(context.Background(), ch, e.now)
	if st.LastRun == nil || !strings.Contains(st.LastRun.Describe(), "50013") {
		t.Fatalf("status does not say why: %+v", st.LastRun)
	}
}

// A permission denied by the channel's overwrites is named too, and
// status says it in chat.
func TestPermissionErrorNamesOverwrittenPermission(t *testing.T) {
	e := newEnv(t, allPerms)
	e.srv.AddChannel(discordfake.Channel{ID: textID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "papers",
		PermissionOverwrites: []discordgo.PermissionOverwrite{{ID: "9200", Type: discordgo.PermissionOverwriteTypeRole,
			Deny: discordgo.PermissionEmbedLinks | discordgo.PermissionSendMessagesInThreads}}})
	res, _ := e.digest(textID)
	want := "paperboy lacks Send Messages in Threads, Embed Links in the channel (Discord error 50013)"
	if res.Run.Outcome != bot.OutcomeStopped || e.channel(textID).Stopped != want {
		t.Fatalf("outcome %s, stopped %q, want %q", res.Run.Outcome, e.channel(textID).Stopped, want)
	}
	a := e.command(memberID, discordgo.PermissionViewChannel|discordgo.PermissionSendMessages, "papers", sub("status"))
	if !strings.Contains(a.Content, "Posting is stopped:") || !strings.Contains(a.Content, "Send Messages in Threads, Embed Links") {
		t.Fatalf("status: %q", a.Content)
	}
}

func TestDeletedChannelStops(t *testing.T) {
	e := newEnv(t, allPerms)
	res, _ := e.b.Digest(context.Background(), bot.DigestRequest{Channel: bot.Channel{ChannelRef: bot.ChannelRef{Platform: Name, ID: "404"}, Settings: bot.DefaultSettings("UTC")}, ListDate: listDay})
	if res.Run.Outcome != bot.OutcomeStopped || !strings.Contains(res.Run.Reason, "10003") {
		t.Fatalf("unknown channel: %+v", res.Run)
	}
}

func TestDirectMessages(t *testing.T) {
	e := newEnv(t, allPerms)
	u := bot.UserRef{Platform: Name, ID: memberID}
	msg := &bot.DirectMessage{Key: "a:1", Reply: bot.Reply{Title: "New papers for you", Lines: []bot.Line{{bot.Text("@everyone <@1> matched: #3 state space models")}}}}
	if _, err := e.b.SendDM(context.Background(), u, msg); err != nil {
		t.Fatal(err)
	}
	msg2 := &bot.DirectMessage{Key: "a:2", Reply: bot.Reply{Lines: []bot.Line{{bot.Text("second")}}}}
	if _, err := e.b.SendDM(context.Background(), u, msg2); err != nil {
		t.Fatal(err)
	}
	dms := e.srv.DMs(memberID)
	if len(dms) != 2 || strings.Contains(strings.ReplaceAll(dms[0].Content, `\<`, ""), "<@") || !strings.HasPrefix(string(dms[0].AllowedMentions), `{"parse":[]`) {
		t.Fatalf("DMs: %+v", dms)
	}
	opens := 0
	for _, r := range e.srv.Requests() {
		if r.Path == "/api/v9/users/@me/channels" {
			opens++
		}
	}
	if opens != 1 {
		t.Errorf("the DM channel was opened %d times, want 1 (cached)", opens)
	}
	// A user who blocks DMs: alerts paused, and told at the next command.
	e.srv.BlockDMs(adminID)
	blocked := bot.UserRef{Platform: Name, ID: adminID}
	if _, err := e.b.SendDM(context.Background(), blocked, msg); !errors.Is(err, bot.ErrDMsClosed) {
		t.Fatalf("blocked DM: %v", err)
	}
	usr, _ := e.db.GetUser(context.Background(), blocked)
	if usr.PausedReason == "" {
		t.Fatal("alerts not paused")
	}
	resp := e.command(adminID, allPerms|discordgo.PermissionManageChannels, "papers", sub("help"))
	if !strings.Contains(resp.Content, "Your topic alerts are paused") {
		t.Fatalf("the user was not told: %q", resp.Content)
	}
}

// discordgo's own log lines go through the adapter's logger (so through
// paperboy's handler and its secret redaction), not straight to stderr.
func TestLibraryLogRouted(t *testing.T) {
	var buf testsupport.Logs
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := New(Options{Token: testToken, APIURL: "http://127.0.0.1:1", Logger: l}); err != nil {
		t.Fatal(err)
	}
	discordgo.Logger(discordgo.LogError, 1, "error reading from gateway %s websocket", "wss://example")
	got := buf.String()
	if !strings.Contains(got, "discordgo: error reading from gateway wss://example websocket") || !strings.Contains(got, "level=WARN") {
		t.Fatalf("discordgo's line did not reach the adapter's logger as a warning: %q", got)
	}
}

// An alert DM that Discord accepted but paperboy never confirmed is found
// after a restart by the reference on its last line, also once Discord has
// forgotten its nonce and when the DM channel was never cached.
func TestFindDMAfterNonceForgotten(t *testing.T) {
	e := newEnv(t, allPerms)
	u := bot.UserRef{Platform: Name, ID: memberID}
	long := strings.Repeat("word ", 390) // near the content limit
	m := &bot.DirectMessage{Key: "alert:7:0", Reply: bot.Reply{Title: "1 new paper for your topics",
		Lines: []bot.Line{{bot.Text("%s", long)}, {bot.Text("%s", long)}}}}
	sent, err := e.d.SendDM(context.Background(), u, "", m)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ForgetNonces()
	got, found, err := e.d.FindDM(context.Background(), u, "", m.Key)
	if err != nil || !found || got != sent {
		t.Fatalf("FindDM = %+v, %v, %v; want %+v found", got, found, err, sent)
	}
	if _, found, err := e.d.FindDM(context.Background(), u, sent.ThreadID, "alert:7:1"); err != nil || found {
		t.Fatalf("a key never sent: found %v, %v", found, err)
	}
	dms := e.srv.DMs(memberID)
	if len(dms) != 1 {
		t.Fatalf("%d DMs, want 1", len(dms))
	}
	content := dms[0].Content
	if n := bot.Length(content); n > maxContent || !strings.HasSuffix(content, "\n-# paperboy · "+refFor(m.Key)) {
		t.Fatalf("content (%d runes) does not end with the reference: …%q", n, content[max(0, len(content)-80):])
	}
	// A user's message quoting the reference is not the bot's DM.
	if dmRefOf(&discordgo.Message{Content: "see " + refFor(m.Key)}) != "" {
		t.Error("a reference outside the last line's small text was taken")
	}
}

// A message whose answer was lost is looked for before it is sent again:
// the nonce protects the retry only while Discord remembers it (here it
// has forgotten it by the retry, the worst case the fault test meets).
func TestRetryAfterLostAnswerLooksFirst(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 3)
	// The third POST (the first item) is stored, then its connection drops;
	// the retry, the next POST, reaches a Discord without the nonce.
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 2, Times: 1, DropAfterApply: true})
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 2, Times: 1, ForgetNonce: true})
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	_, items := e.thread(textID)
	assertOnce(t, items, false, 3)
	if len(items) != 3 {
		t.Fatalf("%d messages in the thread, want 3", len(items))
	}
	if f := e.srv.Stats().Faults; f["drop-after"] != 1 || f["forget-nonce"] != 1 {
		t.Fatalf("faults met: %v, want one lost answer and one forgotten nonce", f)
	}
}

// A forum post (which carries no nonce) whose answer was lost is looked
// for before another is started.
func TestForumPostAfterLostAnswerNotStartedTwice(t *testing.T) {
	e := newEnv(t, allPerms)
	e.srv.AddRule(discordfake.Rule{Method: "POST", Path: "/channels/" + forumID + "/threads", Times: 1, DropAfterApply: true})
	if res, err := e.digest(forumID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	if n := len(e.srv.Threads(forumID)); n != 1 {
		t.Fatalf("%d forum posts, want 1", n)
	}
	if f := e.srv.Stats().Faults; f["drop-after"] != 1 {
		t.Fatalf("faults met: %v, want one lost answer", f)
	}
}

// TestHostileRateLimitFailsFast: a 429 asking to wait an hour (a broken or
// hostile answer, or a long global limit) fails the run at once, with the
// route and the wait in its one-line error, instead of holding the send
// for an hour inside discordgo; nothing is sent during the wait (the
// daemon runs the channel again later; discordgo's bucket then holds the
// route until the reset Discord named).
func TestHostileRateLimitFailsFast(t *testing.T) {
	e := newEnv(t, allPerms)
	e.src.Lists[listDay] = testsupport.Papers(listDay, 3)
	e.srv.AddRule(discordfake.Rule{Method: "POST", PathPrefix: "/channels/", Skip: 2, Times: 1, RetryAfter: time.Hour})
	res, err := e.digest(textID)
	if err == nil && res.Run.Outcome == bot.OutcomePosted {
		t.Fatalf("digest posted through an hour-long 429: %+v", res.Run)
	}
	msg := res.Run.Reason
	if err != nil {
		msg = err.Error()
	}
	if !strings.Contains(msg, "429") || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line naming the 429", msg)
	}
	if v := e.srv.Violations(); len(v) != 0 {
		t.Errorf("requests sent during the 429's retry_after: %+v", v)
	}
}
