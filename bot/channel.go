package bot

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ChannelRef names a channel on a platform ("console:stdout",
// "discord:1234567890").
type ChannelRef struct {
	Platform string
	ID       string
}

func (r ChannelRef) String() string { return r.Platform + ":" + r.ID }

// TimeOfDay is a wall-clock time, in minutes after midnight.
type TimeOfDay int

// ParseTimeOfDay parses "HH:MM" (00:00 to 23:59).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	// Atoi takes signs: "+9:00" and "09:-0" are not times of day.
	if !ok || err1 != nil || err2 != nil || !allDigits(h) || !allDigits(m) || len(m) != 2 || len(h) < 1 || len(h) > 2 ||
		hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q is not a time of day (use HH:MM, 00:00 to 23:59)", s)
	}
	return TimeOfDay(hh*60 + mm), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Clock returns the hour and minute.
func (t TimeOfDay) Clock() (hour, min int) { return int(t) / 60, int(t) % 60 }

func (t TimeOfDay) String() string {
	h, m := t.Clock()
	return fmt.Sprintf("%02d:%02d", h, m)
}

// Weekdays is a set of days of the week.
type Weekdays uint8

// Common sets of days.
const (
	MonFri  Weekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	AllDays Weekdays = MonFri | 1<<time.Saturday | 1<<time.Sunday
)

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&(1<<d) != 0 }

