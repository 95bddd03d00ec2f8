package bot

import "context"

// Source yields Hugging Face daily lists.
type Source interface {
	// Name names the source in logs and status ("huggingface", "sample",
	// "file:corpus.jsonl.gz").
	Name() string
	// Day returns the papers of the daily list dated day, in the source's
	// order, each with ListDate set. An empty list with a nil error means
	// the source has no list for that day (a weekend, a holiday, or not
	// published yet). Fetch failures are errors, never an empty list.
	Day(ctx context.Context, day Date) ([]Paper, error)
}

// Archive is a Source holding a fixed set of lists (the embedded sample, a
// file). Ingest reads all of it; a digest without a date uses its newest
// list.
type Archive interface {
	Source
	// Dates returns the dates of the lists it holds, oldest first.
	Dates(ctx context.Context) ([]Date, error)
	// All calls fn for every element the source holds, in order, and stops
	// at the first error fn returns.
	All(ctx context.Context, fn func(Paper) error) error
}
