package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paperboy-bot/paperboy/adapters/fakes/hostile"
	hffake "github.com/paperboy-bot/paperboy/adapters/fakes/huggingface"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// runBinary runs this test binary as the paperboy binary (a process of its
// own, as a user runs it) and waits for it.
func runBinary(t *testing.T, env []string, args ...string) result {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "PAPERBOY_TEST_MAIN=1", "TZ=UTC", "NO_COLOR=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// TestHostileDailyList runs a hostile daily list (adapters/fakes/hostile
// DailyList: mentions, markdown, LaTeX, RTL overrides, emoji, control and
// invisible characters, astral characters exactly at the limits, wrong
// JSON types, a 100 KB abstract, 700 authors, invites and URLs, and
// elements without a usable id) through the real binary, from a fake
// Hugging Face to the Discord and Slack fakes: the digest posts on both,
// every element is posted or skipped with its reason, and no body breaks a
// limit (counted in code points and in UTF-16 units), carries an invisible
// character other than a defused mention's or an emoji's, or lets an
// untrusted link unfurl or invite.
func TestHostileDailyList(t *testing.T) {
	hf := hffake.New()
	t.Cleanup(hf.Close)
	if err := hf.SetList(hostile.DailyDate.String(), hostile.DailyListJSON()); err != nil {
		t.Fatal(err)
	}
	dc := fakeDiscord(t)
	sl := slackfake.New()
	t.Cleanup(sl.Close)
	sl.SetToken(fakeSlackBot)
	sl.SetBotUser("U0BOT", "T100")
	sl.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
	cfg := writeConfig(t, fmt.Sprintf(`
huggingface:
  base_url: %s
discord:
  token: ${DISCORD_BOT_TOKEN}
  api_url: %s
  application_id: "9100"
  guild_ids: ["9000"]
  gateway: false
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  app_token: ${SLACK_APP_TOKEN}
  api_url: %s
channels:
  - {platform: discord, id: "100", max_papers: 50}
  - {platform: slack, id: C100, max_papers: 50}
`, hf.URL(), dc.URL(), sl.APIURL()))
	db := filepath.Join(t.TempDir(), "p.db")
	env := []string{"DISCORD_BOT_TOKEN=" + fakeDiscordToken, "SLACK_BOT_TOKEN=" + fakeSlackBot, "SLACK_APP_TOKEN=" + fakeSlackApp}

	r := runBinary(t, env, "digest", "--date", hostile.DailyDate.String(), "--config", cfg, "--db", db)
	if r.code != 0 {
		t.Fatalf("digest: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	list := hostile.DailyList()
	var want []string
	for _, e := range list {
		if e.ID != "" {
			want = append(want, e.ID)
		}
	}
	slices.Sort(want)

	// Every good element is posted on both platforms, once.
	for _, target := range []string{"100", "C100"} {
		got := sentPapers(t, db, target)
		if !slices.Equal(got, want) {
			t.Errorf("%s: posted %d papers, want the %d good ones\nmissing: %v\nextra: %v", target, len(got), len(want),
				minus(want, got), minus(got, want))
		}
	}
	threads := dc.Threads("100")
	if len(dc.Messages("100")) != 1 || len(threads) != 1 || len(dc.Messages(threads[0].ID)) != len(want) {
		t.Errorf("Discord: %d headers, %d threads", len(dc.Messages("100")), len(threads))
	}
	top := sl.Messages("C100")
	if len(top) != 1 || len(sl.Replies("C100", top[0].TS)) != len(want) {
		t.Errorf("Slack: %d messages", len(top))
	}
	// Every bad one is skipped, with its reason, in one log line each.
	for _, e := range list {
		if e.Skip == "" {
			continue
		}
		if !logHas(r.stderr, "skipped an element", e.Skip) {
			t.Errorf("%s: no log line says it was skipped because %q\nstderr:\n%s", e.Name, e.Skip, r.stderr)
		}
	}
	st := runBinary(t, env, "status", "--config", cfg, "--db", db)
	if st.code != 0 || !strings.Contains(st.stdout, fmt.Sprintf("%d papers stored, 5 skipped: ", len(want))) ||
		!strings.Contains(st.stdout, "no paper id") {
		t.Errorf("status: exit %d\n%s%s", st.code, st.stdout, st.stderr)
	}
	if strings.Contains(r.stdout+r.stderr+st.stdout+st.stderr, fakeDiscordToken) || strings.Contains(r.stderr, fakeSlackBot) {
		t.Error("a token appears in the output")
	}

	// What the platforms were sent.
	var checked int
	for _, req := range dc.Requests() {
		if req.Method == "GET" || len(req.Body) == 0 {
			continue
		}
		checked++
		for _, problem := range discordBodyProblems(req.Body) {
			t.Errorf("Discord %s %s: %s", req.Method, req.Path, problem)
		}
	}
	for _, req := range sl.Requests() {
		if req.Method != "chat.postMessage" {
			continue
		}
		checked++
		for _, problem := range slackBodyProblems(req.Params) {
			t.Errorf("Slack %s: %s", req.Method, problem)
		}
	}
	if checked < 2*len(want) {
		t.Errorf("only %d bodies checked", checked)
	}
	for _, m := range dc.Messages(threads[0].ID) {
		for _, e := range m.Embeds {
			if strings.TrimSpace(e.Title) == "" {
				t.Errorf("Discord message %s has an empty title", m.ID)
			}
		}
	}

	// The same list from a file: ingest stores the good ones (the repeat
	// of a paper updates it, as a paper seen on two days does) and names
	// the others.
	file := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(file, hostile.DailyListJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	in := runBinary(t, nil, "ingest", "--source", "file:"+file, "--db", filepath.Join(t.TempDir(), "i.db"))
	if in.code != 0 || !strings.Contains(in.stdout, fmt.Sprintf(": %d new papers, 1 updated, ", len(want))) ||
		!strings.Contains(in.stdout, fmt.Sprintf("\nstored %d, skipped 4\n", len(want)+1)) {
		t.Fatalf("ingest: exit %d\n%s%s", in.code, in.stdout, in.stderr)
	}
	for _, e := range list {
		if e.Skip != "" && !strings.Contains(e.Skip, "the same paper") && !strings.Contains(in.stdout, e.Skip) {
			t.Errorf("ingest does not say %s was skipped (%q):\n%s", e.Name, e.Skip, in.stdout)
		}
	}
}

// sentPapers returns the ids of the papers posted to a channel, sorted.
func sentPapers(t *testing.T, path, target string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT paper_id FROM deliveries WHERE kind = 'item' AND state = 'sent' AND target = ? ORDER BY paper_id`, target)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// logHas reports whether one line of the log holds every piece.
func logHas(log string, pieces ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		ok := true
		for _, p := range pieces {
			// The text handler quotes values: compare without the escapes.
			ok = ok && (strings.Contains(line, p) || strings.Contains(line, strings.ReplaceAll(p, `"`, `\"`)))
		}
		if ok {
			return true
		}
	}
	return false
}

// bodyStrings returns every string in a JSON document with its path
// ("embeds/0/title").
func bodyStrings(doc []byte) map[string]string {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			out[path] = x
		case []any:
			for i, y := range x {
				walk(fmt.Sprintf("%s/%d", path, i), y)
			}
		case map[string]any:
			for k, y := range x {
				walk(path+"/"+k, y)
			}
		}
	}
	walk("", v)
	return out
}

