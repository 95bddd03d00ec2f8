package slack

import (
	"context"
	"fmt"
	"testing"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// chatter posts n messages by a member into channel (as replies in
// threadTS when set), as people talking after the bot's message would.
func (e *env) chatter(channel, threadTS string, n int) {
	e.t.Helper()
	for i := range n {
		if _, err := e.srv.AddMessage(channel, slackfake.Message{User: memberUser, Text: fmt.Sprintf("chatter %d", i), ThreadTS: threadTS}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// pages counts the requests of a method, and those that carried a cursor.
func (e *env) pages(method string) (pages, cursor int) {
	for _, r := range e.srv.Requests() {
		if r.Method != method {
			continue
		}
		pages++
		if r.Params.Get("cursor") != "" {
			cursor++
		}
	}
	return pages, cursor
}

// A restart after hundreds of newer messages in the channel and the thread
// still finds the unconfirmed header and item: the lookups follow
// response_metadata.next_cursor while has_more, past the first page.
func TestFindPastHundredNewer(t *testing.T) {
	e := newEnv(t)
	if res, err := e.digest(channelID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	plan, err := e.db.GetPlan(context.Background(), bot.ChannelRef{Platform: Name, ID: channelID}, listDay)
	if err != nil {
		t.Fatal(err)
	}
	e.chatter(channelID, "", 450)
	// Replies come oldest first: a message posted after 450 replies of
	// chatter is on the third page.
	e.chatter(channelID, plan.Header.Sent.ThreadID, 450)
	late := &bot.Message{Key: "late:1", Channel: e.channel(channelID), Digest: plan.Digest,
		Item: &plan.Digest.Items[0], Thread: plan.Header.Sent}
	lateSent, err := e.s.Send(context.Background(), late)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ClearRequests()
	header := &bot.Message{Key: plan.Header.Key, Channel: e.channel(channelID), Digest: plan.Digest}
	s, found, err := e.s.Find(context.Background(), header)
	if err != nil || !found || s != plan.Header.Sent {
		t.Fatalf("Find header = %+v, %v, %v; want %+v", s, found, err, plan.Header.Sent)
	}
	if pages, cursor := e.pages("conversations.history"); pages != 3 || cursor != 2 {
		t.Errorf("header lookup read %d pages (%d with a cursor), want 3 (2)", pages, cursor)
	}
	item := &bot.Message{Key: plan.Items[0].Key, Channel: e.channel(channelID), Digest: plan.Digest,
		Item: &plan.Digest.Items[0], Thread: plan.Header.Sent}
	if s, found, err = e.s.Find(context.Background(), item); err != nil || !found || s != plan.Items[0].Sent {
		t.Fatalf("Find first item = %+v, %v, %v; want %+v", s, found, err, plan.Items[0].Sent)
	}
	e.srv.ClearRequests()
	if s, found, err = e.s.Find(context.Background(), late); err != nil || !found || s != lateSent {
		t.Fatalf("Find late item = %+v, %v, %v; want %+v", s, found, err, lateSent)
	}
	if pages, cursor := e.pages("conversations.replies"); pages != 3 || cursor != 2 {
		t.Errorf("late item lookup read %d pages of replies (%d with a cursor), want 3 (2)", pages, cursor)
	}
}

// A lookup is bounded: past lookupLimit messages it stops and reports
// nothing found, in lookupLimit/lookupPage requests.
func TestFindBounded(t *testing.T) {
	e := newEnv(t)
	if _, err := e.digest(channelID); err != nil {
		t.Fatal(err)
	}
	e.chatter(channelID, "", lookupLimit+5)
	e.srv.ClearRequests()
	plan, err := e.db.GetPlan(context.Background(), bot.ChannelRef{Platform: Name, ID: channelID}, listDay)
	if err != nil {
		t.Fatal(err)
	}
	_, found, err := e.s.Find(context.Background(), &bot.Message{Key: plan.Header.Key, Channel: e.channel(channelID), Digest: plan.Digest})
	if err != nil || found {
		t.Fatalf("Find past the bound = %v, %v; want not found", found, err)
	}
	if pages, _ := e.pages("conversations.history"); pages != lookupLimit/lookupPage {
		t.Errorf("%d pages read, want %d", pages, lookupLimit/lookupPage)
	}
}

// A DM sent before a crash is found after the user wrote 250 messages in
// the DM channel.
func TestFindDMPastHundredNewer(t *testing.T) {
	e := newEnv(t)
	u := bot.UserRef{Platform: Name, TeamID: teamID, ID: memberUser}
	m := &bot.DirectMessage{Key: "alert:9:0", Reply: bot.Reply{Title: "1 new paper for your topics", Lines: []bot.Line{{bot.Text("a line")}}}}
	sent, err := e.s.SendDM(context.Background(), u, "", m)
	if err != nil {
		t.Fatal(err)
	}
	e.chatter(sent.ThreadID, "", 250)
	got, found, err := e.s.FindDM(context.Background(), u, sent.ThreadID, m.Key)
	if err != nil || !found || got != sent {
		t.Fatalf("FindDM = %+v, %v, %v; want %+v", got, found, err, sent)
	}
}
