package discord

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/bot"
)

// The fault scopes of the leak test: together they cover every route of
// the fake the adapter calls, one family at a time (so that the calls
// before a failing one succeed and the failing one is reached), then all
// at once.
var leakScopes = []struct {
	name string
	rule discordfake.Rule
}{
	{"channel reads", discordfake.Rule{Method: "GET", PathPrefix: "/channels/"}},
	{"channel posts", discordfake.Rule{Method: "POST", PathPrefix: "/channels/"}},
	{"channel edits", discordfake.Rule{Method: "PATCH", PathPrefix: "/channels/"}},
	{"guilds", discordfake.Rule{PathPrefix: "/guilds/"}},
	{"users", discordfake.Rule{PathPrefix: "/users/"}},
	{"applications", discordfake.Rule{PathPrefix: "/applications/"}},
	{"oauth2", discordfake.Rule{PathPrefix: "/oauth2/"}},
	{"interaction callbacks", discordfake.Rule{PathPrefix: "/interactions/"}},
	{"interaction webhooks", discordfake.Rule{PathPrefix: "/webhooks/"}},
	{"everything", discordfake.Rule{PathPrefix: "/"}},
}

// The faults: a response later than the client waits, a connection closed
// (hijacked) before and after the request took effect, 5xx (502 is the
// one discordgo turns into a plain error), and 429s.
var leakFaults = []struct {
	name string
	rule discordfake.Rule
}{
	{"timeout", discordfake.Rule{Delay: 2 * time.Second}},
	{"reset before", discordfake.Rule{DropBeforeApply: true}},
	{"reset after", discordfake.Rule{DropAfterApply: true}},
	{"500", discordfake.Rule{Status: 500}},
	{"502", discordfake.Rule{Status: 502}},
	// 429s, waited out by the adapter (discordgo's own retry is off).
	{"429", discordfake.Rule{RetryAfter: 5 * time.Millisecond, Times: 6}},
}

// leakRun drives every kind of request the adapter makes, with fault
// installed, and returns the texts of the errors it got back. The logs
// are in e.logs.
func leakRun(t *testing.T, e *env, fault discordfake.Rule) []string {
	t.Helper()
	ctx := context.Background()
	var errs []string
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	remove := e.srv.AddRule(fault)
	defer remove()
	// Digests: channel lookup, posts, recent messages, threads, forum
	// posts, active threads.
	for _, ch := range []string{textID, forumID} {
		res, err := e.digest(ch)
		keep(err)
		errs = append(errs, res.Run.Reason)
	}
	keep(e.d.unarchive(ctx, textID))
	_, _, err := e.d.findForumPost(ctx, &discordgo.Channel{ID: forumID, GuildID: guildID, Type: discordgo.ChannelTypeGuildForum}, &bot.Message{Digest: &bot.Digest{ListDate: listDay}})
	keep(err)
	dg := &bot.Digest{ListDate: listDay}
	_, err = e.d.ensureThread(ctx, textID, &discordgo.Message{ID: "1"}, dg)
	keep(err)
	// Direct messages: open the DM channel, find, send.
	u := bot.UserRef{Platform: Name, ID: memberID}
	dm := &bot.DirectMessage{Key: "leak:1", Reply: bot.Reply{Lines: []bot.Line{{bot.Text("hello")}}}}
	_, _, err = e.d.FindDM(ctx, u, "", dm.Key)
	keep(err)
	_, err = e.d.SendDM(ctx, u, "", dm)
	keep(err)
	// Command registration, per guild and (application looked up) global.
	keep(e.d.RegisterCommands(ctx))
	d2, err := New(Options{Token: testToken, APIURL: e.srv.URL(), Timeout: e.d.opts.Timeout, Retries: 1,
		Sleep: e.d.opts.Sleep, Logger: e.d.log, AllowedGuilds: []string{guildID}})
	if err != nil {
		t.Fatal(err)
	}
	keep(d2.RegisterCommands(ctx))
	// Interactions: a deferred command and its answer, an instant one, a
	// button, a direct message (its sender looked up among the allowed
	// server's members), a foreign server's (refused).
	e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("search", opt("query", "diffusion")))
	e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("help"))
	e.command(memberID, discordgo.PermissionViewChannel, "papers-admin", group("channel", sub("set")))
	e.click("s:0000000000000000:1")
	interactionSeq++
	e.d.HandleInteraction(&discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ID: "66" + itoa(interactionSeq), AppID: appID,
		Type: discordgo.InteractionApplicationCommand, ChannelID: "300", Token: "dmtoken-" + itoa(interactionSeq), User: &discordgo.User{ID: "9555"},
		Data: discordgo.ApplicationCommandInteractionData{Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{sub("status")}}}})
	interactionSeq++
	e.d.HandleInteraction(&discordgo.InteractionCreate{Interaction: &discordgo.Interaction{ID: "67" + itoa(interactionSeq), AppID: appID,
		Type: discordgo.InteractionApplicationCommand, GuildID: "7777", ChannelID: "301", Token: "fgtoken-" + itoa(interactionSeq),
		Member: &discordgo.Member{User: &discordgo.User{ID: "9556"}},
		Data:   discordgo.ApplicationCommandInteractionData{Name: "papers", Options: []*discordgo.ApplicationCommandInteractionDataOption{sub("status")}}}})
	// The follow-up that tells a user whose button click a shutdown cut
	// short.
	interactionSeq++
	e.d.followup(&discordgo.Interaction{ID: "68" + itoa(interactionSeq), AppID: appID, Token: "itoken-" + itoa(interactionSeq)}, restartingText)
	return errs
}

