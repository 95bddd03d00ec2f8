package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every bad config is rejected at start with exit code 2 and one line that
// names the key and the problem.
func TestBadConfigRejected(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // all must appear in the one line
	}{
		{"misspelt top-level key", "databse: x.db\n", []string{"config: databse: unknown key (line 1)", `did you mean "database"?`}},
		{"misspelt channel key", "channels:\n  - platform: console\n    id: a\n    tmie: \"09:00\"\n", []string{"channels[0].tmie: unknown key (line 4)", `did you mean "time"?`}},
		{"unknown zone", "channels:\n  - platform: console\n    id: a\n    zone: Europe/Berln\n", []string{"channels[0].zone", `unknown time zone "Europe/Berln"`}},
		{"25:00", "channels:\n  - platform: console\n    id: a\n    time: \"25:00\"\n", []string{"channels[0].time", `"25:00" is not a time of day`}},
		{"negative count", "channels:\n  - platform: console\n    id: a\n    max_papers: -3\n", []string{"channels[0].max_papers", "-3 is out of range"}},
		{"negative minimum", "channels:\n  - platform: console\n    id: a\n    min_upvotes: -1\n", []string{"channels[0].min_upvotes", "-1 is negative"}},
		{"not a number", "channels:\n  - platform: console\n    id: a\n    max_papers: ten\n", []string{"channels[0].max_papers", `"ten" is not a whole number`}},
		{"bad weekday", "channels:\n  - platform: console\n    id: a\n    weekdays: [mon, funday]\n", []string{"channels[0].weekdays", `"funday" is not a day`}},
		{"unknown platform", "channels:\n  - platform: iirc\n    id: a\n", []string{"channels[0].platform", `unknown platform "iirc"`}},
		{"missing id", "channels:\n  - platform: console\n", []string{"channels[0].id", "missing"}},
		{"duplicate channel", "channels:\n  - {platform: console, id: a}\n  - {platform: console, id: a}\n", []string{"channels[1].id", "listed twice"}},
		{"negative retries", "huggingface:\n  max_retries: -1\n", []string{"huggingface.max_retries", "negative"}},
		{"bad duration", "schedule:\n  poll_interval: soon\n", []string{"schedule.poll_interval", `"soon" is not a duration`}},
		{"negative duration", "schedule:\n  poll_interval: -5m\n", []string{"schedule.poll_interval", "negative"}},
		{"bad ready time", "huggingface:\n  list_ready_utc: \"12:75\"\n", []string{"huggingface.list_ready_utc", "not a time of day"}},
		{"bad url", "huggingface:\n  base_url: huggingface.co\n", []string{"huggingface.base_url", "not an http(s) URL"}},
		{"token in the file", "huggingface:\n  token: hf_abcdefghijklmnop\n", []string{"huggingface.token", "write ${HF_TOKEN}"}},
		{"bad log level", "log:\n  level: loud\n", []string{"log.level", `"loud" is not debug, info, warn or error`}},
		{"bad colour", "console:\n  color: rainbow\n", []string{"console.color", `"rainbow"`}},
		{"not a mapping", "channels: yes\n", []string{"channels", "expected a list"}},
		{"bad filter", "channels:\n  - platform: console\n    id: a\n    filter: \"(diffusion\"\n", []string{"channels[0].filter", "unbalanced"}},
		{"yaml syntax", "channels:\n  - platform: [\n", []string{"config: yaml:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeConfig(t, c.yaml)
			r := runMain(t, testEnv(), "status", "--config", cfg, "--db", filepath.Join(t.TempDir(), "p.db"))
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			line := strings.TrimSuffix(r.stderr, "\n")
			if strings.Contains(line, "\n") {
				t.Errorf("error is not one line:\n%s", r.stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("error %q does not contain %q", line, w)
				}
			}
			if r.stdout != "" {
				t.Errorf("printed to stdout: %q", r.stdout)
			}
		})
	}
}

func TestBadFlagsRejected(t *testing.T) {
	db := filepath.Join(t.TempDir(), "p.db")
	for _, args := range [][]string{
		{"status", "--log-level", "loud", "--db", db},
		{"status", "--log-format", "xml", "--db", db},
		{"status", "--source", "ftp://x", "--db", db},
		{"digest", "--no-such-flag"},
		{"status", "--config", filepath.Join(t.TempDir(), "missing.yaml")},
		{"backfill", "--db", db},
		{"backfill", "--from", "2025-02-03", "--to", "2025-02-01", "--db", db},
		{"ingest", "--db", db, "--source", "huggingface"},
	} {
		r := runMain(t, testEnv(), args...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 && !strings.Contains(r.stderr, "Usage") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, r.code, r.stderr)
		}
	}
}

func TestConfigEnvExpansionAndOrigins(t *testing.T) {
	cfg := writeConfig(t, `
# a comment
database: ${PB_DIR}/papers.db
channels:
  - platform: console
    id: ml
    name: "#ml-papers"
    zone: ${PB_ZONE}
    weekdays: mon-fri
    max_papers: 5
    filter: "diffusion $video"
`)
	dir := t.TempDir()
	env := testEnv("PB_DIR", dir, "PB_ZONE", "Asia/Kolkata")
	r := runMain(t, env, "status", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"database " + dir + "/papers.db",
		"console:ml (#ml-papers)",
		"zone         Asia/Kolkata             from config",
		"time         09:00                    from default",
		"max_papers   5                        from config",
		"filter       diffusion $video         from config",
		"last post    never",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "console:stdout") {
		t.Error("the default channel is added although the config lists channels")
	}
	// The channel leaves the file: its settings go too.
	cfg2 := writeConfig(t, "database: "+dir+"/papers.db\nchannels:\n  - {platform: console, id: other}\n")
	r = runMain(t, env, "status", "--config", cfg2)
	if r.code != 0 || strings.Contains(r.stdout, "console:ml") || !strings.Contains(r.stdout, "console:other") {
		t.Fatalf("after removing a channel from the file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestExpandEnvLeavesPlainDollar(t *testing.T) {
	got := expandEnv("a $b ${C} ${D}$", testEnv("C", "see"))
	if got != "a $b see $" {
		t.Fatalf("expandEnv = %q", got)
	}
}

// config.example.yaml documents every key: it must load as it is, and every
// key of Config must appear in it.
func TestExampleConfigLoads(t *testing.T) {
	path := filepath.Join(repoRoot(t), "config.example.yaml")
	r := runMain(t, testEnv(), "status", "--config", path, "--db", filepath.Join(t.TempDir(), "p.db"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var walk func(typ reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ == durationType {
			return
		}
		for i := 0; i < typ.NumField(); i++ {
			if tag := typ.Field(i).Tag.Get("yaml"); tag != "" {
				keys = append(keys, tag)
				walk(typ.Field(i).Type)
			}
		}
	}
	walk(reflect.TypeOf(Config{}))
	for _, k := range keys {
		if !strings.Contains(string(body), "\n"+k+":") && !strings.Contains(string(body), " "+k+":") {
			t.Errorf("config.example.yaml does not document %q", k)
		}
	}
}
