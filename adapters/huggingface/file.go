package huggingface

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/paperboy-bot/paperboy/bot"
)

// Archive is a fixed set of daily lists read from saved list elements: a
// file (OpenFile) or the embedded sample (NewSample). It implements
// bot.Archive. All streams the elements; Day and Dates read them all once,
// on first use, and answer from memory after that.
type Archive struct {
	name string
	open func() (io.ReadCloser, error)
	day  bot.Date // the list date of every element, when known

	mu     sync.Mutex
	loaded bool
	days   map[bot.Date][]bot.Paper
	skips  map[bot.Date][]bot.Skip
	dates  []bot.Date
}

var _ bot.Archive = (*Archive)(nil)

// OpenFile returns an Archive over the file at path, named "file:"+path.
// The file holds list elements either as one JSON array (a saved API
// response) or as JSON lines, one element per line, blank lines allowed;
// either may be gzip-compressed. The format is told from the content, not
// the file name. Papers without submittedOnDailyAt get a ListDate derived
// from their outer publishedAt (see the package documentation). OpenFile
// checks that the file can be read; its elements are read on use.
func OpenFile(path string) (*Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("huggingface: %w", err)
	}
	f.Close()
	return &Archive{
		name: "file:" + path,
		open: func() (io.ReadCloser, error) { return os.Open(path) },
	}, nil
}

// Name implements bot.Source.
func (a *Archive) Name() string { return a.name }

// All implements bot.Archive: it calls fn for every paper in file order
// and skipped (when not nil) for every element that cannot be a paper
// (named "element N" in a JSON array, "line N" in JSON lines), stopping at
// the first error of fn, when ctx is done, or when the file itself cannot
// be read (not JSON lines or a JSON array, cut off, a syntax error inside
// an array).
func (a *Archive) All(ctx context.Context, fn func(bot.Paper) error, skipped func(bot.Skip)) error {
	f, err := a.open()
	if err != nil {
		return fmt.Errorf("huggingface: %s: %w", a.name, err)
	}
	defer f.Close()
	if skipped == nil {
		skipped = func(bot.Skip) {}
	}
	if err := a.each(ctx, f, func(_ string, p bot.Paper) error { return fn(p) }, skipped); err != nil {
		return fmt.Errorf("huggingface: %s: %w", a.name, err)
	}
	return nil
}

// elements is All with each paper's place in the file ("element N", "line N").
func (a *Archive) elements(ctx context.Context, fn func(where string, p bot.Paper) error, skipped func(bot.Skip)) error {
	f, err := a.open()
	if err != nil {
		return fmt.Errorf("huggingface: %s: %w", a.name, err)
	}
	defer f.Close()
	if err := a.each(ctx, f, fn, skipped); err != nil {
		return fmt.Errorf("huggingface: %s: %w", a.name, err)
	}
	return nil
}

// errStop carries an error of the caller's fn through the decoders
// unchanged.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }

func (a *Archive) each(ctx context.Context, f io.Reader, fn func(where string, p bot.Paper) error, skipped func(bot.Skip)) error {
	r := bufio.NewReaderSize(f, 64<<10)
	if magic, _ := r.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = bufio.NewReaderSize(zr, 64<<10)
	}
	first, skippedLines, err := firstByte(r)
	if err == io.EOF {
		return nil // an empty file holds no lists
	}
	if err != nil {
		return err
	}
	emit := func(where string, raw []byte) error {
		if err := ctx.Err(); err != nil {
			return errStop{err}
		}
		p, err := parseElement(raw, a.day)
		if err != nil {
			skipped(skipOf(where, err))
			return nil
		}
		if err := fn(where, p); err != nil {
			return errStop{err}
		}
		return nil
	}
	switch first {
	case '[':
		// An element cannot be skipped without reading it whole, so one
		// larger than the cap ends the file with one error.
		br := &budgetReader{r: r, left: MaxElementBytes}
		err = decodeArray(br, func(i int, raw json.RawMessage) error {
			br.left = MaxElementBytes
			return emit(fmt.Sprintf("element %d", i), raw)
		})
	case '{':
		err = eachLine(r, skippedLines+1, func(n int, line []byte) error {
			return emit(fmt.Sprintf("line %d", n), line)
		}, func(n int) {
			skipped(bot.Skip{Where: fmt.Sprintf("line %d", n), Reason: fmt.Sprintf("larger than %d MiB, the most an element may have; not read", MaxElementBytes>>20)})
		})
	default:
		return fmt.Errorf("neither a JSON array nor JSON lines (starts with %q)", excerpt([]byte{first}, 1))
	}
	if stop, ok := err.(errStop); ok {
		return stop.err
	}
	return err
}

