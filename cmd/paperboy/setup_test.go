package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Setup mistakes stop the command with one line naming the key, never a
// default taken in silence or a platform that quietly vanishes.
func TestSetupErrorsAreLoud(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	for _, c := range []struct {
		name, config, cmd string
		env               []string
		want              string
	}{
		{"unset variable", "database: ${PB_DATA}/p.db\n", "status", nil,
			"config: database: ${PB_DATA} is not set in the environment (line 1)"},
		{"unset variable in a channel", "channels:\n  - platform: console\n    id: stdout\n    filter: \"${TOPIC}\"\n", "status", nil,
			"config: channels[0].filter: ${TOPIC} is not set in the environment (line 4)"},
		{"duplicate key", "schedule:\n  poll_interval: 1m\n  retry_delay: 1m\n  poll_interval: 2m\n", "status", nil,
			"config: schedule.poll_interval: appears twice (lines 2 and 4); keep one"},
		{"duplicate top-level key", "database: " + db + "\nlog:\n  level: info\ndatabase: other.db\n", "status", nil,
			"config: database: appears twice (lines 1 and 4)"},
		{"platform the adapter refuses", "discord:\n  token: ${DISCORD_BOT_TOKEN}\n  api_url: \"http://\"\n", "run", []string{"DISCORD_BOT_TOKEN", "x.y.z"},
			`discord: api_url "http://" is not an http(s) URL`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeConfig(t, c.config)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var out, errb bytes.Buffer
			code := Main(ctx, []string{c.cmd, "--config", cfg, "--db", db, "--source", "sample"}, Options{Getenv: testEnv(c.env...), Stdout: &out, Stderr: &errb})
			msg := strings.TrimSpace(errb.String())
			if code != exitConfig || !strings.Contains(msg, c.want) || strings.Count(msg, "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, msg, c.want)
			}
		})
	}
	// A token's variable may be unset (the platform is off), and the
	// optional Hugging Face token stays quietly empty.
	cfg := writeConfig(t, "huggingface:\n  token: ${HF_TOKEN}\ndiscord:\n  token: ${DISCORD_BOT_TOKEN}\n")
	if r := runMain(t, testEnv(), "status", "--config", cfg, "--db", db, "--source", "sample"); r.code != 0 {
		t.Errorf("unset token variables: exit %d: %s", r.code, r.stderr)
	} else if want := "discord off (DISCORD_BOT_TOKEN is not set in the environment (discord.token))"; !strings.Contains(r.stdout, want) {
		t.Errorf("status lacks %q:\n%s", want, r.stdout)
	}
}

// A platform whose token is unset is off with one WARN naming the
// variable; a second daemon on the same database stops at once naming the
// first one's pid; search and status work beside the running daemon.
func TestRunWarnsAndHoldsTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	cfg := writeConfig(t, `discord:
  token: ${DISCORD_BOT_TOKEN}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
`)
	first, stdout, stderr := startBinaryEnv(t, []string{"DISCORD_BOT_TOKEN=", "SLACK_BOT_TOKEN="}, "run", "--config", cfg, "--db", db, "--source", "sample")
	go io.Copy(io.Discard, stdout)
	waitFor(t, stderr, "daemon started")
	log := stderr.String()
	for _, want := range []string{
		`level=WARN msg="discord is off: DISCORD_BOT_TOKEN is not set in the environment (discord.token)"`,
		`level=WARN msg="slack is off: SLACK_BOT_TOKEN is not set in the environment (slack.bot_token)"`,
		`level=WARN msg="no chat platform is on`,
	} {
		if strings.Count(log, want) != 1 {
			t.Errorf("the log has %q %d times, want once:\n%s", want, strings.Count(log, want), log)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := Main(ctx, []string{"run", "--config", cfg, "--db", db, "--source", "sample"}, Options{Getenv: testEnv(), Stdout: &out, Stderr: &errb})
	want := fmt.Sprintf("paperboy run: another paperboy (pid %d) is running on this database (%s)", first.Process.Pid, db)
	if code != exitFail || !strings.Contains(errb.String(), want) {
		t.Errorf("second run: exit %d, stderr %q; want exit 1 and %q", code, errb.String(), want)
	}

	// Reads beside the daemon, even while another process holds the
	// write lock, answer at once.
	raw, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"search", "diffusion"}} {
		r := runMain(t, testEnv(), append(args, "--config", cfg, "--db", db, "--source", "sample")...)
		if r.code != 0 {
			t.Errorf("%s beside the daemon, with the write lock held: exit %d: %s", args[0], r.code, r.stderr)
		}
	}
	conn.ExecContext(ctx, `ROLLBACK`)

	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first daemon: %v\n%s", err, stderr.String())
	}
	// The lock went with the process: the next daemon starts.
	next, stdout2, stderr2 := startBinaryEnv(t, nil, "run", "--config", cfg, "--db", db, "--source", "sample")
	go io.Copy(io.Discard, stdout2)
	waitFor(t, stderr2, "daemon started")
	next.Process.Signal(syscall.SIGTERM)
	next.Wait()
}

// waitFor waits (up to 30 s) until the process's stderr holds s.
func waitFor(t *testing.T, stderr *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q after 30 s:\n%s", s, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
