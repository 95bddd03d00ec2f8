package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// watchWorld is followWorld with a daemon that takes interactions: the
// Discord gateway on, Slack in HTTP mode. Discord users 501 (ann), 502
// (bob) and 503 (cat) and Slack users U501 and U502 can press buttons and
// get direct messages.
type watchWorld struct {
	*followWorld
	gw        *discordfake.Gateway
	slackAddr string
	httpc     *http.Client
	seq       int
	stop      func() string
	log       *syncBuffer
}

const watchSecret = "watch-signing-secret"

// newWatchWorld posts Monday's thread (newFollowWorld) and writes the
// daemon's configuration; extra is added under followups:.
func newWatchWorld(t *testing.T, extra string) *watchWorld {
	t.Helper()
	w := &watchWorld{followWorld: newFollowWorld(t, ""), httpc: &http.Client{Timeout: 10 * time.Second}}
	w.gw = w.dc.StartGateway()
	t.Cleanup(w.gw.Close)
	for _, u := range []string{"501", "502", "503"} {
		w.dc.AddUser(u, "user"+u)
		w.sl.AddUser(slackfake.User{ID: "U" + u, Name: "user" + u})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.slackAddr = ln.Addr().String()
	ln.Close()
	w.cfg = writeConfig(t, fmt.Sprintf(`
huggingface: {base_url: %s, min_interval: 10ms}
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  guild_ids: ["9000"]
  gateway: true
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
  mode: http
  listen: %s
  api_url: %s
schedule: {poll_interval: 1s, retry_delay: 1s, catch_up: false}
followups: {days: 14%s}
channels:
  - {platform: discord, id: "100", zone: UTC, weekdays: daily}
  - {platform: slack, id: C100, zone: UTC, weekdays: daily}
`, w.hf.URL(), w.dc.URL(), w.slackAddr, w.sl.APIURL(), extra))
	w.env = append(w.env, "SLACK_SIGNING_SECRET="+watchSecret)
	return w
}

// start runs the daemon with its clock at day, hour and waits until both
// platforms take interactions.
func (w *watchWorld) start(d bot.Date, hour int) {
	w.t.Helper()
	w.stop, _, w.log = w.daemon(d, hour)
	w.waitFor("the daemon to connect", 30*time.Second, w.log, func() bool {
		if !strings.Contains(w.log.String(), "daemon started") || w.gw.Sessions() == 0 {
			return false
		}
		c, err := net.Dial("tcp", w.slackAddr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func (w *watchWorld) next() int { w.seq++; return w.seq }

// discordAnswer waits for the answer to interaction id (its last edit of
// @original) and returns its content, unescaped, with the callbacks.
func (w *watchWorld) discordAnswer(id string) (content string, callbacks []discordfake.InteractionResponse, components string) {
	w.t.Helper()
	w.waitFor("Discord's answer to "+id, 20*time.Second, w.log, func() bool {
		for _, r := range w.dc.InteractionResponses() {
			if r.InteractionID == id && r.Kind == "edit" {
				return true
			}
		}
		return false
	})
	for _, r := range w.dc.InteractionResponses() {
		if r.InteractionID != id {
			continue
		}
		if r.Kind == "callback" {
			callbacks = append(callbacks, r)
			continue
		}
		var data struct {
			Content    string          `json:"content"`
			Components json.RawMessage `json:"components"`
		}
		json.Unmarshal(r.Data, &data)
		content, components = strings.ReplaceAll(data.Content, `\`, ""), string(data.Components)
	}
	return content, callbacks, components
}

// pressDiscord presses a button (customID) of message m in channel as
// user and returns the answer, its callbacks and its buttons.
func (w *watchWorld) pressDiscord(user, channel, messageID, customID string) (string, []discordfake.InteractionResponse, string) {
	w.t.Helper()
	id := fmt.Sprintf("8810%d", w.next())
	i := &discordgo.Interaction{ID: id, AppID: "9100", Type: discordgo.InteractionMessageComponent, GuildID: "9000",
		ChannelID: channel, Token: "watch_itok_" + id, Member: &discordgo.Member{User: &discordgo.User{ID: user}},
		Message: &discordgo.Message{ID: messageID, ChannelID: channel},
		Data:    discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}}
	if err := w.gw.DispatchInteraction(i); err != nil {
		w.t.Fatal(err)
	}
	return w.discordAnswer(id)
}

// commandDiscord runs "/papers <text>" as user in channel 100.
func (w *watchWorld) commandDiscord(user, text string) (string, string) {
	w.t.Helper()
	cmd := bot.ParseCommand("papers", text)
	var opts []*discordgo.ApplicationCommandInteractionDataOption
	for k, v := range cmd.Args {
		opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{Name: k, Type: discordgo.ApplicationCommandOptionString, Value: v})
	}
	id := fmt.Sprintf("8820%d", w.next())
	i := &discordgo.Interaction{ID: id, AppID: "9100", Type: discordgo.InteractionApplicationCommand, GuildID: "9000",
		ChannelID: "100", Token: "watch_itok_" + id, Member: &discordgo.Member{User: &discordgo.User{ID: user}},
		AppPermissions: discordgo.PermissionSendMessages | discordgo.PermissionViewChannel,
		Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: cmd.Sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}}}
	if err := w.gw.DispatchInteraction(i); err != nil {
		w.t.Fatal(err)
	}
	content, _, components := w.discordAnswer(id)
	return content, components
}

// slackPost sends a signed request to the daemon's Slack endpoint.
func (w *watchWorld) slackPost(path, body string) {
	w.t.Helper()
	req, _ := http.NewRequest("POST", "http://"+w.slackAddr+path, strings.NewReader(body))
	req.Header = signSlack(body, time.Now(), watchSecret)
	resp, err := w.httpc.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("Slack %s: HTTP %d", path, resp.StatusCode)
	}
}

// slackResponse waits for the answer posted to response URL name.
func (w *watchWorld) slackResponse(name string) slackfake.Response {
	w.t.Helper()
	var got slackfake.Response
	w.waitFor("Slack's answer to "+name, 20*time.Second, w.log, func() bool {
		for _, r := range w.sl.Responses() {
			if r.Name == name {
				got = r
				return true
			}
		}
		return false
	})
	return got
}

// pressSlack presses the button (actionID, value) of the Slack message ts
// in C100 as user.
func (w *watchWorld) pressSlack(user, ts, actionID, value string) slackfake.Response {
	w.t.Helper()
	name := fmt.Sprintf("watch-r%d", w.next())
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]string{"id": user},
		"team": map[string]string{"id": "T100"}, "channel": map[string]string{"id": "C100"}, "trigger_id": name,
		"container":    map[string]any{"type": "message", "message_ts": ts, "channel_id": "C100"},
		"response_url": w.sl.ResponseURL(name),
		// Slack names every block; a block without a block_id gets one.
		"actions": []map[string]string{{"type": "button", "block_id": "b" + name, "action_id": actionID, "value": value}}})
	w.slackPost("/slack/interactivity", url.Values{"payload": {string(payload)}}.Encode())
	return w.slackResponse(name)
}

// commandSlack runs "/papers <text>" as user in C100.
func (w *watchWorld) commandSlack(user, text string) slackfake.Response {
	w.t.Helper()
	name := fmt.Sprintf("watch-c%d", w.next())
	w.slackPost("/slack/commands", url.Values{"team_id": {"T100"}, "channel_id": {"C100"}, "channel_name": {"papers"},
		"user_id": {user}, "command": {"/papers"}, "text": {text}, "response_url": {w.sl.ResponseURL(name)}, "trigger_id": {name}}.Encode())
	return w.slackResponse(name)
}

// watchers counts the watches in the database (of user, or everyone's
// when user is "").
func (w *watchWorld) watchers(user string) int {
	q := `SELECT count(*) FROM watches`
	if user != "" {
		q += ` WHERE user_id = '` + user + `'`
	}
	return countRows(w.t, w.db, q)
}
