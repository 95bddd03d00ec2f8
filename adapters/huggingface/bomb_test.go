package huggingface

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// bomb writes a gzip file whose content is before, then one element
// holding a title of size bytes, then after.
func bomb(t *testing.T, name, before string, size int, after string) string {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(before + `{"paper":{"id":"2406.99999","title":"`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i < size>>20; i++ {
		zw.Write(chunk)
	}
	zw.Write([]byte(`"},"publishedAt":"2024-10-25T00:00:00.000Z"}` + after))
	zw.Close()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A small compressed file that inflates to one huge element is one clear
// problem read with bounded memory: in JSON lines that element is skipped
// and the others are read; in a JSON array the file ends with one error.
func TestFileElementSizeCap(t *testing.T) {
	const size = 256 << 20 // inflated; the file itself is well under 1 MB
	lines := bomb(t, "bomb.jsonl.gz", smallElements[0]+"\n", size, "\n"+smallElements[1]+"\n")
	if fi, _ := os.Stat(lines); fi.Size() > 1<<20 {
		t.Fatalf("the test file is %d bytes, want a small one", fi.Size())
	}
	src, err := OpenFile(lines)
	if err != nil {
		t.Fatal(err)
	}
	var papers, skips []string
	mem := allocated(func() {
		err = src.All(context.Background(), func(p bot.Paper) error { papers = append(papers, p.ID); return nil },
			func(s bot.Skip) { skips = append(skips, s.String()) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(papers) != 2 || len(skips) != 1 || skips[0] != "line 2: larger than 8 MiB, the most an element may have; not read" {
		t.Errorf("papers %v, skipped %q; want the two small ones and line 2 skipped for its size", papers, skips)
	}
	t.Logf("JSON lines: a %d MiB line read with %d MiB allocated in all", size>>20, mem>>20)
	// Growing a buffer to the cap allocates a few times the cap in all;
	// reading the whole line would take the line's size at least.
	if mem > size/4 {
		t.Errorf("reading a %d MiB line allocated %d MiB, want under %d MiB", size>>20, mem>>20, size/4>>20)
	}

	array := bomb(t, "bomb.json.gz", "["+smallElements[0]+",", size, "]")
	src, err = OpenFile(array)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	mem = allocated(func() {
		err = src.All(context.Background(), func(bot.Paper) error { n++; return nil }, nil)
	})
	if err == nil || !strings.Contains(err.Error(), "element 1: larger than 8 MiB, the most an element may have") || strings.Contains(err.Error(), "\n") {
		t.Errorf("array: %v; want one line naming element 1 and the cap", err)
	}
	t.Logf("JSON array: a %d MiB element refused with %d MiB allocated in all", size>>20, mem>>20)
	if mem > size/4 {
		t.Errorf("reading a %d MiB element allocated %d MiB, want under %d MiB", size>>20, mem>>20, size/4>>20)
	}
}
