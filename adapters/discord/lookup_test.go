package discord

import (
	"context"
	"fmt"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// chatter posts n messages by a member into channelID, as people talking
// after the bot's message would.
func (e *env) chatter(channelID string, n int) {
	e.t.Helper()
	e.srv.AddUser(memberID, "member")
	for i := range n {
		if _, err := e.srv.AddMessage(channelID, memberID, fmt.Sprintf("chatter %d", i)); err != nil {
			e.t.Fatal(err)
		}
	}
}

// listPages counts the requests that read channelID's messages, and those
// of them that paged back with before (each asks for at most 100).
func (e *env) listPages(channelID string) (pages, before int) {
	e.t.Helper()
	for _, r := range e.srv.Requests() {
		if r.Method != "GET" || r.Path != "/api/v9/channels/"+channelID+"/messages" {
			continue
		}
		pages++
		if r.Query.Get("before") != "" {
			before++
		}
		if l := r.Query.Get("limit"); l != "100" {
			e.t.Errorf("a page asked for limit %q", l)
		}
	}
	return pages, before
}

// A restart after hundreds of newer messages in the channel and the thread
// still finds the unconfirmed header and item: the lookups page back with
// before, past the 100 most recent messages Discord returns at once.
func TestFindPastHundredNewer(t *testing.T) {
	e := newEnv(t, allPerms)
	if res, err := e.digest(textID); err != nil || res.Run.Outcome != bot.OutcomePosted {
		t.Fatalf("digest: %+v %v", res.Run, err)
	}
	th, _ := e.thread(textID)
	e.chatter(textID, 250)
	e.chatter(th.ID, 350)
	e.srv.ClearRequests()
	plan, err := e.db.GetPlan(context.Background(), bot.ChannelRef{Platform: Name, ID: textID}, listDay)
	if err != nil {
		t.Fatal(err)
	}
	header := &bot.Message{Key: plan.Header.Key, Channel: e.channel(textID), Digest: plan.Digest}
	s, found, err := e.d.Find(context.Background(), header)
	if err != nil || !found || s != plan.Header.Sent {
		t.Fatalf("Find header = %+v, %v, %v; want %+v", s, found, err, plan.Header.Sent)
	}
	if pages, before := e.listPages(textID); pages != 3 || before != 2 {
		t.Errorf("header lookup read %d pages (%d with before), want 3 (2)", pages, before)
	}
	// The first item is the oldest message of the thread after the header.
	item := &bot.Message{Key: plan.Items[0].Key, Channel: e.channel(textID), Digest: plan.Digest,
		Item: &plan.Digest.Items[0], Thread: plan.Header.Sent}
	s, found, err = e.d.Find(context.Background(), item)
	if err != nil || !found || s != plan.Items[0].Sent {
		t.Fatalf("Find item = %+v, %v, %v; want %+v", s, found, err, plan.Items[0].Sent)
	}
	if pages, _ := e.listPages(th.ID); pages != 4 {
		t.Errorf("item lookup read %d pages of the thread, want 4", pages)
	}
}

// A lookup is bounded: past lookupLimit messages it stops and reports
// nothing found, in lookupLimit/100 requests.
func TestFindBounded(t *testing.T) {
	e := newEnv(t, allPerms)
	if _, err := e.digest(textID); err != nil {
		t.Fatal(err)
	}
	e.chatter(textID, lookupLimit+5)
	e.srv.ClearRequests()
	plan, err := e.db.GetPlan(context.Background(), bot.ChannelRef{Platform: Name, ID: textID}, listDay)
	if err != nil {
		t.Fatal(err)
	}
	_, found, err := e.d.Find(context.Background(), &bot.Message{Key: plan.Header.Key, Channel: e.channel(textID), Digest: plan.Digest})
	if err != nil || found {
		t.Fatalf("Find past the bound = %v, %v; want not found", found, err)
	}
	if pages, _ := e.listPages(textID); pages != lookupLimit/lookupPage {
		t.Errorf("%d pages read, want %d", pages, lookupLimit/lookupPage)
	}
}

// A DM sent before a crash is found after the user wrote 150 messages in
// the DM channel and Discord forgot the nonce.
func TestFindDMPastHundredNewer(t *testing.T) {
	e := newEnv(t, allPerms)
	u := bot.UserRef{Platform: Name, ID: memberID}
	m := &bot.DirectMessage{Key: "alert:9:0", Reply: bot.Reply{Title: "1 new paper for your topics", Lines: []bot.Line{{bot.Text("a line")}}}}
	sent, err := e.d.SendDM(context.Background(), u, "", m)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ForgetNonces()
	e.chatter(sent.ThreadID, 150)
	got, found, err := e.d.FindDM(context.Background(), u, sent.ThreadID, m.Key)
	if err != nil || !found || got != sent {
		t.Fatalf("FindDM = %+v, %v, %v; want %+v", got, found, err, sent)
	}
}