// What must never appear in a log line or an error: the bot token, an
// interaction token, a path as sent (the templates have no /api/v9), an
// interaction's webhook or callback URL.
var leakPatterns = []*regexp.Regexp{
	regexp.MustCompile(regexp.QuoteMeta(testToken)),
	regexp.MustCompile(`(itoken|ctoken|dmtoken|fgtoken|gwtoken)-\d`),
	regexp.MustCompile(`/api/v\d+/`),
	regexp.MustCompile(`/webhooks/\d`),
	regexp.MustCompile(`/interactions/\d`),
}

func leaks(s string) []string {
	var out []string
	for _, re := range leakPatterns {
		for _, m := range re.FindAllStringIndex(s, 3) {
			lo, hi := max(m[0]-80, 0), min(m[1]+40, len(s))
			out = append(out, s[lo:hi])
		}
	}
	return out
}

// Issue 14, point 1: with timeouts, dropped connections, 5xx and 429s on
// every route of the fake, including interaction callbacks and their
// webhook edits, no log line (the adapter's, the bot's, discordgo's own,
// at debug level) and no returned error holds a credential, and each
// failure is named by its method and route template.
func TestNoCredentialInLogsOrErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("60 faulted runs")
	}
	seen := map[string]bool{}
	for _, sc := range leakScopes {
		for _, f := range leakFaults {
			e := newEnv(t, allPerms)
			d, err := New(Options{Token: testToken, APIURL: e.srv.URL(), ApplicationID: appID, GuildIDs: []string{guildID},
				Timeout: 100 * time.Millisecond, Retries: 1, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
				Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			// discordgo's own lines at its most verbose, through the
			// adapter's logger: they print the URLs they retry.
			d.s.LogLevel = discordgo.LogDebug
			d.SetCommands(&bot.Commands{Bot: e.b, DefaultZone: "UTC"})
			e.b.Platforms[Name] = d
			e.d = d
			rule := sc.rule
			rule.Delay, rule.DropBeforeApply, rule.DropAfterApply, rule.Status, rule.RetryAfter, rule.Times =
				f.rule.Delay, f.rule.DropBeforeApply, f.rule.DropAfterApply, f.rule.Status, f.rule.RetryAfter, f.rule.Times
			errs := leakRun(t, e, rule)
			out := e.logs.String() + "\n" + strings.Join(errs, "\n")
			if l := leaks(out); len(l) > 0 {
				t.Errorf("%s, %s: a credential or URL in the output:\n%s", sc.name, f.name, strings.Join(l, "\n"))
			}
			for _, m := range routeNameRe.FindAllString(out, -1) {
				seen[m] = true
			}
		}
	}
	// Every route the adapter calls was named in some failure.
	for _, r := range []route{routeGetChannel, routeEditChannel, routeListMessages, routeCreateMessage, routeThreadFromMessage,
		routeStartForumPost, routeActiveThreads, routeGetMember, routeCreateDM, routeGlobalCommands, routeGuildCommands,
		routeGetApplication, routeInteractionRespond, routeEditOriginal, routeFollowup} {
		if !seen[r.String()] {
			t.Errorf("no failure named %s; named: %v", r, seen)
		}
	}
}

var routeNameRe = regexp.MustCompile(`(GET|POST|PUT|PATCH|DELETE) (/[A-Za-z0-9@{}…_./-]+)`)

// The scrubbing of discordgo's lines and of error texts.
func TestScrub(t *testing.T) {
	cases := map[string]string{
		`Patch "https://discord.com/api/v9/webhooks/9100/aW50ZXJhY3Rpb24/messages/@original": context deadline exceeded`: `Patch "https://discord.com/webhooks/{app}/{token}/messages/@original": context deadline exceeded`,
		`Rate Limiting http://127.0.0.1:4242/api/v9/interactions/123/tok.en-1/callback, retry in 1s`:                     `Rate Limiting http://127.0.0.1:4242/interactions/{interaction}/{token}/callback, retry in 1s`,
		`https://discord.com/api/v10/some/unknown/secret-path?x=1`:                                                       `https://discord.com/{…}/{…}/{…}`,
		`Data: {"id":"1","token":"abc.def","type":2}`:                                                                    `Data: {"id":"1","token":"{token}","type":2}`,
		`&discordgo.Identify{Token:"Bot abcdefghijklmnopqrstuvwxyz.012", Intents:1}`:                                     `&discordgo.Identify{Token:"{token}", Intents:1}`,
		`authorization: Bot abcdefghijklmnopqrstuvwxyz.012`:                                                              `authorization: Bot {token}`,
		`error connecting to gateway wss://gateway.discord.gg, EOF`:                                                      `error connecting to gateway wss://gateway.discord.gg, EOF`,
	}
	for in, want := range cases {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
