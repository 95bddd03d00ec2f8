package main

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// While another process holds the database's write lock (a `paperboy
// backfill` or `ingest` next to the daemon), commands still get their
// initial response within Discord's 3 seconds: /papers help, which Discord
// gets answered at once rather than deferred, must not wait for the lock,
// and the deferred ones are answered once it is released.
func TestCommandsKeepDeadlineWhileAnotherProcessWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon; not with -short")
	}
	w := startConcWorld(t)
	waitLog(t, w.errb, "alerts matched", 1, 20*time.Second)

	other, err := sql.Open("sqlite3", "file:"+w.db+"?_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(context.Background(), nil) // BEGIN IMMEDIATE: the write lock
	if err != nil {
		t.Fatal(err)
	}
	const hold = 4 * time.Second
	locked := time.Now()
	release := time.AfterFunc(hold, func() { tx.Rollback() })
	defer func() {
		if release.Stop() {
			tx.Rollback()
		}
	}()

	cmds := []*concCmd{
		{platform: "discord", user: 1, text: "help", want: wantAnswer},
		{platform: "discord", user: 2, text: "help", want: wantAnswer},
		{platform: "discord", user: 3, text: "search diffusion", want: wantAnswer},
		{platform: "discord", user: 4, text: "subscribe diffusion", want: wantAdded},
		{platform: "slack", user: 1, text: "help", want: wantAnswer},
		{platform: "slack", user: 3, text: "search diffusion", want: wantAnswer},
		{platform: "slack", user: 4, text: "subscribe diffusion", want: wantAdded},
	}
	w.burst(t, cmds)
	for _, c := range cmds {
		c.check(t)
		t.Logf("%s %q: initial response %s, answer %s", c.platform, c.text, ms(c.ack), ms(c.answer))
	}
	if time.Since(locked) < hold {
		t.Errorf("every command was answered while the lock was held: the test did not hold it")
	}
}
