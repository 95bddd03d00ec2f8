package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

const (
	chanID    = "C0PAPERS01"
	adminID   = "U0ADMIN001"
	memberID  = "U0MEMBER01"
	outsideID = "U0OUTSIDE1"
)

var tsRE = regexp.MustCompile(`^\d{10}\.\d{6}$`)

// newFake starts a fake with one public channel the bot is in, two users
// and a slack-go client pointed at it.
func newFake(t *testing.T) (*Server, *slack.Client) {
	t.Helper()
	srv := New()
	t.Cleanup(srv.Close)
	srv.AddUser(User{ID: adminID, Name: "ada", IsAdmin: true})
	srv.AddUser(User{ID: memberID, Name: "bob"})
	srv.AddUser(User{ID: outsideID, Name: "eve"})
	srv.AddChannel(Channel{ID: chanID, Name: "papers", Members: []string{srv.BotUserID(), adminID, memberID}})
	return srv, slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()))
}

// slackErr asserts err is a slack.SlackErrorResponse with the given code.
func slackErr(t *testing.T, err error, code string) slack.SlackErrorResponse {
	t.Helper()
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		t.Fatalf("want slack.SlackErrorResponse %q, got %T: %v", code, err, err)
	}
	if se.Err != code {
		t.Fatalf("want error %q, got %q (%v)", code, se.Err, se.ResponseMetadata.Messages)
	}
	return se
}

// rawPost sends a form request with a plain http client.
func rawPost(t *testing.T, srv *Server, method string, form url.Values, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", srv.APIURL()+method, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp, out
}

func deliveryMeta(key string) slack.SlackMetadata {
	return slack.SlackMetadata{EventType: "paperboy_delivery", EventPayload: map[string]any{"key": key}}
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil)
}

func TestPostAndReadBackMetadata(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	header := slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "Papers for 2025-11-26", false, false))
	button := slack.NewButtonBlockElement("open_paper", "2411.00001", slack.NewTextBlockObject(slack.PlainTextType, "arXiv", false, false))
	button.URL = "https://arxiv.org/abs/2411.00001"
	ch, ts, err := api.PostMessageContext(ctx, chanID,
		slack.MsgOptionText("Papers for 2025-11-26", false),
		slack.MsgOptionBlocks(header, section("*Attention* &lt;think&gt;"), slack.NewDividerBlock(), slack.NewActionBlock("acts", button)),
		slack.MsgOptionMetadata(deliveryMeta("2025-11-26/C0PAPERS01/header")),
		slack.MsgOptionDisableLinkUnfurl(),
	)
	if err != nil {
		t.Fatal(err)
	}
	if ch != chanID || !tsRE.MatchString(ts) {
		t.Fatalf("channel %q ts %q", ch, ts)
	}

	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: chanID, IncludeAllMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Messages) != 1 || hist.HasMore {
		t.Fatalf("history %+v", hist)
	}
	m := hist.Messages[0]
	if m.Timestamp != ts || m.Text != "Papers for 2025-11-26" || m.BotID != srv.BotID() || m.User != srv.BotUserID() {
		t.Fatalf("message %+v", m.Msg)
	}
	if m.Metadata.EventType != "paperboy_delivery" || m.Metadata.EventPayload["key"] != "2025-11-26/C0PAPERS01/header" {
		t.Fatalf("metadata %+v", m.Metadata)
	}
	if n := len(m.Blocks.BlockSet); n != 4 {
		t.Fatalf("%d blocks read back", n)
	}

	// Without include_all_metadata the metadata is left out.
	hist, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: chanID})
	if err != nil {
		t.Fatal(err)
	}
	if hist.Messages[0].Metadata.EventType != "" {
		t.Fatalf("metadata without include_all_metadata: %+v", hist.Messages[0].Metadata)
	}

	stored := srv.Messages(chanID)
	if len(stored) != 1 {
		t.Fatalf("%d stored", len(stored))
	}
	s := stored[0]
	if s.TS != ts || s.UnfurlLinks != "false" || s.EventType != "paperboy_delivery" ||
		string(s.EventPayload) != `{"key":"2025-11-26/C0PAPERS01/header"}` || s.Params.Get("token") != "" {
		t.Fatalf("stored %+v", s)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(s.Blocks, &blocks); err != nil || blocks[0]["type"] != "header" {
		t.Fatalf("blocks %s: %v", s.Blocks, err)
	}
	reqs := srv.Requests()
	if r := reqs[0]; r.Method != "chat.postMessage" || r.Channel != chanID || r.Status != 200 || !r.Applied ||
		r.TS != ts || !strings.HasPrefix(r.ContentType, "application/x-www-form-urlencoded") {
		t.Fatalf("request %+v", r)
	}
}

