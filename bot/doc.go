// Package bot is paperboy's domain: papers, channels and their settings, the
// daily digest, the scheduler, the delivery log's rules and the interfaces
// (Source, Platform, Store) that the adapters and the store implement.
//
// It imports only the standard library and bot/fts5tok, SQLite FTS5's
// tokenizer in Go (itself standard library only), which bot and store share
// so that matching in Go finds what the full-text index finds. Everything
// that talks to the outside world lives in adapters/* and store, which
// import bot; bot imports none of them.
//
// # Adding a query field
//
// The query language (query.go: types and entry points; query_lex.go: the
// tokens; query_parse.go: the parser; query_field.go: the fields and how
// their values are read) has its meaning in four places, which must agree
// on every field:
//
//   - the per-paper matcher, Query.Matcher and matchFilters (match.go):
//     channel filters and dry runs;
//   - the batch topic matcher, CompileTopics (topics_compile.go): alerts,
//     many subscriptions against a day's papers at once;
//   - the store's SQL, planFilters (store/search_plan.go; category.go for
//     cat:): search;
//   - the oracle, ExhaustiveSearch (store/exhaustive.go): the reference the
//     search tests and benchmarks compare with.
//
// A new field goes into queryFields and applyField (query_field.go), a field
// of Query, its String form (query_string.go), then each of the four places,
// and an example in store/fields_test.go (TestEveryQueryFieldEverywhere,
// which fails for a field without an example, and for a place that ignores
// one); README's search table documents it.
package bot
