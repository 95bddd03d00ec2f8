package main

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/paperboy-bot/paperboy/bot"
)

// Config is the YAML configuration. Every key is documented in
// config.example.yaml.
type Config struct {
	Database    string            `yaml:"database"`
	Source      []string          `yaml:"source"`
	Log         LogConfig         `yaml:"log"`
	HuggingFace HuggingFaceConfig `yaml:"huggingface"`
	Arxiv       ArxivConfig       `yaml:"arxiv"`
	Schedule    ScheduleConfig    `yaml:"schedule"`
	Console     ConsoleConfig     `yaml:"console"`
	Discord     DiscordConfig     `yaml:"discord"`
	Slack       SlackConfig       `yaml:"slack"`
	Alerts      AlertsConfig      `yaml:"alerts"`
	Limits      LimitsConfig      `yaml:"limits"`
	HTTP        HTTPConfig        `yaml:"http"`
	Followups   FollowupsConfig   `yaml:"followups"`
	Channels    []ChannelConfig   `yaml:"channels"`

	path string // where it was read from; "" for the built-in defaults
	// tokenRefs names the variable each token key refers to.
	tokenRefs map[string]string
}

// LogConfig sets up logging.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// HuggingFaceConfig configures the Hugging Face source.
type HuggingFaceConfig struct {
	BaseURL     string   `yaml:"base_url"`
	Token       string   `yaml:"token"`
	Timeout     Duration `yaml:"timeout"`
	MaxRetries  *int     `yaml:"max_retries"`
	MinInterval Duration `yaml:"min_interval"`
	ListReady   string   `yaml:"list_ready_utc"`
}

// ScheduleConfig configures the daemon.
type ScheduleConfig struct {
	PollInterval Duration `yaml:"poll_interval"`
	RetryDelay   Duration `yaml:"retry_delay"`
	CatchUp      *bool    `yaml:"catch_up"`
}

// AlertsConfig configures per-user topic alerts.
type AlertsConfig struct {
	MaxTopics *int `yaml:"max_topics"`
}

// ConsoleConfig configures the console platform.
type ConsoleConfig struct {
	Color string   `yaml:"color"`
	Pace  Duration `yaml:"pace"`
}

// DiscordConfig configures the Discord platform.
type DiscordConfig struct {
	Token         string   `yaml:"token"`
	APIURL        string   `yaml:"api_url"`
	ApplicationID string   `yaml:"application_id"`
	GuildIDs      []string `yaml:"guild_ids"`
	AllowedGuilds []string `yaml:"allowed_guilds"`
	Gateway       *bool    `yaml:"gateway"`
	Timeout       Duration `yaml:"timeout"`
}

// SlackConfig configures the Slack platform.
type SlackConfig struct {
	BotToken      string   `yaml:"bot_token"`
	AppToken      string   `yaml:"app_token"`
	SigningSecret string   `yaml:"signing_secret"`
	Mode          string   `yaml:"mode"`
	Listen        string   `yaml:"listen"`
	APIURL        string   `yaml:"api_url"`
	Admins        []string `yaml:"admins"`
	Timeout       Duration `yaml:"timeout"`
}

// ChannelConfig seeds a channel's settings.
type ChannelConfig struct {
	Platform   string   `yaml:"platform"`
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Time       string   `yaml:"time"`
	Zone       string   `yaml:"zone"`
	Weekdays   []string `yaml:"weekdays"`
	MaxPapers  *int     `yaml:"max_papers"`
	MinUpvotes *int     `yaml:"min_upvotes"`
	Filter     *string  `yaml:"filter"`
	Source     []string `yaml:"source"`
	CrossLists *bool    `yaml:"cross_lists"`
	Rank       string   `yaml:"rank"`
	OnUpdate   string   `yaml:"on_update"`
}

// Duration is a time.Duration written as "30m", "20s".
type Duration struct {
	time.Duration
	Set bool
}

// configError is a config problem: one line naming the key. Exit code 2.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func cfgErr(key, format string, args ...any) error {
	return &configError{msg: "config: " + key + ": " + fmt.Sprintf(format, args...)}
}

