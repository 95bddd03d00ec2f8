package discord

import (
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/internal/testsupport"
	"github.com/paperboy-bot/paperboy/bot"
)

// opt builds a command option.
func opt(name string, value any) *discordgo.ApplicationCommandInteractionDataOption {
	typ := discordgo.ApplicationCommandOptionString
	if _, ok := value.(float64); ok {
		typ = discordgo.ApplicationCommandOptionInteger
	}
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: value}
}

func sub(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

func group(name string, s *discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: []*discordgo.ApplicationCommandInteractionDataOption{s}}
}

// answer is what the user saw: the response type, its flags and the final
// content (after an edit of a deferred reply).
type answer struct {
	Type    discordgo.InteractionResponseType
	Flags   discordgo.MessageFlags
	Content string
	Embeds  []*discordgo.MessageEmbed
	Raw     string
}

var interactionSeq int

// command feeds one slash command through the adapter's interaction
// handler, as the gateway would, and returns what the user saw.
func (e *env) command(userID string, memberPerms int64, name string, o *discordgo.ApplicationCommandInteractionDataOption) answer {
	e.t.Helper()
	return e.commandIn(textID, userID, memberPerms, allPerms, name, o)
}

func (e *env) commandIn(channelID, userID string, memberPerms, appPerms int64, name string, o *discordgo.ApplicationCommandInteractionDataOption) answer {
	e.t.Helper()
	interactionSeq++
	id := "77" + strings.Repeat("0", 3) + string(rune('0'+interactionSeq%10)) + itoa(interactionSeq)
	token := "itoken-" + itoa(interactionSeq)
	before := len(e.srv.InteractionResponses())
	i := &discordgo.Interaction{ID: id, AppID: appID, Type: discordgo.InteractionApplicationCommand, GuildID: guildID,
		ChannelID: channelID, Token: token, AppPermissions: appPerms,
		Member: &discordgo.Member{User: &discordgo.User{ID: userID}, Permissions: memberPerms},
		Data:   discordgo.ApplicationCommandInteractionData{ID: "c1", Name: name, Options: []*discordgo.ApplicationCommandInteractionDataOption{o}}}
	e.d.HandleInteraction(&discordgo.InteractionCreate{Interaction: i})
	var a answer
	for _, r := range e.srv.InteractionResponses()[before:] {
		var data struct {
			Content string                    `json:"content"`
			Flags   discordgo.MessageFlags    `json:"flags"`
			Embeds  []*discordgo.MessageEmbed `json:"embeds"`
			Data    *struct {
				Content string                    `json:"content"`
				Flags   discordgo.MessageFlags    `json:"flags"`
				Embeds  []*discordgo.MessageEmbed `json:"embeds"`
			} `json:"data"`
		}
		json.Unmarshal(r.Data, &data)
		switch r.Kind {
		case "callback":
			a.Type = discordgo.InteractionResponseType(r.Type)
			if data.Data != nil {
				a.Flags, a.Content, a.Embeds = data.Data.Flags, data.Data.Content, data.Data.Embeds
			} else {
				a.Flags, a.Content, a.Embeds = data.Flags, data.Content, data.Embeds
			}
		case "edit":
			a.Content, a.Embeds = data.Content, data.Embeds
		}
		a.Raw += string(r.Data)
	}
	return a
}

func itoa(n int) string { return strings.TrimLeft(strings.Repeat("0", 1)+fmtInt(n), "0") }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

const manager = discordgo.PermissionManageChannels | discordgo.PermissionViewChannel

