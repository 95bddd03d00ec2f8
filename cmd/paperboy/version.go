package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/paperboy-bot/paperboy/store"
)

// cmdVersion prints what a bug report needs: paperboy's version and
// commit, the Go toolchain, and the SQLite library with whether full-text
// search is in it.
func cmdVersion(e *env, _ []string) error {
	return writeVersion(e.ctx, e.stdout, commit(buildCommit))
}

// writeVersion writes cmdVersion's lines, naming the commit given.
func writeVersion(ctx context.Context, w io.Writer, rev string) error {
	fmt.Fprintf(w, "paperboy %s\n", version)
	fmt.Fprintf(w, "commit   %s\n", rev)
	fmt.Fprintf(w, "go       %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	eng, err := store.SQLiteEngine(ctx)
	if err != nil {
		fmt.Fprintln(w, "sqlite   unknown")
		return err
	}
	fts := "yes"
	if !eng.FTS5 {
		fts = "no (search cannot work: build with -tags sqlite_fts5)"
	}
	fmt.Fprintf(w, "sqlite   %s\nfts5     %s\n", eng.Version, fts)
	return nil
}

// buildCommit, set at build time with -ldflags "-X main.buildCommit=…",
// names the commit where the go command cannot see it (a build outside a
// git checkout, in a git worktree, or with -buildvcs=false).
var buildCommit string

// commit is the revision the binary was built from: built (buildCommit),
// or as the go command recorded it, or "unknown".
func commit(built string) string {
	if built != "" {
		return built
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, modified := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		rev += " (with uncommitted changes)"
	}
	return rev
}