// Defaults used when neither the config file nor a flag sets a value.
const (
	defaultDatabase = "./paperboy.db"
	defaultSource   = "huggingface"
	defaultHFURL    = "https://huggingface.co"
)

var slackChannelID = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} with the environment variable's value (empty
// when unset: scalar refuses that but for tokens). A bare $ is left alone:
// filters and titles may contain one.
func expandEnv(s string, getenv func(string) string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string {
		return getenv(m[2 : len(m)-1])
	})
}

// loadConfig reads path. A missing file is an error only when the path was
// given explicitly.
func loadConfig(path string, explicit bool, getenv func(string) string) (*Config, error) {
	cfg := &Config{}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && !explicit:
		return cfg, nil
	case err != nil:
		return nil, &configError{msg: fmt.Sprintf("config: %v", err)}
	}
	cfg.path = path
	if err := parseConfig(data, cfg, getenv); err != nil {
		return nil, err
	}
	return cfg, nil
}

func parseConfig(data []byte, cfg *Config, getenv func(string) string) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return &configError{msg: "config: " + strings.ReplaceAll(err.Error(), "\n", " ")}
	}
	if len(root.Content) == 0 {
		return nil // empty file
	}
	// Secrets must come from the environment: a token written into the file
	// would end up in backups and repositories.
	refs, err := checkSecrets(root.Content[0])
	if err != nil {
		return err
	}
	cfg.tokenRefs = refs
	return decodeNode(root.Content[0], reflect.ValueOf(cfg).Elem(), "", getenv)
}

// secretKeys are keys whose value must be an ${ENV} reference.
var secretKeys = map[string]string{"huggingface.token": "HF_TOKEN", "discord.token": "DISCORD_BOT_TOKEN",
	"slack.bot_token": "SLACK_BOT_TOKEN", "slack.app_token": "SLACK_APP_TOKEN", "slack.signing_secret": "SLACK_SIGNING_SECRET"}

// checkSecrets also returns the variable each secret key names
// ("discord.token" → "DISCORD_BOT_TOKEN").
func checkSecrets(n *yaml.Node) (map[string]string, error) {
	refs := map[string]string{}
	var walk func(n *yaml.Node, path string) error
	walk = func(n *yaml.Node, path string) error {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			p := joinKey(path, k)
			if env, ok := secretKeys[p]; ok && v.Kind == yaml.ScalarNode && v.Value != "" && !envRef.MatchString(v.Value) {
				return cfgErr(p, "write ${%s} and set %s in the environment; secrets do not belong in the file", env, env)
			}
			if _, ok := secretKeys[p]; ok && v.Kind == yaml.ScalarNode {
				if m := envRef.FindStringSubmatch(v.Value); m != nil {
					refs[p] = m[1]
				}
			}
			if err := walk(v, p); err != nil {
				return err
			}
		}
		return nil
	}
	return refs, walk(n, "")
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// resolvedConfig is the configuration resolved: the file, the flags and
// the environment checked and combined, defaults filled in; everything the
// commands need. (A channel's own settings are bot.Settings.)
type resolvedConfig struct {
	Database     string
	Source       string
	LogLevel     string
	LogFormat    string
	HFBaseURL    string
	HFToken      string
	HFTimeout    time.Duration
	HFMaxRetries int
	HFInterval   time.Duration
	ListReady    time.Duration
	PollInterval time.Duration
	RetryDelay   time.Duration
	CatchUp      bool
	MaxTopics    int
	ConsoleColor string
	ConsolePace  time.Duration
	Discord      resolvedDiscord
	Slack        resolvedSlack
	Channels     []bot.Channel
	LocalZone    string
	// TokenRefs names the variable each token key of the file refers to
	// ("discord.token" → "DISCORD_BOT_TOKEN").
	TokenRefs map[string]string

	// Limits, SearchTimeout and ShutdownGrace are the limits: section.
	Limits        bot.Limits
	SearchTimeout time.Duration
	ShutdownGrace time.Duration

	// Arxiv is the arxiv: section; ArxivCategories the categories of the
	// arxiv:CATS sources (canonical), nil when none is given.
	Arxiv           resolvedArxiv
	ArxivCategories []string
	// Sources is what a channel follows unless it says otherwise: the
	// sources given (source: or --source), Hugging Face when none is.
	Sources bot.Sources
	// SourcesGiven is true when source: or --source set Sources.
	SourcesGiven bool
	// HTTPListen is where `run` serves /metrics, /healthz and /readyz
	// (http.listen, --listen); "" when they are off.
	HTTPListen string
	// Followups is the followups: section.
	Followups resolvedFollowups
}

