package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// gatedStore is the real store whose searches wait at a gate: each one
// says it started (entered), then runs when the test lets one through
// (release) or gives up when its context ends.
type gatedStore struct {
	*store.DB
	entered chan struct{}
	release chan struct{}
	active  atomic.Int32
	closed  atomic.Bool
	late    atomic.Int32 // searches that ran with the store closed
}

func (g *gatedStore) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResults, error) {
	g.active.Add(1)
	defer g.active.Add(-1)
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return bot.SearchResults{}, ctx.Err()
	}
	if g.closed.Load() {
		g.late.Add(1)
	}
	return g.DB.Search(ctx, req)
}

// next waits for the next interaction response, failing the test if the
// fake stops answering (a broken adapter would otherwise hang the test).
func next(t *testing.T, ch <-chan discordfake.InteractionResponse) discordfake.InteractionResponse {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no interaction response")
		return discordfake.InteractionResponse{}
	}
}

func responseContent(r discordfake.InteractionResponse) string {
	var d struct {
		Content string `json:"content"`
	}
	json.Unmarshal(r.Data, &d)
	return d.Content
}

// Issue 14, point 3: 50 searches in flight through the gateway, then a
// shutdown. An interaction arriving meanwhile is told "restarting" at
// once; the 20 searches let through during the grace are answered with
// their results; the 30 still running when the grace ends are cancelled
// and their users told "restarting" in the reply; Shutdown returns only
// when every handler has, and the store is closed after it: no search runs
// on a closed store, no "database is closed". discordgo's gateway lines,
// at debug level, carry no interaction token.
func TestShutdownWith50CommandsInFlight(t *testing.T) {
	const inFlight, finish = 50, 20
	e := newEnv(t, allPerms)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 3), e.now); err != nil {
		t.Fatal(err)
	}
	gs := &gatedStore{DB: e.db, entered: make(chan struct{}, inFlight+5), release: make(chan struct{}, inFlight)}
	e.b.Store = gs
	gw := e.srv.StartGateway()
	d, err := New(Options{Token: testToken, APIURL: e.srv.URL(), ApplicationID: appID, GuildIDs: []string{guildID},
		Sleep:  func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	d.s.LogLevel = discordgo.LogDebug // its gateway lines print every payload
	d.SetCommands(&bot.Commands{Bot: e.b, DefaultZone: "UTC"})
	e.b.Platforms[Name] = d
	ready := make(chan struct{})
	d.s.AddHandlerOnce(func(*discordgo.Session, *discordgo.Ready) { close(ready) })
	if err := d.Open(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	defer d.s.Close()
	<-ready
	answers, stop := e.srv.WatchInteractionResponses(4 * inFlight)
	defer stop()

	interaction := func(n int) *discordgo.Interaction {
		return &discordgo.Interaction{ID: "5" + itoa(1000+n), AppID: appID, Type: discordgo.InteractionApplicationCommand, GuildID: guildID,
			ChannelID: textID, Token: "gwtoken-" + itoa(n), AppPermissions: allPerms,
			Member: &discordgo.Member{User: &discordgo.User{ID: "8" + itoa(1000+n)}, Permissions: discordgo.PermissionViewChannel},
			Data: discordgo.ApplicationCommandInteractionData{ID: "c1", Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{
				sub("search", opt("query", "diffusion"))}}}
	}
	for n := 0; n < inFlight; n++ {
		if err := gw.DispatchInteraction(interaction(n)); err != nil {
			t.Fatal(err)
		}
	}
	for n := 0; n < inFlight; n++ {
		<-gs.entered
	}
	// Every one is deferred, and every one is in its search.
	final := map[string]string{} // token → what the user last saw
	for n := 0; n < inFlight; n++ {
		r := next(t, answers)
		if r.Kind != "callback" || r.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
			t.Fatalf("before the shutdown: %+v", r)
		}
	}

	sctx, cancelGrace := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- d.Shutdown(sctx) }()
	<-d.life.stopping

	// A new interaction meanwhile: told at once, never run.
	if err := gw.DispatchInteraction(interaction(inFlight)); err != nil {
		t.Fatal(err)
	}
	r := next(t, answers)
	if r.Kind != "callback" || r.Type != int(discordgo.InteractionResponseChannelMessageWithSource) {
		t.Fatalf("an interaction during the shutdown: %+v", r)
	}
	var cb struct {
		Content string                 `json:"content"`
		Flags   discordgo.MessageFlags `json:"flags"`
	}
	json.Unmarshal(r.Data, &cb)
	if !strings.Contains(cb.Content, "paperboy is restarting, try again in a minute") || cb.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("an interaction during the shutdown was answered %+v", cb)
	}

	// The grace: 20 searches finish and are answered with their results.
	for n := 0; n < finish; n++ {
		gs.release <- struct{}{}
	}
	for n := 0; n < finish; n++ {
		r := next(t, answers)
		c := responseContent(r)
		if r.Kind != "edit" || !strings.Contains(c, "3 papers match") {
			t.Fatalf("a search finished in the grace was answered %s: %q", r.Kind, c)
		}
		final[r.Token] = c
	}
	// The grace ends: the other 30 are cancelled, and told.
	cancelGrace()
	cancelled := <-done
	if cancelled != inFlight-finish {
		t.Errorf("Shutdown cancelled %d commands, want %d", cancelled, inFlight-finish)
	}
	if n := gs.active.Load(); n != 0 {
		t.Fatalf("%d searches still running after Shutdown returned", n)
	}
	gs.closed.Store(true)
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < inFlight-finish; n++ {
		// Sent before Shutdown returned: already waiting in the channel.
		var r discordfake.InteractionResponse
		select {
		case r = <-answers:
		default:
			t.Fatalf("only %d of the cancelled commands were told before Shutdown returned", n)
		}
		c := responseContent(r)
		if r.Kind != "edit" || !strings.Contains(c, "paperboy is restarting, try again in a minute") {
			t.Fatalf("a cancelled command was answered %s: %q", r.Kind, c)
		}
		final[r.Token] = c
	}
	if len(final) != inFlight {
		t.Errorf("%d distinct interactions answered, want %d", len(final), inFlight)
	}
	// After Shutdown: nothing runs, nothing is sent.
	before := len(e.srv.Requests())
	d.HandleInteraction(&discordgo.InteractionCreate{Interaction: interaction(inFlight + 1)})
	if got := len(e.srv.Requests()); got != before {
		t.Errorf("an interaction after Shutdown made %d requests", got-before)
	}
	if gs.late.Load() != 0 {
		t.Errorf("%d searches ran on the closed store", gs.late.Load())
	}
	logs := e.logs.String()
	if strings.Contains(logs, "database is closed") {
		t.Errorf("the store was used after it was closed:\n%s", logs)
	}
	if !strings.Contains(logs, "INTERACTION_CREATE") {
		t.Errorf("discordgo's debug lines did not reach the log (the scrub check would be empty)")
	}
	if l := leaks(logs); len(l) > 0 {
		t.Errorf("a token in the log:\n%s", strings.Join(l, "\n"))
	}
	if d.Shutdown(context.Background()) != 0 {
		t.Error("a second Shutdown cancelled something")
	}
}

