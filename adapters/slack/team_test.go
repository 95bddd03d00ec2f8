package slack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// TestOtherWorkspaceRefused: a command or a button from a team that is not
// the installed workspace (auth.test's team_id) is answered "not enabled"
// and changes nothing, even from a workspace admin.
func TestOtherWorkspaceRefused(t *testing.T) {
	e := newEnv(t)
	e.s.opts.Admins = []string{adminUser}
	name := "other-team"
	e.s.SocketHandler().DispatchEvent(socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: slackgo.SlashCommand{
		TeamID: "T999", ChannelID: channelID, UserID: adminUser, Command: "/papers-admin", Text: "channel set time 08:00",
		ResponseURL: e.srv.ResponseURL(name)}})
	r := e.waitResponse(name)
	if !strings.Contains(r.Text+texts(r.Blocks), notEnabledText) {
		t.Fatalf("answer: %s %s", r.Text, r.Blocks)
	}
	if chans, _ := e.db.Channels(context.Background()); len(chans) != 0 {
		t.Fatal("a command from another workspace set up a channel")
	}
	e.s.SocketHandler().DispatchEvent(socketmode.Event{Type: socketmode.EventTypeInteractive, Data: slackgo.InteractionCallback{
		Type: slackgo.InteractionTypeBlockActions, ResponseURL: e.srv.ResponseURL("other-click"),
		User: slackgo.User{ID: memberUser}, Team: slackgo.Team{ID: "T999"},
		ActionCallback: slackgo.ActionCallbacks{BlockActions: []*slackgo.BlockAction{{ActionID: actionPrefix + "0", Value: "s:00:1"}}}}})
	if r := e.waitResponse("other-click"); !strings.Contains(r.Text+texts(r.Blocks), notEnabledText) || r.ReplaceOriginal {
		t.Errorf("button from another workspace: %+v", r)
	}
	if got := e.s.Rejected()[RejectTeam]; got != 2 {
		t.Errorf("Rejected()[%q] = %d, want 2", RejectTeam, got)
	}
	if e.s.TeamID() != teamID {
		t.Errorf("TeamID() = %q, want %q (auth.test)", e.s.TeamID(), teamID)
	}
	// The installed workspace still works.
	r = e.socketCommand(adminUser, channelID, "/papers-admin", "channel set time 08:00")
	if !strings.Contains(r.Text+texts(r.Blocks), "Daily digest set up") {
		t.Fatalf("installed workspace: %s", r.Text+texts(r.Blocks))
	}
}

// TestAdminsByTeamAndUser: "T…/U…" entries match that team only, plain
// "U…" entries the installed workspace only; malformed entries are an
// error at New.
func TestAdminsByTeamAndUser(t *testing.T) {
	cases := []struct {
		admins     []string
		team, user string
		want       bool
	}{
		{[]string{"U2"}, "T100", "U2", true},
		{[]string{"U2"}, "T999", "U2", false}, // a plain id: installed workspace only
		{[]string{"T999/U2"}, "T100", "U2", false},
		{[]string{"T999/U2"}, "T999", "U2", true},
		{[]string{"T100/U2"}, "T100", "U2", true},
		{[]string{"T100/U3"}, "T100", "U2", false},
		{[]string{"W2"}, "T100", "W2", true},
	}
	for _, c := range cases {
		if got := listedAdmin(c.admins, "T100", c.team, c.user); got != c.want {
			t.Errorf("listedAdmin(%v, %s, %s) = %v, want %v", c.admins, c.team, c.user, got, c.want)
		}
	}
	for _, bad := range []string{"bob", "T100/", "/U2", "T100/U2/U3", "u2", "T100:U2"} {
		_, err := New(Options{BotToken: botToken, Admins: []string{"U1", bad}})
		if err == nil || !strings.Contains(err.Error(), "admins[1]") || strings.Contains(err.Error(), "\n") {
			t.Errorf("admin entry %q: %v", bad, err)
		}
	}
	// End to end: an entry for another team does not make a member of the
	// installed workspace an admin; the right entry does.
	e := newEnv(t)
	e.s.opts.Admins = []string{"T999/" + memberUser}
	r := e.socketCommand(memberUser, channelID, "/papers-admin", "channel set time 08:00")
	if !strings.Contains(r.Text+texts(r.Blocks), "Only members who can manage this channel") {
		t.Fatalf("other team's entry: %s", r.Text+texts(r.Blocks))
	}
	e.s.opts.Admins = []string{teamID + "/" + memberUser}
	r = e.socketCommand(memberUser, channelID, "/papers-admin", "channel set time 08:00")
	if !strings.Contains(r.Text+texts(r.Blocks), "Daily digest set up") {
		t.Fatalf("team/user entry: %s", r.Text+texts(r.Blocks))
	}
}

// TestResponseURLOnlyOnSlackHosts: a signed command naming a response_url
// on another host is answered with chat.postEphemeral; the other host
// gets nothing, and the one WARN does not name the URL.
func TestResponseURLOnlyOnSlackHosts(t *testing.T) {
	e := newEnv(t)
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer other.Close()
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/SeCrEtHoOk"
	e.s.handleSlash(slackgo.SlashCommand{TeamID: teamID, ChannelID: channelID, UserID: memberUser, Command: "/papers", Text: "help", ResponseURL: target})
	e.s.handleAction(slackgo.InteractionCallback{Type: slackgo.InteractionTypeBlockActions, ResponseURL: target,
		User: slackgo.User{ID: memberUser}, Team: slackgo.Team{ID: teamID},
		ActionCallback: slackgo.ActionCallbacks{BlockActions: []*slackgo.BlockAction{{ActionID: actionPrefix + "0", Value: "s:00:1"}}}})
	if hits.Load() != 0 {
		t.Errorf("paperboy posted to a response_url on another host")
	}
	eph := e.srv.Ephemerals()
	if len(eph) != 1 || !strings.Contains(eph[0].Text+texts(eph[0].Blocks), "/papers search") {
		t.Errorf("ephemerals: %+v", eph)
	}
	logs := e.logs.String()
	if strings.Contains(logs, "SeCrEtHoOk") || strings.Contains(logs, "localhost") || strings.Count(logs, "not on Slack's hooks host") != 2 {
		t.Errorf("logs:\n%s", logs)
	}
	for raw, want := range map[string]bool{
		"https://hooks.slack.com/commands/T1/2/x":      true,
		"https://hooks.slack.com:443/commands/T1/2/x":  true,
		"https://HOOKS.slack.com/commands/T1/2/x":      true,
		"http://hooks.slack.com/commands/T1/2/x":       false,
		"https://hooks.slack.com:8443/commands/T1/2/x": false,
		"https://hooks.slack.com.evil.example/x":       false,
		"https://user@hooks.slack.com/x":               false,
		"https://evil.example/hooks.slack.com":         false,
		e.srv.ResponseURL("x"):                         true, // the configured API host (the fake)
		"":                                             false,
		"hooks.slack.com/commands":                     false,
	} {
		if got := e.s.responseURLAllowed(raw); got != want {
			t.Errorf("responseURLAllowed(%q) = %v, want %v", raw, got, want)
		}
	}
}

// TeamID is the installed workspace once known (after RunSocketMode,
// RunHTTP or the first command), else "".
func (s *Slack) TeamID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.team
}
