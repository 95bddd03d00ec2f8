package main

// The doctor's checks of the machine: free disk space beside the database
// and the time zones.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// Free space on the database's filesystem below either is a failed check.
const (
	minFreeBytes   = 1 << 30 // 1 GiB
	minFreePercent = 5
)

// diskProbe returns the bytes free (for an unprivileged user) and the
// size of the filesystem holding path; ok is false where it cannot be
// measured. It is statDisk but in the test binary (PAPERBOY_TEST_DISK).
type diskProbe func(path string) (free, total uint64, ok bool, err error)

// doctorDisk checks, with measure, the free space where the database
// lives (or will: the nearest folder above it that exists).
func doctorDisk(dbPath string, measure diskProbe) bot.Check {
	dir := filepath.Dir(dbPath)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	for !fileExists(dir) && filepath.Dir(dir) != dir {
		dir = filepath.Dir(dir)
	}
	const name = "free disk space"
	free, total, ok, err := measure(dir)
	switch {
	case err != nil:
		return bot.Failed(name, "could not be measured in "+dir+": "+err.Error(), "check that the folder exists")
	case !ok || total == 0:
		return bot.Passed(name, "not measured on this system")
	}
	pct := float64(free) * 100 / float64(total)
	share := fmt.Sprintf("%.0f %%", pct)
	if pct < 10 {
		share = fmt.Sprintf("%.1f %%", pct)
	}
	detail := fmt.Sprintf("%s free of %s (%s) on the database's filesystem (%s)", bytesText(free), bytesText(total), share, dir)
	if free < minFreeBytes || pct < minFreePercent {
		return bot.Failed(name, detail+", below 1 GiB or 5 %",
			"free space there, or move the database (database: or --db) to a larger disk: SQLite needs room to write and checkpoint")
	}
	return bot.Passed(name, detail)
}

// bytesText formats a size: "812 MB", "41.2 GiB".
func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// zoneDirs are where Go looks for the system's zone database.
var zoneDirs = []string{"/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/", "/etc/zoneinfo/"}

// doctorZones loads every channel's zone and the machine's, and says
// which zone database they come from (the system's, else the copy built
// into paperboy by time/tzdata).
func doctorZones(channels []bot.Channel, local string) bot.Check {
	zones := []string{local}
	for _, ch := range channels {
		if z := ch.Settings.Zone; z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	var bad []string
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil {
			bad = append(bad, z)
		}
	}
	if len(bad) > 0 {
		return bot.Failed("time zones", "unknown: "+strings.Join(bad, ", "),
			"set an IANA zone such as Europe/Berlin (channels[].zone, or /papers-admin channel set zone)")
	}
	source := "the copy built into paperboy; the system has none"
	if dir := os.Getenv("ZONEINFO"); dir != "" && fileExists(dir) {
		source = dir + ", and the copy built into paperboy"
	} else {
		for _, dir := range zoneDirs {
			if fileExists(filepath.Join(dir, "UTC")) {
				source = strings.TrimSuffix(dir, "/") + ", and the copy built into paperboy"
				break
			}
		}
	}
	verb := " loads"
	if len(zones) > 1 {
		verb = " load"
	}
	return bot.Passed("time zones", strings.Join(zones, ", ")+verb+" (zone database: "+source+")")
}
