package huggingface_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/bot"
)

// Reachable sends one request for one paper, and is never retried.
func TestReachable(t *testing.T) {
	hf := hffake.New()
	t.Cleanup(hf.Close)
	body, err := os.ReadFile("testdata/daily_papers_2025-05-22.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := hf.SetList("2025-05-22", body); err != nil {
		t.Fatal(err)
	}
	c, err := huggingface.New(huggingface.Options{BaseURL: hf.URL(), UserAgent: "paperboy-test", Token: "hf_secret_token_1234"})
	if err != nil {
		t.Fatal(err)
	}
	day := bot.Date{Year: 2025, Month: 5, Day: 22}
	n, err := c.Reachable(context.Background(), day)
	if err != nil || n != 1 {
		t.Fatalf("Reachable: %d, %v; want 1 paper", n, err)
	}
	reqs := hf.Requests()
	if len(reqs) != 1 || reqs[0].Limit != 1 || reqs[0].Date != "2025-05-22" {
		t.Fatalf("requests %+v, want one for date 2025-05-22 with limit 1", reqs)
	}

	hf.ClearRequests()
	hf.AddRule(hffake.Rule{Status: http.StatusUnauthorized})
	_, err = c.Reachable(context.Background(), day)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || strings.Contains(err.Error(), "hf_secret_token_1234") {
		t.Errorf("error %v: want the 401 named, without the token", err)
	}
	hf.ClearRules()
	hf.AddRule(hffake.Rule{Status: http.StatusInternalServerError})
	if _, err := c.Reachable(context.Background(), day); err == nil {
		t.Error("a 500 passed")
	}
	if n := len(hf.Requests()); n != 2 {
		t.Errorf("%d requests for two checks, want 2 (no retries)", n)
	}
}
