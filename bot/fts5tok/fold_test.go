package fts5tok

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Jürgen Müller":             "jurgen muller",
		"Łukasz Sørensen Straße":    "lukasz sorensen strasse",
		"Ångström e\u0301lan ÉCOLE": "angstrom elan ecole",
		"Ænima Œuvre":               "aenima oeuvre",
		"bad\xffbyte 中文":            "badbyte 中文",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
