package bot

import "testing"

func TestNormalizeID(t *testing.T) {
	good := []struct{ in, want string }{
		{"2405.15738", "2405.15738"},
		{"2405.15738v2", "2405.15738"},
		{"2405.15738v12", "2405.15738"},
		{"arXiv:2405.15738", "2405.15738"},
		{"ARXIV:2405.15738v1", "2405.15738"},
		{"arxiv:2405.15738", "2405.15738"},
		{" 2405.15738 ", "2405.15738"},
		{"\t2405.15738\n", "2405.15738"},
		{"2405.157", "2405.00157"}, // three digits are zero-padded, as hf-mcp-server does
		{"0704.0001", "0704.0001"}, // four-digit numbers (2007 to 2014)
		{"1412.9999v3", "1412.9999"},
		{"astro-ph/0601001v1", "astro-ph/0601001"},
		{"astro-ph/0601001", "astro-ph/0601001"},
		{"math.GT/0309136", "math.GT/0309136"},
		{"arXiv:hep-th/9901001v2", "hep-th/9901001"},
	}
	for _, tt := range good {
		got, ok := NormalizeID(tt.in)
		if !ok || got != tt.want {
			t.Errorf("NormalizeID(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
		// A normalised id normalises to itself.
		if again, ok := NormalizeID(got); !ok || again != got {
			t.Errorf("NormalizeID(%q) = %q, %v; want it unchanged", got, again, ok)
		}
	}
	for _, in := range []string{"abc", "2405", "", " ", "https://x", "arXiv:", "arXiv:2405", "2405.15738v",
		"2405.157388", "2405.15", "24O5.15738", "2405.15738 v2", "2405-15738", "astro-ph/060100",
		"https://arxiv.org/abs/2405.15738", "../2405.15738", "2405.15738/../x"} {
		if got, ok := NormalizeID(in); ok || got != "" {
			t.Errorf("NormalizeID(%q) = %q, %v; want rejected", in, got, ok)
		}
	}
}

func TestPaperURLs(t *testing.T) {
	p := Paper{ID: "2405.15738"}
	for _, tt := range []struct{ name, got, want string }{
		{"HuggingFaceURL", p.HuggingFaceURL(), "https://huggingface.co/papers/2405.15738"},
		{"ArxivURL", p.ArxivURL(), "https://arxiv.org/abs/2405.15738"},
		{"PDFURL", p.PDFURL(), "https://arxiv.org/pdf/2405.15738"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	old := Paper{ID: "astro-ph/0601001"}
	if got := old.ArxivURL(); got != "https://arxiv.org/abs/astro-ph/0601001" {
		t.Errorf("old-style ArxivURL = %q", got)
	}
}

func TestOrganization(t *testing.T) {
	tests := []struct {
		p    Paper
		want string
	}{
		{Paper{OrgName: "AntResearch", OrgFullName: "Ant Research"}, "Ant Research"},
		{Paper{OrgName: "AntResearch"}, "AntResearch"},
		{Paper{}, ""},
	}
	for _, tt := range tests {
		if got := tt.p.Organization(); got != tt.want {
			t.Errorf("Organization() = %q, want %q", got, tt.want)
		}
	}
}
