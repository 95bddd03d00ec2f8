package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/fakes/faults"
)

// What the crash and fault tests count: the messages on the fakes against
// what the run had to produce, the recoveries in the processes' logs, and
// the requests a kill cut short (latencyProxy).

// rigLogLines are the log lines that show a restart's recovery at work.
var rigLogLines = []string{
	"found an earlier unconfirmed message; not sending again",  // a channel message
	"found an earlier unconfirmed alert DM; not sending again", // an alert DM
	"finishing a half-posted thread",
	"the failed post had gone through; not posting again", // after a failure that may have posted
}

// countLog adds the recovery lines of one process's log to r.logged.
func (r *rig) countLog(log string) {
	for _, l := range rigLogLines {
		r.logged[l] += strings.Count(log, l)
	}
}

// latencyProxy forwards requests to target, answering each after a
// network's latency: half before the request reaches the fake, half after
// the fake applied it. A client killed in the second half never learns that
// its message was posted: the crash the delivery log must survive.
// It counts the requests whose client left before they were sent on
// (cut) and after they were applied (lost answers).
func latencyProxy(t *testing.T, target string, latency time.Duration, cut, lost *atomic.Int64) string {
	client := &http.Client{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		select {
		case <-req.Context().Done():
			cut.Add(1) // the client left before the request was sent on
			return
		case <-time.After(latency / 2):
		}
		// As a real server: once received, the request is applied even if
		// the client goes away.
		out, err := http.NewRequestWithContext(context.WithoutCancel(req.Context()), req.Method, target+req.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		out.Header = req.Header.Clone()
		resp, err := client.Do(out)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		select {
		case <-req.Context().Done():
			lost.Add(1) // applied, and the client never learns it
			return
		case <-time.After(latency / 2):
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

var (
	paperRe = regexp.MustCompile(`huggingface\.co/papers/(\d{4}\.\d{5})`)
	listRe  = regexp.MustCompile(`huggingface\.co/papers/date/(\d{4}-\d{2}-\d{2})`)
)

// papersIn returns the paper ids a message links to, each once.
func papersIn(text string) []string {
	seen := map[string]bool{}
	var ids []string
	for _, m := range paperRe.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			ids = append(ids, m[1])
		}
	}
	return ids
}

// thread is a posted header and the papers of its thread's messages.
type thread struct {
	list     string
	items    []string // one entry per paper per message
	noThread bool     // Discord: the header has no thread
}

// threads reads a channel's digests from its fake: the bot's messages
// (not the chatter). In a forum channel each post is a thread whose first
// message, of the post's id, is the header.
func (r *rig) threads(c rigChannel) (threads []thread, messages int) {
	switch {
	case c.platform == "discord" && c.id == rigForum:
		for _, post := range r.dc.Threads(c.id) {
			th := thread{}
			for _, m := range r.dc.Messages(post.ID) {
				if m.Author.ID != rigDiscordBot {
					continue
				}
				messages++
				emb, _ := json.Marshal(m.Embeds)
				if m.ID == post.ID {
					th.list = firstMatch(listRe, string(emb))
					continue
				}
				th.items = append(th.items, papersIn(m.Content+string(emb))...)
			}
			threads = append(threads, th)
		}
	case c.platform == "discord":
		for _, h := range r.dc.Messages(c.id) {
			if h.Author.ID != rigDiscordBot {
				continue
			}
			messages++
			emb, _ := json.Marshal(h.Embeds)
			th := thread{list: firstMatch(listRe, string(emb)), noThread: h.ThreadID == ""}
			if h.ThreadID != "" {
				for _, m := range r.dc.Messages(h.ThreadID) {
					if m.Author.ID != rigDiscordBot {
						continue
					}
					messages++
					emb, _ := json.Marshal(m.Embeds)
					th.items = append(th.items, papersIn(m.Content+string(emb))...)
				}
			}
			threads = append(threads, th)
		}
	case c.platform == "slack":
		for _, h := range r.sl.Messages(c.id) {
			if h.User != rigSlackBot {
				continue
			}
			messages++
			th := thread{list: firstMatch(listRe, h.Text+string(h.Blocks))}
			for _, m := range r.sl.Replies(c.id, h.TS) {
				if m.TS == h.TS || m.User != rigSlackBot {
					continue
				}
				messages++
				th.items = append(th.items, papersIn(m.Text+string(m.Blocks))...)
			}
			threads = append(threads, th)
		}
	}
	return threads, messages
}

func firstMatch(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// dmTexts returns the bot's DMs to the user (not the user's chatter).
func (r *rig) dmTexts(u rigUser) []string {
	var texts []string
	switch u.ref.Platform {
	case "discord":
		for _, m := range r.dc.DMs(u.ref.ID) {
			if m.Author.ID == rigDiscordBot {
				texts = append(texts, m.Content)
			}
		}
	case "slack":
		for _, m := range r.sl.DMs(u.ref.ID) {
			if m.User == rigSlackBot {
				texts = append(texts, m.Text+string(m.Blocks))
			}
		}
	}
	return texts
}

// dmPapers returns, per paper, how many of the user's DMs list it.
func (r *rig) dmPapers(u rigUser) (map[string]int, int) {
	got := map[string]int{}
	texts := r.dmTexts(u)
	for _, text := range texts {
		for _, id := range papersIn(text) {
			got[id]++
		}
	}
	return got, len(texts)
}

// report is what a run left on the fakes, against what it had to.
type report struct {
	headers, items, dmLines, messages, dms int
	duplicates, losses, unexpected         []string

	forumPosts, forumItems int // in the Discord forum channel
	dailyDMs, dailyLines   int // to the daily users
	continued              int // DMs that continue a batch (its parts after the first)
}

// check counts every expected header, thread item and alert DM line on the
// fakes: each must be there exactly once, and nothing else.
func (r *rig) check() report {
	var rep report
	for _, c := range r.chans {
		threads, msgs := r.threads(c)
		rep.messages += msgs
		byList := map[string][]thread{}
		for _, th := range threads {
			byList[th.list] = append(byList[th.list], th)
		}
		for _, d := range r.days {
			where := fmt.Sprintf("%s:%s %s", c.platform, c.id, d)
			ths := byList[d.String()]
			delete(byList, d.String())
			switch {
			case len(ths) == 0:
				rep.losses = append(rep.losses, where+": header")
				continue
			case len(ths) > 1:
				rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s: header %d times", where, len(ths)))
			}
			rep.headers++
			count := map[string]int{}
			for _, th := range ths {
				if th.noThread {
					rep.losses = append(rep.losses, where+": thread")
				}
				for _, id := range th.items {
					count[id]++
				}
			}
			for _, p := range r.lists[d][:c.max] {
				switch n := count[p.id]; {
				case n == 0:
					rep.losses = append(rep.losses, where+": item "+p.id)
				case n > 1:
					rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s: item %s %d times", where, p.id, n))
				}
				if count[p.id] > 0 {
					rep.items++
				}
				delete(count, p.id)
			}
			for id, n := range count {
				rep.unexpected = append(rep.unexpected, fmt.Sprintf("%s: item %s (%d times)", where, id, n))
			}
		}
		if c.platform == "discord" && c.id == rigForum {
			rep.forumPosts = len(threads)
			for _, th := range threads {
				rep.forumItems += len(th.items)
			}
		} else if c.platform == "discord" {
			// Each thread starts from a header: one per header, no other.
			if n, want := len(r.dc.Threads(c.id)), len(threads); n > want {
				rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s:%s: %d threads for %d headers", c.platform, c.id, n, want))
			}
		}
		for list, ths := range byList {
			rep.unexpected = append(rep.unexpected, fmt.Sprintf("%s:%s: %d headers for list %q", c.platform, c.id, len(ths), list))
		}
	}
	for _, u := range r.users {
		got, n := r.dmPapers(u)
		rep.dms += n
		rep.messages += n
		for _, text := range r.dmTexts(u) {
			if strings.Contains(text, "(continued)") {
				rep.continued++
			}
		}
		if u.daily {
			rep.dailyDMs += n
			for _, k := range got {
				rep.dailyLines += k
			}
		}
		for _, d := range r.days {
			for _, p := range r.lists[d] {
				if !contains(u.topics, p.topic) {
					continue
				}
				where := fmt.Sprintf("DM to %s: %s (%s)", u.ref, p.id, d)
				switch n := got[p.id]; {
				case n == 0:
					rep.losses = append(rep.losses, where)
				case n > 1:
					rep.duplicates = append(rep.duplicates, fmt.Sprintf("%s %d times", where, n))
				default:
					rep.dmLines++
				}
				delete(got, p.id)
			}
		}
		for id, n := range got {
			rep.unexpected = append(rep.unexpected, fmt.Sprintf("DM to %s: %s (%d times)", u.ref, id, n))
		}
	}
	rep.unexpected = append(rep.unexpected, r.early...)
	sort.Strings(rep.duplicates)
	sort.Strings(rep.losses)
	sort.Strings(rep.unexpected)
	return rep
}

// expected is how many headers, items and DM lines the run must produce.
func (r *rig) expected() (headers, items, dmLines int) {
	for _, c := range r.chans {
		headers += len(r.days)
		items += len(r.days) * c.max
	}
	for _, u := range r.users {
		for _, d := range r.days {
			for _, p := range r.lists[d] {
				if contains(u.topics, p.topic) {
					dmLines++
				}
			}
		}
	}
	return
}

// assert fails the test with every duplicate, loss and unexpected message.
func (r *rig) assert(rep report) {
	r.t.Helper()
	h, i, d := r.expected()
	r.t.Logf("on the platforms: %d/%d headers, %d/%d items, %d/%d alert DM lines (%d DMs); %d messages in all; %d duplicates, %d losses, %d unexpected",
		rep.headers, h, rep.items, i, rep.dmLines, d, rep.dms, rep.messages, len(rep.duplicates), len(rep.losses), len(rep.unexpected))
	if len(rep.duplicates)+len(rep.losses)+len(rep.unexpected) > 0 {
		r.t.Errorf("seed %d: %d duplicates, %d losses, %d unexpected:\nduplicates:\n  %s\nlosses:\n  %s\nunexpected:\n  %s",
			r.seed, len(rep.duplicates), len(rep.losses), len(rep.unexpected),
			strings.Join(rep.duplicates, "\n  "), strings.Join(rep.losses, "\n  "), strings.Join(rep.unexpected, "\n  "))
	}
	if rep.headers != h || rep.items != i || rep.dmLines != d {
		r.t.Errorf("counted %d headers, %d items, %d DM lines; want %d, %d, %d", rep.headers, rep.items, rep.dmLines, h, i, d)
	}
	r.t.Logf("forum channel: %d posts holding %d items; daily users: %d DMs holding %d alert lines; %d DMs continuing a batch; %s",
		rep.forumPosts, rep.forumItems, rep.dailyDMs, rep.dailyLines, rep.continued, r.batchParts())
	// What the run is there to cover must have happened.
	if rep.forumPosts != len(r.days) || rep.dailyDMs == 0 || rep.continued == 0 {
		r.t.Errorf("the run did not cover forum posts (%d of %d days), daily DMs (%d) and DMs in several parts (%d continuing)",
			rep.forumPosts, len(r.days), rep.dailyDMs, rep.continued)
	}
}

// faultSummary is one fake's requests and injected faults by kind, and for
// a chat platform the requests that came before an earlier 429's
// Retry-After ended (violations).
func faultSummary(name string, s faults.Stats) string {
	var kinds []string
	for k, v := range s.Faults {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(kinds)
	if name == "huggingface" {
		// Each failed list request counts as its kind and as a source failure.
		return fmt.Sprintf("%s: %d requests, %d failed (%s)", name, s.Requests, s.Faults[faults.KindSourceFailure], strings.Join(kinds, ", "))
	}
	return fmt.Sprintf("%s: %d requests, %d faults injected (%s), %d violations", name, s.Requests, s.Injected(), strings.Join(kinds, ", "), s.Violations)
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logRecoveries logs how often the processes recovered from an earlier
// one's crash or an ambiguous failure, from their logs.
func (r *rig) logRecoveries() {
	for _, l := range rigLogLines {
		r.t.Logf("logged %4d times: %q", r.logged[l], l)
	}
}

// batchParts describes, from the database, the alert batches sent in
// several parts, per platform; it records a platform without any as a
// failure of the run to cover them.
func (r *rig) batchParts() string {
	db, err := sql.Open("sqlite3", "file:"+r.db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, p := range []string{"discord", "slack"} {
		var n, parts, most int
		err := db.QueryRow(`SELECT count(*), COALESCE(sum(parts_sent), 0), COALESCE(max(parts_sent), 0) FROM alert_batches
			WHERE platform = ? AND state = 'sent' AND parts_sent > 1`, p).Scan(&n, &parts, &most)
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 && (p == "discord" || r.listLen >= rigListLen) {
			r.t.Errorf("%s: no alert DM in several parts", p)
		}
		out = append(out, fmt.Sprintf("%s %d batches in %d parts (up to %d)", p, n, parts, most))
	}
	return "alert DMs in several parts: " + strings.Join(out, ", ")
}
