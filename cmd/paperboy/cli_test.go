package main

import (
	"context"
	"database/sql"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// -h and --help print the usage on stdout and exit 0, with nothing on
// stderr, before a command as after global flags.
func TestHelpFlag(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"--db", "x.db", "--help"}, {"-help"}} {
		r := runMain(t, testEnv(), args...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage: paperboy <command> [flags]") || !strings.Contains(r.stdout, "\n  backup ") {
			t.Errorf("paperboy %s: exit %d\nstdout %q\nstderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}

// A mistyped command names the one meant; a word like no command lists
// them all.
func TestUnknownCommandSuggests(t *testing.T) {
	for typed, meant := range map[string]string{"stauts": "status", "serach": "search", "bakup": "backup", "dig": "digest",
		"verison": "version", "rnu": "run", "Status": "status"} {
		r := runMain(t, testEnv(), typed)
		want := `paperboy: unknown command "` + typed + `"; did you mean "` + meant + `"?` + "\n"
		if r.code != 2 || r.stderr != want {
			t.Errorf("paperboy %s: exit %d, stderr %q; want exit 2 and %q", typed, r.code, r.stderr, want)
		}
	}
	r := runMain(t, testEnv(), "frobnicate")
	want := `paperboy: unknown command "frobnicate" (commands: run, digest, backfill, ingest, search, status, doctor, backup, version)` + "\n"
	if r.code != 2 || r.stderr != want {
		t.Errorf("paperboy frobnicate: exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
}

// version names everything a bug report needs, one thing a line.
func TestVersionSaysWhatABugReportNeeds(t *testing.T) {
	raw, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var sqliteVersion string
	if err := raw.QueryRow(`SELECT sqlite_version()`).Scan(&sqliteVersion); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, testEnv(), "version")
	want := "paperboy " + version + "\n" +
		"commit   unknown\n" + // go test records no VCS revision
		"go       " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n" +
		"sqlite   " + sqliteVersion + "\n" +
		"fts5     yes\n"
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Errorf("version: exit %d\n%s%s\nwant\n%s", r.code, r.stdout, r.stderr, want)
	}
	if !regexp.MustCompile(`^3\.\d+\.\d+$`).MatchString(sqliteVersion) {
		t.Errorf("SQLite version %q", sqliteVersion)
	}
	// A commit given at build time (-ldflags -X main.buildCommit=...).
	var out strings.Builder
	if err := writeVersion(context.Background(), &out, commit("0123456789ab")); err != nil || !strings.Contains(out.String(), "\ncommit   0123456789ab\n") {
		t.Errorf("version with a build commit: %v\n%s", err, out.String())
	}
}
