package main

// The YAML configuration: its types, reading the file, ${ENV} references,
// and the rule that secrets come from the environment.

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
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

// fileExists reports whether path exists (the default config file, the
// database's folder).
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