func TestThreadReplies(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	_, parent, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText("header", false))
	if err != nil {
		t.Fatal(err)
	}
	var replies []string
	for i := 0; i < 3; i++ {
		_, ts, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText(fmt.Sprintf("paper %d", i), false),
			slack.MsgOptionTS(parent), slack.MsgOptionMetadata(deliveryMeta(fmt.Sprintf("k%d", i))))
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, ts)
	}
	msgs, hasMore, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: chanID, Timestamp: parent, IncludeAllMetadata: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 4 || hasMore {
		t.Fatalf("%d replies, has_more %v", len(msgs), hasMore)
	}
	if msgs[0].Timestamp != parent || msgs[0].ReplyCount != 3 || msgs[0].ThreadTimestamp != parent || msgs[0].LatestReply != replies[2] {
		t.Fatalf("parent %+v", msgs[0].Msg)
	}
	for i, m := range msgs[1:] {
		if m.Timestamp != replies[i] || m.ThreadTimestamp != parent || m.Metadata.EventPayload["key"] != fmt.Sprintf("k%d", i) {
			t.Fatalf("reply %d: %+v", i, m.Msg)
		}
	}

	// Paging: limit 2 gives the parent and the first reply, then the rest.
	page1, more, cur, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: chanID, Timestamp: parent, Limit: 2})
	if err != nil || len(page1) != 2 || !more || cur == "" {
		t.Fatalf("page1 %d %v %q %v", len(page1), more, cur, err)
	}
	page2, more, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: chanID, Timestamp: parent, Limit: 2, Cursor: cur})
	if err != nil || len(page2) != 2 || more || page2[0].Timestamp != replies[1] {
		t.Fatalf("page2 %d %v %v", len(page2), more, err)
	}

	// The replies stay out of the channel's history; the parent counts them.
	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: chanID})
	if err != nil || len(hist.Messages) != 1 || hist.Messages[0].ReplyCount != 3 {
		t.Fatalf("history %+v %v", hist, err)
	}
	if got := srv.Replies(chanID, parent); len(got) != 3 || got[2].TS != replies[2] {
		t.Fatalf("Replies %+v", got)
	}
	if got := srv.Messages(chanID); len(got) != 1 || got[0].ReplyCount != 3 || len(got[0].ReplyUsers) != 1 {
		t.Fatalf("Messages %+v", got)
	}
	if got := srv.AllMessages(); len(got) != 4 {
		t.Fatalf("AllMessages %d", len(got))
	}

	_, _, err = api.PostMessageContext(ctx, chanID, slack.MsgOptionText("x", false), slack.MsgOptionTS("1.000001"))
	slackErr(t, err, "thread_not_found")
	_, _, _, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: chanID, Timestamp: "1.000001"})
	slackErr(t, err, "thread_not_found")
}

func TestTimestampsUniqueInSameSecond(t *testing.T) {
	_, api := newFake(t)
	var prev string
	for i := 0; i < 5; i++ {
		_, ts, err := api.PostMessage(chanID, slack.MsgOptionText("x", false))
		if err != nil {
			t.Fatal(err)
		}
		if !tsRE.MatchString(ts) || ts <= prev {
			t.Fatalf("ts %q after %q", ts, prev)
		}
		prev = ts
	}
}

func TestChannelErrors(t *testing.T) {
	srv, api := newFake(t)
	srv.AddChannel(Channel{ID: "C0OTHER001", Name: "other", Members: []string{adminID}})
	srv.AddChannel(Channel{ID: "C0SECRET01", Name: "secret", IsPrivate: true, Members: []string{adminID}})
	srv.AddChannel(Channel{ID: "C0OLD00001", Name: "old", IsArchived: true, Members: []string{srv.BotUserID()}})
	post := func(ch string) error {
		_, _, err := api.PostMessage(ch, slack.MsgOptionText("x", false))
		return err
	}
	slackErr(t, post("C0OTHER001"), "not_in_channel")
	slackErr(t, post("C0NOPE0001"), "channel_not_found")
	slackErr(t, post("C0SECRET01"), "channel_not_found")
	slackErr(t, post("C0OLD00001"), "is_archived")
	_, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C0OTHER001"})
	slackErr(t, err, "not_in_channel")

	// Posting by name works, and the bot kicked out of a channel gets
	// not_in_channel.
	if err := post("#papers"); err != nil {
		t.Fatal(err)
	}
	srv.RemoveMember(chanID, srv.BotUserID())
	slackErr(t, post(chanID), "not_in_channel")

	srv.SetToken("xoxb-right")
	slackErr(t, post(chanID), "invalid_auth")
	resp, body := rawPost(t, srv, "chat.postMessage", url.Values{"channel": {chanID}, "text": {"x"}}, nil)
	if resp.StatusCode != 200 || body["ok"] != false || body["error"] != "not_authed" {
		t.Fatalf("no token: %d %v", resp.StatusCode, body)
	}
	resp, body = rawPost(t, srv, "chat.postMessage", url.Values{"channel": {chanID}, "text": {"x"}},
		map[string]string{"Authorization": "Bearer xoxb-wrong"})
	if resp.StatusCode != 200 || body["error"] != "invalid_auth" {
		t.Fatalf("bad bearer: %d %v", resp.StatusCode, body)
	}
	srv.AddMember(chanID, srv.BotUserID())
	_, body = rawPost(t, srv, "chat.postMessage", url.Values{"channel": {chanID}, "text": {"x"}},
		map[string]string{"Authorization": "Bearer xoxb-right"})
	if body["ok"] != true {
		t.Fatalf("bearer: %v", body)
	}
	_, body = rawPost(t, srv, "chat.postMessage", url.Values{"channel": {chanID}, "text": {"x"}, "token": {"xapp-1-x"}}, nil)
	if body["error"] != "not_allowed_token_type" {
		t.Fatalf("app token: %v", body)
	}
	resp, body = rawPost(t, srv, "no.such.method", url.Values{"token": {"xoxb-right"}}, nil)
	if resp.StatusCode != 200 || body["error"] != "unknown_method" {
		t.Fatalf("unknown method: %d %v", resp.StatusCode, body)
	}
}

