package bot

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the zones below must exist whatever the machine has installed
)

func loadLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// at is an instant written in UTC, so expected values are unambiguous.
func at(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, time.UTC)
}

func hm(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

func everyDay(tod TimeOfDay) Settings {
	return Settings{Time: tod, Zone: "UTC", Weekdays: AllDays, MaxPapers: 10}
}

func TestSlotOn(t *testing.T) {
	tests := []struct {
		zone string
		date Date
		tod  TimeOfDay
		want time.Time
		why  string
	}{
		// Europe/Berlin, spring forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z).
		{"Europe/Berlin", Date{2026, 3, 28}, hm(2, 30), at(2026, 3, 28, 1, 30), "day before: CET"},
		{"Europe/Berlin", Date{2026, 3, 29}, hm(2, 30), at(2026, 3, 29, 1, 0), "in the gap: runs at 03:00 CEST"},
		{"Europe/Berlin", Date{2026, 3, 29}, hm(2, 0), at(2026, 3, 29, 1, 0), "start of the gap: 03:00 CEST"},
		{"Europe/Berlin", Date{2026, 3, 29}, hm(2, 59), at(2026, 3, 29, 1, 0), "end of the gap: 03:00 CEST"},
		{"Europe/Berlin", Date{2026, 3, 29}, hm(1, 59), at(2026, 3, 29, 0, 59), "just before the gap: CET"},
		{"Europe/Berlin", Date{2026, 3, 29}, hm(3, 0), at(2026, 3, 29, 1, 0), "just after the gap: CEST"},
		{"Europe/Berlin", Date{2026, 3, 29}, hm(9, 0), at(2026, 3, 29, 7, 0), "09:00 unaffected: CEST"},
		{"Europe/Berlin", Date{2026, 3, 30}, hm(2, 30), at(2026, 3, 30, 0, 30), "day after: CEST"},
		// Europe/Berlin, fall back 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z).
		{"Europe/Berlin", Date{2026, 10, 25}, hm(2, 30), at(2026, 10, 25, 0, 30), "repeated: first occurrence, CEST"},
		{"Europe/Berlin", Date{2026, 10, 25}, hm(2, 0), at(2026, 10, 25, 0, 0), "repeated: first occurrence, CEST"},
		{"Europe/Berlin", Date{2026, 10, 25}, hm(2, 59), at(2026, 10, 25, 0, 59), "repeated: first occurrence, CEST"},
		{"Europe/Berlin", Date{2026, 10, 25}, hm(1, 59), at(2026, 10, 24, 23, 59), "before the repeat: CEST"},
		{"Europe/Berlin", Date{2026, 10, 25}, hm(3, 0), at(2026, 10, 25, 2, 0), "after the repeat: CET"},
		{"Europe/Berlin", Date{2026, 10, 25}, hm(9, 0), at(2026, 10, 25, 8, 0), "09:00: CET"},
		{"Europe/Berlin", Date{2026, 10, 26}, hm(2, 30), at(2026, 10, 26, 1, 30), "day after: CET"},
		// America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z).
		{"America/New_York", Date{2026, 3, 8}, hm(2, 30), at(2026, 3, 8, 7, 0), "in the gap: runs at 03:00 EDT"},
		{"America/New_York", Date{2026, 3, 8}, hm(2, 0), at(2026, 3, 8, 7, 0), "start of the gap: 03:00 EDT"},
		{"America/New_York", Date{2026, 3, 8}, hm(1, 59), at(2026, 3, 8, 6, 59), "just before the gap: EST"},
		{"America/New_York", Date{2026, 3, 8}, hm(3, 0), at(2026, 3, 8, 7, 0), "just after the gap: EDT"},
		{"America/New_York", Date{2026, 3, 8}, hm(9, 0), at(2026, 3, 8, 13, 0), "09:00 EDT"},
		// America/New_York, fall back 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z).
		{"America/New_York", Date{2026, 11, 1}, hm(1, 30), at(2026, 11, 1, 5, 30), "repeated: first occurrence, EDT"},
		{"America/New_York", Date{2026, 11, 1}, hm(1, 0), at(2026, 11, 1, 5, 0), "repeated: first occurrence, EDT"},
		{"America/New_York", Date{2026, 11, 1}, hm(0, 59), at(2026, 11, 1, 4, 59), "before the repeat: EDT"},
		{"America/New_York", Date{2026, 11, 1}, hm(2, 30), at(2026, 11, 1, 7, 30), "after the repeat: EST"},
		{"America/New_York", Date{2026, 11, 1}, hm(9, 0), at(2026, 11, 1, 14, 0), "09:00 EST"},
		// America/Los_Angeles, same days.
		{"America/Los_Angeles", Date{2026, 3, 8}, hm(2, 30), at(2026, 3, 8, 10, 0), "in the gap: runs at 03:00 PDT"},
		{"America/Los_Angeles", Date{2026, 11, 1}, hm(1, 30), at(2026, 11, 1, 8, 30), "repeated: first occurrence, PDT"},
		{"America/Los_Angeles", Date{2026, 11, 30}, hm(9, 0), at(2026, 11, 30, 17, 0), "09:00 PST"},
		// No DST.
		{"Asia/Kolkata", Date{2026, 11, 30}, hm(9, 0), at(2026, 11, 30, 3, 30), "IST is +05:30"},
		{"Asia/Tokyo", Date{2026, 11, 30}, hm(9, 0), at(2026, 11, 30, 0, 0), "JST is +09:00"},
		{"Asia/Tokyo", Date{2026, 11, 30}, hm(0, 0), at(2026, 11, 29, 15, 0), "local midnight is the UTC day before"},
		{"UTC", Date{2026, 2, 28}, hm(23, 59), at(2026, 2, 28, 23, 59), "UTC"},
		// Offsets of 12 hours and more: the repeat and the gap are still found.
		{"Pacific/Auckland", Date{2026, 4, 5}, hm(2, 30), at(2026, 4, 4, 13, 30), "repeated: first occurrence, NZDT (+13)"},
		{"Pacific/Auckland", Date{2026, 9, 27}, hm(2, 30), at(2026, 9, 26, 14, 0), "in the gap: runs at 03:00 NZDT"},
		// A half-hour shift.
		{"Australia/Lord_Howe", Date{2026, 10, 4}, hm(2, 15), at(2026, 10, 3, 15, 30), "in the 30-minute gap: runs at 02:30 (+11)"},
		{"Australia/Lord_Howe", Date{2026, 4, 5}, hm(1, 45), at(2026, 4, 4, 14, 45), "repeated half hour: first occurrence (+11)"},
		// Transitions at midnight: the gap is at the start of the day.
		{"America/Havana", Date{2026, 3, 8}, hm(0, 30), at(2026, 3, 8, 5, 0), "in the gap: runs at 01:00 CDT"},
		{"America/Santiago", Date{2026, 9, 6}, hm(0, 30), at(2026, 9, 6, 4, 0), "in the gap: runs at 01:00 (-03)"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.zone, tt.date, tt.tod), func(t *testing.T) {
			got := SlotOn(tt.date, tt.tod, loadLoc(t, tt.zone))
			if !got.Equal(tt.want) {
				t.Errorf("SlotOn(%s, %s, %s) = %s, want %s (%s)", tt.date, tt.tod, tt.zone,
					got.UTC().Format(time.RFC3339), tt.want.Format(time.RFC3339), tt.why)
			}
		})
	}
}

