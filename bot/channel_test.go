package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTimeOfDay(t *testing.T) {
	good := []struct {
		in   string
		want TimeOfDay
		str  string
	}{
		{"09:00", 9 * 60, "09:00"},
		{"9:00", 9 * 60, "09:00"},
		{"23:59", 23*60 + 59, "23:59"},
		{"00:00", 0, "00:00"},
		{"0:05", 5, "00:05"},
		{" 07:30 ", 7*60 + 30, "07:30"},
	}
	for _, tt := range good {
		got, err := ParseTimeOfDay(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTimeOfDay(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			continue
		}
		if got.String() != tt.str {
			t.Errorf("ParseTimeOfDay(%q).String() = %q, want %q", tt.in, got.String(), tt.str)
		}
		if h, m := got.Clock(); h*60+m != int(tt.want) {
			t.Errorf("Clock() = %d, %d", h, m)
		}
	}

	for _, in := range []string{"25:00", "24:00", "12:60", "12", "12:5", "-1:00", "ab:cd", "", "12:", ":30",
		"+9:00", "09:+5", "09:-0", "9:00:00", "9.00", "09h00", "123:00", "9 :00", "１２:００"} {
		got, err := ParseTimeOfDay(in)
		if err == nil {
			t.Errorf("ParseTimeOfDay(%q) = %s, want an error", in, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, `"`+in+`"`) || !strings.Contains(msg, "HH:MM") {
			t.Errorf("ParseTimeOfDay(%q) error %q does not name the value and the form HH:MM", in, msg)
		}
	}
}

func days(ds ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range ds {
		w |= 1 << d
	}
	return w
}

func TestParseWeekdays(t *testing.T) {
	mwf := days(time.Monday, time.Wednesday, time.Friday)
	weekend := days(time.Saturday, time.Sunday)
	tests := []struct {
		in   string
		want Weekdays
	}{
		{"mon-fri", MonFri},
		{"Mon-Fri", MonFri},
		{"Mon,Wed,Fri", mwf},
		{"mon, wed, fri", mwf},
		{"mon wed fri", mwf},
		{"sat sun", weekend},
		{"sat,sun", weekend},
		{"fri-mon", days(time.Friday, time.Saturday, time.Sunday, time.Monday)},
		{"sat-tue", days(time.Saturday, time.Sunday, time.Monday, time.Tuesday)},
		{"sun-sat", AllDays},
		{"mon-sun", AllDays},
		{"wed-wed", days(time.Wednesday)},
		{"tue", days(time.Tuesday)},
		{"mon,mon", days(time.Monday)},
		{"daily", AllDays},
		{"every day", AllDays},
		{"all", AllDays},
		{"weekdays", MonFri},
		{"Weekdays", MonFri},
		{"weekends", weekend},
		{"weekend", weekend},
		{"Monday, Wednesday, Friday", mwf},
		{"MONDAY-friday", MonFri},
		{"Saturday Sunday", weekend},
		{"mon-wed,fri", days(time.Monday, time.Tuesday, time.Wednesday, time.Friday)},
		{" mon-fri ", MonFri},
	}
	for _, tt := range tests {
		got, err := ParseWeekdays(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseWeekdays(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}

	bad := []struct{ in, mention string }{
		{"funday", `"funday"`},
		{"", "no days"},
		{" , ", "no days"},
		{"mon-", `""`},
		{"mo", `"mo"`},
		{"mon-funday", `"funday"`},
		{"mon,xyz", `"xyz"`},
		{"mon-tue-wed", `"tue-wed"`},
		{"7", `"7"`},
	}
	for _, tt := range bad {
		got, err := ParseWeekdays(tt.in)
		if err == nil {
			t.Errorf("ParseWeekdays(%q) = %s, want an error", tt.in, got)
			continue
		}
		if !strings.Contains(err.Error(), tt.mention) || !strings.Contains(err.Error(), "mon-fri") {
			t.Errorf("ParseWeekdays(%q) error %q should mention %s and an example", tt.in, err, tt.mention)
		}
	}
}

func TestWeekdaysString(t *testing.T) {
	tests := []struct {
		w    Weekdays
		want string
	}{
		{MonFri, "Mon-Fri"},
		{days(time.Monday, time.Wednesday, time.Friday), "Mon,Wed,Fri"},
		{AllDays, "every day"},
		{days(time.Saturday, time.Sunday), "Sat,Sun"},
		{days(time.Monday, time.Tuesday), "Mon,Tue"},
		{days(time.Tuesday, time.Wednesday, time.Thursday), "Tue-Thu"},
		{days(time.Sunday), "Sun"},
		{days(time.Friday, time.Saturday, time.Sunday, time.Monday), "Mon,Fri-Sun"},
		{days(time.Monday, time.Tuesday, time.Wednesday, time.Friday, time.Saturday), "Mon-Wed,Fri,Sat"},
	}
	for _, tt := range tests {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("%08b.String() = %q, want %q", uint8(tt.w), got, tt.want)
		}
	}

	// Every non-empty set reads back as itself.
	for w := Weekdays(1); w <= AllDays; w++ {
		s := w.String()
		back, err := ParseWeekdays(s)
		if err != nil || back != w {
			t.Errorf("ParseWeekdays(%q) = %08b, %v; want %08b", s, uint8(back), err, uint8(w))
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	valid := DefaultSettings("Europe/Berlin")
	if err := valid.Validate(); err != nil {
		t.Fatalf("default settings: %v", err)
	}
	if valid.Time != 9*60 || valid.Weekdays != MonFri || valid.MaxPapers != DefaultMaxPapers || valid.MinUpvotes != 0 {
		t.Errorf("DefaultSettings = %+v, want 09:00 Mon-Fri %d papers", valid, DefaultMaxPapers)
	}

	ok := []func(*Settings){
		func(s *Settings) { s.Zone = "UTC" },
		func(s *Settings) { s.Zone = "Asia/Kolkata" },
		func(s *Settings) { s.Time = 0 },
		func(s *Settings) { s.Time = 24*60 - 1 },
		func(s *Settings) { s.MaxPapers = 1 },
		func(s *Settings) { s.MaxPapers = MaxMaxPapers },
		func(s *Settings) { s.MinUpvotes = 0 },
		func(s *Settings) { s.MinUpvotes = 1000 },
		func(s *Settings) { s.Weekdays = days(time.Sunday) },
		func(s *Settings) { s.Filter = strings.Repeat("a", 500) },
		func(s *Settings) { s.Filter = strings.Repeat("ü", 500) }, // 500 characters, 1000 bytes
	}
	for i, mod := range ok {
		s := valid
		mod(&s)
		if err := s.Validate(); err != nil {
			t.Errorf("valid settings %d (%+v): %v", i, s, err)
		}
	}

	bad := []struct {
		name    string
		mod     func(*Settings)
		mention []string
	}{
		{"misspelt zone", func(s *Settings) { s.Zone = "Europe/Berln" }, []string{"zone", "Europe/Berln"}},
		{"Local", func(s *Settings) { s.Zone = "Local" }, []string{"zone", "Local"}},
		{"local", func(s *Settings) { s.Zone = "local" }, []string{"zone", "local"}},
		{"empty zone", func(s *Settings) { s.Zone = "" }, []string{"zone"}},
		{"path as zone", func(s *Settings) { s.Zone = "../../etc/passwd" }, []string{"zone"}},
		{"max_papers 0", func(s *Settings) { s.MaxPapers = 0 }, []string{"max_papers", "0", "1 to 50"}},
		{"max_papers 51", func(s *Settings) { s.MaxPapers = 51 }, []string{"max_papers", "51", "1 to 50"}},
		{"min_upvotes -1", func(s *Settings) { s.MinUpvotes = -1 }, []string{"min_upvotes", "-1"}},
		{"time -1", func(s *Settings) { s.Time = -1 }, []string{"time"}},
		{"time 24:00", func(s *Settings) { s.Time = 24 * 60 }, []string{"time"}},
		{"no weekdays", func(s *Settings) { s.Weekdays = 0 }, []string{"weekdays"}},
		{"long filter", func(s *Settings) { s.Filter = strings.Repeat("a", 501) }, []string{"filter", "500"}},
	}
	for _, tt := range bad {
		s := valid
		tt.mod(&s)
		err := s.Validate()
		if err == nil {
			t.Errorf("%s: Validate() = nil, want an error", tt.name)
			continue
		}
		if ErrorCode(err) != EInvalid {
			t.Errorf("%s: error code %q, want %q", tt.name, ErrorCode(err), EInvalid)
		}
		for _, m := range tt.mention {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %q does not mention %q", tt.name, err, m)
			}
		}
		if !strings.HasPrefix(err.Error(), tt.mention[0]+":") {
			t.Errorf("%s: error %q does not start with the setting's name", tt.name, err)
		}
	}
}

func TestMergeSeed(t *testing.T) {
	created := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	allConfig := map[string]Origin{}
	for _, n := range SettingNames {
		allConfig[n] = FromConfig
	}
	seed := Channel{
		ChannelRef: ChannelRef{"discord", "123"},
		Name:       "papers",
		Settings: Settings{Time: 8 * 60, Zone: "Asia/Tokyo", Weekdays: MonFri, MaxPapers: 20,
			MinUpvotes: 3, Filter: "diffusion"},
		Origins: allConfig,
	}

	t.Run("nothing stored", func(t *testing.T) {
		got := MergeSeed(nil, seed)
		want := seed
		want.FromConfig = true
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("MergeSeed(nil, seed) (-want +got):\n%s", diff)
		}
		if seed.FromConfig {
			t.Error("MergeSeed changed the caller's seed")
		}
	})

	t.Run("chat-set time kept, the rest follows the seed", func(t *testing.T) {
		stored := Channel{
			ChannelRef: seed.ChannelRef,
			Name:       "old-name",
			Settings: Settings{Time: 7*60 + 30, Zone: "Europe/Berlin", Weekdays: AllDays, MaxPapers: 5,
				MinUpvotes: 0, Filter: "old"},
			Origins:    map[string]Origin{SetTime: FromChat, SetZone: FromConfig, SetMaxPapers: FromConfig},
			FromConfig: true,
			Created:    created,
			Updated:    created,
			Stopped:    "missing permission",
		}
		storedOrigins := map[string]Origin{}
		for k, v := range stored.Origins {
			storedOrigins[k] = v
		}
		got := MergeSeed(&stored, seed)
		want := stored
		want.Name = "papers"
		want.Settings = Settings{Time: 7*60 + 30, Zone: "Asia/Tokyo", Weekdays: MonFri, MaxPapers: 20,
			MinUpvotes: 3, Filter: "diffusion"}
		want.Origins = map[string]Origin{SetTime: FromChat, SetZone: FromConfig, SetWeekdays: FromConfig,
			SetMaxPapers: FromConfig, SetMinUpvotes: FromConfig, SetFilter: FromConfig,
			SetSource: FromConfig, SetCrossLists: FromConfig, SetRank: FromConfig, SetOnUpdate: FromConfig}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("MergeSeed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(storedOrigins, stored.Origins); diff != "" {
			t.Errorf("MergeSeed changed the stored channel's origins (-before +after):\n%s", diff)
		}
		if got.Origin(SetTime) != FromChat || got.Origin(SetZone) != FromConfig {
			t.Errorf("origins: time %s, zone %s", got.Origin(SetTime), got.Origin(SetZone))
		}
	})

	t.Run("every chat-set setting kept", func(t *testing.T) {
		chatAll := map[string]Origin{}
		for _, n := range SettingNames {
			chatAll[n] = FromChat
		}
		stored := Channel{ChannelRef: seed.ChannelRef, Name: "chat",
			Settings: Settings{Time: 60, Zone: "UTC", Weekdays: AllDays, MaxPapers: 3, MinUpvotes: 9, Filter: "llm"},
			Origins:  chatAll}
		got := MergeSeed(&stored, seed)
		if diff := cmp.Diff(stored.Settings, got.Settings); diff != "" {
			t.Errorf("settings changed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(chatAll, got.Origins); diff != "" {
			t.Errorf("origins changed (-want +got):\n%s", diff)
		}
	})

	t.Run("origins follow the seed, name kept when the seed has none", func(t *testing.T) {
		partial := seed
		partial.Name = ""
		partial.Origins = map[string]Origin{SetTime: FromConfig} // the rest are defaults
		partial.Settings = DefaultSettings("UTC")
		partial.Settings.Time = 6 * 60
		stored := Channel{ChannelRef: seed.ChannelRef, Name: "kept",
			Settings: Settings{Time: 60, Zone: "Europe/Berlin", Weekdays: AllDays, MaxPapers: 3, MinUpvotes: 9},
			Origins:  map[string]Origin{SetTime: FromConfig, SetZone: FromConfig, SetMinUpvotes: FromChat}}
		got := MergeSeed(&stored, partial)
		if got.Name != "kept" {
			t.Errorf("name = %q, want the stored name", got.Name)
		}
		wantSettings := DefaultSettings("UTC")
		wantSettings.Time = 6 * 60
		wantSettings.MinUpvotes = 9
		if diff := cmp.Diff(wantSettings, got.Settings); diff != "" {
			t.Errorf("settings (-want +got):\n%s", diff)
		}
		for name, want := range map[string]Origin{SetTime: FromConfig, SetZone: FromDefault, SetWeekdays: FromDefault,
			SetMaxPapers: FromDefault, SetMinUpvotes: FromChat, SetFilter: FromDefault} {
			if got.Origin(name) != want {
				t.Errorf("origin of %s = %s, want %s", name, got.Origin(name), want)
			}
		}
	})
}

func TestChannelLocationAndOrigin(t *testing.T) {
	for zone, want := range map[string]string{"Asia/Tokyo": "Asia/Tokyo", "": "UTC", "Not/AZone": "UTC"} {
		c := Channel{Settings: Settings{Zone: zone}}
		if got := c.Location().String(); got != want {
			t.Errorf("Location() for %q = %s, want %s", zone, got, want)
		}
	}
	c := Channel{Origins: map[string]Origin{SetTime: FromChat}}
	if c.Origin(SetTime) != FromChat || c.Origin(SetZone) != FromDefault {
		t.Errorf("Origin: time %s, zone %s", c.Origin(SetTime), c.Origin(SetZone))
	}
	if got := (ChannelRef{"discord", "42"}).String(); got != "discord:42" {
		t.Errorf("ChannelRef.String() = %q", got)
	}
}

func TestSettingValue(t *testing.T) {
	s := Settings{Time: 9*60 + 5, Zone: "Europe/Berlin", Weekdays: MonFri, MaxPapers: 12, MinUpvotes: 4}
	want := map[string]string{SetTime: "09:05", SetZone: "Europe/Berlin", SetWeekdays: "Mon-Fri",
		SetMaxPapers: "12", SetMinUpvotes: "4", SetFilter: "(none)", SetSource: "huggingface",
		SetCrossLists: "off", SetRank: "upvotes", SetOnUpdate: "edit"}
	for _, name := range SettingNames {
		if got := s.SettingValue(name); got != want[name] {
			t.Errorf("SettingValue(%s) = %q, want %q", name, got, want[name])
		}
	}
	s.Filter = "diffusion -survey"
	if got := s.SettingValue(SetFilter); got != "diffusion -survey" {
		t.Errorf("SettingValue(filter) = %q", got)
	}
	s.Sources, s.CrossLists, s.Rank, s.OnUpdate = Sources{Lists: true, Arxiv: []string{"cs.RO", "cs.LG"}}, true, RankNewest, OnUpdateReply
	for name, want := range map[string]string{SetSource: "huggingface arxiv:cs.RO,cs.LG", SetCrossLists: "on", SetRank: "newest", SetOnUpdate: "reply"} {
		if got := s.SettingValue(name); got != want {
			t.Errorf("SettingValue(%s) = %q, want %q", name, got, want)
		}
	}
}