func TestRateLimitRule(t *testing.T) {
	srv, api := newFake(t)
	srv.AddRule(Rule{Method: "chat.postMessage", Channel: chanID, Times: 1, RetryAfter: 1500 * time.Millisecond})
	_, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("want *slack.RateLimitedError 2s, got %T %v", err, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Status != 429 || reqs[0].Fault != "rate-limit" || reqs[0].Error != "ratelimited" {
		t.Fatalf("slack-go retried or bad record: %+v", reqs)
	}
	if len(srv.Messages(chanID)) != 0 {
		t.Fatal("429 stored a message")
	}

	// The raw answer: Retry-After in whole seconds, exact milliseconds in
	// X-Fake-Retry-After-Ms, Slack's JSON body.
	srv.AddRule(Rule{Method: "api.test", Times: 1, RetryAfter: 250 * time.Millisecond})
	resp, body := rawPost(t, srv, "api.test", url.Values{"token": {"xoxb-test"}}, nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || resp.Header.Get("X-Fake-Retry-After-Ms") != "250" ||
		body["error"] != "ratelimited" || body["ok"] != false {
		t.Fatalf("429: %d %v %v", resp.StatusCode, resp.Header, body)
	}

	// A 429 without Retry-After is a StatusCodeError in slack-go.
	srv.AddRule(Rule{Method: "auth.test", Times: 1, Status: 429, RetryAfter: -1})
	_, err = api.AuthTest()
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 429 {
		t.Fatalf("429 without Retry-After: %T %v", err, err)
	}
}

func TestRetryAfterUnit(t *testing.T) {
	srv, _ := newFake(t)
	srv.SetRetryAfterUnit(10 * time.Millisecond)
	srv.AddRule(Rule{Method: "api.test", Times: 1, RetryAfter: 25 * time.Millisecond})
	resp, _ := rawPost(t, srv, "api.test", url.Values{"token": {"xoxb-test"}}, nil)
	if resp.Header.Get("Retry-After") != "3" || resp.Header.Get("X-Fake-Retry-After-Ms") != "25" {
		t.Fatalf("headers %v", resp.Header)
	}
}

func TestServerErrorRules(t *testing.T) {
	srv, api := newFake(t)
	for _, st := range []int{500, 503} {
		srv.AddRule(Rule{Method: "chat.postMessage", Times: 1, Status: st})
		_, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false))
		var sc slack.StatusCodeError
		if !errors.As(err, &sc) || sc.Code != st {
			t.Fatalf("want slack.StatusCodeError %d, got %T %v", st, err, err)
		}
	}
	if n := len(srv.Requests()); n != 2 {
		t.Fatalf("slack-go retried a 5xx: %d requests", n)
	}
	if n := len(srv.Messages(chanID)); n != 0 {
		t.Fatalf("%d messages after 5xx", n)
	}
	// Error rules answer HTTP 200 {"ok":false}.
	srv.AddRule(Rule{Method: "chat.postMessage", Times: 1, Error: "fatal_error"})
	_, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false))
	slackErr(t, err, "fatal_error")
	if r := srv.Requests()[2]; r.Status != 200 || r.Fault != "error" || r.Applied {
		t.Fatalf("record %+v", r)
	}
}

