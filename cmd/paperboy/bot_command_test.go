package main_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

func commands(f *fixture) *bot.Commands {
	return &bot.Commands{Bot: f.bot(), DefaultZone: "Europe/Berlin"}
}

func papersCmd(sub string, args map[string]string) bot.Command {
	return bot.Command{Platform: "chat", TeamID: "g1", ChannelID: "general", User: bot.UserRef{Platform: "chat", ID: "u1"}, Name: bot.CmdPapers, Sub: sub, Args: args}
}

func adminCmd(sub string, args map[string]string) bot.Command {
	c := papersCmd(sub, args)
	c.Name, c.CanManage, c.ChannelID = bot.CmdAdmin, true, "new-channel"
	return c
}

func TestHelpListsEveryCommand(t *testing.T) {
	f := newFixture(t)
	r := commands(f).Handle(context.Background(), papersCmd("help", nil))
	text := r.Plain()
	for _, sub := range append(append([]string{}, bot.PapersSubs...), bot.AdminSubs...) {
		if !strings.Contains(text, " "+sub) {
			t.Errorf("help lacks %q", sub)
		}
	}
	if strings.Count(text, "Example: ") != len(bot.PapersSubs)+len(bot.AdminSubs) {
		t.Errorf("every command needs an example:\n%s", text)
	}
}

func TestPaperCommand(t *testing.T) {
	f := newFixture(t)
	day := date(t, "2026-11-26")
	list := makeList(day, 2)
	if _, err := f.db.SaveList(context.Background(), day, list, f.now); err != nil {
		t.Fatal(err)
	}
	c := commands(f)
	for _, arg := range []string{list[0].ID, list[0].ID + "v3", "https://huggingface.co/papers/" + list[0].ID,
		"https://arxiv.org/abs/" + list[0].ID + "v2", "arxiv.org/pdf/" + list[0].ID + ".pdf", "hf.co/papers/" + list[0].ID} {
		r := c.Handle(context.Background(), papersCmd("paper", map[string]string{"id": arg}))
		if r.Error || len(r.Papers) != 1 || r.Papers[0].ID != list[0].ID {
			t.Errorf("paper %q: %+v", arg, r)
		}
	}
	r := c.Handle(context.Background(), papersCmd("paper", map[string]string{"id": "2401.00001"}))
	if r.Error || len(r.Papers) != 0 || !strings.Contains(r.Plain(), "2401.00001 is not in paperboy's store") {
		t.Errorf("unknown paper: %+v", r)
	}
	r = c.Handle(context.Background(), papersCmd("paper", map[string]string{"id": "'; DROP TABLE papers; --"}))
	if !r.Error || !strings.Contains(r.Plain(), "is not an arXiv id") {
		t.Errorf("bad id: %+v", r)
	}
	r = c.Handle(context.Background(), papersCmd("paper", nil))
	if !r.Error || !strings.Contains(r.Plain(), "/papers paper") {
		t.Errorf("no id: %+v", r)
	}
}