// limitsDiscord are Discord's limits by the last part of a string's path
// in a message body.
var limitsDiscord = []struct {
	re  *regexp.Regexp
	max int
}{
	{regexp.MustCompile(`^/(data/)?content$`), 2000},
	{regexp.MustCompile(`/embeds/\d+/title$`), 256},
	{regexp.MustCompile(`/embeds/\d+/description$`), 4096},
	{regexp.MustCompile(`/fields/\d+/name$`), 256},
	{regexp.MustCompile(`/fields/\d+/value$`), 1024},
	{regexp.MustCompile(`/footer/text$`), 2048},
	{regexp.MustCompile(`/author/name$`), 256},
	{regexp.MustCompile(`/components/\d+/components/\d+/label$`), 80},
	{regexp.MustCompile(`^/name$`), 100}, // a thread or forum post
	{regexp.MustCompile(`/nonce$`), 25},
}

var inviteRe = regexp.MustCompile(`(?i)discord(app)?\.(gg|com/invite)/`)

// discordBodyProblems checks a request body sent to Discord.
func discordBodyProblems(body []byte) []string {
	var problems []string
	strs := bodyStrings(body)
	total := 0
	for path, s := range strs {
		problems = append(problems, textProblems(path, s)...)
		for _, l := range limitsDiscord {
			if l.re.MatchString(path) {
				if n := max(bot.Length(s), utf8.RuneCountInString(s)); n > l.max {
					problems = append(problems, fmt.Sprintf("%s has %d characters (UTF-16 units), over %d", path, n, l.max))
				}
			}
		}
		if regexp.MustCompile(`/embeds/\d+/(title|description|footer/text|author/name)$|/fields/\d+/(name|value)$`).MatchString(path) {
			total += bot.Length(s)
		}
		if !strings.HasSuffix(path, "/url") && inviteRe.MatchString(s) {
			problems = append(problems, fmt.Sprintf("%s shows an invite link: %q", path, s))
		}
	}
	if total > 6000 {
		problems = append(problems, fmt.Sprintf("embeds hold %d characters, over 6000", total))
	}
	var msg struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
		Data    *struct {
			Content string `json:"content"`
			Flags   int    `json:"flags"`
		} `json:"data"`
	}
	json.Unmarshal(body, &msg)
	content, flags := msg.Content, msg.Flags
	if msg.Data != nil {
		content, flags = msg.Data.Content, msg.Data.Flags
	}
	if flags&4 == 0 { // SUPPRESS_EMBEDS
		for _, u := range bot.FindURLs(content) {
			if u.Start == 0 || content[u.Start-1] != '<' {
				problems = append(problems, fmt.Sprintf("content links %q bare, without SUPPRESS_EMBEDS: it unfurls", content[u.Start:u.End]))
			}
		}
	}
	for path, s := range strs {
		problems = append(problems, maskedLinkProblems(path, s, discordLinkRe)...)
	}
	return problems
}