// A button click (search paging) cut short by the shutdown leaves the page
// it was on as it is and tells its user in an ephemeral follow-up.
func TestShutdownCutButtonFollowsUp(t *testing.T) {
	e := newEnv(t, allPerms)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 12), e.now); err != nil {
		t.Fatal(err)
	}
	a := e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("search", opt("query", "diffusion")))
	ids := customIDRe.FindAllStringSubmatch(a.Raw, -1)
	if len(ids) != 1 {
		t.Fatalf("no Next button: %s", a.Raw)
	}
	gs := &gatedStore{DB: e.db, entered: make(chan struct{}, 1), release: make(chan struct{})}
	e.b.Store = gs
	before := len(e.srv.InteractionResponses())
	clicked := make(chan struct{})
	go func() {
		defer close(clicked)
		e.click(ids[0][1])
	}()
	<-gs.entered
	over, cancel := context.WithCancel(context.Background())
	cancel() // no grace
	if n := e.d.Shutdown(over); n != 1 {
		t.Errorf("Shutdown cut %d commands short, want 1", n)
	}
	<-clicked
	var kinds []string
	for _, r := range e.srv.InteractionResponses()[before:] {
		kinds = append(kinds, r.Kind)
		if r.Kind == "followup" {
			var m struct {
				Content string                 `json:"content"`
				Flags   discordgo.MessageFlags `json:"flags"`
			}
			json.Unmarshal(r.Data, &m)
			if !strings.Contains(m.Content, "paperboy is restarting, try again in a minute") || m.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("follow-up: %+v", m)
			}
		}
	}
	if strings.Join(kinds, ",") != "callback,followup" {
		t.Errorf("the click got %v, want the acknowledgement and one follow-up (no edit of the page)", kinds)
	}
}