func TestDropAfterApply(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	srv.AddRule(Rule{Method: "chat.postMessage", Times: 1, DropAfterApply: true})
	_, _, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText("paper", false), slack.MsgOptionMetadata(deliveryMeta("k1")))
	if err == nil {
		t.Fatal("want a connection error")
	}
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	if errors.As(err, &se) || errors.As(err, &sc) {
		t.Fatalf("want a transport error, got %T %v", err, err)
	}
	ms := srv.Messages(chanID)
	if len(ms) != 1 || ms[0].PayloadField("key") != "k1" {
		t.Fatalf("stored %+v", ms)
	}
	r := srv.Requests()[0]
	if !r.Dropped || !r.Applied || r.Fault != "drop-after" || r.Status != 0 || r.TS != ms[0].TS {
		t.Fatalf("record %+v", r)
	}
	// The bot finds its message by the metadata key instead of reposting.
	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: chanID, IncludeAllMetadata: true})
	if err != nil || len(hist.Messages) != 1 || hist.Messages[0].Metadata.EventPayload["key"] != "k1" {
		t.Fatalf("history %+v %v", hist, err)
	}
}

func TestDropBeforeApply(t *testing.T) {
	srv, api := newFake(t)
	srv.AddRule(Rule{Method: "chat.postMessage", Times: 1, DropBeforeApply: true})
	if _, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false)); err == nil {
		t.Fatal("want a connection error")
	}
	if n := len(srv.Messages(chanID)); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	if r := srv.Requests()[0]; !r.Dropped || r.Applied || r.Fault != "drop-before" {
		t.Fatalf("record %+v", r)
	}
}

func TestDelayRespectsContext(t *testing.T) {
	srv, api := newFake(t)
	srv.AddRule(Rule{Method: "chat.postMessage", Delay: 5 * time.Second, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, _, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText("x", false)); err == nil {
		t.Fatal("want a timeout")
	}
	deadline := time.Now().Add(2 * time.Second)
	for srv.Requests()[0].Fault != "canceled" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if r := srv.Requests()[0]; r.Fault != "canceled" || r.Applied || len(srv.Messages(chanID)) != 0 {
		t.Fatalf("record %+v", r)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("delay did not end with the client")
	}
	srv.AddRule(Rule{Method: "auth.test", Delay: 30 * time.Millisecond, Times: 1})
	start = time.Now()
	if _, err := api.AuthTest(); err != nil || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("slow auth.test: %v after %v", err, time.Since(start))
	}
}

func TestBlockKitLimits(t *testing.T) {
	srv, api := newFake(t)
	post := func(blocks ...slack.Block) error {
		_, _, err := api.PostMessage(chanID, slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(blocks...))
		return err
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	se := slackErr(t, post(many...), "invalid_blocks")
	if len(se.ResponseMetadata.Messages) == 0 || !strings.Contains(se.ResponseMetadata.Messages[0], "[json-pointer:/blocks]") {
		t.Fatalf("messages %v", se.ResponseMetadata.Messages)
	}
	if err := post(many[:50]...); err != nil {
		t.Fatalf("50 blocks: %v", err)
	}

	long := func(n int) string { return strings.Repeat("é", n) } // 2 bytes, 1 rune
	se = slackErr(t, post(section(long(3001))), "invalid_blocks")
	if want := "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"; se.ResponseMetadata.Messages[0] != want {
		t.Fatalf("messages %v", se.ResponseMetadata.Messages)
	}
	if err := post(section(long(3000))); err != nil {
		t.Fatalf("3000-char section: %v", err)
	}
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	slackErr(t, post(slack.NewHeaderBlock(plain(long(151)))), "invalid_blocks")
	// Limits count UTF-16 units: an astral character counts 2, so 75 of
	// them fill a header and 76 (76 code points) are over it.
	astral := func(n int) string { return strings.Repeat("𝐀", n) }
	if err := post(slack.NewHeaderBlock(plain(astral(75)))); err != nil {
		t.Fatalf("a header of 150 UTF-16 units: %v", err)
	}
	slackErr(t, post(slack.NewHeaderBlock(plain(astral(76)))), "invalid_blocks")
	if err := post(section(astral(1500))); err != nil {
		t.Fatalf("a section of 3000 UTF-16 units: %v", err)
	}
	slackErr(t, post(section(astral(1500)+"x")), "invalid_blocks")
	slackErr(t, post(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.MarkdownType, "*h*", false, false))), "invalid_blocks")
	slackErr(t, post(section("")), "invalid_blocks")
	b1 := slack.NewButtonBlockElement("same", "1", plain("a"))
	b2 := slack.NewButtonBlockElement("same", "2", plain("b"))
	slackErr(t, post(slack.NewActionBlock("", b1, b2)), "invalid_blocks")
	slackErr(t, post(slack.NewActionBlock("", slack.NewButtonBlockElement("x", "1", plain(long(76))))), "invalid_blocks")
	buttons := make([]slack.BlockElement, 26)
	for i := range buttons {
		buttons[i] = slack.NewButtonBlockElement(fmt.Sprintf("b%d", i), "v", plain("b"))
	}
	slackErr(t, post(slack.NewActionBlock("", buttons...)), "invalid_blocks")
	slackErr(t, post(slack.NewSectionBlock(plain("x"), nil, nil, slack.SectionBlockOptionBlockID(long(256)))), "invalid_blocks")
	img := slack.NewImageBlockElement("https://example.com/a.png", "")
	slackErr(t, post(slack.NewSectionBlock(plain("x"), nil, slack.NewAccessory(img))), "invalid_blocks")
	// mrkdwn with emoji set is refused by Slack (slack-go never sends it).
	slackErr(t, post(slack.NewSectionBlock(&slack.TextBlockObject{Type: "mrkdwn", Text: "x", Emoji: new(bool)}, nil, nil)), "invalid_blocks")

	// Five 2900-char sections pass every block check but exceed the total.
	big := make([]slack.Block, 5)
	for i := range big {
		big[i] = section(strings.Repeat("a", 2900))
	}
	slackErr(t, post(big...), "msg_blocks_too_long")

	_, _, err := api.PostMessage(chanID, slack.MsgOptionText(long(40001), false))
	slackErr(t, err, "msg_too_long")
	_, _, err = api.PostMessage(chanID, slack.MsgOptionText("", false))
	slackErr(t, err, "no_text")
	_, _, err = api.PostMessage(chanID, slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{}))
	slackErr(t, err, "invalid_metadata_format")

	_, body := rawPost(t, srv, "chat.postMessage", url.Values{"token": {"t"}, "channel": {chanID}, "text": {"x"}, "metadata": {"{not json"}}, nil)
	if body["error"] != "invalid_metadata_format" {
		t.Fatalf("bad metadata JSON: %v", body)
	}
	_, body = rawPost(t, srv, "chat.postMessage", url.Values{"token": {"t"}, "channel": {chanID}, "text": {"a\xffb"}}, nil)
	if body["error"] != "invalid_arguments" {
		t.Fatalf("invalid UTF-8: %v", body)
	}
	_, body = rawPost(t, srv, "chat.postMessage", url.Values{"token": {"t"}, "channel": {chanID}, "blocks": {"[{"}}, nil)
	if body["error"] != "invalid_blocks_format" {
		t.Fatalf("bad blocks JSON: %v", body)
	}
	if n := len(srv.Messages(chanID)); n != 4 {
		t.Fatalf("%d messages stored, want the 4 valid ones", n)
	}
}

