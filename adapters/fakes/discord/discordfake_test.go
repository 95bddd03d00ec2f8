package discordfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

const (
	guildID   = "300"
	channelID = "200"
	forumID   = "201"
)

// newFake starts a fake with one text channel and a discordgo session
// pointed at it.
func newFake(t *testing.T) (*Server, *discordgo.Session) {
	t.Helper()
	srv := New()
	t.Cleanup(srv.Close)
	srv.AddChannel(Channel{ID: channelID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "papers"})
	dg, err := discordgo.New("Bot x")
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = srv.Client()
	return srv, dg
}

// restErr unwraps a *discordgo.RESTError and returns its status and code.
func restErr(t *testing.T, err error) (status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("want *discordgo.RESTError, got %T: %v", err, err)
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

type nonceSend struct {
	Content      string `json:"content"`
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// postNonce creates a message with a nonce, as discordgo's MessageSend
// cannot.
func postNonce(dg *discordgo.Session, ch, content, nonce string, enforce bool) (*discordgo.Message, error) {
	ep := discordgo.EndpointChannelMessages(ch)
	b, err := dg.RequestWithBucketID("POST", ep, nonceSend{content, nonce, enforce}, ep)
	if err != nil {
		return nil, err
	}
	var m discordgo.Message
	return &m, json.Unmarshal(b, &m)
}

// rawDo sends a request with a plain http client.
func rawDo(t *testing.T, srv *Server, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	resp, b, err := rawDoErr(srv, method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func rawDoErr(srv *Server, method, path, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bot x")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func emptyMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func TestCreateMessageAndReadBack(t *testing.T) {
	srv, dg := newFake(t)
	sent, err := dg.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Content: "Today's papers",
		Embeds: []*discordgo.MessageEmbed{{
			Title: "Attention", URL: "https://arxiv.org/abs/1706.03762", Description: "abstract",
			Footer: &discordgo.MessageEmbedFooter{Text: "key:1706.03762"},
		}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "arXiv", Style: discordgo.LinkButton, URL: "https://arxiv.org/abs/1706.03762"},
		}}},
		AllowedMentions: emptyMentions(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID == "" || sent.ChannelID != channelID || sent.Author == nil || !sent.Author.Bot {
		t.Fatalf("bad create response: %+v", sent)
	}
	if ts, err := discordgo.SnowflakeTimestamp(sent.ID); err != nil || time.Since(ts) > time.Minute {
		t.Errorf("snowflake timestamp %v, %v", ts, err)
	}
	got, err := dg.ChannelMessage(channelID, sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Content != "Today's papers" || len(got.Embeds) != 1 || got.Embeds[0].Title != "Attention" ||
		got.Embeds[0].Type != discordgo.EmbedTypeRich || len(got.Components) != 1 {
		t.Fatalf("read back %+v", got)
	}
	if row, ok := got.Components[0].(*discordgo.ActionsRow); !ok || len(row.Components) != 1 {
		t.Fatalf("components %#v", got.Components)
	}
	msgs := srv.Messages(channelID)
	if len(msgs) != 1 {
		t.Fatalf("stored %d messages", len(msgs))
	}
	// discordgo always adds "replied_user":false.
	if !bytes.Contains(msgs[0].AllowedMentions, []byte(`"parse":[]`)) {
		t.Errorf("allowed_mentions = %s", msgs[0].AllowedMentions)
	}
	if msgs[0].Author.ID != srv.BotUser().ID || msgs[0].Embeds[0].Footer.Text != "key:1706.03762" {
		t.Errorf("stored %+v", msgs[0])
	}

	// Listing is newest first, with before/after.
	second, _ := dg.ChannelMessageSend(channelID, "second")
	third, _ := dg.ChannelMessageSend(channelID, "third")
	list, err := dg.ChannelMessages(channelID, 2, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != third.ID || list[1].ID != second.ID {
		t.Fatalf("list = %v", ids(list))
	}
	list, _ = dg.ChannelMessages(channelID, 10, third.ID, "", "")
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != sent.ID {
		t.Fatalf("before = %v", ids(list))
	}
	list, _ = dg.ChannelMessages(channelID, 10, "", sent.ID, "")
	if len(list) != 2 || list[0].ID != third.ID {
		t.Fatalf("after = %v", ids(list))
	}
}

func ids(ms []*discordgo.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestNonceDedup(t *testing.T) {
	srv, dg := newFake(t)
	a, err := postNonce(dg, channelID, "hello", "run1-paper1", true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := postNonce(dg, channelID, "hello again", "run1-paper1", true)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID || b.Content != "hello" {
		t.Fatalf("dedup returned %s %q, first %s", b.ID, b.Content, a.ID)
	}
	if n := len(srv.Messages(channelID)); n != 1 {
		t.Fatalf("%d messages after dedup", n)
	}
	// Without enforce_nonce Discord creates a duplicate.
	if _, err := postNonce(dg, channelID, "dup", "run1-paper1", false); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages(channelID)); n != 2 {
		t.Fatalf("%d messages without enforce_nonce", n)
	}
	srv.ForgetNonces()
	c, err := postNonce(dg, channelID, "hello", "run1-paper1", true)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == a.ID || len(srv.Messages(channelID)) != 3 {
		t.Fatalf("after ForgetNonces: id %s, %d messages", c.ID, len(srv.Messages(channelID)))
	}

	// Nonces expire after the TTL.
	srv.SetNonceTTL(30 * time.Millisecond)
	d1, _ := postNonce(dg, channelID, "x", "ttl", true)
	time.Sleep(40 * time.Millisecond)
	d2, _ := postNonce(dg, channelID, "x", "ttl", true)
	if d1.ID == d2.ID {
		t.Fatal("nonce did not expire")
	}
	// Nonces are per channel.
	srv.AddChannel(Channel{ID: "202", GuildID: guildID, Name: "other"})
	e1, _ := postNonce(dg, "202", "x", "ttl", true)
	if e1.ID == d2.ID {
		t.Fatal("nonce memory shared across channels")
	}
}

func TestConcurrentNonce(t *testing.T) {
	srv, _ := newFake(t)
	const n = 16
	results := make(chan string, n)
	for i := 0; i < n; i++ {
		go func() {
			resp, body, err := rawDoErr(srv, "POST", "/api/v9/channels/"+channelID+"/messages",
				`{"content":"same","nonce":"n1","enforce_nonce":true}`)
			var m struct{ ID string }
			_ = json.Unmarshal(body, &m)
			switch {
			case err != nil:
				m.ID = err.Error()
			case resp.StatusCode != 200:
				m.ID = "status " + resp.Status
			}
			results <- m.ID
		}()
	}
	first := <-results
	for i := 1; i < n; i++ {
		if id := <-results; id != first {
			t.Fatalf("got %s and %s", first, id)
		}
	}
	if got := len(srv.Messages(channelID)); got != 1 {
		t.Fatalf("%d messages", got)
	}
}

func TestThreadFromMessage(t *testing.T) {
	srv, dg := newFake(t)
	head, err := dg.ChannelMessageSend(channelID, "Papers of 2024-05-01")
	if err != nil {
		t.Fatal(err)
	}
	th, err := dg.MessageThreadStartComplex(channelID, head.ID, &discordgo.ThreadStart{Name: "2024-05-01", AutoArchiveDuration: 1440})
	if err != nil {
		t.Fatal(err)
	}
	if th.ID != head.ID || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != channelID ||
		th.ThreadMetadata == nil || th.ThreadMetadata.AutoArchiveDuration != 1440 {
		t.Fatalf("thread %+v", th)
	}
	got, err := dg.ChannelMessage(channelID, head.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Thread == nil || got.Thread.ID != th.ID || got.Flags&discordgo.MessageFlagsHasThread == 0 {
		t.Fatalf("starter message %+v", got)
	}
	_, err = dg.MessageThreadStartComplex(channelID, head.ID, &discordgo.ThreadStart{Name: "again"})
	if st, code := restErr(t, err); st != 400 || code != CodeThreadAlreadyCreated {
		t.Fatalf("second thread: %d %d", st, code)
	}
	if _, err := dg.ChannelMessageSend(th.ID, "paper 1"); err != nil {
		t.Fatal(err)
	}
	threads := srv.Threads(channelID)
	if len(threads) != 1 || threads[0].StarterMessageID != head.ID || threads[0].Name != "2024-05-01" {
		t.Fatalf("threads %+v", threads)
	}
	if ms := srv.Messages(th.ID); len(ms) != 1 || ms[0].Content != "paper 1" {
		t.Fatalf("thread messages %+v", ms)
	}
	if ms := srv.Messages(channelID); ms[0].ThreadID != th.ID {
		t.Fatalf("ThreadID not recorded: %+v", ms[0])
	}
	_, err = dg.MessageThreadStartComplex(channelID, head.ID, &discordgo.ThreadStart{Name: strings.Repeat("n", 101)})
	if st, code := restErr(t, err); st != 400 || code != CodeInvalidFormBody {
		t.Fatalf("long name: %d %d", st, code)
	}
	active, err := dg.GuildThreadsActive(guildID)
	if err != nil || len(active.Threads) != 1 || active.Threads[0].ID != th.ID {
		t.Fatalf("active threads %+v %v", active, err)
	}
	// A thread without a starter message defaults to private (API v9).
	pt, err := dg.ThreadStartComplex(channelID, &discordgo.ThreadStart{Name: "no starter"})
	if err != nil || pt.Type != discordgo.ChannelTypeGuildPrivateThread {
		t.Fatalf("thread without message: %+v %v", pt, err)
	}
}

func TestForumPost(t *testing.T) {
	srv, dg := newFake(t)
	srv.AddChannel(Channel{ID: forumID, GuildID: guildID, Type: discordgo.ChannelTypeGuildForum, Name: "daily"})
	th, err := dg.ForumThreadStartComplex(forumID, &discordgo.ThreadStart{Name: "2024-05-01", AutoArchiveDuration: 10080},
		&discordgo.MessageSend{Content: "Papers of the day", AllowedMentions: emptyMentions()})
	if err != nil {
		t.Fatal(err)
	}
	if th.Type != discordgo.ChannelTypeGuildPublicThread || th.ParentID != forumID {
		t.Fatalf("forum thread %+v", th)
	}
	ms := srv.Messages(th.ID)
	if len(ms) != 1 || ms[0].ID != th.ID || ms[0].Content != "Papers of the day" {
		t.Fatalf("forum post messages %+v", ms)
	}
	// The response carries the first message, as Discord's does.
	reqs := srv.Requests()
	if !strings.Contains(reqs[len(reqs)-1].Route, "/threads") {
		t.Fatalf("last route %s", reqs[len(reqs)-1].Route)
	}
	resp, body := rawDo(t, srv, "POST", "/api/v9/channels/"+forumID+"/threads", `{"name":"x","message":{"content":"hi"}}`)
	var w struct {
		ID      string
		Message struct{ ID, Content string }
	}
	_ = json.Unmarshal(body, &w)
	if resp.StatusCode != 201 || w.Message.ID != w.ID || w.Message.Content != "hi" {
		t.Fatalf("raw forum post %d %s", resp.StatusCode, body)
	}
	// Posting into the forum itself is refused.
	_, err = dg.ChannelMessageSend(forumID, "x")
	if st, code := restErr(t, err); st != 400 || code != CodeCannotSendInForum {
		t.Fatalf("message in forum: %d %d", st, code)
	}
	if got := srv.Threads(forumID); len(got) != 2 || got[0].StarterMessageID != th.ID {
		t.Fatalf("threads %+v", got)
	}
}

func TestArchivedThread(t *testing.T) {
	srv, dg := newFake(t)
	head, _ := dg.ChannelMessageSend(channelID, "head")
	th, err := dg.MessageThreadStart(channelID, head.ID, "t", 60)
	if err != nil {
		t.Fatal(err)
	}
	if !srv.ArchiveThread(th.ID) {
		t.Fatal("ArchiveThread")
	}
	_, err = dg.ChannelMessageSend(th.ID, "late paper")
	if st, code := restErr(t, err); st != 400 || code != CodeThreadArchived {
		t.Fatalf("post to archived: %d %d", st, code)
	}
	ch, err := dg.Channel(th.ID)
	if err != nil || ch.ThreadMetadata == nil || !ch.ThreadMetadata.Archived {
		t.Fatalf("GET archived thread %+v %v", ch, err)
	}
	archived, err := dg.ThreadsArchived(channelID, nil, 0)
	if err != nil || len(archived.Threads) != 1 {
		t.Fatalf("archived list %+v %v", archived, err)
	}
	no := false
	ch, err = dg.ChannelEditComplex(th.ID, &discordgo.ChannelEdit{Archived: &no})
	if err != nil || ch.ThreadMetadata.Archived {
		t.Fatalf("unarchive %+v %v", ch, err)
	}
	if _, err := dg.ChannelMessageSend(th.ID, "late paper"); err != nil {
		t.Fatal(err)
	}
	if c, _ := srv.Channel(th.ID); c.Archived || c.MessageCount != 1 {
		t.Fatalf("thread state %+v", c)
	}
	// With auto-unarchive (Discord's documented behaviour) posting revives it.
	srv.SetAutoUnarchive(true)
	srv.ArchiveThread(th.ID)
	if _, err := dg.ChannelMessageSend(th.ID, "again"); err != nil {
		t.Fatal(err)
	}
}

func TestRateLimitRuleRetried(t *testing.T) {
	srv, dg := newFake(t)
	const wait = 250 * time.Millisecond
	srv.AddRule(Rule{Method: "POST", PathPrefix: "/api/v9/channels/" + channelID + "/messages", Times: 1, RetryAfter: wait})
	if _, err := dg.ChannelMessageSend(channelID, "hi"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 429 || reqs[1].Status != 200 {
		t.Fatalf("requests %+v", reqs)
	}
	if gap := reqs[1].Time.Sub(reqs[0].Time); gap < wait {
		t.Fatalf("retried after %v < %v", gap, wait)
	}
	if n := len(srv.Messages(channelID)); n != 1 {
		t.Fatalf("%d messages", n)
	}
	if v := srv.Violations(); len(v) != 0 {
		t.Fatalf("violations %+v", v)
	}
}

func TestRateLimit429Format(t *testing.T) {
	srv, _ := newFake(t)
	srv.AddRule(Rule{Path: "/channels/" + channelID + "/messages", Times: 1, RetryAfter: 1500 * time.Millisecond})
	resp, body := rawDo(t, srv, "POST", "/api/v9/channels/"+channelID+"/messages", `{"content":"x"}`)
	if resp.StatusCode != 429 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var b struct {
		Message    string
		RetryAfter float64 `json:"retry_after"`
		Global     *bool
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Message != "You are being rate limited." || b.RetryAfter != 1.5 ||
		b.Global == nil || *b.Global {
		t.Fatalf("429 body %s", body)
	}
	h := resp.Header
	if h.Get("Retry-After") != "2" || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset-After") != "1.500" ||
		h.Get("X-RateLimit-Bucket") == "" || h.Get("X-RateLimit-Limit") == "" || h.Get("X-RateLimit-Reset") == "" {
		t.Fatalf("429 headers %v", h)
	}
}

func TestServerErrors(t *testing.T) {
	srv, dg := newFake(t)
	srv.AddRule(Rule{Method: "POST", PathPrefix: "/channels/" + channelID + "/messages", Times: 1, Status: 500})
	_, err := dg.ChannelMessageSend(channelID, "a")
	if st, _ := restErr(t, err); st != 500 {
		t.Fatalf("status %d", st)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("discordgo retried a 500: %d requests", n)
	}
	if n := len(srv.Messages(channelID)); n != 0 {
		t.Fatalf("%d messages after 500", n)
	}

	srv.ClearRequests()
	srv.AddRule(Rule{Method: "POST", PathPrefix: "/channels/" + channelID + "/messages", Times: 1, Status: 502})
	if _, err := dg.ChannelMessageSend(channelID, "b"); err != nil {
		t.Fatalf("502 not retried: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Status != 502 || reqs[1].Status != 200 {
		t.Fatalf("requests %+v", reqs)
	}
	if n := len(srv.Messages(channelID)); n != 1 {
		t.Fatalf("%d messages", n)
	}

	// A rule with a Discord code answers its status and message.
	srv.AddRule(Rule{Method: "POST", Times: 1, Code: CodeMissingAccess})
	_, err = dg.ChannelMessageSend(channelID, "c")
	if st, code := restErr(t, err); st != 403 || code != CodeMissingAccess {
		t.Fatalf("code rule: %d %d", st, code)
	}
}

func TestDropAfterApply(t *testing.T) {
	srv, dg := newFake(t)
	srv.AddRule(Rule{Method: "POST", Path: "/api/v9/channels/" + channelID + "/messages", Times: 1, DropAfterApply: true})
	_, err := postNonce(dg, channelID, "paper", "k1", true)
	if err == nil {
		t.Fatal("want a connection error")
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		t.Fatalf("want a transport error, got %v", err)
	}
	ms := srv.Messages(channelID)
	if len(ms) != 1 {
		t.Fatalf("%d messages stored", len(ms))
	}
	again, err := postNonce(dg, channelID, "paper", "k1", true)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != ms[0].ID || len(srv.Messages(channelID)) != 1 {
		t.Fatalf("retry created a duplicate: %s vs %s", again.ID, ms[0].ID)
	}
	reqs := srv.Requests()
	if !reqs[0].Dropped || !reqs[0].Applied || reqs[0].Fault != "drop-after" || reqs[0].Status != 0 {
		t.Fatalf("record %+v", reqs[0])
	}
}

func TestDropBeforeApply(t *testing.T) {
	srv, dg := newFake(t)
	srv.AddRule(Rule{Method: "POST", Times: 1, DropBeforeApply: true})
	if _, err := dg.ChannelMessageSend(channelID, "x"); err == nil {
		t.Fatal("want a connection error")
	}
	if n := len(srv.Messages(channelID)); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	if r := srv.Requests()[0]; !r.Dropped || r.Applied {
		t.Fatalf("record %+v", r)
	}
}

func TestDelayRespectsContext(t *testing.T) {
	srv, dg := newFake(t)
	srv.AddRule(Rule{Method: "POST", Delay: 5 * time.Second})
	c := srv.Client()
	short := &http.Client{Transport: c.Transport, Timeout: 50 * time.Millisecond}
	dg.Client = short
	start := time.Now()
	if _, err := dg.ChannelMessageSend(channelID, "x"); err == nil {
		t.Fatal("want timeout")
	}
	deadline := time.Now().Add(2 * time.Second)
	for srv.Requests()[0].Fault != "canceled" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if r := srv.Requests()[0]; r.Fault != "canceled" || r.Applied || len(srv.Messages(channelID)) != 0 {
		t.Fatalf("record %+v", r)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("delay did not end with the client")
	}
	// A slow but successful response.
	srv.ClearRules()
	srv.AddRule(Rule{Method: "GET", Delay: 30 * time.Millisecond, Times: 1})
	dg.Client = srv.Client()
	start = time.Now()
	if _, err := dg.Channel(channelID); err != nil || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("slow GET %v after %v", err, time.Since(start))
	}
}

func TestLimits(t *testing.T) {
	srv, dg := newFake(t)
	long := func(n int) string { return strings.Repeat("é", n) } // 2 bytes, 1 code point
	embed := func(e string) string { return `{"embeds":[` + e + `]}` }
	row := func(buttons ...string) string { return `{"type":1,"components":[` + strings.Join(buttons, ",") + `]}` }
	link := `{"type":2,"style":5,"label":"arXiv","url":"https://arxiv.org"}`
	rows := func(n int) string {
		var rs []string
		for i := 0; i < n; i++ {
			rs = append(rs, row(link))
		}
		return `{"components":[` + strings.Join(rs, ",") + `]}`
	}
	fields := func(n int) string {
		var fs []string
		for i := 0; i < n; i++ {
			fs = append(fs, `{"name":"n","value":"v"}`)
		}
		return embed(`{"fields":[` + strings.Join(fs, ",") + `]}`)
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	cases := []struct {
		name, body string
		code       int
		path       string // a key expected under "errors"
	}{
		{"content 2001", `{"content":` + q(long(2001)) + `}`, 50035, "content"},
		{"11 embeds", `{"embeds":[` + strings.TrimSuffix(strings.Repeat(`{"title":"t"},`, 11), ",") + `]}`, 50035, "embeds"},
		{"title 257", embed(`{"title":` + q(long(257)) + `}`), 50035, "embeds"},
		{"description 4097", embed(`{"description":` + q(long(4097)) + `}`), 50035, "embeds"},
		{"26 fields", fields(26), 50035, "embeds"},
		{"field name 257", embed(`{"fields":[{"name":` + q(long(257)) + `,"value":"v"}]}`), 50035, "embeds"},
		{"field value 1025", embed(`{"fields":[{"name":"n","value":` + q(long(1025)) + `}]}`), 50035, "embeds"},
		{"footer 2049", embed(`{"footer":{"text":` + q(long(2049)) + `}}`), 50035, "embeds"},
		{"author 257", embed(`{"author":{"name":` + q(long(257)) + `}}`), 50035, "embeds"},
		{"total 6001", `{"embeds":[{"description":` + q(long(4000)) + `},{"description":` + q(long(2001)) + `}]}`, 50035, "embeds"},
		{"6 rows", rows(6), 50035, "components"},
		{"6 buttons", `{"components":[` + row(link, link, link, link, link, link) + `]}`, 50035, "components"},
		{"label 81", `{"components":[` + row(`{"type":2,"style":5,"label":`+q(long(81))+`,"url":"https://a.b"}`) + `]}`, 50035, "components"},
		{"link without url", `{"components":[` + row(`{"type":2,"style":5,"label":"x"}`) + `]}`, 50035, "components"},
		{"link with custom_id", `{"components":[` + row(`{"type":2,"style":5,"label":"x","url":"https://a.b","custom_id":"c"}`) + `]}`, 50035, "components"},
		{"nonce 26", `{"content":"x","nonce":"` + strings.Repeat("n", 26) + `"}`, 50035, "nonce"},
		{"empty", `{"content":"  ","embeds":null,"components":[]}`, 50006, ""},
		{"invalid utf-8", "{\"content\":\"\xff\xfe\"}", 50035, "_errors"},
		{"invalid json", `{"content":`, 50109, ""},
	}
	for _, tc := range cases {
		resp, body := rawDo(t, srv, "POST", "/api/v9/channels/"+channelID+"/messages", tc.body)
		var e struct {
			Code   int
			Errors map[string]any
		}
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != 400 || e.Code != tc.code {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
			continue
		}
		if tc.path != "" {
			if _, ok := e.Errors[tc.path]; !ok {
				t.Errorf("%s: errors lack %q: %s", tc.name, tc.path, body)
			}
		}
	}
	// Boundaries are accepted.
	okBodies := []string{
		`{"content":` + q(long(2000)) + `}`,
		`{"embeds":[{"description":` + q(long(4000)) + `},{"description":` + q(long(2000)) + `}]}`,
		rows(5),
		`{"content":"x","nonce":"` + strings.Repeat("n", 25) + `"}`,
		`{"content":"x","nonce":12345}`,
	}
	for _, b := range okBodies {
		if resp, body := rawDo(t, srv, "POST", "/api/v9/channels/"+channelID+"/messages", b); resp.StatusCode != 200 {
			t.Errorf("rejected %.60s: %s", b, body)
		}
	}
	// Through discordgo: a *RESTError with code 50035.
	_, err := dg.ChannelMessageSend(channelID, strings.Repeat("a", 2001))
	if st, code := restErr(t, err); st != 400 || code != CodeInvalidFormBody {
		t.Fatalf("discordgo: %d %d", st, code)
	}
	var re *discordgo.RESTError
	errors.As(err, &re)
	if !bytes.Contains(re.ResponseBody, []byte(`"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`)) {
		t.Fatalf("error body %s", re.ResponseBody)
	}
}

// Lengths are counted in UTF-16 units: a character outside the Basic
// Multilingual Plane counts 2, so text of fewer code points than a limit
// can still be over it. Each limit is met exactly by astral characters,
// then missed by one unit, through discordgo as paperboy sends.
func TestLimitsCountUTF16Units(t *testing.T) {
	srv, dg := newFake(t)
	const astral = "\U0001D400" // MATHEMATICAL BOLD CAPITAL A: 1 code point, 2 UTF-16 units
	at := func(limit int) string { return strings.Repeat(astral, limit/2) + strings.Repeat("a", limit%2) }
	over := func(limit int) string { return at(limit) + "a" }
	if n := utf8.RuneCountInString(over(MaxEmbedTitle)); n >= MaxEmbedTitle {
		t.Fatalf("the over-limit title has %d code points; the test needs fewer than %d", n, MaxEmbedTitle)
	}
	send := func(ms *discordgo.MessageSend) error {
		ms.AllowedMentions = emptyMentions()
		_, err := dg.ChannelMessageSendComplex(channelID, ms)
		return err
	}
	row := func(label string) []discordgo.MessageComponent {
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: label, Style: discordgo.LinkButton, URL: "https://arxiv.org/abs/2608.19880"}}}}
	}
	embed := func(e *discordgo.MessageEmbed) []*discordgo.MessageEmbed { return []*discordgo.MessageEmbed{e} }
	cases := []struct {
		name string
		msg  func(s string) *discordgo.MessageSend
		max  int
	}{
		{"content", func(s string) *discordgo.MessageSend { return &discordgo.MessageSend{Content: s} }, MaxContent},
		{"title", func(s string) *discordgo.MessageSend {
			return &discordgo.MessageSend{Embeds: embed(&discordgo.MessageEmbed{Title: s})}
		}, MaxEmbedTitle},
		{"description", func(s string) *discordgo.MessageSend {
			return &discordgo.MessageSend{Embeds: embed(&discordgo.MessageEmbed{Description: s})}
		}, MaxEmbedDescription},
		{"field name", func(s string) *discordgo.MessageSend {
			return &discordgo.MessageSend{Embeds: embed(&discordgo.MessageEmbed{Fields: []*discordgo.MessageEmbedField{{Name: s, Value: "v"}}})}
		}, MaxFieldName},
		{"field value", func(s string) *discordgo.MessageSend {
			return &discordgo.MessageSend{Embeds: embed(&discordgo.MessageEmbed{Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: s}}})}
		}, MaxFieldValue},
		{"footer", func(s string) *discordgo.MessageSend {
			return &discordgo.MessageSend{Embeds: embed(&discordgo.MessageEmbed{Footer: &discordgo.MessageEmbedFooter{Text: s}})}
		}, MaxFooterText},
		{"author", func(s string) *discordgo.MessageSend {
			return &discordgo.MessageSend{Embeds: embed(&discordgo.MessageEmbed{Author: &discordgo.MessageEmbedAuthor{Name: s}})}
		}, MaxAuthorName},
		{"button label", func(s string) *discordgo.MessageSend { return &discordgo.MessageSend{Content: "x", Components: row(s)} }, MaxButtonLabel},
	}
	for _, tc := range cases {
		if err := send(tc.msg(at(tc.max))); err != nil {
			t.Errorf("%s of exactly %d UTF-16 units refused: %v", tc.name, tc.max, err)
		}
		err := send(tc.msg(over(tc.max)))
		if err == nil {
			t.Errorf("%s of %d UTF-16 units (%d code points) accepted", tc.name, tc.max+1, utf8.RuneCountInString(over(tc.max)))
			continue
		}
		if st, code := restErr(t, err); st != 400 || code != CodeInvalidFormBody {
			t.Errorf("%s one unit over: %d %d, want 400 %d", tc.name, st, code, CodeInvalidFormBody)
		}
	}
	// All embed text: 6000 units in all, here as 3000 astral characters.
	total := &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: at(4000)}, {Description: at(2000)}}}
	if err := send(total); err != nil {
		t.Errorf("6000 units of embed text refused: %v", err)
	}
	total = &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: at(4000)}, {Description: over(2000)}}}
	if err := send(total); err == nil {
		t.Error("6001 units of embed text accepted")
	}
	// Thread names: 100 units.
	head, err := dg.ChannelMessageSend(channelID, "head")
	if err != nil {
		t.Fatal(err)
	}
	_, err = dg.MessageThreadStartComplex(channelID, head.ID, &discordgo.ThreadStart{Name: over(MaxThreadName)})
	if st, code := restErr(t, err); st != 400 || code != CodeInvalidFormBody {
		t.Fatalf("thread name of 101 units: %d %d", st, code)
	}
	if _, err := dg.MessageThreadStartComplex(channelID, head.ID, &discordgo.ThreadStart{Name: at(MaxThreadName)}); err != nil {
		t.Fatalf("thread name of 100 units: %v", err)
	}
	// The stored title is what was sent, 128 code points.
	for _, m := range srv.Messages(channelID) {
		if len(m.Embeds) == 1 && m.Embeds[0].Title != "" && m.Embeds[0].Title != at(MaxEmbedTitle) {
			t.Errorf("stored title %q", m.Embeds[0].Title)
		}
	}
}

