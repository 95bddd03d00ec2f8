package bot

import (
	"context"
	"fmt"
)

// Source yields daily lists of papers (Hugging Face Daily Papers, a file of
// saved elements, the built-in sample).
//
// Sources validate their input element by element: an element with a
// usable arXiv id is always returned as a paper (fields of the wrong type
// coerced or left out one by one); one without is skipped, with a Skip
// that says where it was and why. One bad element never fails a list.
type Source interface {
	// Name names the source in logs and status ("huggingface", "sample",
	// "file:corpus.jsonl.gz").
	Name() string
	// Day returns the daily list dated day: its papers in the source's
	// order, each with ListDate set, and the elements skipped. A list with
	// no papers and a nil error means the source has no list for that day
	// (a weekend, a holiday, or not published yet). Fetch failures are
	// errors, never an empty list.
	Day(ctx context.Context, day Date) (DayList, error)
}

// DayList is one daily list as a source returned it.
type DayList struct {
	Papers  []Paper
	Skipped []Skip
}

// Skip is an element of a source that was not stored, and why.
type Skip struct {
	// Where names the element in its source: "element 3" (0-based, in a
	// response or a JSON array), "line 12" (1-based, in a JSON-lines file).
	Where string
	// ID is the element's id as it was written (cleaned, at most 40
	// characters), or "" when it had none.
	ID string
	// Reason says why, in a few words; never empty.
	Reason string
}

// String is the skip in one line: `element 3 (id "abc"): paper id "abc"
// is not an arXiv id`.
func (s Skip) String() string {
	where := s.Where
	if where == "" {
		where = "an element"
	}
	reason := s.Reason
	if reason == "" {
		reason = "no reason given"
	}
	if s.ID != "" {
		return fmt.Sprintf("%s (id %q): %s", where, s.ID, reason)
	}
	return where + ": " + reason
}

// Archive is a Source holding a fixed set of lists (the embedded sample, a
// file). Ingest reads all of it; a digest without a date uses its newest
// list.
type Archive interface {
	Source
	// Dates returns the dates of the lists it holds, oldest first.
	Dates(ctx context.Context) ([]Date, error)
	// All calls fn for every paper the source holds, in order, and skipped
	// (when not nil) for every element it skips; it stops at the first
	// error fn returns.
	All(ctx context.Context, fn func(Paper) error, skipped func(Skip)) error
}