func TestJSONBody(t *testing.T) {
	srv, _ := newFake(t)
	body := `{"channel":"` + chanID + `","text":"hi","blocks":[{"type":"divider"}],"metadata":{"event_type":"paperboy_delivery","event_payload":{"key":"j"}},"unfurl_links":false}`
	req, _ := http.NewRequest("POST", srv.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer xoxb-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ms := srv.Messages(chanID)
	if len(ms) != 1 || string(ms[0].Blocks) != `[{"type":"divider"}]` || ms[0].EventType != "paperboy_delivery" || ms[0].UnfurlLinks != "false" {
		t.Fatalf("stored %+v", ms)
	}
}

func TestDMs(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{memberID}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ch.ID, "D") {
		t.Fatalf("DM id %q", ch.ID)
	}
	again, _, already, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{memberID}})
	if err != nil || again.ID != ch.ID || !already {
		t.Fatalf("reopen %+v %v %v", again, already, err)
	}
	if _, _, err := api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText("your digest", false)); err != nil {
		t.Fatal(err)
	}
	if dms := srv.DMs(memberID); len(dms) != 1 || dms[0].Text != "your digest" || dms[0].Channel != ch.ID {
		t.Fatalf("DMs %+v", dms)
	}
	// Posting to a user id goes to the DM too.
	if c, _, err := api.PostMessageContext(ctx, memberID, slack.MsgOptionText("again", false)); err != nil || c != ch.ID {
		t.Fatalf("post to user id: %q %v", c, err)
	}

	srv.BlockDMs(adminID, "")
	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{adminID}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = api.PostMessageContext(ctx, dm.ID, slack.MsgOptionText("x", false))
	slackErr(t, err, "messages_tab_disabled")
	srv.BlockDMs(adminID, "cannot_dm_bot")
	_, _, err = api.PostMessageContext(ctx, dm.ID, slack.MsgOptionText("x", false))
	slackErr(t, err, "cannot_dm_bot")
	srv.UnblockDMs(adminID)
	if _, _, err := api.PostMessageContext(ctx, dm.ID, slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}

	_, _, _, err = api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0GHOST001"}})
	slackErr(t, err, "user_not_found")
	info, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: dm.ID})
	if err != nil || !info.IsIM || info.User != adminID {
		t.Fatalf("DM info %+v %v", info, err)
	}
}