func TestPermissions(t *testing.T) {
	srv, dg := newFake(t)
	bot := srv.BotUser().ID
	const member, admin = "401", "402"
	srv.AddGuild(Guild{
		ID: guildID, OwnerID: "999",
		Roles: []Role{
			{ID: guildID, Permissions: discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory},
			{ID: member, Permissions: discordgo.PermissionSendMessages | discordgo.PermissionSendMessagesInThreads},
			{ID: admin, Permissions: discordgo.PermissionAdministrator},
		},
		Members: []Member{{UserID: bot}},
	})
	_, err := dg.ChannelMessageSend(channelID, "x")
	if st, code := restErr(t, err); st != 403 || code != CodeMissingPermissions {
		t.Fatalf("no SEND_MESSAGES: %d %d", st, code)
	}
	// With the member role the bot may post, but embeds are stripped
	// without EMBED_LINKS.
	srv.AddGuild(Guild{ID: guildID, OwnerID: "999", Roles: []Role{
		{ID: guildID, Permissions: discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory},
		{ID: member, Permissions: discordgo.PermissionSendMessages},
	}, Members: []Member{{UserID: bot, Roles: []string{member}}}})
	m, err := dg.ChannelMessageSendEmbed(channelID, &discordgo.MessageEmbed{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Embeds) != 0 || !srv.Messages(channelID)[0].EmbedsStripped {
		t.Fatalf("embeds not stripped: %+v", m.Embeds)
	}
	// Starting a thread needs CREATE_PUBLIC_THREADS.
	_, err = dg.MessageThreadStart(channelID, m.ID, "t", 60)
	if st, code := restErr(t, err); st != 403 || code != CodeMissingPermissions {
		t.Fatalf("thread without permission: %d %d", st, code)
	}
	// A channel overwrite denying VIEW_CHANNEL to @everyone: Missing Access.
	srv.AddChannel(Channel{ID: "203", GuildID: guildID, Name: "hidden", PermissionOverwrites: []discordgo.PermissionOverwrite{
		{ID: guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
	}})
	_, err = dg.ChannelMessageSend("203", "x")
	if st, code := restErr(t, err); st != 403 || code != CodeMissingAccess {
		t.Fatalf("hidden channel: %d %d", st, code)
	}
	// A member overwrite for the bot allows it back.
	srv.AddChannel(Channel{ID: "203", GuildID: guildID, Name: "hidden", PermissionOverwrites: []discordgo.PermissionOverwrite{
		{ID: guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: discordgo.PermissionViewChannel},
		{ID: bot, Type: discordgo.PermissionOverwriteTypeMember, Allow: discordgo.PermissionViewChannel},
	}})
	if _, err := dg.ChannelMessageSend("203", "x"); err != nil {
		t.Fatal(err)
	}
	// ADMINISTRATOR overrides overwrites.
	srv.AddGuild(Guild{ID: guildID, OwnerID: "999", Roles: []Role{{ID: admin, Permissions: discordgo.PermissionAdministrator}},
		Members: []Member{{UserID: bot, Roles: []string{admin}}}})
	srv.AddChannel(Channel{ID: "203", GuildID: guildID, Name: "hidden", PermissionOverwrites: []discordgo.PermissionOverwrite{
		{ID: bot, Type: discordgo.PermissionOverwriteTypeMember, Deny: discordgo.PermissionSendMessages},
	}})
	if _, err := dg.ChannelMessageSend("203", "x"); err != nil {
		t.Fatal(err)
	}
	// The guild owner has every permission; a non-member none.
	srv.AddGuild(Guild{ID: guildID, OwnerID: bot})
	if _, err := dg.ChannelMessageSend(channelID, "x"); err != nil {
		t.Fatal(err)
	}
	srv.AddGuild(Guild{ID: guildID, OwnerID: "999"})
	_, err = dg.ChannelMessageSend(channelID, "x")
	if st, code := restErr(t, err); st != 403 || code != CodeMissingAccess {
		t.Fatalf("not a member: %d %d", st, code)
	}
}

func TestThreadPermissionFromParent(t *testing.T) {
	srv, dg := newFake(t)
	bot := srv.BotUser().ID
	head, _ := dg.ChannelMessageSend(channelID, "head")
	th, _ := dg.MessageThreadStart(channelID, head.ID, "t", 60)
	srv.AddGuild(Guild{ID: guildID, Roles: []Role{{ID: guildID,
		Permissions: discordgo.PermissionViewChannel | discordgo.PermissionSendMessages}},
		Members: []Member{{UserID: bot}}})
	_, err := dg.ChannelMessageSend(th.ID, "x")
	if st, code := restErr(t, err); st != 403 || code != CodeMissingPermissions {
		t.Fatalf("thread without SEND_MESSAGES_IN_THREADS: %d %d", st, code)
	}
}

func TestDMs(t *testing.T) {
	srv, dg := newFake(t)
	srv.BlockDMs("501")
	ch, err := dg.UserChannelCreate("501")
	if err != nil || ch.Type != discordgo.ChannelTypeDM || len(ch.Recipients) != 1 || ch.Recipients[0].ID != "501" {
		t.Fatalf("DM channel %+v %v", ch, err)
	}
	again, _ := dg.UserChannelCreate("501")
	if again.ID != ch.ID {
		t.Fatal("DM channel id changed")
	}
	_, err = dg.ChannelMessageSend(ch.ID, "digest")
	if st, code := restErr(t, err); st != 403 || code != CodeCannotMessageUser {
		t.Fatalf("blocked DM: %d %d", st, code)
	}
	if len(srv.DMs("501")) != 0 {
		t.Fatal("blocked DM stored")
	}
	ok, _ := dg.UserChannelCreate("502")
	if _, err := dg.ChannelMessageSend(ok.ID, "digest"); err != nil {
		t.Fatal(err)
	}
	if dms := srv.DMs("502"); len(dms) != 1 || dms[0].Content != "digest" {
		t.Fatalf("DMs %+v", dms)
	}
}

func TestAuthorization(t *testing.T) {
	srv, dg := newFake(t)
	srv.SetToken("x")
	if _, err := dg.User("@me"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Header.Get("Authorization"); got != "Bot x" {
		t.Fatalf("Authorization = %q", got)
	}
	bad, _ := discordgo.New("Bot wrong")
	bad.Client = srv.Client()
	_, err := bad.ChannelMessageSend(channelID, "x")
	if st, _ := restErr(t, err); st != 401 {
		t.Fatalf("wrong token: %d", st)
	}
	srv.SetBotUser("777", "paperboy-test")
	me, err := dg.User("@me")
	if err != nil || me.ID != "777" || me.Username != "paperboy-test" || !me.Bot {
		t.Fatalf("@me %+v %v", me, err)
	}
}

func TestViolations(t *testing.T) {
	srv, _ := newFake(t)
	srv.AddRule(Rule{Method: "POST", Times: 1, RetryAfter: time.Second})
	path := "/api/v9/channels/" + channelID + "/messages"
	if resp, _ := rawDo(t, srv, "POST", path, `{"content":"x"}`); resp.StatusCode != 429 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// A client that ignores retry_after: counted, and answered 429 again.
	resp, body := rawDo(t, srv, "POST", path, `{"content":"x"}`)
	if resp.StatusCode != 429 {
		t.Fatalf("early retry: %d %s", resp.StatusCode, body)
	}
	v := srv.Violations()
	if len(v) != 1 || v[0].Early <= 0 || v[0].Method != "POST" || v[0].Path != path {
		t.Fatalf("violations %+v", v)
	}
	// Another channel's bucket is not affected.
	srv.AddChannel(Channel{ID: "204", GuildID: guildID})
	if resp, _ := rawDo(t, srv, "POST", "/api/v9/channels/204/messages", `{"content":"x"}`); resp.StatusCode != 200 {
		t.Fatalf("other bucket %d", resp.StatusCode)
	}
	if len(srv.Violations()) != 1 {
		t.Fatal("other bucket counted")
	}
}

func TestRateLimitHeadersRespected(t *testing.T) {
	srv, dg := newFake(t)
	resp, body := rawDo(t, srv, "GET", "/api/v9/nothing/here", "")
	if resp.StatusCode != 404 || !bytes.Contains(body, []byte(`"404: Not Found"`)) {
		t.Fatalf("unknown route %d %s", resp.StatusCode, body)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if resp.Header.Get("X-RateLimit-Global") != "" {
		t.Error("X-RateLimit-Global sent")
	}
	resp, _ = rawDo(t, srv, "DELETE", "/api/v9/users/@me", "")
	if resp.StatusCode != 405 {
		t.Fatalf("405: %d", resp.StatusCode)
	}
	_, err := dg.Channel("999")
	if st, code := restErr(t, err); st != 404 || code != CodeUnknownChannel {
		t.Fatalf("unknown channel %d %d", st, code)
	}

	const window = 300 * time.Millisecond
	srv.SetRateLimit(2, window)
	srv.ClearRequests()
	start := time.Now()
	for i := 0; i < 3; i++ {
		if _, err := dg.ChannelMessageSend(channelID, "x"); err != nil {
			t.Fatal(err)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests (a 429 was sent?)", len(reqs))
	}
	for _, r := range reqs {
		if r.Status != 200 {
			t.Fatalf("status %d", r.Status)
		}
	}
	if d := reqs[2].Time.Sub(reqs[0].Time); d < window-10*time.Millisecond {
		t.Fatalf("discordgo did not wait for the bucket: %v", d)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("too slow")
	}
	if len(srv.Violations()) != 0 {
		t.Fatal("violations")
	}
	// The fake enforces its limit against a client that ignores it.
	srv.SetRateLimit(1, time.Second)
	rawDo(t, srv, "GET", "/api/v9/channels/"+channelID, "")
	if resp, _ := rawDo(t, srv, "GET", "/api/v9/channels/"+channelID, ""); resp.StatusCode != 429 {
		t.Fatalf("enforced limit: %d", resp.StatusCode)
	}
}

func TestInteractions(t *testing.T) {
	srv, dg := newFake(t)
	i := &discordgo.Interaction{ID: "600", AppID: "700", Token: "tok"}
	if err := dg.InteractionRespond(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}); err != nil {
		t.Fatal(err)
	}
	content := "3 papers found"
	m, err := dg.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content})
	if err != nil || m.Content != content {
		t.Fatalf("edit %+v %v", m, err)
	}
	f, err := dg.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "more"})
	if err != nil || f.Content != "more" || f.ID == m.ID {
		t.Fatalf("followup %+v %v", f, err)
	}
	err = dg.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "x"}})
	if st, code := restErr(t, err); st != 400 || code != CodeAlreadyAcknowledged {
		t.Fatalf("second callback %d %d", st, code)
	}
	rs := srv.InteractionResponses()
	if len(rs) != 3 || rs[0].Kind != "callback" || rs[0].Type != 5 || rs[0].InteractionID != "600" ||
		rs[1].Kind != "edit" || rs[1].MessageID != rs[0].MessageID || rs[2].Kind != "followup" {
		t.Fatalf("responses %+v", rs)
	}
	if !bytes.Contains(rs[0].Data, []byte(`"flags":64`)) {
		t.Fatalf("callback data %s", rs[0].Data)
	}
	// A registered interaction answered after 3 s is unknown.
	srv.RegisterInteraction("601", time.Now().Add(-4*time.Second))
	err = dg.InteractionRespond(&discordgo.Interaction{ID: "601", Token: "tok2"},
		&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if st, code := restErr(t, err); st != 404 || code != CodeUnknownInteraction {
		t.Fatalf("late callback %d %d", st, code)
	}
	// Editing without a callback: unknown webhook.
	_, err = dg.InteractionResponseEdit(&discordgo.Interaction{AppID: "700", Token: "nope"}, &discordgo.WebhookEdit{Content: &content})
	if st, code := restErr(t, err); st != 404 || code != CodeUnknownWebhook {
		t.Fatalf("edit without callback %d %d", st, code)
	}
}

