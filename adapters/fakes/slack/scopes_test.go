package slackfake

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// auth.test carries the token's scopes in X-OAuth-Scopes, as slack-go
// hands it over; a method whose scope the token lacks answers
// missing_scope, naming the scope, and a token with it is served.
func TestScopes(t *testing.T) {
	srv, api := newFake(t)
	ctx := context.Background()
	at, err := api.AuthTestContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := at.Header.Get("X-OAuth-Scopes"); got != strings.Join(DefaultScopes, ",") {
		t.Errorf("default X-OAuth-Scopes %q", got)
	}

	srv.SetScopes("chat:write", "channels:read")
	at, err = api.AuthTestContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := at.Header.Get("X-OAuth-Scopes"); got != "chat:write,channels:read" {
		t.Errorf("X-OAuth-Scopes %q", got)
	}
	// users.info needs users:read.
	_, err = api.GetUserInfoContext(ctx, memberID)
	slackErr(t, err, "missing_scope")
	resp, body := rawPost(t, srv, "users.info", url.Values{"user": {memberID}}, map[string]string{"Authorization": "Bearer xoxb-test"})
	if body["needed"] != "users:read" || body["provided"] != "chat:write,channels:read" {
		t.Errorf("missing_scope body %v", body)
	}
	if got := resp.Header.Get("X-Accepted-OAuth-Scopes"); got != "users:read" {
		t.Errorf("X-Accepted-OAuth-Scopes %q", got)
	}
	// A public channel needs channels:read, a private one groups:read.
	if _, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: chanID}); err != nil {
		t.Errorf("conversations.info of a public channel with channels:read: %v", err)
	}
	srv.AddChannel(Channel{ID: "G0PRIVATE1", Name: "private", IsPrivate: true, Members: []string{srv.BotUserID()}})
	_, err = api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "G0PRIVATE1"})
	slackErr(t, err, "missing_scope")
	// Nothing was posted without chat:write being checked: it is there.
	if _, _, err := api.PostMessageContext(ctx, chanID, slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("chat.postMessage with chat:write: %v", err)
	}
	srv.SetScopes("channels:read")
	_, _, err = api.PostMessageContext(ctx, chanID, slack.MsgOptionText("hi", false))
	slackErr(t, err, "missing_scope")
	if n := len(srv.Messages(chanID)); n != 1 {
		t.Errorf("%d messages, want the 1 posted with chat:write", n)
	}
}
