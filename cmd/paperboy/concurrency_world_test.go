package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
	"github.com/paperboy-bot/paperboy/store/synth"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

// The world of TestConcurrentCommands: the daemon, the fakes, the live
// lists, and how a burst is sent and its answers collected.

// concWorld is the daemon (both platforms) and the fakes it talks to.
type concWorld struct {
	dc        *discordfake.Server
	gw        *discordfake.Gateway
	live      *liveLists
	sl        *slackfake.Server
	slackAddr string
	db        string
	errb      *syncBuffer
	stop      func()
	httpc     *http.Client
	mu        sync.Mutex
	seq       int
}

func discordUser(i int) string { return strconv.Itoa(700000 + i) }
func slackUser(i int) string   { return fmt.Sprintf("U7%05d", i) }

// startConcWorld fills a database with a synthetic corpus of the last 40
// days and starts `paperboy run` on it with Discord (gateway on) and Slack
// (HTTP mode).
func startConcWorld(t *testing.T) *concWorld {
	t.Helper()
	w := &concWorld{errb: &syncBuffer{}, db: filepath.Join(t.TempDir(), "p.db")}
	w.httpc = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 400}}

	ctx := context.Background()
	sample, err := allPapers(huggingface.NewSample())
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, w.db)
	if err != nil {
		t.Fatal(err)
	}
	today := bot.DateOf(time.Now().UTC())
	var batch []bot.Paper
	flush := func() error {
		_, err := db.SavePapers(ctx, batch, time.Now())
		batch = batch[:0]
		return err
	}
	err = synth.New(sample, today.AddDays(-40), 41).Papers(concCorpus, synth.Seed, func(p bot.Paper) error {
		if batch = append(batch, p); len(batch) == 500 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	w.dc = fakeDiscord(t)
	w.gw = w.dc.StartGateway()
	w.sl = slackfake.New()
	t.Cleanup(w.sl.Close)
	w.sl.SetToken(fakeSlackBot)
	w.sl.SetBotUser("U0BOT", "T100")
	w.sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.slackAddr = ln.Addr().String()
	ln.Close()
	for i := range concUsers {
		w.dc.AddUser(discordUser(i), fmt.Sprintf("user%d", i))
		w.sl.AddUser(slackfake.User{ID: slackUser(i), Name: fmt.Sprintf("user%d", i)})
	}
	w.live = newLiveLists(t)
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
  list_ready_utc: "00:00"
  min_interval: 1ms
schedule:
  poll_interval: 1s
alerts:
  max_topics: %d
# Each user sends up to 11 subscription changes within the three bursts,
# a few seconds apart: these tests race commands against each other, not
# against the per-user buckets (TestFairUseUnderLoad does that). The cap on
# concurrent searches stays at its default.
limits:
  searches_per_minute: 100
  subscription_changes_per_minute: 100
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
`, w.live.hf.URL(), concMax, w.dc.URL(), w.slackAddr, w.sl.APIURL()))
	env := testEnv("DISCORD_BOT_TOKEN", fakeDiscordToken, "SLACK_BOT_TOKEN", fakeSlackBot, "SLACK_SIGNING_SECRET", concSecret)
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Main(runCtx, []string{"run", "--config", cfg, "--db", w.db, "--log-level", "debug"}, Options{Getenv: env, Stdout: &syncBuffer{}, Stderr: w.errb})
	}()
	var once sync.Once
	w.stop = func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("daemon exit %d\n%s", code, w.errb.String())
			}
		})
	}
	t.Cleanup(w.stop)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(w.errb.String(), "daemon started") || w.gw.Sessions() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start (gateway sessions: %d):\n%s", w.gw.Sessions(), w.errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return w
}

// liveLists are today's and yesterday's lists on a fake Hugging Face,
// changing while the commands run: every tick adds papers and changes
// upvotes. Titles carry topic words, so new papers match subscriptions.
type liveLists struct {
	hf    *hffake.Server
	base  []map[string]any // the sample's elements
	days  []bot.Date
	mu    sync.Mutex
	ticks int
}

func newLiveLists(t *testing.T) *liveLists {
	t.Helper()
	l := &liveLists{hf: hffake.New(), days: bot.RecentLists(time.Now())}
	t.Cleanup(l.hf.Close)
	raw, err := os.ReadFile(filepath.Join("..", "..", "adapters", "huggingface", "sample", "daily_papers_2026-08-21.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &l.base); err != nil {
		t.Fatal(err)
	}
	if err := l.tick(); err != nil {
		t.Fatal(err)
	}
	return l
}

var liveWords = []string{"diffusion", "retrieval", "multimodal", "alignment", "distillation", "quantization",
	"segmentation", "robot", "video generation", "reasoning"}

// tick publishes the next version of the lists: the first ones keep their
// papers with new upvotes, and two papers are new on each list.
func (l *liveLists) tick() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ticks++
	for d, day := range l.days {
		var list []map[string]any
		// The client reads 100 papers of a list (more than Hugging Face
		// ever lists a day): two new ones first, two old ones drop out.
		for k := 2*l.ticks + concListSize - 1; k >= 2*l.ticks; k-- {
			var e map[string]any
			b, _ := json.Marshal(l.base[k%len(l.base)])
			_ = json.Unmarshal(b, &e)
			p := e["paper"].(map[string]any)
			p["id"] = fmt.Sprintf("96%02d.%05d", d+1, k)
			title := fmt.Sprintf("%s, %s edition %d", p["title"], liveWords[k%len(liveWords)], k)
			p["title"], e["title"] = title, title
			p["submittedOnDailyAt"] = day.String() + "T00:00:00.000Z"
			p["publishedAt"] = day.String() + "T00:00:00.000Z"
			p["upvotes"] = k%50 + l.ticks
			list = append(list, e)
		}
		body, err := json.Marshal(list)
		if err != nil {
			return err
		}
		if err := l.hf.SetList(day.String(), body); err != nil {
			return err
		}
	}
	return nil
}

// run ticks every period until ctx ends.
func (l *liveLists) run(ctx context.Context, period time.Duration) {
	tk := time.NewTicker(period)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			_ = l.tick()
		}
	}
}

func allPapers(src *huggingface.Archive) ([]bot.Paper, error) {
	var out []bot.Paper
	err := src.All(context.Background(), func(p bot.Paper) error {
		out = append(out, p)
		return nil
	}, nil)
	return out, err
}

func (w *concWorld) nextKey(prefix string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seq++
	return fmt.Sprintf("%s%d", prefix, w.seq)
}

// send delivers one command through the platform's entry point and, for
// Slack, records the acknowledgement.
func (w *concWorld) send(c *concCmd) error {
	if c.click != "" {
		return w.sendClick(c)
	}
	parsed := bot.ParseCommand("/papers", c.text)
	if c.platform == "discord" {
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		for _, k := range slices.Sorted(maps.Keys(parsed.Args)) {
			opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{Name: k, Type: discordgo.ApplicationCommandOptionString, Value: parsed.Args[k]})
		}
		c.key = w.nextKey("88000000000")
		i := &discordgo.Interaction{ID: c.key, AppID: "9100", Type: discordgo.InteractionApplicationCommand, GuildID: "9000",
			ChannelID: "100", Token: "conc_itok_" + c.key, AppPermissions: discordgo.PermissionSendMessages | discordgo.PermissionViewChannel,
			Member: &discordgo.Member{User: &discordgo.User{ID: discordUser(c.user)}},
			Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: parsed.Sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}}}
		c.sent = time.Now()
		return w.gw.DispatchInteraction(i)
	}
	c.key = w.nextKey("conc-r")
	body := url.Values{"team_id": {"T100"}, "channel_id": {"C100"}, "channel_name": {"papers"}, "user_id": {slackUser(c.user)},
		"command": {"/papers"}, "text": {c.text}, "response_url": {w.sl.ResponseURL(c.key)}, "trigger_id": {c.key}}.Encode()
	c.sent = time.Now()
	req, _ := http.NewRequest("POST", "http://"+w.slackAddr+"/slack/commands", strings.NewReader(body))
	req.Header = signSlack(body, c.sent, concSecret)
	resp, err := w.httpc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	c.ack, c.status = time.Since(c.sent), resp.StatusCode
	c.acked = resp.StatusCode == http.StatusOK
	return nil
}

// sendClick clicks a button of an earlier answer: a component interaction
// over the gateway, or a signed request to Slack's interactivity endpoint.
func (w *concWorld) sendClick(c *concCmd) error {
	if c.platform == "discord" {
		c.key = w.nextKey("88000000000")
		i := &discordgo.Interaction{ID: c.key, AppID: "9100", Type: discordgo.InteractionMessageComponent, GuildID: "9000",
			ChannelID: "100", Token: "conc_itok_" + c.key, Member: &discordgo.Member{User: &discordgo.User{ID: discordUser(c.user)}},
			Message: &discordgo.Message{ID: "1" + c.key, ChannelID: "100"},
			Data:    discordgo.MessageComponentInteractionData{CustomID: c.click, ComponentType: discordgo.ButtonComponent}}
		c.sent = time.Now()
		return w.gw.DispatchInteraction(i)
	}
	c.key = w.nextKey("conc-r")
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]string{"id": slackUser(c.user)},
		"team": map[string]string{"id": "T100"}, "channel": map[string]string{"id": "C100"}, "trigger_id": c.key,
		"response_url": w.sl.ResponseURL(c.key),
		"actions":      []map[string]string{{"type": "button", "block_id": "paperboy_actions", "action_id": "paperboy_action_1", "value": c.click}}})
	body := url.Values{"payload": {string(payload)}}.Encode()
	c.sent = time.Now()
	req, _ := http.NewRequest("POST", "http://"+w.slackAddr+"/slack/interactivity", strings.NewReader(body))
	req.Header = signSlack(body, c.sent, concSecret)
	resp, err := w.httpc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	c.ack, c.status = time.Since(c.sent), resp.StatusCode
	c.acked = resp.StatusCode == http.StatusOK
	return nil
}

// burst sends all commands at the same moment and waits for every answer
// (at most a minute).
func (w *concWorld) burst(t *testing.T, cmds []*concCmd) {
	t.Helper()
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, len(cmds))
	for _, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := w.send(c); err != nil {
				errs <- fmt.Errorf("%s %q: %w", c.platform, c.text, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	byKey := map[string]*concCmd{}
	for _, c := range cmds {
		byKey[c.key] = c
	}
	deadline := time.Now().Add(time.Minute)
	for {
		missing := 0
		for _, r := range w.dc.InteractionResponses() {
			c := byKey[r.InteractionID]
			if c == nil {
				continue
			}
			switch r.Kind {
			case "callback":
				c.ack, c.acked = r.Time.Sub(c.sent), r.Type == 4 || r.Type == 5 || r.Type == 6
				if r.Type == 4 {
					c.answer = c.ack
					c.reply, c.next = discordText(r.Data)
				}
			case "edit":
				c.answer = r.Time.Sub(c.sent)
				c.reply, c.next = discordText(r.Data)
			}
		}
		for _, r := range w.sl.Responses() {
			if c := byKey[r.Name]; c != nil && c.reply == "" {
				c.answer, c.reply, c.next = r.Time.Sub(c.sent), r.Text, slackNext(r.Blocks)
			}
		}
		for _, c := range cmds {
			if c.reply == "" {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d of %d commands not answered within a minute", missing, len(cmds))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// discordText is the text of an interaction answer (content and embed
// titles) and the action of its Next button.
func discordText(raw json.RawMessage) (text, next string) {
	var m struct {
		Content string `json:"content"`
		Embeds  []struct {
			Title string `json:"title"`
		} `json:"embeds"`
		Components []struct {
			Components []struct {
				Label    string `json:"label"`
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	_ = json.Unmarshal(raw, &m)
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title)
	}
	for _, row := range m.Components {
		for _, b := range row.Components {
			if strings.HasPrefix(b.Label, "Next") {
				next = b.CustomID
			}
		}
	}
	return strings.Join(parts, "\n"), next
}

// slackNext is the action of the Next button in a Slack answer's blocks.
func slackNext(blocks json.RawMessage) string {
	var bs []struct {
		Type     string `json:"type"`
		Elements []struct {
			Text struct {
				Text string `json:"text"`
			} `json:"text"`
			Value string `json:"value"`
		} `json:"elements"`
	}
	_ = json.Unmarshal(blocks, &bs)
	for _, b := range bs {
		for _, e := range b.Elements {
			if b.Type == "actions" && strings.HasPrefix(e.Text.Text, "Next") {
				return e.Value
			}
		}
	}
	return ""
}