// wallOf returns t's wall clock in loc, written as if it were UTC, so that
// wall times can be compared.
func wallOf(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// TestSlotOnRules checks the documented rules for every day of two years in
// zones with all kinds of transitions: the slot shows the channel's wall
// time on that date at its first occurrence, or, when the wall time does not
// exist, is the first instant after the gap.
func TestSlotOnRules(t *testing.T) {
	zones := []string{"Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata",
		"Asia/Tokyo", "Pacific/Auckland", "Australia/Lord_Howe", "America/Havana", "America/Santiago",
		"Pacific/Chatham", "America/St_Johns", "Europe/London", "Australia/Sydney", "UTC"}
	tods := []TimeOfDay{hm(0, 0), hm(0, 30), hm(1, 0), hm(1, 30), hm(1, 45), hm(2, 0), hm(2, 15), hm(2, 30),
		hm(2, 45), hm(3, 0), hm(3, 30), hm(9, 0), hm(23, 30), hm(23, 59)}
	for _, zone := range zones {
		loc := loadLoc(t, zone)
		for d := (Date{2026, 1, 1}); d.Before(Date{2028, 1, 1}); d = d.AddDays(1) {
			for _, tod := range tods {
				h, m := tod.Clock()
				wall := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, time.UTC)
				slot := SlotOn(d, tod, loc)
				got := wallOf(slot, loc)
				if got.Equal(wall) {
					// First occurrence: no earlier instant within the
					// largest repeat (2 hours) shows the same wall time.
					for back := 15 * time.Minute; back <= 3*time.Hour; back += 15 * time.Minute {
						if wallOf(slot.Add(-back), loc).Equal(wall) {
							t.Errorf("%s %s %s: slot %s is not the first occurrence (%s also shows it)",
								zone, d, tod, slot.UTC().Format(time.RFC3339), slot.Add(-back).UTC().Format(time.RFC3339))
						}
					}
					continue
				}
				// Otherwise the wall time must be in a gap that ends at the slot.
				before := wallOf(slot.Add(-time.Second), loc)
				if !(got.After(wall) && before.Before(wall)) {
					t.Errorf("%s %s %s: slot %s shows %s, which is neither that wall time nor the end of a gap around it",
						zone, d, tod, slot.UTC().Format(time.RFC3339), got.Format("2006-01-02 15:04"))
				}
			}
		}
	}
}