// resolvedDiscord is the resolved discord: section; Token empty means
// Discord is off.
type resolvedDiscord struct {
	Token, APIURL, ApplicationID string
	GuildIDs                     []string
	AllowedGuilds                []string // empty: every server (a WARN at start)
	Gateway                      bool
	Timeout                      time.Duration
}

// resolvedSlack is the resolved slack: section; BotToken empty means
// Slack is off.
type resolvedSlack struct {
	BotToken, AppToken, SigningSecret string
	Mode, Listen, APIURL              string
	Admins                            []string
	Timeout                           time.Duration
}

// platforms are the platforms this build can post to.
var platforms = []string{"console", "discord", "slack"}

// resolve validates the config and fills in defaults. localZone is the
// zone channels use when they set none.
func (c *Config) resolve(localZone string, getenv func(string) string) (*resolvedConfig, error) {
	s := &resolvedConfig{
		Database:     or(c.Database, defaultDatabase),
		Source:       defaultSource,
		LogLevel:     or(c.Log.Level, "info"),
		LogFormat:    or(c.Log.Format, "text"),
		HFBaseURL:    or(c.HuggingFace.BaseURL, defaultHFURL),
		HFToken:      c.HuggingFace.Token,
		HFTimeout:    20 * time.Second,
		HFMaxRetries: 4,
		HFInterval:   600 * time.Millisecond,
		ListReady:    bot.DefaultListReady,
		PollInterval: bot.DefaultPollInterval,
		RetryDelay:   time.Minute,
		CatchUp:      true,
		MaxTopics:    bot.DefaultMaxTopics,
		ConsoleColor: or(c.Console.Color, "auto"),
		ConsolePace:  c.Console.Pace.Duration,
	}
	s.LocalZone = localZone
	s.TokenRefs = c.tokenRefs
	if s.HFToken == "" {
		s.HFToken = getenv("HF_TOKEN")
	}
	if err := c.resolveDiscord(s, getenv); err != nil {
		return nil, err
	}
	if err := c.resolveSlack(s); err != nil {
		return nil, err
	}
	if c.HuggingFace.Timeout.Set {
		if c.HuggingFace.Timeout.Duration == 0 {
			return nil, cfgErr("huggingface.timeout", "must be more than 0")
		}
		s.HFTimeout = c.HuggingFace.Timeout.Duration
	}
	if c.HuggingFace.MaxRetries != nil {
		if *c.HuggingFace.MaxRetries < 0 {
			return nil, cfgErr("huggingface.max_retries", "%d is negative", *c.HuggingFace.MaxRetries)
		}
		s.HFMaxRetries = *c.HuggingFace.MaxRetries
	}
	if c.HuggingFace.MinInterval.Set {
		s.HFInterval = c.HuggingFace.MinInterval.Duration
	}
	if !strings.HasPrefix(s.HFBaseURL, "http://") && !strings.HasPrefix(s.HFBaseURL, "https://") {
		return nil, cfgErr("huggingface.base_url", "%q is not an http(s) URL", s.HFBaseURL)
	}
	if c.HuggingFace.ListReady != "" {
		t, err := bot.ParseTimeOfDay(c.HuggingFace.ListReady)
		if err != nil {
			return nil, cfgErr("huggingface.list_ready_utc", "%v", err)
		}
		s.ListReady = time.Duration(t) * time.Minute
	}
	if c.Schedule.PollInterval.Set {
		if c.Schedule.PollInterval.Duration < time.Second {
			return nil, cfgErr("schedule.poll_interval", "must be at least 1s")
		}
		s.PollInterval = c.Schedule.PollInterval.Duration
	}
	if c.Schedule.RetryDelay.Set {
		if c.Schedule.RetryDelay.Duration < time.Second {
			return nil, cfgErr("schedule.retry_delay", "must be at least 1s")
		}
		s.RetryDelay = c.Schedule.RetryDelay.Duration
	}
	if c.Schedule.CatchUp != nil {
		s.CatchUp = *c.Schedule.CatchUp
	}
	if err := c.resolveArxiv(s); err != nil {
		return nil, err
	}
	if err := resolveSources(s, c.Source); err != nil {
		return nil, err
	}
	if err := c.resolveLimits(s); err != nil {
		return nil, err
	}
	if err := c.resolveHTTP(s); err != nil {
		return nil, err
	}
	if err := c.resolveFollowups(s); err != nil {
		return nil, err
	}
	if c.Alerts.MaxTopics != nil {
		if *c.Alerts.MaxTopics < 1 || *c.Alerts.MaxTopics > 1000 {
			return nil, cfgErr("alerts.max_topics", "%d is not from 1 to 1000", *c.Alerts.MaxTopics)
		}
		s.MaxTopics = *c.Alerts.MaxTopics
	}
	switch s.ConsoleColor {
	case "auto", "always", "never":
	default:
		return nil, cfgErr("console.color", "%q is not auto, always or never", s.ConsoleColor)
	}
	if err := checkLog(s.LogLevel, s.LogFormat, "log.level", "log.format"); err != nil {
		return nil, err
	}
	if len(c.Channels) == 0 {
		// No channels configured: one console channel at 09:00 local time.
		def := bot.DefaultSettings(localZone)
		def.Sources = s.Sources
		s.Channels = []bot.Channel{{ChannelRef: bot.ChannelRef{Platform: "console", ID: "stdout"}, Settings: def}}
	}
	seen := map[bot.ChannelRef]bool{}
	for i, cc := range c.Channels {
		ch, err := cc.channel(fmt.Sprintf("channels[%d]", i), localZone, s)
		if err != nil {
			return nil, err
		}
		if seen[ch.ChannelRef] {
			return nil, cfgErr(fmt.Sprintf("channels[%d].id", i), "%s is listed twice", ch.ChannelRef)
		}
		seen[ch.ChannelRef] = true
		if ch.Platform == "slack" && s.Slack.BotToken == "" {
			return nil, cfgErr(fmt.Sprintf("channels[%d].platform", i), "slack needs a bot token: set slack.bot_token: ${SLACK_BOT_TOKEN} and SLACK_BOT_TOKEN in the environment")
		}
		if ch.Platform == "discord" && s.Discord.Token == "" {
			return nil, cfgErr(fmt.Sprintf("channels[%d].platform", i), "discord needs a bot token: set discord.token: ${DISCORD_BOT_TOKEN} and DISCORD_BOT_TOKEN in the environment")
		}
		s.Channels = append(s.Channels, ch)
	}
	return s, nil
}

