package main_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// panicStore panics in Search, as a bug deep in a command would.
type panicStore struct{ bot.Store }

func (panicStore) Search(context.Context, bot.SearchRequest) (bot.SearchResults, error) {
	panic("index out of range in the search")
}

// A panic while handling a command is recovered: the user reads that
// something went wrong, the panic is logged once with its stack, and the
// bot keeps answering.
func TestCommandPanicRecovered(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	b := f.bot()
	b.Store = panicStore{f.db}
	b.Log = slog.New(slog.NewTextHandler(&logs, nil))
	c := &bot.Commands{Bot: b, DefaultZone: "UTC"}
	r := c.Handle(context.Background(), papersCmd("search", map[string]string{"query": "diffusion"}))
	if !r.Error || !strings.Contains(r.Plain(), "Something went wrong") || strings.Contains(r.Plain(), "index out of range") {
		t.Errorf("reply to a panicking command: %+v", r)
	}
	if out := logs.String(); strings.Count(out, "command failed") != 1 || !strings.Contains(out, "panic: index out of range in the search") {
		t.Errorf("log:\n%s", out)
	}
	if r := c.Handle(context.Background(), papersCmd("help", nil)); r.Error {
		t.Errorf("after a panic: %+v", r)
	}
}

// slowNoticeStore cannot say whether the user has a notice until the
// context ends, as when the read pool is saturated by searches.
type slowNoticeStore struct{ bot.Store }

func (slowNoticeStore) TakeNotice(ctx context.Context, _ bot.UserRef, _ time.Time) (string, error) {
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(5 * time.Second):
		return "", nil
	}
}

// A busy database does not hold up an answer for the user's notice:
// Discord answers /papers help at once, within 3 seconds, so the notice
// lookup is bounded and skipped when it cannot be done in time.
func TestNoticeDoesNotDelayAnswers(t *testing.T) {
	f := newFixture(t)
	b := f.bot()
	b.Store = slowNoticeStore{f.db}
	c := &bot.Commands{Bot: b, DefaultZone: "UTC"}
	start := time.Now()
	r := c.Handle(context.Background(), papersCmd("help", nil))
	if took := time.Since(start); took > time.Second {
		t.Errorf("help took %v with a slow notice lookup", took)
	}
	if r.Error || !strings.Contains(r.Plain(), "search") {
		t.Errorf("help: %+v", r)
	}
}
