// Package testsupport is what the adapters' tests share, so that the
// platforms are tested on the same papers and their golden files are
// written the same way: the sample daily list (committed once, in
// adapters/huggingface/sample) as papers, made-up papers and arXiv
// digests, golden files rewritten with -update, and the small doubles
// every adapter's test environment needs (a source of lists, a fixed
// clock, a log buffer, a recorder of request metrics). It is imported by
// tests only.
package testsupport

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// update is -update: rewrite the golden files instead of comparing.
var update = flag.Bool("update", false, "rewrite golden files")

// Update reports whether the test runs with -update.
func Update() bool { return *update }

// Golden compares got with the golden file at path (relative to the test's
// package directory), or, with -update, writes got there.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if Update() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-golden +got; run with -update if the change is intended):\n%s", path, diff)
	}
}

// JSON is v as a reader of a golden file wants it: indented, with < > &
// left as they are (what the adapters send, encoding/json with HTML
// escaping, is the same JSON value).
func JSON(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// SampleDate is the date of the sample daily list.
var SampleDate = bot.Date{Year: 2026, Month: 8, Day: 21}

// SampleListFile is the sample daily list, a real Hugging Face
// /api/daily_papers answer of SampleDate (17 papers), relative to the
// module's root. The huggingface package embeds it (paperboy's "sample"
// source); other adapters must not import that package, so their tests
// read the file.
const SampleListFile = "adapters/huggingface/sample/daily_papers_2026-08-21.json"

// SampleList returns the bytes of SampleListFile.
func SampleList(t testing.TB) []byte {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(SampleListFile)))
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// moduleRoot is the nearest directory above the working directory (a
// test's package directory) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testsupport: no go.mod above the working directory")
		}
		dir = parent
	}
}

// SamplePapers is the sample daily list as papers, with only the fields
// the renderers use (read here, not by the huggingface parser, so that a
// renderer's golden files do not change with the parser).
func SamplePapers(t testing.TB) []bot.Paper {
	t.Helper()
	var list []struct {
		Paper struct {
			ID      string `json:"id"`
			Title   string `json:"title"`
			Summary string `json:"summary"`
			Authors []struct {
				Name   string `json:"name"`
				Hidden bool   `json:"hidden"`
			} `json:"authors"`
			Upvotes      int    `json:"upvotes"`
			GitHubRepo   string `json:"githubRepo"`
			GitHubStars  int    `json:"githubStars"`
			ProjectPage  string `json:"projectPage"`
			AISummary    string `json:"ai_summary"`
			Organization *struct {
				Name     string `json:"name"`
				FullName string `json:"fullname"`
			} `json:"organization"`
		} `json:"paper"`
		Thumbnail   string `json:"thumbnail"`
		NumComments int    `json:"numComments"`
	}
	if err := json.Unmarshal(SampleList(t), &list); err != nil {
		t.Fatal(err)
	}
	var papers []bot.Paper
	for _, e := range list {
		p := bot.Paper{
			ID: e.Paper.ID, Title: bot.CollapseSpace(e.Paper.Title), Abstract: bot.CollapseSpace(e.Paper.Summary),
			ListDate: SampleDate, Upvotes: e.Paper.Upvotes, Comments: e.NumComments,
			GitHubRepo: e.Paper.GitHubRepo, GitHubStars: e.Paper.GitHubStars, ProjectPage: e.Paper.ProjectPage,
			Thumbnail: e.Thumbnail, AISummary: e.Paper.AISummary,
		}
		for _, a := range e.Paper.Authors {
			if !a.Hidden {
				p.Authors = append(p.Authors, a.Name)
			}
		}
		if o := e.Paper.Organization; o != nil {
			p.OrgName, p.OrgFullName = o.Name, o.FullName
		}
		papers = append(papers, p)
	}
	return papers
}

// SampleDigest is the digest of the whole sample list, most upvoted first.
func SampleDigest(t testing.TB) *bot.Digest {
	t.Helper()
	sel := bot.SelectRanked(SamplePapers(t), nil, bot.Settings{MaxPapers: 100}, nil, nil)
	sel.ListDate = SampleDate
	return sel.Digest()
}

// FindItem returns the item of d whose paper is id.
func FindItem(t testing.TB, d *bot.Digest, id string) bot.Item {
	t.Helper()
	for _, it := range d.Items {
		if it.Paper.ID == id {
			return it
		}
	}
	t.Fatalf("paper %s not in the sample", id)
	return bot.Item{}
}
