package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// admin runs /papers-admin, for channel managers only.
func (c *Commands) admin(ctx context.Context, cmd Command) (Reply, error) {
	if !cmd.CanManage {
		return Reply{}, Errorf(EInvalid, "Only members who can manage this channel may use /papers-admin.")
	}
	switch cmd.Sub {
	case "channel set":
		return c.channelSet(ctx, cmd)
	case "channel show":
		ch, configured, err := c.channel(ctx, cmd)
		if err != nil {
			return Reply{}, err
		}
		if !configured {
			return Reply{Lines: []Line{{Text("This channel gets no daily digest. Set one up with "), Code("/papers-admin channel set"), Text(".")}}}, nil
		}
		return c.showReply(ctx, ch, "Settings of this channel")
	case "channel remove":
		ref := ChannelRef{Platform: cmd.Platform, ID: cmd.ChannelID}
		if _, err := c.Bot.Store.GetChannel(ctx, ref); errors.Is(err, ErrNotFound) {
			return Reply{Lines: []Line{{Text("This channel gets no daily digest; nothing to remove.")}}}, nil
		}
		if err := c.Bot.Store.DeleteChannel(ctx, ref); err != nil {
			return Reply{}, err
		}
		return Reply{Lines: []Line{{Text("The daily digest of this channel is removed. Papers posted here are remembered and never posted here again.")}}}, nil
	}
	r := usageReply("channel set", fmt.Sprintf("Unknown command /papers-admin %s.", cmd.Sub))
	return r, nil
}

func (c *Commands) showReply(ctx context.Context, ch Channel, title string) (Reply, error) {
	r, err := c.statusReply(ctx, ch)
	if err != nil {
		return Reply{}, err
	}
	r.Title = title
	var lines []Line
	for _, name := range SettingNames {
		lines = append(lines, Line{Code(name), Text(": %s (%s)", ch.Settings.SettingValue(name), describeOrigin(ch.Origin(name)))})
	}
	r.Lines = append(lines, r.Lines[1:]...)
	return r, nil
}

func describeOrigin(o Origin) string {
	switch o {
	case FromChat:
		return "set in chat"
	case FromConfig:
		return "from the config file"
	}
	return "default"
}

// channelArgs are the arguments of /papers-admin channel set.
var channelArgs = []string{"source", "time", "zone", "weekdays", "count", "min_upvotes", "filter", "cross_lists", "rank", "on_update"}