func TestCommands(t *testing.T) {
	srv, dg := newFake(t)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "papers", Description: "Today's papers"},
		{Name: "search", Description: "Search", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "query", Description: "words", Required: true}}},
	}
	got, err := dg.ApplicationCommandBulkOverwrite("700", guildID, cmds)
	if err != nil || len(got) != 2 || got[0].ID == "" || got[0].ApplicationID != "700" || got[0].GuildID != guildID {
		t.Fatalf("overwrite %+v %v", got, err)
	}
	again, err := dg.ApplicationCommandBulkOverwrite("700", guildID, cmds[:1])
	if err != nil || again[0].ID != got[0].ID {
		t.Fatalf("ids not kept: %+v %v", again, err)
	}
	if stored := srv.Commands("700", guildID); len(stored) != 1 || !bytes.Contains(stored[0], []byte(`"name":"papers"`)) {
		t.Fatalf("stored %s", stored)
	}
	if len(srv.Commands("700", "")) != 0 {
		t.Fatal("global set touched")
	}
	if _, err := dg.ApplicationCommandBulkOverwrite("700", "", cmds); err != nil || len(srv.Commands("700", "")) != 2 {
		t.Fatalf("global %v", err)
	}
	_, err = dg.ApplicationCommandBulkOverwrite("700", guildID, []*discordgo.ApplicationCommand{{Name: "Bad Name", Description: "x"}})
	if st, code := restErr(t, err); st != 400 || code != CodeInvalidFormBody {
		t.Fatalf("bad name %d %d", st, code)
	}
}

