package main

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Issue 7, point 4: while the daemon runs, bursts of slash commands arrive
// at once through each platform's real entry point: on Discord as
// INTERACTION_CREATE events over the (fake) gateway the daemon is connected
// to, on Slack as signed HTTP requests to the daemon's HTTP mode. Each
// burst is 200 commands per platform from 50 users (search, subscribe,
// unsubscribe, subscriptions, Next-page clicks), both platforms at the same
// moment.
//
// Meanwhile the daemon does its own work on the same database: it polls a
// fake Hugging Face every second, whose lists for today and yesterday hold
// 100 papers each, get new papers and changed upvotes four times a second,
// and so keep the daemon storing papers, matching them against the topics
// the commands are changing and sending alert DMs.

const (
	concUsers    = 50
	concCorpus   = 3000
	concDeadline = 3 * time.Second // Discord's initial response, Slack's ack
	concSecret   = "fake_signing_secret_for_concurrency"
	concListSize = 100 // papers per live list
	concMax      = 4   // alerts.max_topics: never reached by bursts 1 and 2, the point of burst 3
)

// What a command must lead to.
const (
	wantAnswer  = iota // any answer that is not an error (search, list)
	wantAdded          // "Subscribed (#N)": a topic was stored
	wantRemoved        // "Removed topic #N"
	wantRefused        // an error reply that says what is wrong
	wantPage2          // the second page of search results
	wantLimited        // a new topic, or the refusal at max_topics
)

// concCmd is one slash command of a burst and what became of it.
type concCmd struct {
	platform string // "discord" or "slack"
	user     int
	text     string // as typed after /papers
	want     int
	query    string // the topic of a subscribe or unsubscribe
	keep     bool   // a topic added that must be stored at the end
	refusal  string // for wantRefused: what the reply must say
	click    string // a button's action: this is a click on Next, not a slash command
	next     string // the Next button's action in the reply, if any

	key    string // interaction id (Discord) or response_url name (Slack)
	sent   time.Time
	ack    time.Duration // to the initial response (Discord) or the HTTP 200 (Slack)
	answer time.Duration // to the answer the user reads
	acked  bool
	reply  string
	status int // Slack: the HTTP status of the command request
	subID  int64
}

var (
	subscribedRe = regexp.MustCompile(`Subscribed \\?\(\\?#(\d+)\\?\)`)
	removedRe    = regexp.MustCompile(`Removed topic \\?#(\d+)`)
	page2Re      = regexp.MustCompile(`(?m)^6\\?\. `)
)

// check compares each answer with what the command must lead to.
func (c *concCmd) check(t *testing.T) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Errorf("%s user %d %q: %s; reply: %.300q", c.platform, c.user, c.text, fmt.Sprintf(format, args...), c.reply)
	}
	if !c.acked {
		fail("not acknowledged (status %d)", c.status)
	}
	if c.ack > concDeadline {
		fail("acknowledged after %v", c.ack)
	}
	if c.reply == "" {
		return // counted by burst
	}
	if strings.Contains(c.reply, "went wrong") || strings.Contains(strings.ToLower(c.reply), "database is locked") {
		fail("an internal error")
	}
	added, removed := subscribedRe.FindStringSubmatch(c.reply), removedRe.FindStringSubmatch(c.reply)
	switch c.want {
	case wantAdded:
		if added == nil {
			fail("want a new topic")
			return
		}
		c.subID, _ = strconv.ParseInt(added[1], 10, 64)
	case wantRemoved:
		if removed == nil || removed[1] != strconv.FormatInt(c.subID, 10) {
			fail("want topic #%d removed", c.subID)
		}
	case wantRefused:
		if added != nil || removed != nil || !strings.Contains(c.reply, c.refusal) {
			fail("want a refusal saying %q", c.refusal)
		}
	case wantAnswer:
		if added != nil || removed != nil {
			fail("changed topics")
		}
	case wantLimited:
		if added != nil {
			c.subID, _ = strconv.ParseInt(added[1], 10, 64)
		} else if !strings.Contains(c.reply, "the most one person may have") {
			fail("want a new topic or the refusal at %d topics", concMax)
		}
	case wantPage2:
		if !page2Re.MatchString(c.reply) || strings.Contains(c.reply, "\n1. ") || strings.Contains(c.reply, "\n1\\. ") {
			fail("want the second page (results 6 to 10)")
		}
	}
}

