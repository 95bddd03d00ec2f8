package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
)

// liveHF serves, once on, the same two papers on every day's list (dated
// that day), as a live Hugging Face would for today's list.
type liveHF struct{ on atomic.Bool }

func (h *liveHF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	day := r.URL.Query().Get("date")
	if r.URL.Path != "/api/daily_papers" || !h.on.Load() || r.URL.Query().Get("p") != "0" {
		fmt.Fprint(w, "[]")
		return
	}
	var list []any
	for i, title := range []string{"Diffusion policies for robots", "Graph networks for chemistry"} {
		id := fmt.Sprintf("2611.%05d", 90001+i)
		list = append(list, map[string]any{
			"paper": map[string]any{"id": id, "title": title, "summary": "About " + title + ".", "upvotes": 10 - i,
				"authors":     []any{map[string]any{"name": "Ada Lovelace", "hidden": false}},
				"publishedAt": day + "T00:00:00.000Z", "submittedOnDailyAt": day + "T01:00:00.000Z"},
			"title": title, "publishedAt": day + "T00:00:00.000Z", "numComments": 0,
		})
	}
	json.NewEncoder(w).Encode(list)
}

func countRows(t *testing.T, dbPath, query string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		return -1
	}
	return n
}

// TestAlertsSurviveKill: the real daemon stores and matches new papers,
// cannot send the DM (Slack fails), is killed (SIGKILL); the next process
// sends that DM, once.
func TestAlertsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	hf := &liveHF{}
	hfSrv := httptest.NewServer(hf)
	defer hfSrv.Close()
	sl := slackfake.New()
	defer sl.Close()
	sl.SetToken(fakeSlackBot)
	sl.SetBotUser("U0BOT", "T100")
	sl.AddUser(slackfake.User{ID: "U7", Name: "ann"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	secret := "fake-signing-secret"
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
  max_retries: 0
  min_interval: 0s
schedule:
  poll_interval: 1s
  retry_delay: 1s
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
  mode: http
  listen: %s
  api_url: %s
`, hfSrv.URL, addr, sl.APIURL()))
	dbPath := filepath.Join(t.TempDir(), "p.db")
	t.Setenv("SLACK_BOT_TOKEN", fakeSlackBot)
	t.Setenv("SLACK_SIGNING_SECRET", secret)
	args := []string{"run", "--config", cfg, "--db", dbPath}

	start := func() (func(), *syncBuffer) {
		cmd, _, stderr := startBinary(t, args...)
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(stderr.String(), "daemon started") {
			if time.Now().After(deadline) {
				t.Fatalf("daemon did not start:\n%s", stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		return func() { cmd.Process.Signal(syscall.SIGKILL); cmd.Wait() }, stderr
	}
	kill, stderr := start()

	// Subscribe by slash command.
	body := url.Values{"team_id": {"T100"}, "channel_id": {"C1"}, "user_id": {"U7"}, "command": {"/papers"},
		"text": {"subscribe diffusion"}, "response_url": {sl.ResponseURL("sub")}}.Encode()
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":" + body))
	req, _ := http.NewRequest("POST", "http://"+addr+"/slack/commands", strings.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("command: %v %v", err, resp)
	}
	resp.Body.Close()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s:\n%s", what, stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the subscribe answer", func() bool {
		for _, r := range sl.Responses() {
			if r.Name == "sub" && strings.Contains(r.Text, "Subscribed (#1)") {
				return true
			}
		}
		return false
	})

	// Slack fails every post; the new papers come in and are matched.
	remove := sl.AddRule(slackfake.Rule{Method: "chat.postMessage", Status: 500})
	hf.on.Store(true)
	waitFor("a failed attempt", func() bool {
		return countRows(t, dbPath, `SELECT count(*) FROM alert_batches WHERE attempts > 0 AND error <> ''`) == 1
	})
	if n := countRows(t, dbPath, `SELECT count(*) FROM alerts`); n != 1 {
		t.Fatalf("%d alert rows, want 1 (one paper matches)", n)
	}
	kill()
	if n := len(sl.DMs("U7")); n != 0 {
		t.Fatalf("%d DMs while Slack failed", n)
	}

	// The next process sends it, once.
	remove()
	kill, stderr = start()
	defer kill()
	waitFor("the DM", func() bool { return len(sl.DMs("U7")) > 0 })
	time.Sleep(2500 * time.Millisecond) // a few more polls and turns
	dms := sl.DMs("U7")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "Diffusion policies for robots") || strings.Contains(dms[0].Text, "Graph networks") ||
		!strings.Contains(dms[0].Text, "matched: #1 diffusion") {
		t.Fatalf("DMs after the restart: %+v", dms)
	}
	if n := countRows(t, dbPath, `SELECT count(*) FROM alert_batches WHERE state = 'sent'`); n != 1 {
		t.Fatalf("%d batches sent, want 1", n)
	}
	if strings.Contains(stderr.String(), fakeSlackBot) || strings.Contains(stderr.String(), secret) {
		t.Error("a secret appears in the log")
	}
}