func TestNextRunAcrossDST(t *testing.T) {
	tests := []struct {
		zone   string
		tod    TimeOfDay
		dstDay Date
		want   time.Time // the run on dstDay
	}{
		{"Europe/Berlin", hm(2, 30), Date{2026, 3, 29}, at(2026, 3, 29, 1, 0)},
		{"Europe/Berlin", hm(9, 0), Date{2026, 3, 29}, at(2026, 3, 29, 7, 0)},
		{"Europe/Berlin", hm(2, 30), Date{2026, 10, 25}, at(2026, 10, 25, 0, 30)},
		{"Europe/Berlin", hm(9, 0), Date{2026, 10, 25}, at(2026, 10, 25, 8, 0)},
		{"America/New_York", hm(2, 30), Date{2026, 3, 8}, at(2026, 3, 8, 7, 0)},
		{"America/New_York", hm(9, 0), Date{2026, 3, 8}, at(2026, 3, 8, 13, 0)},
		{"America/New_York", hm(1, 30), Date{2026, 11, 1}, at(2026, 11, 1, 5, 30)},
		{"America/New_York", hm(9, 0), Date{2026, 11, 1}, at(2026, 11, 1, 14, 0)},
		{"America/Los_Angeles", hm(2, 30), Date{2026, 3, 8}, at(2026, 3, 8, 10, 0)},
		{"America/Los_Angeles", hm(1, 30), Date{2026, 11, 1}, at(2026, 11, 1, 8, 30)},
		{"Pacific/Auckland", hm(2, 30), Date{2026, 4, 5}, at(2026, 4, 4, 13, 30)},
		{"Pacific/Auckland", hm(2, 30), Date{2026, 9, 27}, at(2026, 9, 26, 14, 0)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.zone, tt.dstDay, tt.tod), func(t *testing.T) {
			loc := loadLoc(t, tt.zone)
			s := everyDay(tt.tod)
			first := tt.dstDay.AddDays(-5)
			// Start just after the run of the day before the window.
			cur := SlotOn(first.AddDays(-1), tt.tod, loc)
			var prev time.Time
			for i := 0; i < 10; i++ {
				next := NextRun(s, loc, cur)
				day := first.AddDays(i)
				if got := DateIn(next, loc); got != day {
					t.Fatalf("run %d: %s is on %s, want one run on %s", i, next.Format(time.RFC3339), got, day)
				}
				if want := SlotOn(day, tt.tod, loc); !next.Equal(want) {
					t.Errorf("run %d: %s, want %s", i, next.UTC().Format(time.RFC3339), want.UTC().Format(time.RFC3339))
				}
				if day == tt.dstDay && !next.Equal(tt.want) {
					t.Errorf("run on %s: %s, want %s", day, next.UTC().Format(time.RFC3339), tt.want.Format(time.RFC3339))
				}
				if !next.After(cur) || (!prev.IsZero() && !next.After(prev)) {
					t.Errorf("run %d: %s is not after %s", i, next.Format(time.RFC3339), cur.Format(time.RFC3339))
				}
				// PrevRun agrees: at the run it is the run, just before it the previous run.
				if got := PrevRun(s, loc, next); !got.Equal(next) {
					t.Errorf("PrevRun(%s) = %s, want the run itself", next.Format(time.RFC3339), got.Format(time.RFC3339))
				}
				if i > 0 {
					if got := PrevRun(s, loc, next.Add(-time.Nanosecond)); !got.Equal(prev) {
						t.Errorf("PrevRun just before %s = %s, want %s", next.Format(time.RFC3339), got.Format(time.RFC3339), prev.Format(time.RFC3339))
					}
				}
				prev, cur = next, next
			}
		})
	}
}

