package huggingface

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

func date(t testing.TB, s string) bot.Date {
	t.Helper()
	d, err := bot.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t *testing.T, path string, day bot.Date) []bot.Paper {
	t.Helper()
	list, err := ParseDaily(readFile(t, path), day)
	if err != nil {
		t.Fatalf("ParseDaily(%s): %v", path, err)
	}
	if len(list.Skipped) > 0 {
		t.Fatalf("ParseDaily(%s) skipped %v", path, list.Skipped)
	}
	return list.Papers
}

func findPaper(t *testing.T, papers []bot.Paper, id string) bot.Paper {
	t.Helper()
	for _, p := range papers {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("paper %s not found", id)
	return bot.Paper{}
}

// want lists the fields of a paper a test checks; empty strings and -1
// are not checked.
type want struct {
	title        string
	authors      int
	firstAuthor  string
	upvotes      int
	comments     int
	aiSummary    bool
	keywords     int
	stars        int
	githubRepo   string
	projectPage  string
	orgName      string
	orgFullName  string
	publishedAt  string
	listDate     string
	thumbnailEnd string
}

func checkPaper(t *testing.T, p bot.Paper, w want) {
	t.Helper()
	if p.Title != w.title {
		t.Errorf("%s: title %q, want %q", p.ID, p.Title, w.title)
	}
	if len(p.Authors) != w.authors {
		t.Errorf("%s: %d authors, want %d: %q", p.ID, len(p.Authors), w.authors, p.Authors)
	} else if p.Authors[0] != w.firstAuthor {
		t.Errorf("%s: first author %q, want %q", p.ID, p.Authors[0], w.firstAuthor)
	}
	if p.Upvotes != w.upvotes || p.Comments != w.comments {
		t.Errorf("%s: upvotes %d comments %d, want %d %d", p.ID, p.Upvotes, p.Comments, w.upvotes, w.comments)
	}
	if (p.AISummary != "") != w.aiSummary {
		t.Errorf("%s: ai_summary %q, want present=%v", p.ID, p.AISummary, w.aiSummary)
	}
	if len(p.AIKeywords) != w.keywords {
		t.Errorf("%s: %d keywords, want %d", p.ID, len(p.AIKeywords), w.keywords)
	}
	if p.GitHubStars != w.stars || p.GitHubRepo != w.githubRepo || p.ProjectPage != w.projectPage {
		t.Errorf("%s: github %q stars %d project %q, want %q %d %q", p.ID, p.GitHubRepo, p.GitHubStars, p.ProjectPage, w.githubRepo, w.stars, w.projectPage)
	}
	if p.OrgName != w.orgName || p.OrgFullName != w.orgFullName {
		t.Errorf("%s: org %q / %q, want %q / %q", p.ID, p.OrgName, p.OrgFullName, w.orgName, w.orgFullName)
	}
	if got := p.PublishedAt.Format(time.RFC3339); got != w.publishedAt || p.PublishedAt.Location() != time.UTC {
		t.Errorf("%s: publishedAt %s (%v), want %s UTC", p.ID, got, p.PublishedAt.Location(), w.publishedAt)
	}
	if p.ListDate.String() != w.listDate {
		t.Errorf("%s: list date %s, want %s", p.ID, p.ListDate, w.listDate)
	}
	if !strings.HasSuffix(p.Thumbnail, w.thumbnailEnd) {
		t.Errorf("%s: thumbnail %q, want suffix %q", p.ID, p.Thumbnail, w.thumbnailEnd)
	}
	if strings.Contains(p.Title, "\n") || strings.Contains(p.Abstract, "\n") || strings.Contains(p.Abstract, "  ") {
		t.Errorf("%s: title or abstract not collapsed", p.ID)
	}
	if p.Abstract == "" {
		t.Errorf("%s: no abstract", p.ID)
	}
}

// The 2024 era: no submittedOnDailyAt, hard-wrapped titles, a hidden
// author, no AI fields. Read as a saved file (no date known), the list date
// comes from the outer publishedAt.
func TestParseDaily2024(t *testing.T) {
	papers := parseFixture(t, "testdata/daily_papers_2024-10-25.json", bot.Date{})
	if len(papers) != 25 {
		t.Fatalf("got %d papers, want 25", len(papers))
	}
	if papers[0].ID != "2410.17243" || papers[24].ID == "" {
		t.Errorf("order: first %s", papers[0].ID)
	}
	for _, p := range papers {
		if p.ListDate.String() != "2024-10-25" {
			t.Errorf("%s: list date %s, want 2024-10-25", p.ID, p.ListDate)
		}
	}
	checkPaper(t, findPaper(t, papers, "2410.17243"), want{
		title:        "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss",
		authors:      9,
		firstAuthor:  "Zesen Cheng",
		upvotes:      39,
		comments:     1,
		publishedAt:  "2024-10-22T17:59:30Z",
		listDate:     "2024-10-25",
		thumbnailEnd: "/papers/2410.17243.png",
	})
	// Its first author is hidden: 4 in the data, 3 shown.
	checkPaper(t, findPaper(t, papers, "2410.17897"), want{
		title:        "Value Residual Learning For Alleviating Attention Concentration In Transformers",
		authors:      3,
		firstAuthor:  "Tianyi Wu",
		upvotes:      1,
		comments:     1,
		publishedAt:  "2024-10-23T14:15:07Z",
		listDate:     "2024-10-25",
		thumbnailEnd: "/papers/2410.17897.png",
	})
}

func TestParseDaily2025(t *testing.T) {
	papers := parseFixture(t, "testdata/daily_papers_2025-05-22.json", date(t, "2025-05-22"))
	if len(papers) != 27 {
		t.Fatalf("got %d papers, want 27", len(papers))
	}
	checkPaper(t, papers[0], want{
		title:        "Web-Shepherd: Advancing PRMs for Reinforcing Web Agents",
		authors:      21,
		firstAuthor:  "Hyungjoo Chae",
		upvotes:      66,
		comments:     2,
		aiSummary:    true,
		keywords:     12,
		githubRepo:   "https://github.com/kyle8581/Web-Shepherd",
		publishedAt:  "2025-05-21T08:56:55Z", // paper.publishedAt, not the outer 04:56:55 (Q1)
		listDate:     "2025-05-22",
		thumbnailEnd: "/papers/2505.15277.png",
	})
	checkPaper(t, findPaper(t, papers, "2505.15809"), want{
		title:        "MMaDA: Multimodal Large Diffusion Language Models",
		authors:      7,
		firstAuthor:  "Ling Yang",
		upvotes:      31,
		comments:     1,
		aiSummary:    true,
		keywords:     13,
		githubRepo:   "https://github.com/Gen-Verse/MMaDA",
		projectPage:  "https://huggingface.co/spaces/Gen-Verse/MMaDA",
		publishedAt:  "2025-05-21T17:59:05Z",
		listDate:     "2025-05-22",
		thumbnailEnd: "/papers/2505.15809.png",
	})
}

func TestParseDaily2026(t *testing.T) {
	// With no date given, the list date still comes from submittedOnDailyAt.
	papers := parseFixture(t, "sample/daily_papers_2026-08-21.json", bot.Date{})
	if len(papers) != 17 {
		t.Fatalf("got %d papers, want 17", len(papers))
	}
	checkPaper(t, papers[0], want{
		title:        "EnvHarness: Awakening Static Worlds for Agent Learning",
		authors:      17,
		firstAuthor:  "Chengsong Huang",
		upvotes:      163,
		comments:     1,
		aiSummary:    true,
		keywords:     8,
		stars:        8,
		githubRepo:   "https://github.com/google-research/envharness",
		projectPage:  "https://envharness.com/",
		orgName:      "google",
		orgFullName:  "Google",
		publishedAt:  "2026-08-20T00:00:00Z",
		listDate:     "2026-08-21",
		thumbnailEnd: "/papers/2608.19880.png",
	})
	checkPaper(t, findPaper(t, papers, "2608.18580"), want{
		title:        "FACET: Preserving Source Intent and Executable State in Terminal Task Synthesis",
		authors:      13,
		firstAuthor:  "Kou Shi",
		upvotes:      54,
		comments:     2,
		aiSummary:    true,
		keywords:     10,
		stars:        8,
		githubRepo:   "https://github.com/StoKou/FACET-Terminal",
		projectPage:  "https://stokou.github.io/FACET-Terminal/",
		orgName:      "ustc",
		orgFullName:  "university of science and technology of china", // two spaces in the data
		publishedAt:  "2026-08-19T00:00:00Z",
		listDate:     "2026-08-21",
		thumbnailEnd: "/papers/2608.18580.png",
	})
	p := findPaper(t, papers, "2608.20335")
	if p.OrgFullName != "Ant Research" || p.GitHubStars != 20 || p.Comments != 3 || p.Upvotes != 38 {
		t.Errorf("2608.20335: %+v", p)
	}
}

func TestParseSearchResults(t *testing.T) {
	for file, n := range map[string]int{
		"testdata/papers_search_kazakh.json":       9,
		"testdata/papers_search_llama-3-herd.json": 11,
	} {
		papers := parseFixture(t, file, bot.Date{})
		if len(papers) != n {
			t.Errorf("%s: %d papers, want %d", file, len(papers), n)
		}
		for _, p := range papers {
			if p.ID == "" || p.Title == "" || len(p.Authors) == 0 || p.PublishedAt.IsZero() {
				t.Errorf("%s: incomplete paper %+v", file, p)
			}
		}
	}
	papers := parseFixture(t, "testdata/papers_search_llama-3-herd.json", bot.Date{})
	herd := findPaper(t, papers, "2407.21783")
	if len(herd.Authors) != 533 || herd.PublishedAt.Format(time.RFC3339) != "2024-07-31T17:54:27Z" {
		t.Errorf("Llama 3 herd: %d authors, published %v", len(herd.Authors), herd.PublishedAt)
	}
}

func TestParseElement(t *testing.T) {
	day := date(t, "2026-08-21")
	tests := []struct {
		name string
		json string
		day  bot.Date
		want func(bot.Paper) bool
		err  string // substring of the error, or "" for success
	}{
		{
			name: "outer fallbacks and a versioned id",
			json: `{"paper":{"authors":[{"name":" Ada\n Lovelace ","hidden":false},{"name":"Secret","hidden":true},{"name":"  "}]},
				"id":"arXiv:2401.00001v2","title":"Outer\n  title","summary":"Outer  summary","publishedAt":"2024-01-02T10:00:00.000Z"}`,
			want: func(p bot.Paper) bool {
				return p.ID == "2401.00001" && p.Title == "Outer title" && p.Abstract == "Outer summary" &&
					len(p.Authors) == 1 && p.Authors[0] == "Ada Lovelace" && p.PublishedAt.IsZero() &&
					p.ListDate.String() == "2024-01-02"
			},
		},
		{
			name: "negative counters read as 0",
			json: `{"paper":{"id":"2401.00002","title":"T","upvotes":-5,"githubStars":-1},"numComments":-3,
				"publishedAt":"2024-01-02T10:00:00.000Z"}`,
			want: func(p bot.Paper) bool {
				return p.Upvotes == 0 && p.Comments == 0 && p.GitHubStars == 0
			},
		},
		{
			name: "a flat item (no paper object)",
			json: `{"id":"2407.13168","title":"SciCode","summary":"s","publishedAt":"2024-07-18T05:15:24.000Z","upvotes":17,
				"submittedOnDailyAt":"2024-07-22T00:00:00.000Z","authors":[{"name":"A"}],"organization":{"name":"o","fullname":"O"}}`,
			want: func(p bot.Paper) bool {
				return p.ID == "2407.13168" && p.Upvotes == 17 && p.ListDate.String() == "2024-07-22" && p.OrgFullName == "O"
			},
		},
		{
			name: "mediaUrl string, mediaUrls array, nulls and unknown keys",
			json: `{"mediaUrl":"https://x/y.mp4","mediaUrls":["a","b"],"isNew":{"deep":[1,2,{}]},"thumbnail":null,
				"paper":{"id":"2405.15738","title":"T","summary":null,"upvotes":null,"ai_keywords":["  x ","",null,"y"],"mediaUrls":["c"],"organization":null},
				"organization":{"name":"outer-org","fullname":"Outer Org"},"numComments":4}`,
			day: day,
			want: func(p bot.Paper) bool {
				return p.ID == "2405.15738" && p.Comments == 4 && len(p.AIKeywords) == 2 && p.AIKeywords[0] == "x" &&
					p.OrgName == "outer-org" && p.ListDate == day
			},
		},
		{
			name: "submittedOnDailyAt wins over the date asked for",
			json: `{"paper":{"id":"2604.07429","title":"T","submittedOnDailyAt":"2026-04-15T23:59:59.999Z"}}`,
			day:  day,
			want: func(p bot.Paper) bool { return p.ListDate.String() == "2026-04-15" },
		},
		{
			name: "wrong types are coerced or left out, field by field",
			json: `{"paper":{"id":2401.00001,"title":1234,"summary":{"x":1},"upvotes":"12","githubStars":3.7,"authors":null,
				"ai_keywords":"one keyword","publishedAt":"yesterday","organization":"not an object","githubRepo":["x"]},
				"numComments":"7","thumbnail":42,"publishedAt":"2024-01-02T10:00:00.000Z"}`,
			want: func(p bot.Paper) bool {
				return p.ID == "2401.00001" && p.Title == "1234" && p.Abstract == "" && p.Upvotes == 12 && p.GitHubStars == 3 &&
					len(p.Authors) == 0 && len(p.AIKeywords) == 1 && p.PublishedAt.IsZero() && p.OrgName == "" &&
					p.GitHubRepo == "" && p.Comments == 7 && p.Thumbnail == "42" && p.ListDate.String() == "2024-01-02"
			},
		},
		{
			name: "authors as plain strings, hidden as a string",
			json: `{"paper":{"id":"2401.00001","authors":["Ann Lee",{"name":"Bob","hidden":"yes"},{"name":"C","hidden":true},7]},"publishedAt":"2024-01-02T10:00:00.000Z"}`,
			want: func(p bot.Paper) bool {
				return strings.Join(p.Authors, "|") == "Ann Lee|Bob|7"
			},
		},
		{
			name: "a blank title is kept as it came",
			json: `{"paper":{"id":"2401.00001","title":" \u200b "},"title":"\t"}`,
			day:  day,
			want: func(p bot.Paper) bool {
				return p.Title == " \u200b " && p.DisplayTitle() == "Untitled (arXiv:2401.00001)"
			},
		},
		{
			name: "invisible characters are cleaned",
			json: `{"paper":{"id":"2401.00001","title":"Token\u00adization \u202eat\u202c scale","summary":"a\u200bb"}}`,
			day:  day,
			want: func(p bot.Paper) bool { return p.Title == "Tokenization at scale" && p.Abstract == "a b" },
		},
		{name: "a bad time is left out", json: `{"paper":{"id":"2401.00001","publishedAt":"yesterday","submittedOnDailyAt":"soon"}}`, day: day,
			want: func(p bot.Paper) bool { return p.PublishedAt.IsZero() && p.ListDate == day }},
		{name: "no list date for a file: stored on no list", json: `{"paper":{"id":"2401.00001"}}`,
			want: func(p bot.Paper) bool { return p.ListDate.IsZero() }},
		{name: "huge counters are clamped", json: `{"paper":{"id":"2401.00001","upvotes":1e300,"githubStars":"99999999999999"}}`, day: day,
			want: func(p bot.Paper) bool { return p.Upvotes == 1<<31-1 && p.GitHubStars == 1<<31-1 }},
		{name: "no id", json: `{"paper":{"title":"T"},"title":"T"}`, err: "no paper id"},
		{name: "an id of the wrong type", json: `{"paper":{"id":["2401.00001"]}}`, err: "no paper id"},
		{name: "not an arXiv id", json: `{"paper":{"id":"hello world"}}`, err: `paper id "hello world" is not an arXiv id`},
		{name: "id abc", json: `{"paper":{"id":"abc"}}`, err: `paper id "abc" is not an arXiv id`},
		{name: "truncated", json: `{"paper":{"id":"2401.00001"`, err: "unexpected end of JSON input"},
		{name: "not an object", json: `[1]`, err: "JSON array, not a JSON object"},
		{name: "null", json: `null`, err: "JSON null, not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseElement([]byte(tt.json), tt.day)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "huggingface: ") {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(p) {
				t.Errorf("unexpected paper %+v", p)
			}
		})
	}
}