func TestUsersInfo(t *testing.T) {
	srv, api := newFake(t)
	srv.AddUser(User{ID: "U0OWNER001", Name: "olga", IsOwner: true, IsPrimaryOwner: true, IsAdmin: true})
	u, err := api.GetUserInfo(adminID)
	if err != nil || !u.IsAdmin || u.IsOwner || u.TeamID != srv.TeamID() || u.Name != "ada" {
		t.Fatalf("admin %+v %v", u, err)
	}
	u, err = api.GetUserInfo("U0OWNER001")
	if err != nil || !u.IsOwner || !u.IsPrimaryOwner {
		t.Fatalf("owner %+v %v", u, err)
	}
	u, err = api.GetUserInfo(memberID)
	if err != nil || u.IsAdmin || u.IsOwner {
		t.Fatalf("member %+v %v", u, err)
	}
	_, err = api.GetUserInfo("U0GHOST001")
	slackErr(t, err, "user_not_found")
}

func TestPostEphemeral(t *testing.T) {
	srv, api := newFake(t)
	ts, err := api.PostEphemeral(chanID, memberID, slack.MsgOptionText("only you", false))
	if err != nil || !tsRE.MatchString(ts) {
		t.Fatalf("ephemeral %q %v", ts, err)
	}
	eph := srv.Ephemerals()
	if len(eph) != 1 || eph[0].User != memberID || eph[0].Text != "only you" || eph[0].MessageTS != ts {
		t.Fatalf("ephemerals %+v", eph)
	}
	if len(srv.Messages(chanID)) != 0 {
		t.Fatal("ephemeral stored as a message")
	}
	_, err = api.PostEphemeral(chanID, outsideID, slack.MsgOptionText("x", false))
	slackErr(t, err, "user_not_in_channel")
}

func TestResponseURL(t *testing.T) {
	srv, api := newFake(t)
	u := srv.ResponseURL("cmd-1")
	for i := 0; i < ResponseURLMaxUses; i++ {
		_, _, err := api.PostMessage("", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral),
			slack.MsgOptionText(fmt.Sprintf("reply %d", i), false))
		if err != nil {
			t.Fatalf("use %d: %v", i, err)
		}
	}
	rs := srv.Responses()
	if len(rs) != ResponseURLMaxUses || rs[0].Name != "cmd-1" || rs[0].Text != "reply 0" || rs[0].ResponseType != "ephemeral" || rs[4].Use != 5 {
		t.Fatalf("responses %+v", rs)
	}
	_, _, err := api.PostMessage("", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("sixth", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != 404 {
		t.Fatalf("sixth use: %T %v", err, err)
	}
	if r := srv.Requests(); r[len(r)-1].Method != MethodResponseURL || r[len(r)-1].Error != "used_url" {
		t.Fatalf("record %+v", r[len(r)-1])
	}
	srv.ExpireResponseURL("cmd-1")
	_, _, err = api.PostMessage("", slack.MsgOptionResponseURL(srv.ResponseURL("cmd-2"), slack.ResponseTypeInChannel),
		slack.MsgOptionBlocks(section("ok")))
	if err != nil {
		t.Fatal(err)
	}
	if rs := srv.Responses(); rs[len(rs)-1].ResponseType != "in_channel" || len(rs[len(rs)-1].Blocks) == 0 {
		t.Fatalf("in_channel response %+v", rs[len(rs)-1])
	}
}

func TestViolations(t *testing.T) {
	srv, _ := newFake(t)
	srv.AddRule(Rule{Method: "chat.postMessage", Channel: chanID, Times: 1, RetryAfter: 150 * time.Millisecond})
	form := url.Values{"token": {"xoxb-test"}, "channel": {chanID}, "text": {"x"}}
	if resp, _ := rawPost(t, srv, "chat.postMessage", form, nil); resp.StatusCode != 429 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// Ignoring Retry-After: counted, and answered 429 again.
	resp, _ := rawPost(t, srv, "chat.postMessage", form, nil)
	if resp.StatusCode != 429 {
		t.Fatalf("early retry status %d", resp.StatusCode)
	}
	// Another channel is another key.
	srv.AddChannel(Channel{ID: "C0OTHER001", Members: []string{srv.BotUserID()}})
	other := url.Values{"token": {"xoxb-test"}, "channel": {"C0OTHER001"}, "text": {"x"}}
	if resp, _ := rawPost(t, srv, "chat.postMessage", other, nil); resp.StatusCode != 200 {
		t.Fatalf("other channel status %d", resp.StatusCode)
	}
	vs := srv.Violations()
	if len(vs) != 1 || vs[0].Seq != 2 || vs[0].Method != "chat.postMessage" || vs[0].Channel != chanID || vs[0].Early <= 0 {
		t.Fatalf("violations %+v", vs)
	}
	time.Sleep(160 * time.Millisecond)
	if resp, _ := rawPost(t, srv, "chat.postMessage", form, nil); resp.StatusCode != 200 {
		t.Fatalf("after Retry-After: %d", resp.StatusCode)
	}
	if n := len(srv.Violations()); n != 1 {
		t.Fatalf("%d violations", n)
	}
	if r := srv.Requests()[1]; !r.Violation || r.Fault != "enforced-rate-limit" {
		t.Fatalf("record %+v", r)
	}
}

func TestSetRateLimit(t *testing.T) {
	srv, api := newFake(t)
	srv.AddChannel(Channel{ID: "C0OTHER001", Members: []string{srv.BotUserID()}})
	srv.SetRateLimit(2, 300*time.Millisecond)
	for i := 0; i < 2; i++ {
		if _, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false)); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("third post: %T %v", err, err)
	}
	if _, _, err := api.PostMessage("C0OTHER001", slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("other channel: %v", err)
	}
	if n := len(srv.Messages(chanID)); n != 2 {
		t.Fatalf("%d stored", n)
	}
	srv.SetRateLimit(0, 0)
	if _, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false)); err == nil {
		t.Fatal("a request before Retry-After passed should still be refused")
	}
	if len(srv.Violations()) != 1 {
		t.Fatalf("violations %+v", srv.Violations())
	}
}

