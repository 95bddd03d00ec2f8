package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

func sampleChannel(platform, id string) bot.Channel {
	return bot.Channel{
		ChannelRef: bot.ChannelRef{Platform: platform, ID: id},
		Name:       "#papers-" + id,
		Settings: bot.Settings{
			Time:       7*60 + 45,
			Zone:       "Europe/Berlin",
			Weekdays:   1<<time.Monday | 1<<time.Wednesday | 1<<time.Saturday,
			MaxPapers:  25,
			MinUpvotes: 3,
			Filter:     `"world model" OR robotics -survey`,
		},
		Origins: map[string]bot.Origin{
			bot.SetTime:      bot.FromChat,
			bot.SetZone:      bot.FromConfig,
			bot.SetMaxPapers: bot.FromConfig,
		},
		FromConfig: true,
	}
}

func TestChannelRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)

	a := sampleChannel("discord", "200")
	b := sampleChannel("discord", "100")
	b.Settings = bot.DefaultSettings("America/New_York")
	b.Origins = nil // nothing set anywhere: every setting is a default
	b.FromConfig = false
	b.Name = "général ☕"
	c := sampleChannel("console", "stdout")
	c.Settings.Weekdays = bot.AllDays
	c.Settings.Time = 23*60 + 59
	c.Settings.MaxPapers = bot.MaxMaxPapers
	c.Settings.Zone = "UTC"
	for i, ch := range []bot.Channel{a, b, c} {
		if err := db.SaveChannel(ctx, ch, at(i)); err != nil {
			t.Fatalf("SaveChannel(%v): %v", ch.ChannelRef, err)
		}
	}
	a.Created, a.Updated = at(0), at(0)
	b.Created, b.Updated = at(1), at(1)
	c.Created, c.Updated = at(2), at(2)

	got, err := db.Channels(ctx)
	if err != nil {
		t.Fatalf("Channels: %v", err)
	}
	// Ordered by platform, then id.
	if diff := cmp.Diff([]bot.Channel{c, b, a}, got); diff != "" {
		t.Errorf("Channels (-want +got):\n%s", diff)
	}
	one, err := db.GetChannel(ctx, a.ChannelRef)
	if err != nil {
		t.Fatalf("GetChannel: %v", err)
	}
	if diff := cmp.Diff(a, one); diff != "" {
		t.Errorf("GetChannel (-want +got):\n%s", diff)
	}
	if o := got[1].Origin(bot.SetZone); o != bot.FromDefault {
		t.Errorf("channel without origins: zone origin %q, want %q", o, bot.FromDefault)
	}
	if _, err := db.GetChannel(ctx, bot.ChannelRef{Platform: "discord", ID: "999"}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetChannel(unknown): err = %v, want ErrNotFound", err)
	}
	// Same id, other platform: a different channel.
	if _, err := db.GetChannel(ctx, bot.ChannelRef{Platform: "slack", ID: "200"}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetChannel(other platform): err = %v, want ErrNotFound", err)
	}
}

func TestSaveChannelReplacesAndKeepsCreated(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	ch := sampleChannel("slack", "C1")
	if err := db.SaveChannel(ctx, ch, at(0)); err != nil {
		t.Fatal(err)
	}
	if err := db.StopChannel(ctx, ch.ChannelRef, "missing permission: send messages", at(1)); err != nil {
		t.Fatal(err)
	}

	// A later save (a chat change) replaces settings and origins, keeps
	// the creation time and the stop reason.
	changed := ch
	changed.Settings.Time = 10 * 60
	changed.Settings.Zone = "Asia/Tokyo"
	changed.Settings.Filter = ""
	changed.Origins = map[string]bot.Origin{bot.SetTime: bot.FromChat, bot.SetFilter: bot.FromChat}
	changed.FromConfig = false
	changed.Name = "renamed"
	if err := db.SaveChannel(ctx, changed, at(5)); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetChannel(ctx, ch.ChannelRef)
	if err != nil {
		t.Fatal(err)
	}
	want := changed
	want.Created, want.Updated, want.Stopped = at(0), at(5), "missing permission: send messages"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after a second save (-want +got):\n%s", diff)
	}

	// Saving what was read (Created set) keeps it too.
	got.Settings.MinUpvotes = 0
	if err := db.SaveChannel(ctx, got, at(6)); err != nil {
		t.Fatal(err)
	}
	again, err := db.GetChannel(ctx, ch.ChannelRef)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Created.Equal(at(0)) || !again.Updated.Equal(at(6)) || again.Settings.MinUpvotes != 0 {
		t.Errorf("after a third save: created %v, updated %v, min_upvotes %d; want %v, %v, 0",
			again.Created, again.Updated, again.Settings.MinUpvotes, at(0), at(6))
	}
}