func TestSlashCommands(t *testing.T) {
	e := newEnv(t, allPerms)
	if _, err := e.db.SaveList(context.Background(), listDay, testsupport.Papers(listDay, 3), e.now); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		cmd      string
		o        *discordgo.ApplicationCommandInteractionDataOption
		wantType discordgo.InteractionResponseType
		want     []string
	}{
		{"help answers at once", "papers", sub("help"), discordgo.InteractionResponseChannelMessageWithSource, []string{"/papers search", "/papers-admin channel set", "what each command does. Example: `/papers help`"}},
		{"paper by link", "papers", sub("paper", opt("id", "https://huggingface.co/papers/2611.00101")), discordgo.InteractionResponseDeferredChannelMessageWithSource, nil},
		{"paper unknown", "papers", sub("paper", opt("id", "2401.00001")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"2401.00001 is not in paperboy", "Look it up on Hugging Face"}},
		{"status, not set up", "papers", sub("status"), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"gets no daily digest", "/papers-admin channel set"}},
		{"today", "papers", sub("today"), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"Daily Papers · Thu 26 Nov 2026 · 5 papers", "This channel gets no daily digest", "1. [Paper number 1 on diffusion](<https://huggingface.co/papers/2611.00100>)"}},
		{"search", "papers", sub("search", opt("query", "diffusion number")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"3 papers match", "1\\. [Paper number 1 on diffusion](<https://huggingface.co/papers/2611.00100>)", "**diffusion.**", "Results 1–3 of 3."}},
		{"search, bad query", "papers", sub("search", opt("query", "\"unbalanced")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"Searched as plain words: unbalanced quote"}},
		{"subscribe", "papers", sub("subscribe", opt("query", "diffusion")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{`Subscribed (\#1). In the last 30 days this would have matched 3 papers, for example:`, "[Paper number 1 on diffusion](<https://huggingface.co/papers/2611.00100>)"}},
		{"alerts daily, bad zone", "papers", sub("alerts", opt("mode", "daily"), opt("time", "08:30"), opt("zone", "Europe/Berln")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{`zone: unknown time zone "Europe/Berln"`}},
		{"channel show, not set up", "papers-admin", group("channel", sub("show")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"gets no daily digest"}},
		{"channel set", "papers-admin", group("channel", sub("set", opt("time", "07:45"), opt("zone", "America/New_York"), opt("count", 5.0))), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"Daily digest set up", "`time`: 07:45 (set in chat)", "`max_papers`: 5 (set in chat)"}},
		{"channel set, bad time", "papers-admin", group("channel", sub("set", opt("time", "25:00"))), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{`time: "25:00" is not a time of day`}},
		{"status, set up", "papers", sub("status"), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"at 07:45 (America/New\\_York)", "Next post:"}},
		{"channel remove", "papers-admin", group("channel", sub("remove")), discordgo.InteractionResponseDeferredChannelMessageWithSource, []string{"is removed"}},
	}
	for _, c := range cases {
		a := e.command(adminID, manager, c.cmd, c.o)
		if a.Type != c.wantType {
			t.Errorf("%s: response type %d, want %d", c.name, a.Type, c.wantType)
		}
		if a.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("%s: not ephemeral (flags %d)", c.name, a.Flags)
		}
		for _, w := range c.want {
			if !strings.Contains(a.Content, w) {
				t.Errorf("%s: content lacks %q:\n%s", c.name, w, a.Content)
			}
		}
	}
	// The paper card.
	a := e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("paper", opt("id", "2611.00101")))
	if len(a.Embeds) != 1 || a.Embeds[0].URL != "https://huggingface.co/papers/2611.00101" {
		t.Fatalf("paper card: %+v", a.Embeds)
	}
	// Every callback is within the fake's validation of Discord's limits and mentions.
	for _, r := range e.srv.InteractionResponses() {
		if strings.Contains(string(r.Data), `"content"`) && !strings.Contains(string(r.Data), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("a reply without allowed_mentions parse []: %s", r.Data)
		}
	}
}

func TestAdminRefusedToMember(t *testing.T) {
	e := newEnv(t, allPerms)
	a := e.command(memberID, discordgo.PermissionViewChannel|discordgo.PermissionSendMessages, "papers-admin", group("channel", sub("set", opt("time", "08:00"))))
	if !strings.Contains(a.Content, "Only members who can manage this channel") {
		t.Fatalf("non-manager: %q", a.Content)
	}
	if chans, _ := e.db.Channels(context.Background()); len(chans) != 0 {
		t.Fatalf("a member set up the channel: %+v", chans)
	}
}

func TestChannelSetNamesMissingPermission(t *testing.T) {
	e := newEnv(t, allPerms)
	a := e.commandIn(textID, adminID, manager, allPerms&^(discordgo.PermissionCreatePublicThreads|discordgo.PermissionEmbedLinks), "papers-admin", group("channel", sub("set")))
	if !strings.Contains(a.Content, "lacks Create Public Threads, Embed Links") {
		t.Fatalf("missing permissions: %q", a.Content)
	}
	// In a forum, thread creation is not needed.
	a = e.commandIn(forumID, adminID, manager, allPerms&^discordgo.PermissionCreatePublicThreads, "papers-admin", group("channel", sub("set")))
	if !strings.Contains(a.Content, "Daily digest set up") {
		t.Fatalf("forum set: %q", a.Content)
	}
}