func TestTodayAndStatus(t *testing.T) {
	f := newFixture(t)
	c := commands(f)
	// Not set up: status says how to set it up; today shows what the defaults would give.
	r := c.Handle(context.Background(), bot.Command{Platform: "chat", ChannelID: "elsewhere", User: bot.UserRef{Platform: "chat", ID: "u1"}, Name: bot.CmdPapers, Sub: "status"})
	if !strings.Contains(r.Plain(), "/papers-admin channel set") {
		t.Errorf("status of an unknown channel: %s", r.Plain())
	}
	// The fixture channel, Berlin: at 15:00 UTC on Thursday the newest ready list is Thursday's.
	day := date(t, "2026-11-26")
	f.src.set(day, makeList(day, 14))
	r = c.Handle(context.Background(), papersCmd("today", nil))
	if r.Title != "Daily Papers · Thu 26 Nov 2026 · 10 papers" || len(r.Papers) != 10 {
		t.Fatalf("today: %q, %d papers", r.Title, len(r.Papers))
	}
	if f.chat.sends != 0 {
		t.Error("today posted to the channel")
	}
	r = c.Handle(context.Background(), papersCmd("status", nil))
	for _, want := range []string{"Up to 10 papers with at least 0 upvotes, at 09:00 (Europe/Berlin), Mon-Fri.", "Next post: Fri 27 Nov 09:00 CET, with the list of Thu 26 Nov 2026.", "Nothing posted here yet."} {
		if !strings.Contains(r.Plain(), want) {
			t.Errorf("status lacks %q:\n%s", want, r.Plain())
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	f := newFixture(t)
	r := commands(f).Handle(context.Background(), papersCmd("frobnicate", nil))
	if !r.Error || !strings.Contains(r.Title, "Unknown command /papers frobnicate") {
		t.Errorf("unknown: %+v", r)
	}
}

func TestChannelSetNeedsManager(t *testing.T) {
	f := newFixture(t)
	cmd := adminCmd("channel set", map[string]string{"time": "08:00"})
	cmd.CanManage = false
	r := commands(f).Handle(context.Background(), cmd)
	if !r.Error || !strings.Contains(r.Plain(), "Only members who can manage this channel") {
		t.Fatalf("non-manager: %+v", r)
	}
	if _, err := f.db.GetChannel(context.Background(), bot.ChannelRef{Platform: "chat", ID: "new-channel"}); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("a non-manager created a channel: %v", err)
	}
}

func TestChannelSetNamesMissingPermissions(t *testing.T) {
	f := newFixture(t)
	cmd := adminCmd("channel set", nil)
	cmd.BotMissing = []string{"Create Public Threads", "Embed Links"}
	r := commands(f).Handle(context.Background(), cmd)
	if !r.Error || !strings.Contains(r.Plain(), "it lacks Create Public Threads, Embed Links in this channel") {
		t.Fatalf("missing permissions: %s", r.Plain())
	}
}

func TestChannelSetShowRemove(t *testing.T) {
	f := newFixture(t)
	c := commands(f)
	bad := map[string]map[string]string{
		`time: "25:00" is not a time of day`:               {"time": "25:00"},
		`zone: unknown time zone "Mars/Olympus"`:           {"zone": "Mars/Olympus"},
		`count: "0" is not a number from 1 to 50`:          {"count": "0"},
		`min_upvotes: "-2" is not a whole number`:          {"min_upvotes": "-2"},
		`weekdays: "funday" is not a day`:                  {"weekdays": "funday"},
		"Unknown setting colour. Settings: source, time, ": {"colour": "red"},
	}
	for want, args := range bad {
		r := c.Handle(context.Background(), adminCmd("channel set", args))
		if !r.Error || !strings.Contains(r.Plain(), want) {
			t.Errorf("%v: %q, want %q", args, r.Plain(), want)
		}
	}
	ref := bot.ChannelRef{Platform: "chat", ID: "new-channel"}
	if _, err := f.db.GetChannel(context.Background(), ref); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("bad settings created a channel: %v", err)
	}
	r := c.Handle(context.Background(), adminCmd("channel set", map[string]string{"time": "07:30", "zone": "Asia/Tokyo", "count": "5", "weekdays": "mon,wed,fri"}))
	if r.Error || r.Title != "Daily digest set up" {
		t.Fatalf("set: %+v", r)
	}
	ch, err := f.db.GetChannel(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if s := ch.Settings; s.Time.String() != "07:30" || s.Zone != "Asia/Tokyo" || s.MaxPapers != 5 || s.Weekdays.String() != "Mon,Wed,Fri" || s.MinUpvotes != 0 {
		t.Fatalf("stored settings: %+v", s)
	}
	if ch.Origin(bot.SetTime) != bot.FromChat || ch.Origin(bot.SetMinUpvotes) != bot.FromDefault {
		t.Fatalf("origins: %v", ch.Origins)
	}
	// A second set changes only what it names.
	c.Handle(context.Background(), adminCmd("channel set", map[string]string{"min_upvotes": "20", "filter": "diffusion"}))
	ch, _ = f.db.GetChannel(context.Background(), ref)
	if ch.Settings.Time.String() != "07:30" || ch.Settings.MinUpvotes != 20 || ch.Settings.Filter != "diffusion" {
		t.Fatalf("after a second set: %+v", ch.Settings)
	}
	r = c.Handle(context.Background(), adminCmd("channel show", nil))
	for _, want := range []string{"time: 07:30 (set in chat)", "min_upvotes: 20 (set in chat)", "zone: Asia/Tokyo (set in chat)"} {
		if !strings.Contains(r.Plain(), want) {
			t.Errorf("show lacks %q:\n%s", want, r.Plain())
		}
	}
	r = c.Handle(context.Background(), adminCmd("channel remove", nil))
	if r.Error || !strings.Contains(r.Plain(), "removed") {
		t.Fatalf("remove: %+v", r)
	}
	if _, err := f.db.GetChannel(context.Background(), ref); !errors.Is(err, bot.ErrNotFound) {
		t.Fatalf("channel still there: %v", err)
	}
}

func TestChannelSetRestartsStoppedChannel(t *testing.T) {
	f := newFixture(t)
	if err := f.db.StopChannel(context.Background(), f.ch.ChannelRef, "missing permission: Send Messages", f.now); err != nil {
		t.Fatal(err)
	}
	cmd := adminCmd("channel set", nil)
	cmd.ChannelID = f.ch.ID
	r := commands(f).Handle(context.Background(), cmd)
	if r.Error {
		t.Fatalf("set: %s", r.Plain())
	}
	if ch := f.channel(t); ch.Stopped != "" {
		t.Fatalf("still stopped: %q", ch.Stopped)
	}
}

func TestTextCommandsGetUsage(t *testing.T) {
	f := newFixture(t)
	c := commands(f)
	run := func(name, text string, manage bool) bot.Reply {
		cmd := bot.ParseCommand(name, text)
		cmd.Platform, cmd.ChannelID, cmd.User, cmd.CanManage = "chat", "new-channel", bot.UserRef{Platform: "chat", ID: "u1"}, manage
		return c.Handle(context.Background(), cmd)
	}
	r := run("papers-admin", "channel set colour red", true)
	if !r.Error || !strings.Contains(r.Plain(), "Unknown setting colour, red") || !strings.Contains(r.Plain(), "Usage: /papers-admin channel set") {
		t.Errorf("unknown setting: %s", r.Plain())
	}
	r = run("papers-admin", "channel set time 9h", true)
	if !r.Error || !strings.Contains(r.Plain(), `time: "9h" is not a time of day`) || !strings.Contains(r.Plain(), "Example: /papers-admin channel set source:arxiv:cs.RO,cs.LG time:09:00") {
		t.Errorf("bad time: %s", r.Plain())
	}
	r = run("papers", "today please", false)
	if !r.Error || !strings.Contains(r.Plain(), "Usage: /papers today") {
		t.Errorf("extra words: %s", r.Plain())
	}
	r = run("papers", "frobnicate", false)
	if !r.Error || !strings.Contains(r.Plain(), "/papers search") {
		t.Errorf("unknown sub-command should show the help: %s", r.Plain())
	}
	r = run("papers-admin", "channel set time 06:15 zone Asia/Kolkata count 3", true)
	if r.Error {
		t.Fatalf("set from text: %s", r.Plain())
	}
	ch, err := f.db.GetChannel(context.Background(), bot.ChannelRef{Platform: "chat", ID: "new-channel"})
	if err != nil || ch.Settings.Time.String() != "06:15" || ch.Settings.Zone != "Asia/Kolkata" || ch.Settings.MaxPapers != 3 {
		t.Fatalf("stored: %+v %v", ch.Settings, err)
	}
}