// Topics: three disjoint lists, so each user's topics are distinct.
var (
	concTopicsA = []string{"diffusion", `"language model"`, "video generation", "reinforcement learning -survey",
		"robot", "speech OR audio", "upvotes:>=20 agents", "has:code benchmark"}
	concTopicsB = []string{"retrieval", "multimodal", "3d reconstruction", `"mixture of experts"`,
		"image editing", "reasoning -math", "since:14d efficient", "tokenizer OR tokenization"}
	concTopicsC = []string{"alignment", "distillation", "graph neural", "quantization", "segmentation",
		"long context", `"state space"`, "evaluation sort:date"}
	concSearches = []string{"diffusion", `"large language" sort:date`, "video -survey", "upvotes:>=20", "transformer OR attention",
		"has:code since:30d", "zzqxjv nonexistent", "model", "agents reasoning", "org:meta"}
	concBadQueries = []string{"upvotes:>=lots", "since:yesterdayish", `"`, "before:2025-13-45"}
)

// wave1 is the first burst for one platform: two new topics per user, a
// search, and a list, a bad unsubscribe, a bad topic, help or a second
// search.
func wave1(platform string) []*concCmd {
	var out []*concCmd
	for i := range concUsers {
		a, b := concTopicsA[i%len(concTopicsA)], concTopicsB[i%len(concTopicsB)]
		out = append(out,
			&concCmd{platform: platform, user: i, text: "subscribe " + a, want: wantAdded, query: a},
			&concCmd{platform: platform, user: i, text: "subscribe " + b, want: wantAdded, query: b, keep: true},
			&concCmd{platform: platform, user: i, text: "search " + concSearches[i%len(concSearches)], want: wantAnswer})
		switch i % 4 {
		case 0:
			out = append(out, &concCmd{platform: platform, user: i, text: "subscriptions", want: wantAnswer})
		case 1:
			out = append(out, &concCmd{platform: platform, user: i, text: "unsubscribe 99999999", want: wantRefused, refusal: "You have no topic"})
		case 2:
			out = append(out, &concCmd{platform: platform, user: i, text: "subscribe " + concBadQueries[i%len(concBadQueries)], want: wantRefused, refusal: "Write words"})
		case 3:
			if i%8 == 3 {
				// Answered at once on Discord, without deferring.
				out = append(out, &concCmd{platform: platform, user: i, text: "help", want: wantAnswer})
			} else {
				out = append(out, &concCmd{platform: platform, user: i, text: "search " + concSearches[(i+5)%len(concSearches)] + " since:7d", want: wantAnswer})
			}
		}
	}
	return out
}

// wave2 is the second burst: each user removes topic A (its id from the
// first burst's answer) and adds C at the same moment; half subscribe to A
// again (a new topic, whichever order the two run in), a third try to
// remove another user's topic B, a third click Next on their first search
// (when it had more than one page) or search again, the rest list their
// topics. Whatever the
// order within the burst, each user ends with B, C and (even users) A.
func wave2(platform string, first []*concCmd) []*concCmd {
	ids := map[[2]int]int64{} // user, 0 = A / 1 = B → id
	next := map[int]string{}  // user → Next of the first search with more than a page
	for _, c := range first {
		if c.next != "" && next[c.user] == "" {
			next[c.user] = c.next
		}
		if c.want == wantAdded {
			k := 0
			if slices.Contains(concTopicsB, c.query) {
				k = 1
			}
			ids[[2]int{c.user, k}] = c.subID
		}
	}
	var out []*concCmd
	for i := range concUsers {
		a, cq := concTopicsA[i%len(concTopicsA)], concTopicsC[i%len(concTopicsC)]
		out = append(out,
			&concCmd{platform: platform, user: i, text: fmt.Sprintf("unsubscribe %d", ids[[2]int{i, 0}]), want: wantRemoved, query: a, subID: ids[[2]int{i, 0}]},
			&concCmd{platform: platform, user: i, text: "subscribe " + cq, want: wantAdded, query: cq, keep: true})
		switch i % 3 {
		case 0:
			other := ids[[2]int{(i + 1) % concUsers, 1}]
			out = append(out, &concCmd{platform: platform, user: i, text: fmt.Sprintf("unsubscribe #%d", other), want: wantRefused, refusal: "You have no topic"})
		case 1:
			if next[i] != "" {
				out = append(out, &concCmd{platform: platform, user: i, text: "(Next ▶ on the first search)", click: next[i], want: wantPage2})
			} else {
				out = append(out, &concCmd{platform: platform, user: i, text: "search " + concSearches[(i+3)%len(concSearches)], want: wantAnswer})
			}
		case 2:
			out = append(out, &concCmd{platform: platform, user: i, text: "subscriptions", want: wantAnswer})
		}
		if i%2 == 0 {
			out = append(out, &concCmd{platform: platform, user: i, text: "subscribe " + a, want: wantAdded, query: a, keep: true})
		} else {
			out = append(out, &concCmd{platform: platform, user: i, text: "search " + concSearches[(i+7)%len(concSearches)], want: wantAnswer})
		}
	}
	return out
}

// concTopicsD are burst 3's topics.
var concTopicsD = []string{"agents planning", "protein", "medical imaging", "code generation"}