func checkLog(level, format, levelKey, formatKey string) error {
	switch level {
	case "debug", "info", "warn", "error":
	default:
		return cfgErr(levelKey, "%q is not debug, info, warn or error", level)
	}
	switch format {
	case "text", "json":
	default:
		return cfgErr(formatKey, "%q is not text or json", format)
	}
	return nil
}

func (cc ChannelConfig) channel(key, localZone string, s *resolvedConfig) (bot.Channel, error) {
	ch := bot.Channel{
		ChannelRef: bot.ChannelRef{Platform: strings.ToLower(cc.Platform), ID: cc.ID},
		Name:       cc.Name,
		Settings:   bot.DefaultSettings(localZone),
		Origins:    map[string]bot.Origin{},
	}
	if !contains(platforms, ch.Platform) {
		if cc.Platform == "" {
			return ch, cfgErr(key+".platform", "missing (use %s)", strings.Join(platforms, ", "))
		}
		return ch, cfgErr(key+".platform", "unknown platform %q (use %s)", cc.Platform, strings.Join(platforms, ", "))
	}
	if strings.TrimSpace(cc.ID) == "" {
		return ch, cfgErr(key+".id", "missing: the channel's id")
	}
	if ch.Platform == "slack" && !slackChannelID.MatchString(cc.ID) {
		return ch, cfgErr(key+".id", "%q is not a Slack channel id (C… or G…: open the channel's details, the id is at the bottom)", cc.ID)
	}
	if ch.Platform == "discord" {
		if _, err := strconv.ParseUint(cc.ID, 10, 64); err != nil {
			return ch, cfgErr(key+".id", "%q is not a Discord channel id (a number: right-click the channel, Copy Channel ID)", cc.ID)
		}
	}
	for _, name := range bot.SettingNames {
		ch.Origins[name] = bot.FromDefault
	}
	set := func(name string) { ch.Origins[name] = bot.FromConfig }
	ch.Settings.Sources = s.Sources
	if s.SourcesGiven {
		set(bot.SetSource)
	}
	if len(cc.Source) > 0 {
		src, err := bot.ParseSources(cc.Source, arxivCanonical)
		if err != nil {
			return ch, cfgErr(key+".source", "%s", strings.TrimPrefix(err.Error(), "source: "))
		}
		ch.Settings.Sources = src
		set(bot.SetSource)
	}
	if cc.CrossLists != nil {
		ch.Settings.CrossLists = *cc.CrossLists
		set(bot.SetCrossLists)
	}
	if cc.Rank != "" {
		r, err := bot.ParseRank(cc.Rank)
		if err != nil {
			return ch, cfgErr(key+".rank", "%s", strings.TrimPrefix(err.Error(), "rank: "))
		}
		ch.Settings.Rank = r
		set(bot.SetRank)
	}
	if err := cc.onUpdate(key, &ch); err != nil {
		return ch, err
	}
	if cc.Time != "" {
		t, err := bot.ParseTimeOfDay(cc.Time)
		if err != nil {
			return ch, cfgErr(key+".time", "%v", err)
		}
		ch.Settings.Time = t
		set(bot.SetTime)
	}
	if cc.Zone != "" {
		if _, err := time.LoadLocation(cc.Zone); err != nil || strings.EqualFold(cc.Zone, "local") {
			return ch, cfgErr(key+".zone", "unknown time zone %q (use an IANA name such as Europe/Berlin)", cc.Zone)
		}
		ch.Settings.Zone = cc.Zone
		set(bot.SetZone)
	}
	if len(cc.Weekdays) > 0 {
		w, err := bot.ParseWeekdays(strings.Join(cc.Weekdays, ","))
		if err != nil {
			return ch, cfgErr(key+".weekdays", "%v", err)
		}
		ch.Settings.Weekdays = w
		set(bot.SetWeekdays)
	}
	if cc.MaxPapers != nil {
		if *cc.MaxPapers < 1 || *cc.MaxPapers > bot.MaxMaxPapers {
			return ch, cfgErr(key+".max_papers", "%d is out of range (1 to %d)", *cc.MaxPapers, bot.MaxMaxPapers)
		}
		ch.Settings.MaxPapers = *cc.MaxPapers
		set(bot.SetMaxPapers)
	}
	if cc.MinUpvotes != nil {
		if *cc.MinUpvotes < 0 {
			return ch, cfgErr(key+".min_upvotes", "%d is negative", *cc.MinUpvotes)
		}
		ch.Settings.MinUpvotes = *cc.MinUpvotes
		set(bot.SetMinUpvotes)
	}
	if cc.Filter != nil {
		ch.Settings.Filter = strings.TrimSpace(*cc.Filter)
		if ch.Settings.Filter != "" {
			if _, err := bot.ParseQuery(ch.Settings.Filter, time.Now()); err != nil {
				return ch, cfgErr(key+".filter", "%v", err)
			}
		}
		set(bot.SetFilter)
	}
	if err := ch.Settings.Validate(); err != nil {
		return ch, cfgErr(key, "%v", err)
	}
	return ch, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// localZone returns the machine's IANA zone name: $TZ, else the target of
// /etc/localtime, else UTC.
func localZone(getenv func(string) string) string {
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			name := target[i+len("zoneinfo/"):]
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	return "UTC"
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