// slackBodyProblems checks the parameters of a chat.postMessage.
func slackBodyProblems(params map[string][]string) []string {
	get := func(k string) string {
		if v := params[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var problems []string
	if get("unfurl_links") != "false" || get("unfurl_media") != "false" {
		problems = append(problems, fmt.Sprintf("unfurl_links %q, unfurl_media %q: links would unfurl", get("unfurl_links"), get("unfurl_media")))
	}
	text := get("text")
	problems = append(problems, textProblems("text", text)...)
	if n := max(bot.Length(text), utf8.RuneCountInString(text)); n > 3000 {
		problems = append(problems, fmt.Sprintf("text has %d characters, over 3000", n))
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(get("blocks")), &blocks); err != nil {
		return append(problems, "blocks are not JSON: "+err.Error())
	}
	if len(blocks) > 50 {
		problems = append(problems, fmt.Sprintf("%d blocks", len(blocks)))
	}
	b, _ := json.Marshal(blocks)
	for path, s := range bodyStrings(b) {
		problems = append(problems, textProblems(path, s)...)
		max := 3000
		switch {
		case strings.HasSuffix(path, "/alt_text"):
			max = 2000
		case strings.Contains(path, "/elements/") && strings.HasSuffix(path, "/text/text"):
			max = 75 // a button
		}
		if n := len(path); n > 0 && strings.HasSuffix(path, "/text/text") && blockType(blocks, path) == "header" {
			max = 150
		}
		if n := bot.Length(s); n > max {
			problems = append(problems, fmt.Sprintf("%s has %d characters (UTF-16 units), over %d", path, n, max))
		}
		problems = append(problems, maskedLinkProblems(path, s, slackLinkRe)...)
	}
	return problems
}

func blockType(blocks []map[string]any, path string) string {
	var i int
	if _, err := fmt.Sscanf(path, "/%d/", &i); err != nil || i >= len(blocks) {
		return ""
	}
	t, _ := blocks[i]["type"].(string)
	return t
}

// textProblems reports the invisible characters in s: the only default-
// ignorable code points allowed are U+200B right after the "@" of a
// defused mass mention and the joiners and variation selectors inside an
// emoji.
func textProblems(path, s string) []string {
	var problems []string
	if !utf8.ValidString(s) {
		problems = append(problems, path+" is not valid UTF-8")
	}
	for i, r := range s {
		if !bot.IsDefaultIgnorable(r) && !(r < 0x20 && r != '\n') {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		rest := strings.ToLower(s[i+utf8.RuneLen(r):])
		switch {
		case r == '\u200b' && prev == '@' && (strings.HasPrefix(rest, "everyone") || strings.HasPrefix(rest, "here") || strings.HasPrefix(rest, "channel")):
		case r == '\u200d' && (bot.IsPictographic(prev) || prev >= 0x1F3FB && prev <= 0x1F3FF || prev == '\ufe0f') && bot.IsPictographic(next):
		case (r == '\ufe0f' || r == '\ufe0e') && (bot.IsPictographic(prev) || strings.ContainsRune("0123456789#*", prev)):
		default:
			problems = append(problems, fmt.Sprintf("%s carries %U at byte %d: %.80q", path, r, i, s))
		}
	}
	return problems
}

var (
	discordLinkRe = regexp.MustCompile(`\[([^\]]*)\]\(<?([^)>]+)>?\)`)
	slackLinkRe   = regexp.MustCompile(`<(https?://[^|>]+)\|([^>]*)>`)
)

// maskedLinkProblems reports a link whose text looks like a web address
// other than the one it leads to.
func maskedLinkProblems(path, s string, re *regexp.Regexp) []string {
	var problems []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		label, target := m[1], m[2]
		if re == slackLinkRe {
			label, target = m[2], m[1]
		}
		unescape := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", `\`, "")
		if bot.LooksLikeURL(label) && unescape.Replace(label) != unescape.Replace(target) {
			problems = append(problems, fmt.Sprintf("%s: link text %q leads to %q", path, label, target))
		}
	}
	return problems
}
