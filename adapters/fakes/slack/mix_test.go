package slackfake

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// TestMixedFaultsCounted: a 20% mix on chat.postMessage fails about a fifth
// of the posts, in every way of MixedFaults, and Stats and Stored agree with
// what the requests and channels show.
func TestMixedFaultsCounted(t *testing.T) {
	srv := New()
	t.Cleanup(srv.Close)
	srv.AddChannel(Channel{ID: chanID, Name: "papers", Members: []string{srv.BotUserID()}})
	srv.SetRetryAfterUnit(time.Millisecond)
	srv.Seed(5)
	srv.AddMix(Rule{Method: "chat.postMessage"}, 0.2, MixedFaults(5*time.Millisecond, 5*time.Second)...)
	api := slack.New("xoxb-test", slack.OptionHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}), slack.OptionAPIURL(srv.APIURL()))
	for i := 0; i < 200; i++ {
		if _, _, err := api.PostMessageContext(context.Background(), chanID, slack.MsgOptionText("p", false)); err != nil {
			time.Sleep(10 * time.Millisecond) // honours the 5 ms Retry-After
		}
	}
	st := srv.Stats()
	if st.Requests != 200 {
		t.Fatalf("%d requests, want 200", st.Requests)
	}
	if st.Faults[faults.KindCanceled]+st.Faults[faults.KindDelay] == 0 {
		t.Errorf("no timeout in %v", st.Faults)
	}
	for _, k := range []string{faults.KindRateLimit, faults.KindStatus, faults.KindDropAfter} {
		if st.Faults[k] == 0 {
			t.Errorf("no %s fault in %v", k, st.Faults)
		}
	}
	if st.Violations != 0 || st.Faults[faults.KindEnforced] != 0 {
		t.Errorf("a client that waits out every 429 made %d violations: %v", st.Violations, st.Faults)
	}
	if n := st.Injected() + st.Faults[faults.KindDelay]; n < 25 || n > 55 {
		t.Errorf("%d faults injected in 200 requests, want about 40: %v", n, st.Faults)
	}
	applied := 0
	for _, r := range srv.Requests() {
		if r.Applied {
			applied++
		}
	}
	if got := srv.Stored(); got.Messages != applied || got.Threads != 0 || got.DMs != 0 {
		t.Errorf("stored %+v, %d requests applied", got, applied)
	}
}

// TestStoredCounts counts channel messages, threads, replies and DMs.
func TestStoredCounts(t *testing.T) {
	srv, api := newFake(t)
	_, ts, err := api.PostMessage(chanID, slack.MsgOptionText("header", false))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, _, err := api.PostMessage(chanID, slack.MsgOptionText("item", false), slack.MsgOptionTS(ts)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := api.PostMessage(chanID, slack.MsgOptionText("other", false)); err != nil {
		t.Fatal(err)
	}
	srv.AddUser(User{ID: "U1", Name: "ann"})
	ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(ch.ID, slack.MsgOptionText("alert", false)); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Stored(), (faults.Stored{Messages: 2, Threads: 1, Replies: 3, DMs: 1}); got != want {
		t.Errorf("Stored() = %+v, want %+v", got, want)
	}
}