// TestNextRunEveryMinute walks the window around each DST day minute by minute:
// whatever the starting point, NextRun is the next day's documented slot,
// so no run is skipped or doubled.
func TestNextRunEveryMinute(t *testing.T) {
	for _, c := range []struct {
		zone string
		day  Date
	}{
		{"Europe/Berlin", Date{2026, 3, 29}}, {"Europe/Berlin", Date{2026, 10, 25}},
		{"America/New_York", Date{2026, 3, 8}}, {"America/New_York", Date{2026, 11, 1}},
	} {
		loc := loadLoc(t, c.zone)
		for _, tod := range []TimeOfDay{hm(1, 30), hm(2, 30), hm(9, 0)} {
			s := everyDay(tod)
			start := at(c.day.Year, c.day.Month, c.day.Day, 12, 0).Add(-5 * 24 * time.Hour)
			var runs []time.Time
			for tt := start; tt.Before(start.Add(10 * 24 * time.Hour)); tt = tt.Add(time.Minute) {
				next := NextRun(s, loc, tt)
				if !next.After(tt) {
					t.Fatalf("%s %s: NextRun(%s) = %s, not after it", c.zone, tod, tt.Format(time.RFC3339), next.Format(time.RFC3339))
				}
				if prev := PrevRun(s, loc, tt); prev.After(tt) || !NextRun(s, loc, prev).Equal(next) {
					t.Fatalf("%s %s at %s: PrevRun %s and NextRun %s do not bracket it", c.zone, tod,
						tt.Format(time.RFC3339), prev.Format(time.RFC3339), next.Format(time.RFC3339))
				}
				if len(runs) == 0 || !runs[len(runs)-1].Equal(next) {
					runs = append(runs, next)
				}
			}
			seen := map[Date]int{}
			for i, r := range runs {
				seen[DateIn(r, loc)]++
				if want := SlotOn(DateIn(r, loc), tod, loc); !r.Equal(want) {
					t.Errorf("%s %s: run %s is not the slot of its day (%s)", c.zone, tod, r.Format(time.RFC3339), want.Format(time.RFC3339))
				}
				if i > 0 && DateIn(r, loc) != DateIn(runs[i-1], loc).AddDays(1) {
					t.Errorf("%s %s: run %s does not follow %s by one day", c.zone, tod, r.Format(time.RFC3339), runs[i-1].Format(time.RFC3339))
				}
			}
			for d, n := range seen {
				if n != 1 {
					t.Errorf("%s %s: %d runs on %s", c.zone, tod, n, d)
				}
			}
		}
	}
}

func TestNextRunBerlinAutumnWalk(t *testing.T) {
	loc := loadLoc(t, "Europe/Berlin")
	start := at(2026, 10, 24, 12, 0) // Saturday afternoon

	all := everyDay(hm(2, 30))
	got := []time.Time{}
	cur := start
	for i := 0; i < 2; i++ {
		cur = NextRun(all, loc, cur)
		got = append(got, cur)
	}
	want := []time.Time{at(2026, 10, 25, 0, 30), at(2026, 10, 26, 1, 30)} // Sunday 02:30 CEST, Monday 02:30 CET
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("every day: run %d = %s, want %s", i, got[i].Format(time.RFC3339), want[i].Format(time.RFC3339))
		}
	}
	// The second 02:30 (CET, 01:30Z) on Sunday is not a run.
	if n := NextRun(all, loc, at(2026, 10, 25, 0, 30)); !n.Equal(at(2026, 10, 26, 1, 30)) {
		t.Errorf("after the first 02:30 the next run is %s, want Monday 01:30Z", n.Format(time.RFC3339))
	}

	// On weekdays only, Sunday does not appear.
	weekdays := all
	weekdays.Weekdays = MonFri
	if n := NextRun(weekdays, loc, start); !n.Equal(at(2026, 10, 26, 1, 30)) {
		t.Errorf("Mon-Fri: next run after Saturday = %s, want Monday 2026-10-26T01:30Z", n.Format(time.RFC3339))
	}
}

