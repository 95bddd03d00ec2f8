package main_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// /papers-admin channel set on_update: stored as set in chat, shown with
// the other settings, refused when it is not edit, reply or off; and it
// resumes follow-ups stopped by a missing permission.
func TestFollowupOnUpdateSetInChat(t *testing.T) {
	f := newFixture(t)
	c := commands(f)
	ctx := context.Background()
	r := c.Handle(ctx, adminCmd("channel set", map[string]string{"on_update": "reply"}))
	if r.Error || !strings.Contains(r.Plain(), "on_update: reply (set in chat)") {
		t.Fatalf("channel set on_update reply: %s", r.Plain())
	}
	ref := bot.ChannelRef{Platform: "chat", ID: "new-channel"}
	ch, err := f.db.GetChannel(ctx, ref)
	if err != nil || ch.Settings.OnUpdate != bot.OnUpdateReply || ch.Origin(bot.SetOnUpdate) != bot.FromChat {
		t.Fatalf("stored %+v %v", ch.Settings, err)
	}
	r = c.Handle(ctx, adminCmd("channel set", map[string]string{"on_update": "sometimes"}))
	if !r.Error || !strings.Contains(r.Plain(), "edit, reply or off") {
		t.Errorf("a bad on_update: %s", r.Plain())
	}
	if err := f.db.StopFollowups(ctx, ref, nil, "paperboy lacks a permission", time.Now()); err != nil {
		t.Fatal(err)
	}
	r = c.Handle(ctx, adminCmd("channel set", map[string]string{"on_update": "edit"}))
	if r.Error || !strings.Contains(r.Plain(), "on_update: edit (set in chat)") {
		t.Fatalf("channel set on_update edit: %s", r.Plain())
	}
	if _, stopped, _, err := f.db.FollowupReport(ctx, ref, time.Time{}); err != nil || stopped != "" {
		t.Errorf("follow-ups still stopped after channel set: %q %v", stopped, err)
	}
}
