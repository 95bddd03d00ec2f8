package faults

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"testing"
	"time"
)

type testRule struct {
	Match, Name string
	Skip, Times int
	Prob        float64
}

func testGate(r testRule) Gate { return Gate{Skip: r.Skip, Times: r.Times, Prob: r.Prob} }

func pickName(rs *Rules[testRule], name string) string {
	r, ok := rs.Pick(func(r testRule) bool { return r.Match == "" || r.Match == name })
	if !ok {
		return "-"
	}
	return r.Name
}

func TestRulesOrderSkipTimes(t *testing.T) {
	rs := NewRules(testGate)
	rs.Add(testRule{Match: "a", Name: "first", Skip: 1, Times: 2})
	rs.Add(testRule{Match: "a", Name: "second"})
	var got []string
	for range 5 {
		got = append(got, pickName(rs, "a"))
	}
	// The first request is skipped by rule 1 (rule 2 takes it), the next
	// two go to rule 1, the rest to rule 2.
	if want := []string{"second", "first", "first", "second", "second"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if pickName(rs, "b") != "-" {
		t.Error("a rule for a matched b")
	}
	rs.Clear()
	if pickName(rs, "a") != "-" {
		t.Error("Clear left a rule")
	}
}

func TestRulesRemove(t *testing.T) {
	rs := NewRules(testGate)
	remove := rs.Add(testRule{Match: "x", Name: "x", Times: 1})
	remove()
	if pickName(rs, "x") != "-" {
		t.Error("removed rule applied")
	}
	remove() // twice is harmless
}

// A probability rule fails about that share of requests, and the same seed
// fails the same requests.
func TestRulesProbSeeded(t *testing.T) {
	run := func(seed int64) []bool {
		rs := NewRules(testGate)
		rs.Seed(seed)
		rs.Add(testRule{Prob: 0.2})
		var out []bool
		for range 10000 {
			_, ok := rs.Pick(func(testRule) bool { return true })
			out = append(out, ok)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	n, same, diff := 0, true, false
	for i := range a {
		if a[i] {
			n++
		}
		same = same && a[i] == b[i]
		diff = diff || a[i] != c[i]
	}
	if !same || !diff {
		t.Errorf("seed 7 twice same=%v, seed 8 differs=%v", same, diff)
	}
	if math.Abs(float64(n)/10000-0.2) > 0.02 {
		t.Errorf("%d of 10000 failed, want about 2000", n)
	}
}

func TestRulesMix(t *testing.T) {
	rs := NewRules(testGate)
	rs.Seed(3)
	rs.AddMix(testRule{Match: "scope"}, 0.2, testRule{Name: "429"}, testRule{Name: "500"}, testRule{Name: "drop"}, testRule{Name: "slow"})
	counts := map[string]int{}
	for range 20000 {
		r, ok := rs.Pick(func(r testRule) bool { return r.Match == "scope" })
		if ok {
			counts[r.Name]++
		}
	}
	total := 0
	for _, k := range []string{"429", "500", "drop", "slow"} {
		if counts[k] < 800 || counts[k] > 1200 {
			t.Errorf("%s: %d of 20000, want about 1000", k, counts[k])
		}
		total += counts[k]
	}
	if total != counts["429"]+counts["500"]+counts["drop"]+counts["slow"] || math.Abs(float64(total)/20000-0.2) > 0.02 {
		t.Errorf("mix failed %d of 20000 (%v)", total, counts)
	}
	// A mix with rate 0 or no faults never applies.
	rs = NewRules(testGate)
	rs.AddMix(testRule{}, 0, testRule{Name: "x"})
	rs.AddMix(testRule{}, 1)
	if pickName(rs, "x") != "-" {
		t.Error("empty mix applied")
	}
}

func TestWindow(t *testing.T) {
	w := NewWindow(2, time.Second)
	t0 := time.Unix(1000, 0)
	if tk := w.Take("k", t0); tk.Exceeded || tk.Remaining != 1 || tk.Limit != 2 {
		t.Errorf("first: %+v", tk)
	}
	w.Take("k", t0)
	if tk := w.Take("k", t0.Add(500*time.Millisecond)); !tk.Exceeded || tk.ResetAfter != 500*time.Millisecond {
		t.Errorf("third: %+v", tk)
	}
	if tk := w.Take("other", t0); tk.Exceeded {
		t.Error("keys share a window")
	}
	if tk := w.Take("k", t0.Add(time.Second)); tk.Exceeded {
		t.Error("the window did not reset")
	}
	w.Set(0, 0)
	for range 10 {
		if w.Take("k", t0).Exceeded {
			t.Fatal("limit 0 limited")
		}
	}
}

func TestBackoffs(t *testing.T) {
	b := NewBackoffs()
	t0 := time.Unix(1000, 0)
	b.Wait("k", t0.Add(time.Second))
	b.Wait("k", t0.Add(500*time.Millisecond)) // an earlier end does not shorten it
	if early, at := b.Check("k", t0.Add(400*time.Millisecond)); early != 600*time.Millisecond || !at.Equal(t0.Add(time.Second)) {
		t.Errorf("early %v, at %v", early, at)
	}
	if early, _ := b.Check("other", t0); early != 0 {
		t.Error("another key was limited")
	}
	if early, _ := b.Check("k", t0.Add(time.Second-time.Millisecond)); early != 0 {
		t.Error("a request within ClockSlack counted")
	}
	if early, _ := b.Check("k", t0.Add(400*time.Millisecond)); early != 0 {
		t.Error("the wait was not forgotten once over")
	}
	if n := b.Violations(); n != 1 {
		t.Errorf("%d violations, want 1", n)
	}
}

func TestTally(t *testing.T) {
	var ty Tally
	for range 3 {
		ty.Request()
	}
	ty.Fault(KindStatus)
	ty.Fault(KindDelay)
	ty.Fault("")
	st := ty.Stats()
	if st.Requests != 3 || st.Faults[KindStatus] != 1 || st.Injected() != 1 || len(st.Faults) != 2 {
		t.Errorf("%+v, injected %d", st, st.Injected())
	}
}

func TestServerClientSleepDrop(t *testing.T) {
	var s *Server
	s = NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/drop":
			Drop(w)
		case "/slow":
			if !s.Sleep(r.Context(), time.Minute) {
				return
			}
		default:
			io.WriteString(w, r.Host)
		}
	}))
	// Any host goes to the fake.
	resp, err := s.Client().Get("https://discord.com/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) == "" {
		t.Error("no answer")
	}
	if _, err := s.Client().Get("https://slack.com/drop"); err == nil {
		t.Error("a dropped connection gave no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/slow", nil)
	start := time.Now()
	if _, err := s.Client().Do(req); err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("slow request: %v after %v", err, time.Since(start))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Client().Get(s.URL() + "/slow")
	}()
	time.Sleep(50 * time.Millisecond)
	s.Close() // ends the sleeping request at once
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end a sleeping request")
	}
}