func TestNextRunWeekdays(t *testing.T) {
	loc := loadLoc(t, "Europe/Berlin")
	mwf, err := ParseWeekdays("mon,wed,fri")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		days Weekdays
		from time.Time
		want []time.Time
	}{
		{"Mon-Fri skips the weekend", MonFri, at(2026, 11, 26, 9, 0), // Thursday 10:00 CET, after the run
			[]time.Time{at(2026, 11, 27, 8, 0), at(2026, 11, 30, 8, 0), at(2026, 12, 1, 8, 0)}},
		{"Mon,Wed,Fri", mwf, at(2026, 11, 30, 9, 0), // Monday 10:00 CET
			[]time.Time{at(2026, 12, 2, 8, 0), at(2026, 12, 4, 8, 0), at(2026, 12, 7, 8, 0), at(2026, 12, 9, 8, 0)}},
		{"Sunday only", 1 << time.Sunday, at(2026, 11, 30, 9, 0),
			[]time.Time{at(2026, 12, 6, 8, 0), at(2026, 12, 13, 8, 0)}},
		{"Saturday only, from Sunday", 1 << time.Saturday, at(2026, 11, 29, 9, 0),
			[]time.Time{at(2026, 12, 5, 8, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Settings{Time: hm(9, 0), Weekdays: tt.days}
			cur := tt.from
			for i, want := range tt.want {
				cur = NextRun(s, loc, cur)
				if !cur.Equal(want) {
					t.Fatalf("run %d = %s (%s), want %s", i, cur.Format(time.RFC3339), cur.In(loc).Weekday(), want.Format(time.RFC3339))
				}
				if !s.Weekdays.Has(cur.In(loc).Weekday()) {
					t.Errorf("run %d on %s, not an allowed day", i, cur.In(loc).Weekday())
				}
			}
		})
	}

	// PrevRun respects weekdays too: on Monday morning before the run, the
	// previous Mon-Fri run was Friday's.
	s := Settings{Time: hm(9, 0), Weekdays: MonFri}
	if got := PrevRun(s, loc, at(2026, 11, 30, 7, 0)); !got.Equal(at(2026, 11, 27, 8, 0)) {
		t.Errorf("PrevRun on Monday before 09:00 = %s, want Friday 2026-11-27T08:00Z", got.Format(time.RFC3339))
	}

	// No day allowed: no run, rather than a loop or a wrong time.
	none := Settings{Time: hm(9, 0)}
	if got := NextRun(none, loc, at(2026, 11, 30, 0, 0)); !got.IsZero() {
		t.Errorf("NextRun with no weekdays = %s, want zero", got)
	}
	if got := PrevRun(none, loc, at(2026, 11, 30, 0, 0)); !got.IsZero() {
		t.Errorf("PrevRun with no weekdays = %s, want zero", got)
	}
}

func TestNextRunStrictlyAfterPrevRunAtOrBefore(t *testing.T) {
	loc := loadLoc(t, "America/New_York")
	s := everyDay(hm(9, 0))
	slot := at(2026, 11, 30, 14, 0) // Monday 09:00 EST
	tests := []struct {
		name       string
		t          time.Time
		next, prev time.Time
	}{
		{"exactly at a slot", slot, at(2026, 12, 1, 14, 0), slot},
		{"just before", slot.Add(-time.Nanosecond), slot, at(2026, 11, 29, 14, 0)},
		{"just after", slot.Add(time.Nanosecond), at(2026, 12, 1, 14, 0), slot},
		{"local midnight", at(2026, 11, 30, 5, 0), slot, at(2026, 11, 29, 14, 0)},
		{"UTC date ahead of local date", at(2026, 12, 1, 3, 0), at(2026, 12, 1, 14, 0), slot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NextRun(s, loc, tt.t); !got.Equal(tt.next) {
				t.Errorf("NextRun(%s) = %s, want %s", tt.t.Format(time.RFC3339Nano), got.Format(time.RFC3339), tt.next.Format(time.RFC3339))
			}
			if got := PrevRun(s, loc, tt.t); !got.Equal(tt.prev) {
				t.Errorf("PrevRun(%s) = %s, want %s", tt.t.Format(time.RFC3339Nano), got.Format(time.RFC3339), tt.prev.Format(time.RFC3339))
			}
		})
	}
}