var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func parseDay(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for i, n := range dayNames {
		full := strings.ToLower(time.Weekday(i).String())
		if s == n || s == full {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// ParseWeekdays parses day names and ranges: "mon-fri", "mon,wed,fri",
// "sat sun", "daily", "weekdays", "weekends".
func ParseWeekdays(s string) (Weekdays, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "weekdays":
		return MonFri, nil
	case "daily", "every day", "all":
		return AllDays, nil
	case "weekends", "weekend":
		return 1<<time.Saturday | 1<<time.Sunday, nil
	}
	var w Weekdays
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		from, to, isRange := strings.Cut(part, "-")
		a, ok := parseDay(from)
		if !ok {
			return 0, fmt.Errorf("%q is not a day of the week (use mon, tue, ... or a range such as mon-fri)", from)
		}
		b := a
		if isRange {
			if b, ok = parseDay(to); !ok {
				return 0, fmt.Errorf("%q is not a day of the week (use mon, tue, ... or a range such as mon-fri)", to)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			w |= 1 << d
			if d == b {
				break
			}
		}
	}
	if w == 0 {
		return 0, fmt.Errorf("no days given (use e.g. mon-fri)")
	}
	return w, nil
}

// String formats the set compactly: "Mon-Fri", "Mon,Wed,Fri", "every day".
func (w Weekdays) String() string {
	if w&AllDays == AllDays {
		return "every day"
	}
	var parts []string
	for d := 1; d <= 7; {
		wd := time.Weekday(d % 7)
		if !w.Has(wd) {
			d++
			continue
		}
		end := d
		for end+1 <= 7 && w.Has(time.Weekday((end+1)%7)) {
			end++
		}
		name := func(i int) string { return time.Weekday(i % 7).String()[:3] }
		switch {
		case end-d >= 2:
			parts = append(parts, name(d)+"-"+name(end))
		case end == d:
			parts = append(parts, name(d))
		default:
			parts = append(parts, name(d), name(end))
		}
		d = end + 1
	}
	return strings.Join(parts, ",")
}

// Origin says where a channel setting came from.
type Origin string

// Where settings come from. Chat changes win over the config file.
const (
	FromDefault Origin = "default"
	FromConfig  Origin = "config"
	FromChat    Origin = "chat"
)

// Setting names, as used in config keys, origins and status.
const (
	SetTime       = "time"
	SetZone       = "zone"
	SetWeekdays   = "weekdays"
	SetMaxPapers  = "max_papers"
	SetMinUpvotes = "min_upvotes"
	SetFilter     = "filter"
	SetSource     = "source"
	SetCrossLists = "cross_lists"
	SetRank       = "rank"
	SetOnUpdate   = "on_update"
)

// SettingNames lists every channel setting in display order.
var SettingNames = []string{SetSource, SetTime, SetZone, SetWeekdays, SetMaxPapers, SetMinUpvotes, SetFilter, SetCrossLists, SetRank, SetOnUpdate}

// Default channel settings.
const (
	DefaultTime      TimeOfDay = 9 * 60
	DefaultMaxPapers           = 10
	MaxMaxPapers               = 50 // Hugging Face lists hold at most about 50 papers
)

// Settings are what a channel's admins choose.
type Settings struct {
	Time       TimeOfDay
	Zone       string // IANA name
	Weekdays   Weekdays
	MaxPapers  int
	MinUpvotes int
	// Filter is a query in the search language: a paper is posted only
	// when the search would find it.
	Filter string
	// Sources is what the channel follows; the zero value means
	// DefaultSources (see Follows).
	Sources Sources
	// CrossLists makes an arXiv channel also post papers cross-listed to
	// its categories from others (arXiv's "cross" announcements); on by
	// default.
	CrossLists bool
	// Rank orders the selection: RankUpvotes (""), RankRelevance,
	// RankNewest.
	Rank string
	// OnUpdate is how the channel takes follow-ups: OnUpdateEdit ("" too),
	// OnUpdateReply or OnUpdateOff.
	OnUpdate string
}

// Follows returns the channel's sources, DefaultSources when none are set.
func (s Settings) Follows() Sources {
	if s.Sources.IsZero() {
		return DefaultSources
	}
	return s.Sources
}

// Channel is a place the bot posts its daily digest to.
type Channel struct {
	ChannelRef
	Name     string
	Settings Settings
	// Origins records, per setting name, where its value came from.
	Origins map[string]Origin
	// FromConfig is true when the channel was created from the config file
	// (it goes away when it leaves the file, unless changed in chat).
	FromConfig bool
	Created    time.Time
	Updated    time.Time
	// Stopped holds why posting to the channel stopped (a permission
	// error, a deleted channel); empty while it posts.
	Stopped string
}

// Location returns the channel's time zone. Settings are validated when
// stored, so an unknown zone only happens with a hand-edited database; UTC
// is used then.
func (c Channel) Location() *time.Location {
	if c.Settings.Zone == "" {
		return time.UTC
	}
	if loc, ok := zones.Load(c.Settings.Zone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(c.Settings.Zone)
	if err != nil {
		return time.UTC
	}
	zones.Store(c.Settings.Zone, loc)
	return loc
}

// zones caches loaded time zones: the daemon asks for every channel's zone
// each minute, and time.LoadLocation reads the zone database each time.
var zones sync.Map

// Origin returns where setting name came from.
func (c Channel) Origin(name string) Origin {
	if o, ok := c.Origins[name]; ok {
		return o
	}
	return FromDefault
}

// DefaultSettings returns the settings a channel has when nothing is set,
// in zone.
func DefaultSettings(zone string) Settings {
	return Settings{Time: DefaultTime, Zone: zone, Weekdays: MonFri, MaxPapers: DefaultMaxPapers, CrossLists: true}
}

// Validate checks settings and returns an error naming the first bad one.
func (s Settings) Validate() error {
	if s.Time < 0 || s.Time >= 24*60 {
		return Errorf(EInvalid, "time: %d minutes is not a time of day", int(s.Time))
	}
	if s.Zone == "" {
		return Errorf(EInvalid, "zone: empty (use an IANA name such as Europe/Berlin)")
	}
	if _, err := time.LoadLocation(s.Zone); err != nil || strings.EqualFold(s.Zone, "local") {
		return Errorf(EInvalid, "zone: unknown time zone %q (use an IANA name such as Europe/Berlin)", s.Zone)
	}
	if s.Weekdays&AllDays == 0 {
		return Errorf(EInvalid, "weekdays: no days given (use e.g. mon-fri)")
	}
	if s.MaxPapers < 1 || s.MaxPapers > MaxMaxPapers {
		return Errorf(EInvalid, "max_papers: %d is out of range (1 to %d)", s.MaxPapers, MaxMaxPapers)
	}
	if s.MinUpvotes < 0 {
		return Errorf(EInvalid, "min_upvotes: %d is negative", s.MinUpvotes)
	}
	if utf8.RuneCountInString(s.Filter) > 500 {
		return Errorf(EInvalid, "filter: longer than 500 characters")
	}
	if _, err := ParseRank(s.Rank); err != nil {
		return err
	}
	if _, err := ParseOnUpdate(s.OnUpdate); err != nil {
		return err
	}
	if len(s.Sources.Arxiv) > maxSourceCategories {
		return Errorf(EInvalid, "source: %d arXiv categories (at most %d)", len(s.Sources.Arxiv), maxSourceCategories)
	}
	return nil
}

// MergeSeed applies a channel from the config file to what is stored. A
// setting changed in chat keeps its stored value; every other setting takes
// the seed's value and origin. With no stored channel, the seed is used as
// is.
func MergeSeed(stored *Channel, seed Channel) Channel {
	if stored == nil {
		seed.FromConfig = true
		return seed
	}
	out := *stored
	out.Origins = make(map[string]Origin, len(SettingNames))
	for _, name := range SettingNames {
		if stored.Origin(name) == FromChat {
			out.Origins[name] = FromChat
			continue
		}
		out.Origins[name] = seed.Origin(name)
		copySetting(&out.Settings, seed.Settings, name)
	}
	if seed.Name != "" {
		out.Name = seed.Name
	}
	return out
}

func copySetting(dst *Settings, src Settings, name string) {
	switch name {
	case SetTime:
		dst.Time = src.Time
	case SetZone:
		dst.Zone = src.Zone
	case SetWeekdays:
		dst.Weekdays = src.Weekdays
	case SetMaxPapers:
		dst.MaxPapers = src.MaxPapers
	case SetMinUpvotes:
		dst.MinUpvotes = src.MinUpvotes
	case SetFilter:
		dst.Filter = src.Filter
	case SetSource:
		dst.Sources = src.Sources
	case SetCrossLists:
		dst.CrossLists = src.CrossLists
	case SetRank:
		dst.Rank = src.Rank
	case SetOnUpdate:
		dst.OnUpdate = src.OnUpdate
	}
}

// SettingValue formats one setting for display.
func (s Settings) SettingValue(name string) string {
	switch name {
	case SetTime:
		return s.Time.String()
	case SetZone:
		return s.Zone
	case SetWeekdays:
		return s.Weekdays.String()
	case SetMaxPapers:
		return strconv.Itoa(s.MaxPapers)
	case SetMinUpvotes:
		return strconv.Itoa(s.MinUpvotes)
	case SetFilter:
		if s.Filter == "" {
			return "(none)"
		}
		return s.Filter
	case SetSource:
		return s.Follows().String()
	case SetCrossLists:
		if s.CrossLists {
			return "on"
		}
		return "off"
	case SetRank:
		r, _ := ParseRank(s.Rank)
		return r
	case SetOnUpdate:
		m, _ := ParseOnUpdate(s.OnUpdate)
		return m
	}
	return ""
}
