package main

import (
	"path/filepath"
	"regexp"
	"testing"
)

// TestStatusNextRunOnBotClock: status works out the next run on the bot's
// clock, as the daemon does. With the clock on Wednesday 19 August 2026 at
// 10:00 UTC, a channel posting weekdays at 09:00 runs next on Thursday
// the 20th, whatever the day the test runs on.
func TestStatusNextRunOnBotClock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	r := runBinary(t, []string{"PAPERBOY_TEST_NOW=2026-08-19T10:00:00Z"}, "status", "--source", "sample", "--db", db)
	want := regexp.MustCompile(`\n  next run     Thu 20 Aug 2026 09:00 UTC \(in 22h5\dm\), list of Wed 19 Aug 2026\n`)
	if r.code != 0 || !want.MatchString(r.stdout) {
		t.Fatalf("status: exit %d, want a line matching %q\nstdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
	}
}