// Monday 2026-11-30; the Friday before is 2026-11-27.
var (
	monday  = Date{2026, 11, 30}
	friday  = Date{2026, 11, 27}
	tuesday = Date{2026, 12, 1}
)

// TestMondayMorningList runs a 09:00 Mon-Fri channel in each zone from the
// weekend into Monday, as the daemon does with its clock, and checks which
// list the Monday run posts with the default ready time (12:00 UTC).
func TestMondayMorningList(t *testing.T) {
	tests := []struct {
		zone     string
		wantSlot time.Time
		wantList Date
	}{
		{"Europe/Berlin", at(2026, 11, 30, 8, 0), friday},        // Monday's list is ready only at 12:00Z
		{"Asia/Tokyo", at(2026, 11, 30, 0, 0), friday},           // 00:00Z
		{"Asia/Kolkata", at(2026, 11, 30, 3, 30), friday},        // 03:30Z
		{"America/New_York", at(2026, 11, 30, 14, 0), monday},    // 14:00Z, Monday's list is ready
		{"America/Los_Angeles", at(2026, 11, 30, 17, 0), monday}, // 17:00Z
	}
	if DefaultListReady != 12*time.Hour {
		t.Fatalf("DefaultListReady = %s, want 12h", DefaultListReady)
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc := loadLoc(t, tt.zone)
			s := Settings{Time: hm(9, 0), Zone: tt.zone, Weekdays: MonFri, MaxPapers: 10}
			now := at(2026, 11, 28, 12, 0) // Saturday noon UTC: the clock the daemon starts with
			slot := NextRun(s, loc, now)
			if !slot.Equal(tt.wantSlot) {
				t.Fatalf("next run after Saturday = %s, want %s", slot.Format(time.RFC3339), tt.wantSlot.Format(time.RFC3339))
			}
			local := DateIn(slot, loc)
			if local != monday {
				t.Fatalf("local date of the run = %s, want %s", local, monday)
			}
			if got := ListFor(slot, local, DefaultListReady); got != tt.wantList {
				t.Errorf("list posted at %s = %s (%s), want %s (%s)", slot.Format(time.RFC3339), got, got.Weekday(), tt.wantList, tt.wantList.Weekday())
			}
		})
	}
}

