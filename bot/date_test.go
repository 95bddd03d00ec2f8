package bot

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := []struct {
		in   string
		want Date
	}{
		{"2026-11-26", Date{2026, 11, 26}},
		{"2024-02-29", Date{2024, 2, 29}},
		{"2000-02-29", Date{2000, 2, 29}},
		{"2026-12-31", Date{2026, 12, 31}},
		{"2027-01-01", Date{2027, 1, 1}},
	}
	for _, tt := range good {
		got, err := ParseDate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
	for _, in := range []string{"", "2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "2026-1-5",
		"26-11-2026", "2026/11/26", " 2026-11-26", "2026-11-26T00:00:00Z", "yesterday"} {
		got, err := ParseDate(in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
			continue
		}
		if !strings.Contains(err.Error(), `"`+in+`"`) || !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q) error %q does not name the value and the form", in, err)
		}
	}
}

func TestDateString(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{2026, 3, 2}, "2026-03-02"},
		{Date{2026, 11, 26}, "2026-11-26"},
		{Date{999, 1, 1}, "0999-01-01"},
		{Date{}, ""},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
	if !(Date{}).IsZero() || (Date{2026, 1, 1}).IsZero() {
		t.Error("IsZero is wrong")
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		d    Date
		n    int
		want Date
	}{
		{Date{2026, 11, 26}, 0, Date{2026, 11, 26}},
		{Date{2026, 11, 30}, 1, Date{2026, 12, 1}},
		{Date{2026, 12, 1}, -1, Date{2026, 11, 30}},
		{Date{2026, 12, 31}, 1, Date{2027, 1, 1}},
		{Date{2027, 1, 1}, -1, Date{2026, 12, 31}},
		{Date{2024, 2, 28}, 1, Date{2024, 2, 29}},
		{Date{2024, 2, 29}, 1, Date{2024, 3, 1}},
		{Date{2024, 3, 1}, -1, Date{2024, 2, 29}},
		{Date{2026, 2, 28}, 1, Date{2026, 3, 1}},
		{Date{2026, 3, 1}, -1, Date{2026, 2, 28}},
		{Date{2100, 2, 28}, 1, Date{2100, 3, 1}}, // 2100 is not a leap year
		{Date{2024, 1, 1}, 366, Date{2025, 1, 1}},
		{Date{2026, 3, 29}, 1, Date{2026, 3, 30}}, // a DST day in Europe changes nothing
		{Date{2026, 11, 26}, -30, Date{2026, 10, 27}},
	}
	for _, tt := range tests {
		if got := tt.d.AddDays(tt.n); got != tt.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.d, tt.n, got, tt.want)
		}
	}
	// Walking a day at a time visits each date once, in order.
	prev := Date{2023, 12, 31}
	for d := (Date{2024, 1, 1}); d.Before(Date{2029, 1, 1}); d = d.AddDays(1) {
		if !prev.Before(d) || prev.AddDays(1) != d || d.AddDays(-1) != prev {
			t.Fatalf("walk: %s then %s", prev, d)
		}
		if back, err := ParseDate(d.String()); err != nil || back != d {
			t.Fatalf("ParseDate(%s.String()) = %v, %v", d, back, err)
		}
		prev = d
	}
}

func TestDateWeekdayAndLong(t *testing.T) {
	tests := []struct {
		d       Date
		weekday time.Weekday
		weekend bool
		long    string
	}{
		{Date{2026, 11, 26}, time.Thursday, false, "Thu 26 Nov 2026"},
		{Date{2026, 3, 2}, time.Monday, false, "Mon 2 Mar 2026"},
		{Date{2026, 11, 28}, time.Saturday, true, "Sat 28 Nov 2026"},
		{Date{2026, 11, 29}, time.Sunday, true, "Sun 29 Nov 2026"},
		{Date{2024, 2, 29}, time.Thursday, false, "Thu 29 Feb 2024"},
		{Date{2027, 1, 1}, time.Friday, false, "Fri 1 Jan 2027"},
	}
	for _, tt := range tests {
		if got := tt.d.Weekday(); got != tt.weekday {
			t.Errorf("%s.Weekday() = %s, want %s", tt.d, got, tt.weekday)
		}
		if got := tt.d.IsWeekend(); got != tt.weekend {
			t.Errorf("%s.IsWeekend() = %v, want %v", tt.d, got, tt.weekend)
		}
		if got := tt.d.Long(); got != tt.long {
			t.Errorf("%s.Long() = %q, want %q", tt.d, got, tt.long)
		}
	}
}

func TestDateCompare(t *testing.T) {
	dates := []Date{{2025, 12, 31}, {2026, 1, 1}, {2026, 1, 2}, {2026, 2, 1}, {2026, 11, 30}, {2027, 1, 1}}
	for i, a := range dates {
		for j, b := range dates {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
			if a.Before(b) != (want < 0) || a.After(b) != (want > 0) {
				t.Errorf("%s Before/After %s wrong", a, b)
			}
		}
	}
}

func TestDateOfAndIn(t *testing.T) {
	instant := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		zone string
		want Date
	}{
		{"UTC", Date{2026, 11, 29}},
		{"Asia/Tokyo", Date{2026, 11, 30}},
		{"Asia/Kolkata", Date{2026, 11, 30}},
		{"America/New_York", Date{2026, 11, 29}},
		{"Pacific/Honolulu", Date{2026, 11, 29}},
	}
	for _, tt := range tests {
		if got := DateIn(instant, loadLoc(t, tt.zone)); got != tt.want {
			t.Errorf("DateIn(%s, %s) = %s, want %s", instant.Format(time.RFC3339), tt.zone, got, tt.want)
		}
	}
	if got := DateOf(instant.In(loadLoc(t, "Asia/Tokyo"))); got != (Date{2026, 11, 30}) {
		t.Errorf("DateOf uses the time's own zone: got %s", got)
	}
	berlin := loadLoc(t, "Europe/Berlin")
	if got, want := (Date{2026, 11, 30}).In(berlin, 9, 0), time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Date.In(Berlin, 9, 0) = %s, want %s", got, want)
	}
}