func TestSaveChannelRejectsInvalidSettings(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	good := sampleChannel("discord", "1")
	if err := db.SaveChannel(ctx, good, t0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*bot.Settings)
		word string // the message names the bad setting
	}{
		{"bad zone", func(s *bot.Settings) { s.Zone = "Europe/Berln" }, "Europe/Berln"},
		{"empty zone", func(s *bot.Settings) { s.Zone = "" }, "zone"},
		{"local zone", func(s *bot.Settings) { s.Zone = "Local" }, "zone"},
		{"max_papers 0", func(s *bot.Settings) { s.MaxPapers = 0 }, "max_papers"},
		{"max_papers too many", func(s *bot.Settings) { s.MaxPapers = bot.MaxMaxPapers + 1 }, "max_papers"},
		{"no weekdays", func(s *bot.Settings) { s.Weekdays = 0 }, "weekdays"},
		{"time past midnight", func(s *bot.Settings) { s.Time = 24 * 60 }, "time"},
		{"negative min_upvotes", func(s *bot.Settings) { s.MinUpvotes = -1 }, "min_upvotes"},
		{"long filter", func(s *bot.Settings) { s.Filter = strings.Repeat("x", 501) }, "filter"},
	}
	for _, tt := range tests {
		for _, ref := range []bot.ChannelRef{good.ChannelRef, {Platform: "discord", ID: "new"}} {
			ch := good
			ch.ChannelRef = ref
			tt.edit(&ch.Settings)
			err := db.SaveChannel(ctx, ch, at(1))
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EInvalid {
				t.Errorf("%s: SaveChannel(%v) err = %v, want a *bot.Error %q", tt.name, ref, err, bot.EInvalid)
				continue
			}
			if !strings.Contains(e.Message, tt.word) {
				t.Errorf("%s: message %q does not name %q", tt.name, e.Message, tt.word)
			}
		}
	}
	// Nothing was written: the good channel is unchanged, the new one absent.
	got, err := db.GetChannel(ctx, good.ChannelRef)
	if err != nil {
		t.Fatal(err)
	}
	want := good
	want.Created, want.Updated = t0, t0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("channel after rejected saves (-want +got):\n%s", diff)
	}
	if _, err := db.GetChannel(ctx, bot.ChannelRef{Platform: "discord", ID: "new"}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("rejected new channel was stored: err = %v", err)
	}
}

func TestStopAndDeleteChannel(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	ch := sampleChannel("discord", "1")
	other := sampleChannel("discord", "2")
	for _, c := range []bot.Channel{ch, other} {
		if err := db.SaveChannel(ctx, c, t0); err != nil {
			t.Fatal(err)
		}
	}
	stopped := func(ref bot.ChannelRef) string {
		t.Helper()
		c, err := db.GetChannel(ctx, ref)
		if err != nil {
			t.Fatalf("GetChannel(%v): %v", ref, err)
		}
		return c.Stopped
	}

	if err := db.StopChannel(ctx, ch.ChannelRef, "channel deleted", at(1)); err != nil {
		t.Fatalf("StopChannel: %v", err)
	}
	if got := stopped(ch.ChannelRef); got != "channel deleted" {
		t.Errorf("Stopped = %q, want %q", got, "channel deleted")
	}
	if got := stopped(other.ChannelRef); got != "" {
		t.Errorf("other channel stopped too: %q", got)
	}
	if c, _ := db.GetChannel(ctx, ch.ChannelRef); !c.Updated.Equal(at(1)) {
		t.Errorf("Updated = %v after stop, want %v", c.Updated, at(1))
	}
	if err := db.StopChannel(ctx, ch.ChannelRef, "", at(2)); err != nil {
		t.Fatalf("StopChannel(resume): %v", err)
	}
	if got := stopped(ch.ChannelRef); got != "" {
		t.Errorf("Stopped = %q after resume, want empty", got)
	}
	unknown := bot.ChannelRef{Platform: "discord", ID: "404"}
	if err := db.StopChannel(ctx, unknown, "gone", at(3)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("StopChannel(unknown): err = %v, want ErrNotFound", err)
	}
	if _, err := db.GetChannel(ctx, unknown); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("StopChannel(unknown) created it: err = %v", err)
	}

	// Deleting keeps the delivery log: a paper posted there stays posted.
	p := samplePaper("2603.00001", 5, day1)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{p}, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.PlanDigest(ctx, ch.ChannelRef, &bot.Digest{ListDate: day1, Items: []bot.Item{{Rank: 1, Paper: p}}}, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteChannel(ctx, ch.ChannelRef); err != nil {
		t.Fatalf("DeleteChannel: %v", err)
	}
	if _, err := db.GetChannel(ctx, ch.ChannelRef); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetChannel after delete: err = %v, want ErrNotFound", err)
	}
	all, err := db.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ChannelRef != other.ChannelRef {
		t.Errorf("Channels after delete = %v, want only %v", all, other.ChannelRef)
	}
	planned, err := db.PlannedPapers(ctx, ch.ChannelRef, []string{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !planned[p.ID] {
		t.Errorf("delivery log of a deleted channel was lost: %v", planned)
	}
}