func TestConcurrentPosts(t *testing.T) {
	srv, api := newFake(t)
	const n = 20
	var wg sync.WaitGroup
	tss := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, tss[i], errs[i] = api.PostMessage(chanID, slack.MsgOptionText(fmt.Sprintf("p%d", i), false))
		}(i)
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, ts := range tss {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if seen[ts] {
			t.Fatalf("duplicate ts %s", ts)
		}
		seen[ts] = true
	}
	ms := srv.Messages(chanID)
	if len(ms) != n {
		t.Fatalf("%d stored", len(ms))
	}
	for i := 1; i < n; i++ {
		if ms[i].TS <= ms[i-1].TS {
			t.Fatalf("ts not increasing: %s, %s", ms[i-1].TS, ms[i].TS)
		}
	}
}

func TestFaultMixDeterministic(t *testing.T) {
	run := func() (faults []string, stored int) {
		srv, api := newFake(t)
		srv.Seed(7)
		srv.AddRule(Rule{Method: "chat.postMessage", Prob: 0.1, Status: 500})
		srv.AddRule(Rule{Method: "chat.postMessage", Prob: 0.1, DropAfterApply: true})
		srv.AddRule(Rule{Method: "chat.postMessage", Prob: 0.1, DropBeforeApply: true})
		for i := 0; i < 30; i++ {
			_, _, _ = api.PostMessage(chanID, slack.MsgOptionText("p", false))
		}
		applied := 0
		for _, r := range srv.Requests() {
			faults = append(faults, r.Fault)
			if r.Applied {
				applied++
			}
		}
		if got := len(srv.Messages(chanID)); got != applied {
			t.Fatalf("stored %d, applied %d", got, applied)
		}
		return faults, applied
	}
	f1, s1 := run()
	f2, s2 := run()
	if strings.Join(f1, ",") != strings.Join(f2, ",") || s1 != s2 {
		t.Fatalf("not deterministic:\n%v\n%v", f1, f2)
	}
	if s1 == 30 || s1 == 0 {
		t.Fatalf("applied %d of 30", s1)
	}
}

func TestRuleSkipTimesRemove(t *testing.T) {
	srv, api := newFake(t)
	remove := srv.AddRule(Rule{Method: "chat.postMessage", Skip: 1, Times: 2, Error: "is_archived"})
	var got []string
	for i := 0; i < 4; i++ {
		_, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false))
		if err != nil {
			got = append(got, err.Error())
		} else {
			got = append(got, "ok")
		}
	}
	if strings.Join(got, ",") != "ok,is_archived,is_archived,ok" {
		t.Fatalf("got %v", got)
	}
	remove()
	srv.AddRule(Rule{Method: "chat.postMessage", Channel: "C0ELSE0001", Status: 500})
	if _, _, err := api.PostMessage(chanID, slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("rule for another channel applied: %v", err)
	}
	srv.ClearRules()
}