func TestParseDailyErrors(t *testing.T) {
	tests := []struct{ body, err string }{
		{`[{"paper":{"id":"2401.00001","submittedOnDailyAt":"2024-01-02T00:00:00Z"}},{"paper":`, "truncated JSON"},
		{`[{"paper":{"id":"2401.00001","submittedOnDailyAt":"2024-01-02T00:00:00Z"}}`, "truncated JSON"},
		{`{"error":"Sorry"}`, "expected a JSON array, got a JSON object"},
		{`[] []`, "unexpected data after the JSON array"},
		{``, "truncated JSON"},
	}
	for _, tt := range tests {
		_, err := ParseDaily([]byte(tt.body), bot.Date{})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseDaily(%.30q): error %v, want %q", tt.body, err, tt.err)
		}
	}
	list, err := ParseDaily([]byte(" [ ] "), bot.Date{})
	if err != nil || list.Papers == nil || len(list.Papers) != 0 || len(list.Skipped) != 0 {
		t.Errorf("empty array: %+v, %v", list, err)
	}
}

// TestParseDailySkips: one bad element never costs the list; each skipped
// one is named with its position and why.
func TestParseDailySkips(t *testing.T) {
	day := date(t, "2026-08-21")
	body := `[
		{"paper":{"id":"2608.00001","title":"Good one"}},
		{"paper":{"title":"No id"}},
		{"paper":{"id":"abc","title":"Bad id"}},
		{"paper":{"id":"2608.00002","upvotes":"12","title":7}},
		null,
		{"paper":{"id":"2608.00001v2","title":"Repeat"}},
		"a string",
		{"paper":{"id":"hep-th/9901001","title":"Old style"}}
	]`
	list, err := ParseDaily([]byte(body), day)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range list.Papers {
		ids = append(ids, p.ID)
	}
	if got := strings.Join(ids, " "); got != "2608.00001 2608.00002 hep-th/9901001" {
		t.Errorf("papers %s", got)
	}
	var skips []string
	for _, s := range list.Skipped {
		if s.Reason == "" || s.Where == "" {
			t.Errorf("skip without a place or reason: %+v", s)
		}
		skips = append(skips, s.String())
	}
	want := []string{
		"element 1: no paper id",
		`element 2 (id "abc"): paper id "abc" is not an arXiv id`,
		"element 4: a JSON null, not a JSON object",
		`element 5 (id "2608.00001"): the same paper as element 0`,
		"element 6: a JSON string, not a JSON object",
	}
	if strings.Join(skips, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skips, "\n"), strings.Join(want, "\n"))
	}
}

func TestFileListDate(t *testing.T) {
	tests := []struct{ at, want string }{
		{"2024-10-25T00:57:09.392Z", "2024-10-25"}, // Friday morning
		{"2024-10-24T20:59:59.999Z", "2024-10-24"}, // Thursday, before the cut
		{"2024-10-24T21:00:00.000Z", "2024-10-25"}, // Thursday evening: Friday's list
		{"2024-10-25T22:10:00.000Z", "2024-10-28"}, // Friday evening: Saturday, so Monday
		{"2024-10-26T12:00:00.000Z", "2024-10-28"}, // Saturday
		{"2024-10-27T23:30:00.000Z", "2024-10-28"}, // Sunday evening: Monday
	}
	for _, tt := range tests {
		at, err := time.Parse(time.RFC3339Nano, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := fileListDate(at).String(); got != tt.want {
			t.Errorf("fileListDate(%s) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

// papersOf keeps the papers of a list.
func papersOf(l bot.DayList, err error) ([]bot.Paper, error) { return l.Papers, err }
