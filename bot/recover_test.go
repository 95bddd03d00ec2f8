package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

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