// wave3 is the third burst: every user asks for four more topics at once,
// with room for only one (even users, who have 3) or two (odd users, 2).
// Exactly that many must be accepted, whatever the order.
func wave3(platform string) []*concCmd {
	var out []*concCmd
	for i := range concUsers {
		for _, d := range concTopicsD {
			out = append(out, &concCmd{platform: platform, user: i, text: "subscribe " + d, want: wantLimited, query: d})
		}
	}
	return out
}

// concStats are the figures of one burst on one platform.
type concStats struct {
	n                               int
	ackP50, ackP95, ackMax          time.Duration
	answerP50, answerP95, answerMax time.Duration
	added, removed, refused         int
	clicks                          int
}

func statsOf(cmds []*concCmd, platform string) concStats {
	var s concStats
	var acks, answers []time.Duration
	for _, c := range cmds {
		if c.platform != platform {
			continue
		}
		s.n++
		acks = append(acks, c.ack)
		answers = append(answers, c.answer)
		switch {
		case (c.want == wantAdded || c.want == wantLimited) && c.subID != 0:
			s.added++
		case c.want == wantRemoved && removedRe.MatchString(c.reply):
			s.removed++
		case c.want == wantRefused, c.want == wantLimited:
			s.refused++
		case c.click != "":
			s.clicks++
		}
	}
	quantiles := func(d []time.Duration) (p50, p95, top time.Duration) {
		if len(d) == 0 {
			return 0, 0, 0
		}
		slices.Sort(d)
		return d[(len(d)+1)/2-1], d[(len(d)*95+99)/100-1], d[len(d)-1]
	}
	s.ackP50, s.ackP95, s.ackMax = quantiles(acks)
	s.answerP50, s.answerP95, s.answerMax = quantiles(answers)
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// TestConcurrentCommands sends three bursts of 200 slash commands per
// platform, both platforms at once, to the running daemon, and checks that
// every command was acknowledged within 3 seconds and answered, that the
// subscriptions table holds exactly what the accepted commands imply (the
// third burst races each user's subscribes against max_topics), and that
// no "database is locked" (or any error) appears in a reply or a log line.
//
//	go test -tags sqlite_fts5 -run TestConcurrentCommands -count 1 -v ./cmd/paperboy
func TestConcurrentCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon and sends 1,200 commands; not with -short")
	}
	w := startConcWorld(t)
	platforms := []string{"discord", "slack"}
	liveCtx, stopLive := context.WithCancel(context.Background())
	defer stopLive()
	liveDone := make(chan struct{})
	go func() { w.live.run(liveCtx, 250*time.Millisecond); close(liveDone) }()
	// Let the daemon poll the changing lists and match alerts a few times
	// first, so the bursts meet it at work.
	waitLog(t, w.errb, "alerts matched", 1, 20*time.Second)

	var first, second []*concCmd
	for _, p := range platforms {
		first = append(first, wave1(p)...)
	}
	began := time.Now()
	w.burst(t, first)
	t.Logf("burst 1: %d commands answered in %v", len(first), time.Since(began).Round(time.Millisecond))
	for _, c := range first {
		c.check(t)
	}
	if t.Failed() {
		t.FailNow()
	}
	for _, p := range platforms {
		var mine []*concCmd
		for _, c := range first {
			if c.platform == p {
				mine = append(mine, c)
			}
		}
		second = append(second, wave2(p, mine)...)
	}
	began = time.Now()
	w.burst(t, second)
	t.Logf("burst 2: %d commands answered in %v", len(second), time.Since(began).Round(time.Millisecond))
	for _, c := range second {
		c.check(t)
	}
	third := append(wave3("discord"), wave3("slack")...)
	began = time.Now()
	w.burst(t, third)
	t.Logf("burst 3: %d commands answered in %v", len(third), time.Since(began).Round(time.Millisecond))
	limited := map[string]int{} // platform/user → topics accepted in burst 3
	for _, c := range third {
		c.check(t)
		if c.subID != 0 {
			limited[fmt.Sprintf("%s/%d", c.platform, c.user)]++
		}
	}
	for _, p := range platforms {
		for i := range concUsers {
			room := concMax - 2 - (1 - i%2) // even users have 3 topics, odd ones 2
			if n := limited[fmt.Sprintf("%s/%d", p, i)]; n != room {
				t.Errorf("%s user %d: %d of 4 topics accepted with room for %d", p, i, n, room)
			}
		}
	}
	// One more poll and match after the bursts, with the topics they left.
	waitLog(t, w.errb, "alerts matched", strings.Count(w.errb.String(), "alerts matched")+1, 20*time.Second)
	stopLive()
	<-liveDone
	w.stop()

	// The database: exactly the topics the accepted commands imply.
	want := map[string][]string{}
	for _, p := range platforms {
		for i := range concUsers {
			k := fmt.Sprintf("%s/%d", p, i)
			want[k] = []string{concTopicsB[i%len(concTopicsB)], concTopicsC[i%len(concTopicsC)]}
			if i%2 == 0 {
				want[k] = append(want[k], concTopicsA[i%len(concTopicsA)])
			}
		}
	}
	for _, c := range third {
		if c.subID != 0 {
			k := fmt.Sprintf("%s/%d", c.platform, c.user)
			want[k] = append(want[k], c.query)
		}
	}
	for _, qs := range want {
		sort.Strings(qs)
	}
	got, ids := storedTopics(t, w.db)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("subscriptions table (-want +got):\n%s", diff)
	}
	accepted := map[string]int{}
	for _, c := range slices.Concat(first, second, third) {
		switch {
		case (c.want == wantAdded || c.want == wantLimited) && c.subID != 0:
			accepted[c.platform]++
			if (c.keep || c.want == wantLimited) && ids[c.subID] != fmt.Sprintf("%s/%d %s", c.platform, c.user, c.query) {
				t.Errorf("topic #%d of %s user %d (%q) stored as %q", c.subID, c.platform, c.user, c.query, ids[c.subID])
			}
		case c.want == wantRemoved && removedRe.MatchString(c.reply):
			accepted[c.platform]--
		}
	}
	rows := map[string]int{}
	for k, qs := range got {
		rows[strings.Split(k, "/")[0]] += len(qs)
	}
	for _, p := range platforms {
		if rows[p] != accepted[p] {
			t.Errorf("%s: %d topics stored, accepted commands imply %d", p, rows[p], accepted[p])
		}
	}

	logs := w.errb.String()
	locked := strings.Count(strings.ToLower(logs), "database is locked")
	warns := strings.Count(logs, "level=WARN")
	for _, bad := range []string{"database is locked", "command failed", "level=ERROR", "could not answer", "could not defer"} {
		if n := strings.Count(logs, bad); n > 0 {
			t.Errorf("%d log lines with %q", n, bad)
		}
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			t.Logf("log: %s", line)
		}
	}

	t.Logf("| burst | platform | commands | ack p50 / p95 / max | answer p50 / p95 / max | topics added | removed | refused as asked | Next clicks |")
	for n, cmds := range [][]*concCmd{first, second, third} {
		for _, p := range platforms {
			s := statsOf(cmds, p)
			t.Logf("| %d | %s | %d | %s / %s / %s | %s / %s / %s | %d | %d | %d | %d |", n+1, p, s.n, ms(s.ackP50), ms(s.ackP95), ms(s.ackMax),
				ms(s.answerP50), ms(s.answerP95), ms(s.answerMax), s.added, s.removed, s.refused, s.clicks)
		}
	}
	var helps int
	var helpMax time.Duration
	for _, c := range first {
		if c.platform == "discord" && c.text == "help" {
			helps, helpMax = helps+1, max(helpMax, c.ack)
		}
	}
	t.Logf("Discord help (answered at once, not deferred): %d, slowest %s", helps, ms(helpMax))
	st, slst := w.dc.Stored(), w.sl.Stored()
	t.Logf("meanwhile the daemon polled %d lists (%d live-list versions published), logged \"alerts matched\" %d times, sent %d alert DMs on Discord and %d on Slack",
		strings.Count(logs, "msg=polled"), w.live.ticks, strings.Count(logs, "msg=\"alerts matched\""), st.DMs, slst.DMs)
	t.Logf("topics stored: discord %d, slack %d (accepted commands imply %d, %d); \"database is locked\" in logs: %d; warnings logged: %d",
		rows["discord"], rows["slack"], accepted["discord"], accepted["slack"], locked, warns)
}

// waitLog waits until text appears n times in the log.
func waitLog(t *testing.T, log *syncBuffer, text string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for strings.Count(log.String(), text) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%q logged %d times, want %d, within %v:\n%s", text, strings.Count(log.String(), text), n, within, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// storedTopics reads the subscriptions table: platform/user → sorted
// queries, and id → "platform/user query".
func storedTopics(t *testing.T, path string) (map[string][]string, map[int64]string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, platform, user_id, query FROM subscriptions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got, ids := map[string][]string{}, map[int64]string{}
	for rows.Next() {
		var id int64
		var platform, user, query string
		if err := rows.Scan(&id, &platform, &user, &query); err != nil {
			t.Fatal(err)
		}
		var i int
		if platform == "discord" {
			i, _ = strconv.Atoi(user)
			i -= 700000
		} else {
			i, _ = strconv.Atoi(strings.TrimPrefix(user, "U7"))
		}
		k := fmt.Sprintf("%s/%d", platform, i)
		got[k] = append(got[k], query)
		ids[id] = k + " " + query
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, qs := range got {
		sort.Strings(qs)
	}
	return got, ids
}
