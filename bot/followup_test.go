package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFollowupDetect(t *testing.T) {
	posted := Shown{Title: "A paper", Version: 1}
	withCode := Shown{Title: "A paper", Version: 1, GitHubRepo: "https://github.com/a/b", Stars: 40}
	for _, tc := range []struct {
		name        string
		shown, now  Shown
		want        []Change
		wantNothing bool
	}{
		{name: "nothing changed", shown: withCode, now: withCode, wantNothing: true},
		{name: "upvotes and stars below a threshold are not news", shown: withCode,
			now: Shown{Title: "A paper", Version: 1, GitHubRepo: "https://github.com/a/b", Stars: 99}, wantNothing: true},
		{name: "code released: one change, its stars come with it", shown: posted,
			now:  Shown{Title: "A paper", Version: 1, GitHubRepo: "https://github.com/a/b", Stars: 1500},
			want: []Change{{Kind: FollowCode}}},
		{name: "stars cross 100", shown: withCode,
			now:  Shown{Title: "A paper", Version: 1, GitHubRepo: "https://github.com/a/b", Stars: 100},
			want: []Change{{Kind: FollowStars, Value: 100}}},
		{name: "stars cross 100 and 1,000 at once", shown: withCode,
			now:  Shown{Title: "A paper", Version: 1, GitHubRepo: "https://github.com/a/b", Stars: 1200},
			want: []Change{{Kind: FollowStars, Value: 100}, {Kind: FollowStars, Value: 1000}}},
		{name: "stars going down are not news", shown: Shown{GitHubRepo: "https://github.com/a/b", Stars: 120},
			now: Shown{GitHubRepo: "https://github.com/a/b", Stars: 90}, wantNothing: true},
		{name: "v2 with a new title", shown: posted, now: Shown{Title: "A better paper", Version: 2},
			want: []Change{{Kind: FollowVersion, Value: 2, Detail: "A paper"}}},
		{name: "v2, same title", shown: posted, now: Shown{Title: "A  paper", Version: 2},
			want: []Change{{Kind: FollowVersion, Value: 2}}},
		{name: "a version first learnt is v1: not news", shown: Shown{Title: "A paper"}, now: Shown{Title: "A paper", Version: 1}, wantNothing: true},
		{name: "a title changed without a version is not a follow-up", shown: posted, now: Shown{Title: "Another", Version: 1}, wantNothing: true},
		{name: "accepted at a venue", shown: posted, now: Shown{Title: "A paper", Version: 1, Comment: "9 pages. Accepted at NeurIPS 2026"},
			want: []Change{{Kind: FollowVenue, Detail: "Accepted at NeurIPS 2026"}}},
		{name: "a venue shown already", shown: Shown{Comment: "CVPR 2026"}, now: Shown{Comment: "CVPR 2026 (oral)"}, wantNothing: true},
		{name: "models, datasets and Spaces linked", shown: posted,
			now:  Shown{Title: "A paper", Version: 1, Linked: Linked{Models: 3, Spaces: 1}},
			want: []Change{{Kind: FollowModels, Value: 3}, {Kind: FollowSpaces, Value: 1}}},
		{name: "more models than before is not news", shown: Shown{Linked: Linked{Models: 1}}, now: Shown{Linked: Linked{Models: 4}}, wantNothing: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Detect(tc.shown, tc.now)
			if tc.wantNothing {
				if len(got) != 0 {
					t.Fatalf("Detect = %+v, want nothing", got)
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Detect (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFollowupDetectVenue(t *testing.T) {
	for _, tc := range []struct{ comment, journal, want string }{
		{"Accepted at NeurIPS 2026", "", "Accepted at NeurIPS 2026"},
		{"12 pages, 5 figures; accepted to ICLR 2026 as an oral", "", "Accepted to ICLR 2026 as an oral"},
		{"To appear in IEEE TPAMI", "", "To appear in IEEE TPAMI"},
		{"CVPR 2026. Project page: https://x.org", "", "CVPR 2026"},
		{"Camera-ready version for ACL 2026 Findings", "", "Camera-ready version for ACL 2026 Findings"},
		{"Findings of EMNLP 2025", "", "Findings of EMNLP 2025"},
		{"ICML'26 workshop", "", "ICML'26"},
		{"Under review at NeurIPS 2026", "", ""},
		{"Submitted to ICLR 2027; code available", "", ""},
		{"Preprint. Work in progress", "", ""},
		{"10 pages, 4 figures", "", ""},
		{"", "Nature 612, 345-350 (2026)", "Nature 612, 345-350 (2026)"},
		{"Under review", "Phys. Rev. D 110, 012345", "Phys. Rev. D 110, 012345"},
		{"accepted at " + strings.Repeat("a very long venue name ", 10), "", "Accepted at a very long venue name a very long venue name a very long venue nam…"},
	} {
		if got := DetectVenue(tc.comment, tc.journal); got != tc.want {
			t.Errorf("DetectVenue(%q, %q) = %q, want %q", tc.comment, tc.journal, got, tc.want)
		}
	}
}

func TestFollowupKeyAndNote(t *testing.T) {
	ch := ChannelRef{Platform: "discord", ID: "100"}
	if got := FollowupKey(ch, "2612.00001", Change{Kind: FollowStars, Value: 1000}); got != "u:discord:100:2612.00001:stars:1000" {
		t.Errorf("key %q", got)
	}
	if got := FollowupKey(ch, "2612.00001", Change{Kind: FollowCode}); got != "u:discord:100:2612.00001:code" {
		t.Errorf("key %q", got)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	d3 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	notes := []Followup{
		{Change: Change{Kind: FollowCode}, Created: d3},
		{Change: Change{Kind: FollowVenue, Detail: "Accepted at NeurIPS 2026 <@everyone>"}, Created: d3.Add(time.Minute)},
		{Change: Change{Kind: FollowStars, Value: 1000}, Created: d3.AddDate(0, 0, 2)},
		{Change: Change{Kind: FollowVersion, Value: 2, Detail: "Old title"}, Created: d3.AddDate(0, 0, 2)},
	}
	got := PlainNote(notes, berlin)
	want := "Updated 5 Dec: 1,000 stars on GitHub, v2 with a new title (was “Old title”); 3 Dec: Accepted at NeurIPS 2026 <@everyone>, code released"
	if got != want {
		t.Errorf("note\n got %q\nwant %q", got, want)
	}
	line := NoteLine(notes, berlin)
	if !line[0].Bold || line[0].Text != "Updated" {
		t.Errorf("the note starts with %+v", line[0])
	}
	// Untrusted text is in spans of its own, which adapters escape.
	for _, sp := range line {
		if sp.URL != "" || sp.Code {
			t.Errorf("span %+v links or is code", sp)
		}
	}
	if NoteLine(nil, berlin) != nil {
		t.Error("no notes, a line")
	}
}

func TestFollowupParseOnUpdate(t *testing.T) {
	for in, want := range map[string]string{"": "edit", "edit": "edit", " Reply ": "reply", "OFF": "off"} {
		if got, err := ParseOnUpdate(in); err != nil || got != want {
			t.Errorf("ParseOnUpdate(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseOnUpdate("sometimes"); err == nil || !strings.Contains(err.Error(), "edit, reply or off") {
		t.Errorf("ParseOnUpdate(sometimes): %v", err)
	}
}
