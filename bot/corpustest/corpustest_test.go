package corpustest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"
)

// lines returns the lines of a gzipped JSON-lines file.
func lines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSlice checks that the slice is what the package documents: 330
// daily-list elements, each a JSON object with a paper, and, where the
// shared corpus is present, exactly its lines 1, 31, 61 and so on.
func TestSlice(t *testing.T) {
	slice := lines(t, Slice(t))
	if len(slice) != SliceElements {
		t.Fatalf("the slice has %d lines, want %d", len(slice), SliceElements)
	}
	for i, l := range slice {
		var e struct {
			Paper struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"paper"`
		}
		if err := json.Unmarshal(l, &e); err != nil || e.Paper.ID == "" || e.Paper.Title == "" {
			t.Errorf("slice line %d: not a daily-list element with a paper (%v): %.80s", i+1, err, l)
		}
	}
	path, isFull := FullOrSlice(t)
	if !isFull {
		t.Log("shared corpus absent: the slice is not compared with it")
		return
	}
	all := lines(t, path)
	for i, l := range slice {
		n := 30*i + 1 // the line number in the shared corpus
		if n > len(all) || !bytes.Equal(l, all[n-1]) {
			t.Fatalf("slice line %d is not line %d of %s", i+1, n, path)
		}
	}
	if want := (len(all) + 29) / 30; len(slice) != want {
		t.Errorf("the slice has %d lines, the shared corpus's every 30th line makes %d", len(slice), want)
	}
}