func TestRegisterCommands(t *testing.T) {
	e := newEnv(t, allPerms)
	if err := e.d.RegisterCommands(context.Background()); err != nil {
		t.Fatal(err)
	}
	cmds := e.srv.Commands(appID, guildID)
	if len(cmds) != 2 {
		t.Fatalf("%d commands registered", len(cmds))
	}
	var admin struct {
		Name        string `json:"name"`
		Permissions string `json:"default_member_permissions"`
	}
	json.Unmarshal(cmds[1], &admin)
	if admin.Name != bot.CmdAdmin || admin.Permissions != "16" {
		t.Fatalf("admin command: %s", cmds[1])
	}
	for _, c := range cmds {
		for _, s := range bot.PapersSubs {
			if strings.Contains(string(c), `"name":"papers"`) && !strings.Contains(string(c), `"name":"`+s+`"`) {
				t.Errorf("/papers lacks %s", s)
			}
		}
	}
}

// click feeds a button click (a message component interaction) and returns
// the edited message's content.
func (e *env) click(customID string) (discordgo.InteractionResponseType, string, string) {
	e.t.Helper()
	interactionSeq++
	token := "ctoken-" + itoa(interactionSeq)
	before := len(e.srv.InteractionResponses())
	i := &discordgo.Interaction{ID: "88" + itoa(interactionSeq), AppID: appID, Type: discordgo.InteractionMessageComponent, GuildID: guildID,
		ChannelID: textID, Token: token, Member: &discordgo.Member{User: &discordgo.User{ID: memberID}},
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}}
	e.d.HandleInteraction(&discordgo.InteractionCreate{Interaction: i})
	var typ discordgo.InteractionResponseType
	var content, raw string
	for _, r := range e.srv.InteractionResponses()[before:] {
		raw += string(r.Data)
		if r.Kind == "callback" {
			typ = discordgo.InteractionResponseType(r.Type)
		}
		if r.Kind == "edit" {
			var data struct {
				Content string `json:"content"`
			}
			json.Unmarshal(r.Data, &data)
			content = data.Content
		}
	}
	return typ, content, raw
}

var customIDRe = regexp.MustCompile(`"custom_id":"(s:[0-9a-f]+:\d+)"`)

func TestSearchPagingSurvivesRestart(t *testing.T) {
	e := newEnv(t, allPerms)
	var list []bot.Paper
	for _, p := range testsupport.Papers(listDay, 12) {
		list = append(list, p)
	}
	if _, err := e.db.SaveList(context.Background(), listDay, list, e.now); err != nil {
		t.Fatal(err)
	}
	a := e.command(memberID, discordgo.PermissionViewChannel, "papers", sub("search", opt("query", "diffusion")))
	if !strings.Contains(a.Content, "12 papers match") || !strings.Contains(a.Content, "Results 1–5 of 12.") {
		t.Fatalf("page 1: %s", a.Content)
	}
	ids := customIDRe.FindAllStringSubmatch(a.Raw, -1)
	if len(ids) != 1 || !strings.HasSuffix(ids[0][1], ":1") {
		t.Fatalf("want one Next button: %v\n%s", ids, a.Raw)
	}
	next := ids[0][1]
	if len(next) > 100 {
		t.Fatalf("custom_id %q over 100 characters", next)
	}
	// paperboy restarts: a new adapter and command handler on the same database.
	d2, err := New(Options{Token: testToken, APIURL: e.srv.URL(), ApplicationID: appID, Sleep: func(ctx context.Context, _ time.Duration) error { return nil },
		Logger: slog.New(slog.NewTextHandler(e.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	d2.SetCommands(&bot.Commands{Bot: e.b, DefaultZone: "UTC"})
	e.d = d2
	typ, content, raw := e.click(next)
	if typ != discordgo.InteractionResponseDeferredMessageUpdate || !strings.Contains(content, "Results 6–10 of 12.") {
		t.Fatalf("page 2: type %d\n%s\n%s\n%s", typ, content, raw, e.logs.String())
	}
	ids = customIDRe.FindAllStringSubmatch(raw, -1)
	if len(ids) != 2 || !strings.HasSuffix(ids[0][1], ":0") || !strings.HasSuffix(ids[1][1], ":2") {
		t.Fatalf("want Prev and Next: %v", ids)
	}
	if _, content, _ := e.click("s:0000000000000000:3"); !strings.Contains(content, "too old to page through") {
		t.Fatalf("unknown key: %s", content)
	}
}

// The invite URL in the README asks for permissions=309237730304: exactly
// what the bot checks it has in a channel (needed), no more.
func TestInvitePermissions(t *testing.T) {
	var p int64
	for _, n := range needed {
		p |= n.perm
	}
	if p != 309237730304 {
		t.Errorf("the needed permissions are %d: change the README's invite URL (309237730304) to match", p)
	}
}
