package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The daemon's files (database, -wal, -shm, lock) and a backup taken
// beside it are owner-only even under a umask that takes nothing away;
// a config file with token settings that others can read is named once at
// start with the fix, and no longer once it is owner-only.
func TestRunFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0) // the daemon started below inherits it
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := filepath.Join(dir, "paperboy.db")
	cfg := filepath.Join(dir, "paperboy.yaml")
	if err := os.WriteFile(cfg, []byte("discord:\n  token: ${DISCORD_BOT_TOKEN}\nslack:\n  bot_token: ${SLACK_BOT_TOKEN}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	warning := "the config file " + cfg + " sets discord.token, slack.bot_token and other users can read it (mode 0644): make it owner-only with chmod 600 " + cfg
	start := func() (stop func(), log func() string) {
		p, stdout, stderr := startBinaryEnv(t, []string{"DISCORD_BOT_TOKEN=", "SLACK_BOT_TOKEN="}, "run", "--config", cfg, "--db", db, "--source", "sample")
		go io.Copy(io.Discard, stdout)
		waitFor(t, stderr, "daemon started")
		return func() {
			p.Process.Signal(syscall.SIGTERM)
			if err := p.Wait(); err != nil {
				t.Errorf("daemon: %v\n%s", err, stderr.String())
			}
		}, stderr.String
	}
	stop, log := start()
	if n := strings.Count(log(), warning); n != 1 {
		t.Errorf("the warning is in the log %d times, want once:\n%s", n, log())
	}
	for _, p := range []string{db, db + "-wal", db + "-shm", db + ".lock"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Error(err)
			continue
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
		}
	}
	copyPath := filepath.Join(dir, "backup.db")
	backupTo(t, db, copyPath)
	checkCopy(t, copyPath) // mode 600 too
	stop()

	if err := os.Chmod(cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	stop, log = start()
	stop()
	if strings.Contains(log(), "chmod 600") {
		t.Errorf("warned about an owner-only config file:\n%s", log())
	}
	// A readable file without token settings says nothing.
	if err := os.WriteFile(cfg, []byte("schedule:\n  catch_up: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(cfg, 0o644)
	stop, log = start()
	stop()
	if strings.Contains(log(), "chmod 600") {
		t.Errorf("warned about a config file without tokens:\n%s", log())
	}
}
