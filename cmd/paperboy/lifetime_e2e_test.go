package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// holdProxy forwards requests to a fake; the ones hold matches wait until
// Release (or until their client gives up: they are then not forwarded,
// as with the fakes' Delay rules). It is how the lifetime test keeps
// commands running for as long as it wants, without a clock.
type holdProxy struct {
	srv  *httptest.Server
	hold func(*http.Request) bool

	mu       sync.Mutex
	held     int // waiting now
	released chan struct{}
	once     sync.Once
}

func newHoldProxy(t *testing.T, upstream string, hold func(*http.Request) bool) *holdProxy {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &holdProxy{hold: hold, released: make(chan struct{})}
	fwd := httputil.NewSingleHostReverseProxy(u)
	fwd.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// With the body read, the server notices at once when the client
		// gives up (and cancels r's context).
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if p.hold(r) {
			p.mu.Lock()
			p.held++
			p.mu.Unlock()
			select {
			case <-p.released:
			case <-r.Context().Done():
			}
			p.mu.Lock()
			p.held--
			p.mu.Unlock()
			if r.Context().Err() != nil {
				return
			}
		}
		fwd.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { p.Release(); p.srv.Close() })
	return p
}

// URL is the proxy's base URL.
func (p *holdProxy) URL() string { return p.srv.URL }

// Held is how many requests wait now.
func (p *holdProxy) Held() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held
}

// Release lets every held request through, and every later one at once.
func (p *holdProxy) Release() { p.once.Do(func() { close(p.released) }) }

// lifeSecret signs the lifetime test's Slack requests.
const lifeSecret = "lifetime-signing-secret"

// lifeKinds are the commands the lifetime test keeps in flight: today
// waits for Hugging Face (held: the command is still working when
// SIGTERM comes); the others are done working and wait for their answer
// to be taken by the platform (held).
var lifeKinds = []string{"today", "search diffusion", "subscribe diffusion models", "status"}

// lifeCmd is one command of the lifetime test.
type lifeCmd struct {
	platform string
	text     string // "today", "search diffusion", …
	key      string // Discord: the interaction token; Slack: the response_url's name
	user     string
}

// lifeWorld is the real binary running with Discord (gateway
// interactions) and Slack (HTTP mode, signed requests) on the fakes, with
// Hugging Face, Discord's API and the Slack response_urls behind
// holdProxies.
type lifeWorld struct {
	dc        *discordfake.Server
	gw        *discordfake.Gateway
	sl        *slackfake.Server
	hf        *hffake.Server
	hfHold    *holdProxy // the daily lists: today's work
	dcHold    *holdProxy // edits of deferred Discord answers of held commands
	slHold    *holdProxy // POSTs to held commands' response_urls
	slackAddr string
	stderr    *syncBuffer
	wait      func() (code int, err error)
	signal    func(os.Signal)
	httpc     *http.Client
	mu        sync.Mutex
	seq       int
}