// firstByte returns the first byte after white space (and a UTF-8 byte
// order mark) without consuming it, and how many newlines it skipped.
func firstByte(r *bufio.Reader) (byte, int, error) {
	if bom, err := r.Peek(3); err == nil && bytes.Equal(bom, []byte("\ufeff")) {
		r.Discard(3)
	}
	newlines := 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return 0, newlines, io.EOF
			}
			return 0, newlines, fmt.Errorf("read: %w", err)
		}
		switch b {
		case '\n':
			newlines++
			continue
		case ' ', '\t', '\r':
			continue
		}
		r.UnreadByte()
		return b, newlines, nil
	}
}

// MaxElementBytes is the most one list element may take (a real one,
// with hundreds of authors and a long abstract, is well under 1 MiB): a
// larger one is not read into memory, so a small compressed file that
// inflates to one huge line cannot exhaust it.
const MaxElementBytes = 8 << 20

// errElementTooBig ends a JSON array whose element passes MaxElementBytes.
var errElementTooBig = fmt.Errorf("larger than %d MiB, the most an element may have", MaxElementBytes>>20)

// budgetReader reads at most left more bytes from r before it fails with
// errElementTooBig; the array decoder gives it a new budget per element.
type budgetReader struct {
	r    io.Reader
	left int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errElementTooBig
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// eachLine calls fn with every non-blank line of r and its 1-based number,
// counting from first. A line longer than MaxElementBytes is not kept:
// tooLong is told its number and the lines after it are read on.
func eachLine(r *bufio.Reader, first int, fn func(n int, line []byte) error, tooLong func(n int)) error {
	var line []byte
	for n := first; ; n++ {
		line = line[:0]
		over := false
		var err error
		for {
			var part []byte
			part, err = r.ReadSlice('\n')
			if !over {
				if len(line)+len(part) > MaxElementBytes {
					over, line = true, line[:0]
				} else {
					line = append(line, part...)
				}
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("line %d: read: %w", n, err)
		}
		if over {
			tooLong(n)
		} else if t := bytes.TrimSpace(line); len(t) > 0 {
			if ferr := fn(n, t); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// load reads every element once, grouped by list date; within a day the
// first element of each id wins, as Client.Day does, and a repeated one
// is a skip of that day. Elements skipped without a known list date are
// kept for the newest day.
func (a *Archive) load(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.loaded {
		return nil
	}
	days := make(map[bot.Date][]bot.Paper)
	seen := make(map[bot.Date]map[string]string)
	skips := make(map[bot.Date][]bot.Skip)
	var undated []bot.Skip
	err := a.elements(ctx, func(where string, p bot.Paper) error {
		if seen[p.ListDate] == nil {
			seen[p.ListDate] = make(map[string]string)
		}
		if first, dup := seen[p.ListDate][p.ID]; dup {
			skips[p.ListDate] = append(skips[p.ListDate], bot.Skip{Where: where, ID: p.ID,
				Reason: "the same paper as " + first})
			return nil
		}
		seen[p.ListDate][p.ID] = where
		days[p.ListDate] = append(days[p.ListDate], p)
		return nil
	}, func(s bot.Skip) {
		if a.day.IsZero() {
			undated = append(undated, s)
		} else {
			skips[a.day] = append(skips[a.day], s)
		}
	})
	if err != nil {
		return err // not remembered: a later call tries again
	}
	dates := make([]bot.Date, 0, len(days))
	for d := range days {
		dates = append(dates, d)
	}
	slices.SortFunc(dates, bot.Date.Compare)
	if len(undated) > 0 && len(dates) > 0 {
		newest := dates[len(dates)-1]
		skips[newest] = append(skips[newest], undated...)
	}
	a.days, a.skips, a.dates, a.loaded = days, skips, dates, true
	return nil
}

// Day implements bot.Source: the papers whose ListDate is day, in file
// order, and the elements of that day that were skipped; an empty list
// when the archive has none.
func (a *Archive) Day(ctx context.Context, day bot.Date) (bot.DayList, error) {
	if err := a.load(ctx); err != nil {
		return bot.DayList{}, err
	}
	return bot.DayList{Papers: slices.Clone(a.days[day]), Skipped: slices.Clone(a.skips[day])}, nil
}

// Dates implements bot.Archive: the dates of the lists held, oldest first.
func (a *Archive) Dates(ctx context.Context) ([]bot.Date, error) {
	if err := a.load(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(a.dates), nil
}
