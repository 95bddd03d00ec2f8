package arxivfake

import "embed"

//go:embed testdata/*.rss testdata/*.atom
var fixtures embed.FS

// Fixture returns a recorded capture of testdata by file name (a copy of
// shared/fixtures/arxiv, e.g. "rss_all_archives_2024-11-28.rss",
// "query_error_400.atom"). It panics on an unknown name: it is for tests.
func Fixture(name string) []byte {
	b, err := fixtures.ReadFile("testdata/" + name)
	if err != nil {
		panic("arxivfake: no fixture " + name)
	}
	return b
}
