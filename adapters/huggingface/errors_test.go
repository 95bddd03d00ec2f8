package huggingface

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestClientErrors(t *testing.T) {
	html := "<!DOCTYPE html>\n<html><head><title>Hugging Face – The AI community building the future.</title></head><body>" + strings.Repeat("x", 500) + "</body></html>"
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"JSON error object", 404, `{"error":"Sorry, we can't find the page you are looking for."}`,
			[]string{"HTTP 404 Not Found: Sorry, we can't find the page you are looking for."}},
		{"JSON error object with 200", 200, `{"error":"Invalid date"}`, []string{"HTTP 200 OK: Invalid date"}},
		{"invalid date", 400, `{"error":"\"date\" must be a valid date"}`, []string{"HTTP 400 Bad Request", `"date" must be a valid date`}},
		{"HTML", 200, html, []string{`expected a JSON array, got HTML "<!DOCTYPE html> <html><head><title>Hugging Face – The AI community building the future.</title></h…" (status 200)`}},
		{"plain text 403", 403, "Forbidden\n", []string{`HTTP 403 Forbidden: "Forbidden"`}},
		{"empty body", 200, "", []string{"expected a JSON array, got an empty body (status 200)"}},
		{"JSON object", 200, `{"papers":[]}`, []string{`expected a JSON array, got a JSON object "{\"papers\":[]}"`}},
		{"truncated JSON", 200, "[" + element("2608.20335", 38) + "," + element("2608.19880", 9)[:50],
			[]string{"element 1: truncated JSON: unexpected end of JSON input (status 200, "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			c := newTestClient(t, hub, &waits{}, nil)
			papers, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
			if err == nil {
				t.Fatalf("no error; papers %v", papers)
			}
			prefix := "huggingface: GET " + hub.URL + "/api/daily_papers?date=2026-08-21&limit=100&p=0: "
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error %q does not start with %q", err, prefix)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s", err, w)
				}
			}
			if len(err.Error()) > len(prefix)+250 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
			if hub.count() != 1 {
				t.Errorf("%d requests: a %d is not worth a retry", hub.count(), tt.status)
			}
		})
	}
}

func TestClientTokenNotLeaked(t *testing.T) {
	const token = "hf_SeCrEtToKeN0123456789"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// A server that echoes the request's headers back in every way it fails.
	echo := func(r *http.Request) string { return "auth=" + r.Header.Get("Authorization") }
	answers := []func(w http.ResponseWriter, r *http.Request){
		func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":%q}`, echo(r))
		},
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "<html>%s</html>", echo(r)) },
		// The token straddles the 100-byte cut of the excerpt.
		func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "<html>%s %s</html>", strings.Repeat("x", 75), echo(r))
		},
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500); fmt.Fprint(w, echo(r)) },
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, echo(r)) },
	}
	for i, answer := range answers {
		hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) { answer(w, r) })
		c := newTestClient(t, hub, &waits{}, func(o *Options) {
			o.Token = token
			o.MaxRetries = 1
			o.Logger = logger
		})
		_, err := papersOf(c.Day(context.Background(), date(t, "2026-08-21")))
		if err == nil {
			t.Fatalf("answer %d: no error", i)
		}
		if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), token[:6]) {
			t.Errorf("answer %d: token in error: %v", i, err)
		}
		if i != 2 && !strings.Contains(err.Error(), "auth=Bearer [token]") {
			t.Errorf("answer %d: echo not shown redacted: %v", i, err)
		}
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("token in logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("no retry logged:\n%s", logs.String())
	}
}

// TestClientSkipsBadElements: a list with elements that cannot be papers
// is still a list; the bad ones are named in Skipped, the rest returned,
// and nothing is retried.
func TestClientSkipsBadElements(t *testing.T) {
	hub := newFakeHub(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Write([]byte(`[` + element("2608.20335", 38) + `,{"paper":{"title":"x"}},` + element("2608.20335", 9) + `,` + element("2608.19880", 9) + `]`))
	})
	c := newTestClient(t, hub, &waits{}, nil)
	list, err := c.Day(context.Background(), date(t, "2026-08-21"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Papers) != 2 || list.Papers[0].ID != "2608.20335" || list.Papers[1].ID != "2608.19880" {
		t.Errorf("papers %+v", list.Papers)
	}
	got := []string{}
	for _, s := range list.Skipped {
		got = append(got, s.String())
	}
	want := `element 1: no paper id|element 2 (id "2608.20335"): the same paper as element 0`
	if strings.Join(got, "|") != want {
		t.Errorf("skipped %q, want %q", strings.Join(got, "|"), want)
	}
	if hub.count() != 1 {
		t.Errorf("%d requests", hub.count())
	}
}
