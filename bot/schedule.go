package bot

import (
	"sync"
	"time"
)

// The schedule rules, in one place:
//
//   - A channel runs at its time of day, in its own zone, on its allowed
//     weekdays.
//   - A time that falls in a spring-forward gap (02:30 on a day the clocks
//     jump from 02:00 to 03:00) runs once that day at the first instant
//     after the gap (03:00). A time that occurs twice in an autumn
//     fall-back (02:30 when the clocks go from 03:00 back to 02:00) runs
//     once, at its first occurrence (still on summer time).
//   - Hugging Face dates its daily lists in US Eastern time and publishes
//     none on Saturdays and Sundays. A list dated D fills in over several
//     hours, so it is ready from D at ListReady after 00:00 UTC (12:00 UTC
//     by default).
//   - At a run, a channel gets the newest list that is ready, dated on or
//     before the channel's local date; if that list was already posted to
//     the channel, there is nothing new to post (older lists are never
//     dug up, so downtime never causes a flood).

// DefaultListReady is when a daily list is considered complete, as an
// offset from 00:00 UTC of the list's date.
const DefaultListReady = 12 * time.Hour

var (
	easternOnce sync.Once
	eastern     *time.Location
)

// Eastern is US Eastern time, the zone Hugging Face dates its lists in. It
// falls back to a fixed UTC-5 when the zone database is missing (cmd
// embeds time/tzdata, so that only happens in odd test setups).
func Eastern() *time.Location {
	easternOnce.Do(func() {
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			loc = time.FixedZone("EST", -5*3600)
		}
		eastern = loc
	})
	return eastern
}

// SlotOn returns the instant channel time tod happens on date d in loc,
// following the DST rules above.
func SlotOn(d Date, tod TimeOfDay, loc *time.Location) time.Time {
	h, m := tod.Clock()
	wall := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, time.UTC)
	// The slot is wall minus one of the offsets in force around it.
	// Offsets run from -12h to +14h, so read the offsets in force half a
	// day and a day either side (half a day alone misses the summer offset
	// of Pacific/Auckland, +13, and with it the first 02:30 of its autumn
	// change), and keep the earliest instant that really shows the wall
	// time on d.
	var best, gapEnd time.Time
	for _, shift := range []time.Duration{-26, -12, 12, 26} {
		_, off := wall.Add(shift * time.Hour).In(loc).Zone()
		inst := wall.Add(-time.Duration(off) * time.Second)
		lt := inst.In(loc)
		if lt.Hour() == h && lt.Minute() == m && DateOf(lt) == d {
			if best.IsZero() || inst.Before(best) {
				best = inst
			}
			continue
		}
		// With the offset from before a spring-forward gap, inst lies past
		// the gap; the zone in force there starts at the gap's end, the
		// first instant showing a wall time after the channel's.
		start, _ := lt.ZoneBounds()
		if !start.IsZero() && wallIn(start, loc).After(wall) && wallIn(start.Add(-time.Nanosecond), loc).Before(wall) {
			if gapEnd.IsZero() || start.Before(gapEnd) {
				gapEnd = start
			}
		}
	}
	switch {
	case !best.IsZero():
		return best
	case !gapEnd.IsZero():
		return gapEnd
	}
	// Not reached with real zone data. (time.Date is no answer for a gap:
	// it may move the wall time back, 02:30 in New York becoming 01:30 EST.)
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
}

// wallIn returns t's wall clock in loc written as a UTC time, so that wall
// times can be compared.
func wallIn(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// NextRun returns the channel's first scheduled run strictly after t.
func NextRun(s Settings, loc *time.Location, t time.Time) time.Time {
	day := DateIn(t, loc)
	for i := 0; i <= 8; i++ {
		d := day.AddDays(i)
		if !s.Weekdays.Has(d.Weekday()) {
			continue
		}
		if slot := SlotOn(d, s.Time, loc); slot.After(t) {
			return slot
		}
	}
	return time.Time{} // no weekday allowed
}

// PrevRun returns the channel's last scheduled run at or before t.
func PrevRun(s Settings, loc *time.Location, t time.Time) time.Time {
	day := DateIn(t, loc)
	for i := 0; i <= 8; i++ {
		d := day.AddDays(-i)
		if !s.Weekdays.Has(d.Weekday()) {
			continue
		}
		if slot := SlotOn(d, s.Time, loc); !slot.After(t) {
			return slot
		}
	}
	return time.Time{}
}

// ListReadyAt returns when the list dated d is ready.
func ListReadyAt(d Date, ready time.Duration) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Add(ready)
}

// ListFor returns the newest Hugging Face list that is ready at t and dated
// on or before local, the channel's local date at t.
func ListFor(t time.Time, local Date, ready time.Duration) Date {
	for i := 0; i < 14; i++ {
		d := local.AddDays(-i)
		if d.IsWeekend() {
			continue
		}
		if !ListReadyAt(d, ready).After(t) {
			return d
		}
	}
	return Date{}
}

// RecentLists returns the lists the daemon polls at t: the two newest
// weekday lists dated on or before today in US Eastern time, oldest first
// (on a Monday: Friday's and Monday's; over a weekend: Thursday's and
// Friday's, which late submissions may still change).
func RecentLists(t time.Time) []Date {
	d := DateIn(t, Eastern())
	var out []Date
	for len(out) < 2 {
		if !d.IsWeekend() {
			out = append([]Date{d}, out...)
		}
		d = d.AddDays(-1)
	}
	return out
}