func TestUpdateDeleteAndHistoryPaging(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	var tss []string
	for i := 0; i < 5; i++ {
		_, ts, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText(fmt.Sprintf("m%d", i), false))
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}
	userTS, err := srv.AddMessage(chanID, Message{User: memberID, Text: "human"})
	if err != nil {
		t.Fatal(err)
	}
	// Newest first, two at a time.
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: chanID, Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range h.Messages {
			seen = append(seen, m.Text)
		}
		if !h.HasMore {
			break
		}
		cursor = h.ResponseMetaData.NextCursor
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if strings.Join(seen, ",") != "human,m4,m3,m2,m1,m0" {
		t.Fatalf("history %v", seen)
	}
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: chanID, Oldest: tss[1], Latest: tss[3], Inclusive: true})
	if err != nil || len(h.Messages) != 3 {
		t.Fatalf("window %+v %v", h, err)
	}

	if _, _, _, err := api.UpdateMessageContext(ctx, chanID, tss[0], slack.MsgOptionText("edited", false)); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Message(chanID, tss[0]); m.Text != "edited" || m.EditedTS == "" {
		t.Fatalf("updated %+v", m)
	}
	_, _, _, err = api.UpdateMessageContext(ctx, chanID, userTS, slack.MsgOptionText("hijack", false))
	slackErr(t, err, "cant_update_message")
	if _, _, err := api.DeleteMessageContext(ctx, chanID, tss[1]); err != nil {
		t.Fatal(err)
	}
	_, _, err = api.DeleteMessageContext(ctx, chanID, tss[1])
	slackErr(t, err, "message_not_found")
	if n := len(srv.Messages(chanID)); n != 5 {
		t.Fatalf("%d after delete", n)
	}
}

func TestAuthTestSocketModeAndClient(t *testing.T) {
	srv, api := newFake(t)
	srv.SetBotUser("U0PB000001", "T0PB000001")
	at, err := api.AuthTest()
	if err != nil || at.UserID != "U0PB000001" || at.TeamID != "T0PB000001" || at.BotID != "B0PB000001" || at.URL == "" {
		t.Fatalf("auth.test %+v %v", at, err)
	}
	var warnings []string
	app := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-1-test"),
		slack.OptionOnWarning(func(path string, _ any, w *slack.Warning) {
			warnings = append(warnings, path+":"+strings.Join(w.Codes, ","))
		}))
	_, wsURL, err := app.StartSocketModeContext(context.Background())
	if err != nil || wsURL != SocketModeURL {
		t.Fatalf("apps.connections.open %q %v", wsURL, err)
	}
	if strings.Join(warnings, ";") != "apps.connections.open:missing_charset" {
		t.Fatalf("warnings %v", warnings)
	}
	_, _, err = api.StartSocketModeContext(context.Background())
	if err == nil {
		t.Fatal("apps.connections.open without an app token")
	}

	// srv.Client() sends slack.com to the fake.
	viaClient := slack.New("xoxb-test", slack.OptionHTTPClient(srv.Client()))
	if _, err := viaClient.AuthTest(); err != nil {
		t.Fatal(err)
	}
	info, err := viaClient.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: chanID, IncludeNumMembers: true})
	if err != nil || info.Name != "papers" || info.IsArchived || info.NumMembers != 3 {
		t.Fatalf("info %+v %v", info, err)
	}
}

func TestBroadcastTombstoneAndGET(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	_, parent, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText("header", false))
	if err != nil {
		t.Fatal(err)
	}
	_, bc, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText("also in channel", false), slack.MsgOptionTS(parent), slack.MsgOptionBroadcast())
	if err != nil {
		t.Fatal(err)
	}
	ms := srv.Messages(chanID)
	if len(ms) != 2 || ms[1].TS != bc || !ms[1].ReplyBroadcast || ms[1].Subtype != "thread_broadcast" || ms[1].ThreadTS != parent {
		t.Fatalf("messages %+v", ms)
	}
	if n := len(srv.AllMessages()); n != 2 {
		t.Fatalf("AllMessages %d", n)
	}
	// Deleting a parent with replies leaves a tombstone.
	if _, _, err := api.DeleteMessageContext(ctx, chanID, parent); err != nil {
		t.Fatal(err)
	}
	if m, ok := srv.Message(chanID, parent); !ok || m.Subtype != "tombstone" || m.ReplyCount != 1 {
		t.Fatalf("tombstone %+v %v", m, ok)
	}
	// GET with query parameters and a Bearer header works too.
	req, _ := http.NewRequest("GET", srv.APIURL()+"conversations.replies?channel="+chanID+"&ts="+parent, nil)
	req.Header.Set("Authorization", "Bearer xoxb-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		OK       bool             `json:"ok"`
		Messages []map[string]any `json:"messages"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if !body.OK || len(body.Messages) != 2 || body.Messages[0]["subtype"] != "tombstone" {
		t.Fatalf("replies %+v", body)
	}
	// A private channel the bot is not in is invisible.
	srv.AddChannel(Channel{ID: "C0SECRET01", IsPrivate: true, Members: []string{adminID}})
	_, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C0SECRET01"})
	slackErr(t, err, "channel_not_found")
	_, err = api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C0SECRET01"})
	slackErr(t, err, "channel_not_found")
}