func TestGateway(t *testing.T) {
	_, dg := newFake(t)
	u, err := dg.Gateway()
	if err != nil || !strings.HasPrefix(u, "ws://") {
		t.Fatalf("gateway %q %v", u, err)
	}
	gb, err := dg.GatewayBot()
	if err != nil || gb.Shards != 1 {
		t.Fatalf("gateway/bot %+v %v", gb, err)
	}
}

// TestFaultMix checks that with random failures every 200 means stored and
// every stored message was answered or dropped after being applied.
func TestFaultMix(t *testing.T) {
	srv, _ := newFake(t)
	srv.Seed(42)
	srv.AddRule(Rule{Method: "POST", Prob: 0.1, Status: 500})
	srv.AddRule(Rule{Method: "POST", Prob: 0.1, DropAfterApply: true})
	srv.AddRule(Rule{Method: "POST", Prob: 0.1, DropBeforeApply: true})
	const n = 40
	done := make(chan struct{}, n)
	for i := 0; i < n; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			req, _ := http.NewRequest("POST", srv.URL()+"/api/v9/channels/"+channelID+"/messages", strings.NewReader(`{"content":"p"}`))
			req.Header.Set("Authorization", "Bot x")
			resp, err := srv.Client().Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	for i := 0; i < n; i++ {
		<-done
	}
	var ok, applied, faults int
	for _, r := range srv.Requests() {
		if r.Status == 200 {
			ok++
		}
		if r.Applied {
			applied++
		}
		if r.Fault != "" {
			faults++
		}
	}
	if got := len(srv.Messages(channelID)); got != applied || applied < ok {
		t.Fatalf("stored %d, applied %d, ok %d", got, applied, ok)
	}
	if faults == 0 || faults == n {
		t.Fatalf("faults %d of %d", faults, n)
	}
}

func TestRuleSkipTimesRemove(t *testing.T) {
	srv, dg := newFake(t)
	remove := srv.AddRule(Rule{Method: "POST", Skip: 1, Times: 2, Status: 503})
	var statuses []int
	for i := 0; i < 4; i++ {
		_, err := dg.ChannelMessageSend(channelID, "x")
		if err != nil {
			st, _ := restErr(t, err)
			statuses = append(statuses, st)
		} else {
			statuses = append(statuses, 200)
		}
	}
	if want := []int{200, 503, 503, 200}; !equalInts(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	remove()
	srv.AddRule(Rule{Method: "GET", Status: 500})
	remove2 := srv.AddRule(Rule{Method: "POST", Status: 500})
	remove2()
	if _, err := dg.ChannelMessageSend(channelID, "x"); err != nil {
		t.Fatal(err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