func TestListFor(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		t     time.Time
		ready time.Duration
		want  Date
	}{
		{"Tokyo 23:00 Monday", "Asia/Tokyo", at(2026, 11, 30, 14, 0), DefaultListReady, monday},
		{"Tokyo 08:00 Tuesday: Monday's list", "Asia/Tokyo", at(2026, 11, 30, 23, 0), DefaultListReady, monday},
		{"Berlin 13:30 Monday", "Europe/Berlin", at(2026, 11, 30, 12, 30), DefaultListReady, monday},
		{"Berlin 13:00 Monday, exactly ready", "Europe/Berlin", at(2026, 11, 30, 12, 0), DefaultListReady, monday},
		{"Berlin 12:59 Monday, one minute early", "Europe/Berlin", at(2026, 11, 30, 11, 59), DefaultListReady, friday},
		{"12:59Z Monday with ready 13:00", "Europe/Berlin", at(2026, 11, 30, 12, 59), 13 * time.Hour, friday},
		{"13:00Z Monday with ready 13:00", "Europe/Berlin", at(2026, 11, 30, 13, 0), 13 * time.Hour, monday},
		{"New York 09:00 Monday with ready 15:00", "America/New_York", at(2026, 11, 30, 14, 0), 15 * time.Hour, friday},
		{"Los Angeles 09:00 Monday with ready 15:00", "America/Los_Angeles", at(2026, 11, 30, 17, 0), 15 * time.Hour, monday},
		{"Saturday local: Friday's list", "Europe/Berlin", at(2026, 11, 28, 15, 0), DefaultListReady, friday},
		{"Sunday local: Friday's list", "Europe/Berlin", at(2026, 11, 29, 15, 0), DefaultListReady, friday},
		{"Sunday in LA while Monday's list is ready in UTC", "America/Los_Angeles", at(2026, 11, 30, 7, 0), 0, friday},
		{"Los Angeles 20:00 Monday (Tuesday UTC): never Tuesday's", "America/Los_Angeles", at(2026, 12, 1, 4, 0), 0, monday},
		{"Tuesday before ready: Monday's", "Europe/Berlin", at(2026, 12, 1, 8, 0), DefaultListReady, monday},
		{"Tuesday after ready: Tuesday's", "Europe/Berlin", at(2026, 12, 1, 12, 0), DefaultListReady, tuesday},
		{"Friday before ready: Thursday's", "Europe/Berlin", at(2026, 11, 27, 8, 0), DefaultListReady, Date{2026, 11, 26}},
		{"across a year end", "Europe/Berlin", at(2027, 1, 1, 8, 0), DefaultListReady, Date{2026, 12, 31}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := loadLoc(t, tt.zone)
			got := ListFor(tt.t, DateIn(tt.t, loc), tt.ready)
			if got != tt.want {
				t.Errorf("ListFor(%s, %s, %s) = %s, want %s", tt.t.Format(time.RFC3339), DateIn(tt.t, loc), tt.ready, got, tt.want)
			}
			if got.IsWeekend() {
				t.Errorf("ListFor chose a weekend list %s", got)
			}
			if ListReadyAt(got, tt.ready).After(tt.t) {
				t.Errorf("ListFor chose %s, which is ready only at %s", got, ListReadyAt(got, tt.ready).Format(time.RFC3339))
			}
		})
	}
}

func TestListReadyAt(t *testing.T) {
	if got, want := ListReadyAt(monday, DefaultListReady), at(2026, 11, 30, 12, 0); !got.Equal(want) {
		t.Errorf("ListReadyAt(%s, default) = %s, want %s", monday, got, want)
	}
	if got, want := ListReadyAt(monday, 15*time.Hour+30*time.Minute), at(2026, 11, 30, 15, 30); !got.Equal(want) {
		t.Errorf("ListReadyAt(%s, 15:30) = %s, want %s", monday, got, want)
	}
}

func TestRecentLists(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want []Date
	}{
		{"Monday ET: Friday and Monday", at(2026, 11, 30, 15, 0), []Date{friday, monday}},
		{"Tuesday ET: Monday and Tuesday", at(2026, 12, 1, 15, 0), []Date{monday, tuesday}},
		{"Saturday ET: Thursday and Friday", at(2026, 11, 28, 15, 0), []Date{{2026, 11, 26}, friday}},
		{"Sunday ET: Thursday and Friday", at(2026, 11, 29, 15, 0), []Date{{2026, 11, 26}, friday}},
		{"Monday 02:00Z is still Sunday ET", at(2026, 11, 30, 2, 0), []Date{{2026, 11, 26}, friday}},
		{"Monday 05:00Z is Monday 00:00 ET", at(2026, 11, 30, 5, 0), []Date{friday, monday}},
		{"Tuesday 03:00Z is still Monday ET", at(2026, 12, 1, 3, 0), []Date{friday, monday}},
		{"Saturday 02:00Z is still Friday ET", at(2026, 11, 28, 2, 0), []Date{{2026, 11, 26}, friday}},
		{"summer: EDT is UTC-4", at(2026, 7, 1, 3, 59), []Date{{2026, 6, 29}, {2026, 6, 30}}},
		{"summer: 04:00Z is midnight EDT", at(2026, 7, 1, 4, 0), []Date{{2026, 6, 30}, {2026, 7, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RecentLists(tt.t)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("RecentLists(%s) = %v, want %v", tt.t.Format(time.RFC3339), got, tt.want)
			}
		})
	}
	if got := Eastern().String(); got != "America/New_York" {
		t.Errorf("Eastern() = %s, want America/New_York", got)
	}
}
