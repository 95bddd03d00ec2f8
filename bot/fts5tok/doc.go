// Package fts5tok is the tokenizer of SQLite's FTS5 full-text index written
// in Go: the terms an FTS5 table declared with
// tokenize = 'porter unicode61 remove_diacritics 2' stores for a text, so
// that a query can be matched against a paper in Go (channel filters, topic
// alerts, the store's term counts) with the same outcome as the index.
//
// It mirrors SQLite 3.54.1's ext/fts5 (fts5_tokenize.c, fts5_unicode2.c) as
// shipped in mattn/go-sqlite3 v1.14.53, including its quirks:
//
//   - Text is read byte by byte with FTS5's own lenient UTF-8 decoder, so
//     invalid UTF-8 tokenizes the way SQLite tokenizes it (decodeFTS).
//   - A token is a maximal run of "token characters": ASCII letters and
//     digits, and the non-ASCII code points of Unicode categories L*, N*, Co
//     in FTS5's own (older) Unicode tables, plus every code point those
//     tables do not list (FTS5's "category 0", e.g. characters assigned by
//     later Unicode versions, and everything from U+100000 up). Combining
//     diacritics (U+0300..U+0331, a fixed subset) do not start a token but do
//     not end one either; with remove_diacritics they are then dropped.
//   - Each character is case-folded and stripped of diacritics with FTS5's
//     tables (tokenize_data.go, generated from SQLite's C arrays), one code
//     point to at most one.
//   - The porter tokenizer stems every token of 3 to 64 bytes, ASCII or not:
//     it works on bytes, so bytes >= 0x80 simply count as consonants and a
//     word like "naïves" (folded "naives") is stemmed like any other.
//     Longer and shorter tokens pass through unchanged.
//   - The index stores at most the first 32768 bytes of a term.
//
// Fold applies the same character fold to a whole string, without splitting
// or stemming it, and also folds the few letters people type without their
// stroke or ligature (ø, ł, ß, æ...): the fold of author: filters.
//
// The package imports only the standard library. Its tests compare it with
// the real FTS5 of mattn/go-sqlite3 on hand-picked cases, random texts,
// every code point of the planes FTS5's tables describe, and every field of
// the corpus of real papers (bot/corpustest); that takes cgo and the
// sqlite_fts5 tag, without which the comparisons skip and only the expected
// outputs are checked.
//
// # Regenerating the tables
//
// tokenize_data.go is written by the program in gen, which evaluates the data
// arrays of the sqlite3-binding.c of the go-sqlite3 version in go.mod. When
// go-sqlite3 is upgraded, regenerate it and run the comparison with SQLite;
// the two must be upgraded together:
//
//	go generate ./bot/fts5tok
//	go test -tags sqlite_fts5 ./bot/fts5tok
package fts5tok

//go:generate go run ./gen