func startLifeWorld(t *testing.T, grace string) *lifeWorld {
	t.Helper()
	// No connection of the test's is left open: the daemon's HTTP server
	// waits up to 5 s at shutdown for one that never sent a request.
	w := &lifeWorld{httpc: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	w.dc = fakeDiscord(t)
	w.gw = w.dc.StartGateway()
	w.sl = slackfake.New()
	t.Cleanup(w.sl.Close)
	w.sl.SetToken(fakeSlackBot)
	w.sl.SetBotUser("U0BOT", "T100")
	members := []string{"U0BOT"}
	for i := range 200 {
		w.sl.AddUser(slackfake.User{ID: slackUser(i), Name: fmt.Sprintf("user%d", i)})
		members = append(members, slackUser(i))
	}
	w.sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: members})
	w.hf = hffake.New()
	t.Cleanup(w.hf.Close)
	raw, err := os.ReadFile(filepath.Join("..", "..", "adapters", "huggingface", "sample", "daily_papers_2026-08-21.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range bot.RecentLists(time.Now()) {
		if err := w.hf.SetList(d.String(), raw); err != nil {
			t.Fatal(err)
		}
	}
	w.hfHold = newHoldProxy(t, w.hf.URL(), func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/daily_papers") })
	w.dcHold = newHoldProxy(t, w.dc.URL(), func(r *http.Request) bool {
		return r.Method == http.MethodPatch && strings.Contains(r.URL.Path, "/held_") && strings.HasSuffix(r.URL.Path, "/messages/@original")
	})
	w.slHold = newHoldProxy(t, w.sl.URL(), func(r *http.Request) bool {
		return strings.HasPrefix(r.URL.Path, slackfake.ResponseURLPrefix+"held-")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.slackAddr = ln.Addr().String()
	ln.Close()
	graceLine := ""
	if grace != "" {
		graceLine = "  shutdown_grace: " + grace + "\n"
	}
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
  list_ready_utc: "00:00"
  max_retries: 0
  min_interval: 0s
limits:
  searches_per_minute: 100
  subscription_changes_per_minute: 100
%sdiscord:
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
`, w.hfHold.URL(), graceLine, w.dcHold.URL(), w.slackAddr, w.sl.APIURL()))
	db := filepath.Join(t.TempDir(), "p.db")
	cmd, stdout, stderr := startBinaryEnv(t, []string{"DISCORD_BOT_TOKEN=" + fakeDiscordToken, "SLACK_BOT_TOKEN=" + fakeSlackBot,
		"SLACK_SIGNING_SECRET=" + lifeSecret}, "run", "--config", cfg, "--db", db, "--log-level", "debug")
	go io.Copy(io.Discard, stdout)
	w.stderr = stderr
	var once sync.Once
	var code int
	var werr error
	w.wait = func() (int, error) {
		once.Do(func() {
			werr = cmd.Wait()
			code = cmd.ProcessState.ExitCode()
		})
		return code, werr
	}
	w.signal = func(s os.Signal) {
		if err := cmd.Process.Signal(s); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "daemon started") || w.gw.Sessions() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start (gateway sessions: %d):\n%s", w.gw.Sessions(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return w
}

// send delivers a command: an interaction over the gateway, or a signed
// slash command to the HTTP endpoint (which must acknowledge it with 200).
// Keys starting "held" have their answers held by the proxies.
func (w *lifeWorld) send(t *testing.T, c *lifeCmd) {
	t.Helper()
	if err := w.trySend(c); err != nil {
		t.Fatal(err)
	}
}

func (w *lifeWorld) trySend(c *lifeCmd) error {
	parsed := bot.ParseCommand("/papers", c.text)
	if c.platform == "discord" {
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		for k, v := range parsed.Args {
			opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{Name: k, Type: discordgo.ApplicationCommandOptionString, Value: v})
		}
		w.mu.Lock()
		w.seq++
		id := fmt.Sprintf("8900000000%04d", w.seq)
		w.mu.Unlock()
		i := &discordgo.Interaction{ID: id, AppID: "9100", Type: discordgo.InteractionApplicationCommand, GuildID: "9000",
			ChannelID: "100", Token: c.key, AppPermissions: discordgo.PermissionSendMessages | discordgo.PermissionViewChannel,
			Member: &discordgo.Member{User: &discordgo.User{ID: c.user}},
			Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: parsed.Sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}}}
		return w.gw.DispatchInteraction(i)
	}
	w.sl.ResponseURL(c.key) // created on the fake; reached through the proxy
	body := url.Values{"team_id": {"T100"}, "channel_id": {"C100"}, "channel_name": {"papers"}, "user_id": {c.user},
		"command": {"/papers"}, "text": {c.text}, "response_url": {w.slHold.URL() + slackfake.ResponseURLPrefix + url.PathEscape(c.key)},
		"trigger_id": {c.key}}.Encode()
	req, _ := http.NewRequest("POST", "http://"+w.slackAddr+"/slack/commands", strings.NewReader(body))
	req.Header = signSlack(body, time.Now(), lifeSecret)
	resp, err := w.httpc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("slack %q: status %d", c.text, resp.StatusCode)
	}
	return nil
}

// answers returns what each command's user saw, by key: on Discord the
// callbacks that carry a message (not the "thinking…" deferral) and the
// edits of the deferred reply; on Slack the POSTs to the response_url and
// the ephemeral messages to the command's user.
func (w *lifeWorld) answers(cmds []*lifeCmd) map[string][]string {
	out := map[string][]string{}
	byUser := map[string]string{}
	for _, c := range cmds {
		out[c.key] = nil
		if c.platform == "slack" {
			byUser[c.user] = c.key
		}
	}
	for _, r := range w.dc.InteractionResponses() {
		if _, ok := out[r.Token]; !ok || (r.Kind == "callback" && r.Type == 5) {
			continue
		}
		var m struct {
			Content string `json:"content"`
		}
		_ = json.Unmarshal(r.Data, &m)
		out[r.Token] = append(out[r.Token], r.Kind+": "+m.Content+string(r.Data))
	}
	for _, r := range w.sl.Responses() {
		if _, ok := out[r.Name]; ok {
			out[r.Name] = append(out[r.Name], "response_url: "+r.Text+string(r.Blocks))
		}
	}
	for _, e := range w.sl.Ephemerals() {
		if key, ok := byUser[e.User]; ok {
			out[key] = append(out[key], "postEphemeral: "+e.Text+string(e.Blocks))
		}
	}
	return out
}

func isRestarting(answer string) bool {
	return strings.Contains(answer, "restarting, try again in a minute")
}

// heldCommands makes 25 commands per platform, each from its own user,
// all with held answers.
func heldCommands() []*lifeCmd {
	var cmds []*lifeCmd
	for _, platform := range []string{"discord", "slack"} {
		for i := range 25 {
			c := &lifeCmd{platform: platform, text: lifeKinds[i%len(lifeKinds)]}
			if platform == "discord" {
				c.key, c.user = fmt.Sprintf("held_tok_%02d", i), discordUser(i)
			} else {
				c.key, c.user = fmt.Sprintf("held-%02d", i), slackUser(i)
			}
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// inFlight sends the commands and waits until each is running and held:
// every Discord interaction deferred, every Slack command acknowledged,
// each finished command's answer waiting at its proxy and each today
// waiting for Hugging Face.
func (w *lifeWorld) inFlight(t *testing.T, cmds []*lifeCmd) {
	t.Helper()
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for n, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[n] = w.trySend(c)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{}
	for _, c := range cmds {
		if c.text == "today" {
			want["today"]++
		} else if c.platform == "slack" {
			want["slack"]++
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		deferred := 0
		for _, r := range w.dc.InteractionResponses() {
			if r.Kind == "callback" && r.Type == 5 && strings.HasPrefix(r.Token, "held_") {
				deferred++
			}
		}
		// discordgo sends one request at a time per rate-limit bucket, and
		// every edit of an interaction's reply is in one: the first held
		// edit keeps the other Discord answers waiting in the process.
		if deferred == 25 && w.dcHold.Held() >= 1 && w.slHold.Held() == want["slack"] && w.hfHold.Held() >= want["today"] {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all in flight: %d deferred, %d Discord answers held, %d Slack answers held (want %d), %d list fetches held (want %d)\n%s",
				deferred, w.dcHold.Held(), w.slHold.Held(), want["slack"], w.hfHold.Held(), want["today"], w.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exit waits for the daemon to exit and returns its exit code and how
// long after since that was.
func (w *lifeWorld) exit(t *testing.T, since time.Time, within time.Duration) (int, time.Duration) {
	t.Helper()
	done := make(chan int, 1)
	go func() {
		code, _ := w.wait()
		done <- code
	}()
	select {
	case code := <-done:
		return code, time.Since(since)
	case <-time.After(within):
		t.Fatalf("still running %v after SIGTERM\n%s", within, w.stderr.String())
		return 0, 0
	}
}

// checkShutdownLog fails on what a user or an operator would notice in the log
// of a clean shutdown: the store closed under a command, an ERROR line,
// and "paperboy stopped" not being the last line.
func checkShutdownLog(t *testing.T, log string) {
	t.Helper()
	if strings.Contains(log, "database is closed") {
		t.Errorf("the store was closed under a command:\n%s", log)
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("ERROR at shutdown: %s", line)
		}
	}
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "paperboy stopped") {
		t.Errorf("the last line is %q, want \"paperboy stopped\"", last)
	}
}

// TestLifetimeSIGTERMWith50CommandsInFlight sends SIGTERM to the real
// binary while 50 commands run, 25 on Discord and 25 on Slack (today,
// search, subscribe, status): some still working (waiting for Hugging
// Face), the others waiting for the platform to take their answer.
//
// Within the grace (the default 10 s): new commands are told "paperboy
// is restarting, try again in a minute." at once on both platforms while
// the running ones finish; each of the 50 then gets its own answer, once;
// the process exits 0 before the grace is up, with no "database is
// closed" and no ERROR.
//
// Past the grace (limits.shutdown_grace: 300ms, nothing released until
// both platforms cancelled their commands): each of the 50 still gets
// exactly one answer, its result or "restarting"; the ones still working
// are told "restarting"; the process exits 0, with no "database is closed"
// and no ERROR.
func TestLifetimeSIGTERMWith50CommandsInFlight(t *testing.T) {
	t.Run("within the grace", func(t *testing.T) {
		w := startLifeWorld(t, "")
		cmds := heldCommands()
		w.inFlight(t, cmds)
		sigterm := time.Now()
		w.signal(syscall.SIGTERM)

		// Stops taking commands: a new one on each platform is told to
		// try again (a probe sent before the signal is seen is answered
		// normally; the next one is sent).
		var probes []*lifeCmd
		for _, platform := range []string{"discord", "slack"} {
			deadline := time.Now().Add(5 * time.Second)
			for n := 0; ; n++ {
				p := &lifeCmd{platform: platform, text: "help"}
				if platform == "discord" {
					p.key, p.user = fmt.Sprintf("probe_tok_%02d", n), discordUser(100+n)
				} else {
					p.key, p.user = fmt.Sprintf("probe-%02d", n), slackUser(100+n)
				}
				probes = append(probes, p)
				w.send(t, p)
				var got []string
				for len(got) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
					got = w.answers([]*lifeCmd{p})[p.key]
				}
				if len(got) == 1 && isRestarting(got[0]) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: no command told \"restarting\" within 5 s of SIGTERM (last: %q)\n%s", platform, got, w.stderr.String())
				}
			}
		}
		w.hfHold.Release()
		w.dcHold.Release()
		w.slHold.Release()
		code, took := w.exit(t, sigterm, 30*time.Second)
		log := w.stderr.String()
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, log)
		}
		if took >= defaultShutdownGrace {
			t.Errorf("exited %v after SIGTERM, not within the %v grace", took, defaultShutdownGrace)
		}
		got := w.answers(append(cmds, probes...))
		for _, c := range cmds {
			a := got[c.key]
			switch {
			case len(a) != 1:
				t.Errorf("%s %q (%s): %d answers, want 1: %q", c.platform, c.text, c.key, len(a), a)
			case isRestarting(a[0]):
				t.Errorf("%s %q (%s): told to try again, though it finished within the grace", c.platform, c.text, c.key)
			case strings.Contains(a[0], "Something went wrong"):
				t.Errorf("%s %q (%s): %s", c.platform, c.text, c.key, a[0])
			}
		}
		for _, p := range probes {
			if len(got[p.key]) != 1 {
				t.Errorf("probe %s: %d answers, want 1: %q", p.key, len(got[p.key]), got[p.key])
			}
		}
		if strings.Contains(log, "cancelling the commands") {
			t.Errorf("commands were cancelled though all finished within the grace:\n%s", log)
		}
		checkShutdownLog(t, log)
		t.Logf("exited %v after SIGTERM; %d probes", took, len(probes))
	})

	t.Run("past the grace", func(t *testing.T) {
		w := startLifeWorld(t, "300ms")
		cmds := heldCommands()
		w.inFlight(t, cmds)
		sigterm := time.Now()
		w.signal(syscall.SIGTERM)
		// The answers stay held until both platforms have cancelled what
		// still runs and every Slack answer is on its way: the results of
		// the commands that had finished (the cancellation must not
		// abort them) and the "restarting" of the ones still working.
		// Hugging Face never answers.
		deadline := time.Now().Add(10 * time.Second)
		for steady := 0; steady < 3; {
			log := w.stderr.String()
			if strings.Contains(log, "discord: shutting down; cancelling") && strings.Contains(log, "slack: cancelling") && w.slHold.Held() == 25 {
				steady++ // (an answer aborted by the cancellation leaves the proxy within a poll)
			} else {
				steady = 0
			}
			if time.Now().After(deadline) {
				t.Fatalf("within 10 s of SIGTERM, the platforms did not both cancel their commands, or not every Slack answer was on its way (%d of 25 held):\n%s", w.slHold.Held(), log)
			}
			time.Sleep(10 * time.Millisecond)
		}
		w.dcHold.Release()
		w.slHold.Release()
		code, took := w.exit(t, sigterm, 30*time.Second)
		log := w.stderr.String()
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, log)
		}
		got := w.answers(cmds)
		told := 0
		for _, c := range cmds {
			a := got[c.key]
			switch {
			case len(a) != 1:
				t.Errorf("%s %q (%s): %d answers, want 1: %q", c.platform, c.text, c.key, len(a), a)
			case c.text == "today" && !isRestarting(a[0]):
				t.Errorf("%s %q (%s): still working when cancelled, but answered %q", c.platform, c.text, c.key, a[0])
			case strings.Contains(a[0], "Something went wrong"):
				t.Errorf("%s %q (%s): %s", c.platform, c.text, c.key, a[0])
			}
			if len(a) == 1 && isRestarting(a[0]) {
				told++
			}
		}
		checkShutdownLog(t, log)
		t.Logf("exited %v after SIGTERM; %d of %d told to try again", took, told, len(cmds))
	})
}
