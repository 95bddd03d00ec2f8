package bot

import (
	"strings"
	"testing"
	"time"
)

func TestSnippet(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	render := func(l Line) string {
		var b strings.Builder
		for _, s := range l {
			if s.Bold {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	abstract := strings.Repeat("filler ", 40) + "We route tokens with a learned Router and Mixture-of-Experts layers. " + strings.Repeat("tail ", 40)
	cases := []struct{ query, text, want string }{
		{"router", "We route tokens to experts with a learned router. Routing is hard.",
			"We route tokens to experts with a learned [router.] Routing is hard."},
		{"routing", "We route tokens. Routing is hard.", "We [route] tokens. [Routing] is hard."},
		{`"mixture of experts" -survey`, abstract,
			"… route tokens with a learned Router and [Mixture-of-Experts] layers. tail tail tail tail tail tail tail tail tail tail tail tail tail tail tail tail tail tail tail …"},
		{"Müller", "A model by Jürgen Muller and Müller.", "A model by Jürgen [Muller] and [Müller.]"},
		{"zebra", "Nothing here at all.", "Nothing here at all."},
	}
	for _, c := range cases {
		q, err := ParseQuery(c.query, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := render(Snippet(c.text, q, 28)); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.query, got, c.want)
		}
	}
	if Snippet("", nil, 10) != nil {
		t.Error("snippet of nothing")
	}
}
