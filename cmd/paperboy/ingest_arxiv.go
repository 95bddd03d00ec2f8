package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// arXiv files for ingest --source file:PATH: an announcement feed (RSS,
// rss.arxiv.org/rss/CATS) or an export-API response (Atom), either may be
// gzip-compressed. What the file holds is told from its content.

// arxivKind is what an arXiv file holds.
type arxivKind int

const (
	notArxiv  arxivKind = iota // not XML: a Hugging Face file
	arxivFeed                  // <rss>: one announcement day
	arxivAtom                  // <feed>: export-API entries
)

// openMaybeGzip opens path, decompressing it when it starts with gzip's
// magic bytes.
func openMaybeGzip(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return bufio.NewReader(zr), f.Close, nil
	}
	return br, f.Close, nil
}

// sniffArxiv tells an arXiv XML file from a Hugging Face one (JSON) by its
// first element: <rss> a feed, <feed> an export-API response; XML with
// another root is an error naming it.
func sniffArxiv(path string) (arxivKind, error) {
	r, closeFn, err := openMaybeGzip(path)
	if err != nil {
		return notArxiv, err
	}
	defer closeFn()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(r, head)
	head = bytes.TrimLeft(head[:n], "\ufeff \t\r\n")
	if len(head) == 0 || head[0] != '<' {
		return notArxiv, nil
	}
	// Skip the XML declaration, comments and processing instructions.
	for bytes.HasPrefix(head, []byte("<?")) || bytes.HasPrefix(head, []byte("<!--")) {
		end := []byte("?>")
		if bytes.HasPrefix(head, []byte("<!--")) {
			end = []byte("-->")
		}
		i := bytes.Index(head, end)
		if i < 0 {
			break
		}
		head = bytes.TrimLeft(head[i+len(end):], " \t\r\n")
	}
	switch {
	case bytes.HasPrefix(head, []byte("<rss")):
		return arxivFeed, nil
	case bytes.HasPrefix(head, []byte("<feed")):
		return arxivAtom, nil
	}
	root := string(head[:min(len(head), 20)])
	if i := strings.IndexAny(root, " >\n"); i > 0 {
		root = root[:i]
	}
	return notArxiv, fmt.Errorf("%s is XML but neither an arXiv announcement feed (<rss>) nor an export-API response (<feed>): it starts with %q", path, root)
}

// ingestArxiv stores the papers of an arXiv file: every item of a feed
// (new and cross-listed papers stored, new versions updating the papers
// already stored; the day's announcements recorded), or every entry of an
// export-API response. Nothing it stores alerts (ingest fills history).
// arXiv's own error answer is one error naming arXiv's message, and then
// nothing is stored.
func ingestArxiv(e *env, path string, kind arxivKind) error {
	r, closeFn, err := openMaybeGzip(path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	defer closeFn()
	name := "file:" + path
	var items []store.Announced
	var skipped []bot.Skip
	var day bot.Date
	elements := 0
	switch kind {
	case arxivFeed:
		f, err := arxiv.ParseFeed(r)
		if err != nil {
			return fmt.Errorf("ingest %s: %w", name, err)
		}
		day, skipped = f.Day, f.Skipped
		for _, it := range f.Items {
			items = append(items, store.Announced{Paper: it.Paper, Type: it.AnnounceType})
		}
	case arxivAtom:
		f, err := arxiv.ParseAtom(r)
		if err != nil {
			return fmt.Errorf("ingest %s: %w", name, err)
		}
		skipped = f.Skipped
		for _, p := range f.Papers {
			items = append(items, store.Announced{Paper: p})
		}
	}
	elements = len(items) + len(skipped)
	db, err := e.openStore()
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	res, err := db.SaveAnnounced(e.ctx, day, items, false, start)
	if err != nil {
		return err
	}
	took := time.Since(start)
	what := "export-API entries"
	if kind == arxivFeed {
		what = "arXiv announcements of " + day.String()
	}
	if kind == arxivFeed && elements == 0 {
		fmt.Fprintf(e.stdout, "%s: arXiv announced nothing on %s (no announcements on weekends and holidays)\n",
			name, day.Long())
		return nil
	}
	fmt.Fprintf(e.stdout, "ingested %d elements from %s (%s): %d new papers, %d updated, in %s\n",
		elements, name, what, res.New, res.Updated, took.Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "stored %d, skipped %d", res.New+res.Updated, len(skipped)+len(res.Skipped))
	if res.Unknown > 0 {
		fmt.Fprintf(e.stdout, ", %d new versions of papers not stored left out", res.Unknown)
	}
	fmt.Fprintln(e.stdout)
	for _, s := range skipped {
		fmt.Fprintf(e.stdout, "skipped %s\n", s)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stdout, "skipped %s\n", bot.Skip{Where: "a paper", ID: s.ID, Reason: s.Reason})
	}
	return nil
}
