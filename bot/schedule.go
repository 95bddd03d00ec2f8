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
	var best time.Time
	// The wall time can only be read with the offset in force just before
	// or just after a transition near it; try both and keep the instants
	// that really show that wall time in loc.
	for _, probe := range []time.Time{wall.Add(-12 * time.Hour), wall.Add(12 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		inst := wall.Add(-time.Duration(off) * time.Second)
		lt := inst.In(loc)
		if lt.Hour() == h && lt.Minute() == m && DateOf(lt) == d {
			if best.IsZero() || inst.Before(best) {
				best = inst
			}
		}
	}
	if !best.IsZero() {
		return best
	}
	// In a gap: time.Date moves the wall time forward by the gap's length;
	// the zone that starts there starts at the end of the gap.
	t := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
	start, _ := t.ZoneBounds()
	if start.IsZero() || DateIn(start, loc) != d {
		return t
	}
	return start
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

// RecentLists returns the dates the daemon polls at t: today's and
// yesterday's in US Eastern time, weekends left out.
func RecentLists(t time.Time) []Date {
	today := DateIn(t, Eastern())
	var out []Date
	for _, d := range []Date{today.AddDays(-1), today} {
		if !d.IsWeekend() {
			out = append(out, d)
		}
	}
	return out
}
