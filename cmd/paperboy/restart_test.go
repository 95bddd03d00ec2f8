package main

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// startBinary starts this test binary as the paperboy binary.
func startBinary(t *testing.T, args ...string) (*exec.Cmd, io.ReadCloser, *syncBuffer) {
	t.Helper()
	return startBinaryEnv(t, nil, args...)
}

// startBinaryEnv is startBinary with extra environment variables
// ("NAME=value").
func startBinaryEnv(t *testing.T, env []string, args ...string) (*exec.Cmd, io.ReadCloser, *syncBuffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "PAPERBOY_TEST_MAIN=1", "TZ=UTC", "NO_COLOR=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stdout, stderr
}

var itemLine = regexp.MustCompile(`^\s*(\d+)\. `)

// sentItems counts the confirmed thread items in the delivery log.
func sentItems(t *testing.T, dbPath string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM deliveries WHERE kind = 'item' AND state = 'sent'`).Scan(&n); err != nil {
		return -1 // not created yet
	}
	return n
}

// TestKilledMidThreadResumes kills the real process (SIGKILL) after three of
// ten items were sent, runs it again, and checks that the thread is
// finished under the same header and that no item appears twice.
func TestKilledMidThreadResumes(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "p.db")
	// A pause between messages, as a chat's rate limit would space them.
	cfg := writeConfig(t, "console:\n  pace: 400ms\n")
	args := []string{"digest", "--source", "sample", "--db", dbPath, "--config", cfg}

	cmd, stdout, stderr := startBinary(t, args...)
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var first []string
	deadline := time.After(30 * time.Second)
	for sentItems(t, dbPath) < 3 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("first run ended before three items were sent:\n%s", stderr.String())
			}
			first = append(first, l)
		case <-deadline:
			t.Fatalf("no three items after 30 s:\n%s", stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	for l := range lines {
		first = append(first, l)
	}
	killedAt := sentItems(t, dbPath)

	// Second run: the same command finishes the thread.
	var out, errb syncBuffer
	code := Main(context.Background(), args, Options{Getenv: testEnv(), Stdout: &out, Stderr: &errb})
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, errb.String())
	}
	second := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")

	ranks := map[string]int{}
	var firstItems, secondItems int
	for _, l := range first {
		if m := itemLine.FindStringSubmatch(l); m != nil {
			ranks[m[1]]++
			firstItems++
		}
	}
	for _, l := range second {
		if m := itemLine.FindStringSubmatch(l); m != nil {
			ranks[m[1]]++
			secondItems++
		}
	}
	if firstItems < 3 || firstItems >= 10 {
		t.Fatalf("the first run printed %d items before the kill; want it killed mid-thread", firstItems)
	}
	for r := 1; r <= 10; r++ {
		if n := ranks[itoa(r)]; n != 1 {
			t.Errorf("item %d printed %d times, want exactly once", r, n)
		}
	}
	header := "Daily Papers · Fri 21 Aug 2026 · 10 papers"
	if first[0] != header {
		t.Errorf("first run starts with %q, want the header", first[0])
	}
	if !strings.HasPrefix(second[0], "… continuing "+header) {
		t.Errorf("second run starts with %q, want it to continue the same thread", second[0])
	}
	for _, l := range second {
		if l == header {
			t.Errorf("second run printed a new header:\n%s", out.String())
		}
	}
	if n := sentItems(t, dbPath); n != 10 {
		t.Errorf("%d items confirmed after the second run, want 10", n)
	}
	t.Logf("killed with %d items confirmed, %d printed; the second run printed %d", killedAt, firstItems, secondItems)
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestSIGTERMStopsDaemon sends a real SIGTERM to the running daemon.
func TestSIGTERMStopsDaemon(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "p.db")
	cmd, stdout, stderr := startBinary(t, "run", "--source", "sample", "--db", dbPath)
	go io.Copy(io.Discard, stdout)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "daemon started") {
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("daemon still running 10 s after SIGTERM")
	}
	if !strings.Contains(stderr.String(), "paperboy stopped") {
		t.Errorf("no stop line:\n%s", stderr.String())
	}
}