func (c *Commands) channelSet(ctx context.Context, cmd Command) (Reply, error) {
	var unknown []string
	for k, v := range cmd.Args {
		switch {
		case k == "_extra":
			unknown = append(unknown, strings.Fields(v)...)
		case !contains(channelArgs, k):
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Reply{}, Errorf(EInvalid, "Unknown setting %s. Settings: %s. Example: /papers-admin channel set time:09:00 zone:Europe/Berlin count:10",
			strings.Join(unknown, ", "), strings.Join(channelArgs, ", "))
	}
	if len(cmd.BotMissing) > 0 {
		return Reply{}, Errorf(EInvalid, "paperboy cannot post its digest here: it lacks %s in this channel. Grant it, then run /papers-admin channel set again.",
			strings.Join(cmd.BotMissing, ", "))
	}
	ch, configured, err := c.channel(ctx, cmd)
	if err != nil {
		return Reply{}, err
	}
	if ch.Origins == nil {
		ch.Origins = map[string]Origin{}
	}
	s := ch.Settings
	set := func(name string) { ch.Origins[name] = FromChat }
	if v, ok := cmd.Args["time"]; ok {
		t, err := ParseTimeOfDay(v)
		if err != nil {
			return Reply{}, Errorf(EInvalid, "time: %v", err)
		}
		s.Time = t
		set(SetTime)
	}
	if v, ok := cmd.Args["zone"]; ok {
		v = strings.TrimSpace(v)
		if _, err := time.LoadLocation(v); err != nil || v == "" || strings.EqualFold(v, "local") {
			return Reply{}, Errorf(EInvalid, "zone: unknown time zone %q (use an IANA name such as Europe/Berlin or America/New_York)", Truncate(v, 60))
		}
		s.Zone = v
		set(SetZone)
	}
	if v, ok := cmd.Args["weekdays"]; ok {
		w, err := ParseWeekdays(v)
		if err != nil {
			return Reply{}, Errorf(EInvalid, "weekdays: %v", err)
		}
		s.Weekdays = w
		set(SetWeekdays)
	}
	if v, ok := cmd.Args["count"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > MaxMaxPapers {
			return Reply{}, Errorf(EInvalid, "count: %q is not a number from 1 to %d", Truncate(v, 20), MaxMaxPapers)
		}
		s.MaxPapers = n
		set(SetMaxPapers)
	}
	if v, ok := cmd.Args["min_upvotes"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return Reply{}, Errorf(EInvalid, "min_upvotes: %q is not a whole number of 0 or more", Truncate(v, 20))
		}
		s.MinUpvotes = n
		set(SetMinUpvotes)
	}
	if v, ok := cmd.Args["source"]; ok {
		src, err := ParseSources([]string{v}, c.arxivCategory)
		if err != nil {
			return Reply{}, err
		}
		s.Sources = src
		set(SetSource)
	}
	if v, ok := cmd.Args["cross_lists"]; ok {
		on, err := parseSwitch(v)
		if err != nil {
			return Reply{}, Errorf(EInvalid, "cross_lists: %v", err)
		}
		s.CrossLists = on
		set(SetCrossLists)
	}
	if v, ok := cmd.Args["rank"]; ok {
		r, err := ParseRank(v)
		if err != nil {
			return Reply{}, err
		}
		s.Rank = r
		set(SetRank)
	}
	if v, ok := cmd.Args["on_update"]; ok {
		m, err := ParseOnUpdate(v)
		if err != nil {
			return Reply{}, err
		}
		s.OnUpdate = m
		set(SetOnUpdate)
	}
	if v, ok := cmd.Args["filter"]; ok {
		v = CollapseSpace(v)
		if strings.EqualFold(v, "none") {
			v = ""
		}
		if v != "" {
			if _, err := ParseQuery(v, c.Bot.now()); err != nil {
				return Reply{}, Errorf(EInvalid, "filter: %s", err.Error())
			}
		}
		s.Filter = v
		set(SetFilter)
	}
	if err := s.Validate(); err != nil {
		return Reply{}, err
	}
	ch.Settings = s
	if cmd.ChannelName != "" {
		ch.Name = cmd.ChannelName
	}
	now := c.Bot.now()
	if !configured {
		ch.Created = now
	}
	if err := c.Bot.Store.SaveChannel(ctx, ch, now); err != nil {
		return Reply{}, err
	}
	if ch.Stopped != "" {
		// The admin fixed what stopped it (the bot has every permission now).
		if err := c.Bot.Store.StopChannel(ctx, ch.ChannelRef, "", now); err != nil {
			return Reply{}, err
		}
		ch.Stopped = ""
	}
	// The admin fixed what stopped the follow-ups too, if anything did.
	if err := c.Bot.Store.ResumeFollowups(ctx, ch.ChannelRef); err != nil {
		return Reply{}, err
	}
	title := "Daily digest updated"
	if !configured {
		title = "Daily digest set up"
	}
	r, err := c.showReply(ctx, ch, title)
	if err != nil {
		return Reply{}, err
	}
	return r, nil
}

// arxivCategory resolves one arXiv category with the taxonomy cmd wired
// in (Commands.ArxivCategory).
func (c *Commands) arxivCategory(cat string) (string, error) {
	if c.ArxivCategory == nil {
		return "", fmt.Errorf("arXiv categories are not known to this build")
	}
	return c.ArxivCategory(cat)
}

// parseSwitch reads on/off, true/false, yes/no.
func parseSwitch(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1":
		return true, nil
	case "off", "false", "no", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not on or off", Truncate(CleanText(v), 20))
}
