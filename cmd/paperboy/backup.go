package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/store"
)

func backupFlags(fs *flag.FlagSet) func(*env, []string) error {
	to := fs.String("to", "", "write the copy to `file` (created owner-only, mode 0600)")
	force := fs.Bool("force", false, "replace the file if it exists (the old one stays until the new copy is checked)")
	return func(e *env, args []string) error { return cmdBackup(e, args, *to, *force) }
}

// cmdBackup copies the database while the daemon may be writing to it: it
// takes no lock of the daemon's and changes nothing in the database.
func cmdBackup(e *env, args []string, to string, force bool) error {
	if len(args) > 0 {
		return usagef("unexpected arguments: %s (the copy's file goes after --to)", strings.Join(args, " "))
	}
	if to == "" {
		return usagef("--to FILE is required: where to write the copy")
	}
	if a, b := absPath(to), absPath(e.conf.Database+".lock"); a == b {
		return usagef("--to %s is the daemon's lock file; write the copy elsewhere", to)
	}
	start := time.Now()
	db, err := store.OpenForBackup(e.ctx, e.conf.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.Backup(e.ctx, to, store.BackupOptions{Replace: force})
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: give another --to, or add --force to replace it", to)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s: %s, %s, in %s (quick_check ok)\n",
		e.conf.Database, to, byteSize(res.Size), count(res.Papers, "paper"), tookTime(time.Since(start)))
	return nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// byteSize is a size for people: "812 kB", "48.2 MB".
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	suffix := []string{"kB", "MB", "GB", "TB"}[i]
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, suffix)
	}
	return fmt.Sprintf("%.0f %s", v, suffix)
}

// tookTime is a duration for people: "85 ms", "1.9 s", "2m31s".
func tookTime(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}