// Controls work on their engine: a rule added through them (rewritten by
// prepare) is what the engine picks, SetRateLimit(0, 0) restores the
// engine's default, and Violations and Stats read what the fake recorded.
func TestControls(t *testing.T) {
	e := NewEngine[testRule, string](testGate, 2, time.Minute)
	c := e.Controls(func(r testRule) testRule { r.Name = "prepared " + r.Name; return r })
	remove := c.AddRule(testRule{Match: "a", Name: "x"})
	if got := pickName(e.Rules, "a"); got != "prepared x" {
		t.Errorf("picked %q", got)
	}
	remove()
	c.AddMix(testRule{Match: "a"}, 1, testRule{Name: "m"})
	if got := pickName(e.Rules, "a"); got != "m" {
		t.Errorf("mix picked %q", got)
	}
	c.ClearRules()
	if got := pickName(e.Rules, "a"); got != "-" {
		t.Errorf("after ClearRules picked %q", got)
	}

	now := time.Now()
	c.SetRateLimit(1, time.Minute)
	if e.Limiter.Take("k", now); !e.Limiter.Take("k", now).Exceeded {
		t.Error("SetRateLimit(1, …) let two requests through")
	}
	c.SetRateLimit(0, 0)
	if tk := e.Limiter.Take("k", now); tk.Limit != 2 || tk.Exceeded {
		t.Errorf("SetRateLimit(0, 0) did not restore the default: %+v", tk)
	}

	e.Tally.Request()
	e.Tally.Fault(KindStatus)
	e.Backoffs.Wait("k", now.Add(time.Minute))
	e.Backoffs.Check("k", now)
	e.Violations.Add("early on k")
	if v := c.Violations(); len(v) != 1 || v[0] != "early on k" {
		t.Errorf("Violations %v", v)
	}
	if st := c.Stats(); st.Requests != 1 || st.Faults[KindStatus] != 1 || st.Violations != 1 {
		t.Errorf("Stats %+v", st)
	}

	// Without prepare, rules go in as they are.
	plain := NewEngine[testRule, string](testGate, 0, 0)
	plain.Controls(nil).AddRule(testRule{Name: "as is"})
	if got := pickName(plain.Rules, "b"); got != "as is" {
		t.Errorf("picked %q", got)
	}
}
