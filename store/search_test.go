package store

import (
	"database/sql"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// checkFTS runs FTS5's integrity check, comparing the index with the
// papers table it indexes: it fails when a trigger missed a change.
func checkFTS(t *testing.T, path string) {
	t.Helper()
	raw := openRaw(t, path, "")
	if _, err := raw.Exec(`INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("full-text index out of sync with papers: %v", err)
	}
	if _, err := raw.Exec(`INSERT INTO authors_fts (authors_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("author index out of sync with papers: %v", err)
	}
	var bad int
	if err := raw.QueryRow(`SELECT (SELECT count(*) FROM papers WHERE rid IS NULL)
		+ (SELECT count(*) FROM papers p LEFT JOIN search_rank r ON r.rid = p.rid
		   WHERE r.rid IS NULL OR r.pk <> p.pk OR r.upvotes <> p.upvotes
		   OR r.flags <> (p.github_repo <> '') | ((p.project_page <> '') << 1))
		+ (SELECT count(*) FROM search_rank r LEFT JOIN papers p ON p.rid = r.rid WHERE p.pk IS NULL)`).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("search_rank out of sync with papers: %d rows differ (%v)", bad, err)
	}
	checkTerms(t, raw)
}

// checkTerms compares the document frequencies the store keeps
// (search_terms) with the ones FTS5 counts from its index (fts5vocab).
func checkTerms(t *testing.T, raw *sql.DB) {
	t.Helper()
	conn, err := raw.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), `CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, papers_fts, row)`); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(t.Context(), `SELECT v.term, v.doc, coalesce(s.docs, 0) FROM temp.vocab v
		LEFT JOIN search_terms s ON s.term = v.term WHERE s.docs IS NOT v.doc
		UNION ALL SELECT s.term, 0, s.docs FROM search_terms s WHERE s.term NOT IN (SELECT term FROM temp.vocab)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bad := 0
	for rows.Next() {
		var term string
		var fts, kept int
		if err := rows.Scan(&term, &fts, &kept); err != nil {
			t.Fatal(err)
		}
		if bad++; bad <= 5 {
			t.Errorf("term %q: FTS5 counts %d papers, search_terms %d", term, fts, kept)
		}
	}
	if bad > 5 {
		t.Errorf("... %d terms differ in all", bad)
	}
	var terms int
	if err := conn.QueryRowContext(t.Context(), `SELECT count(*) FROM search_terms`).Scan(&terms); err != nil {
		t.Fatal(err)
	}
	t.Logf("search_terms: %d terms, %d differ from the index", terms, bad)
}

func searchPapers() (diffusion, rl bot.Paper) {
	diffusion = bot.Paper{
		ID:         "2603.00001",
		Title:      "Scaling Diffusion Models for Video",
		Abstract:   "We train a video generator on many clips.",
		Authors:    []string{"Jürgen Müller", "Amélie Poulain"},
		AISummary:  "Bigger denoisers give sharper frames.",
		AIKeywords: []string{"latent space", "text-to-video"},
		ListDate:   day1,
		Upvotes:    10,
	}
	rl = bot.Paper{
		ID:         "2603.00002",
		Title:      "Reinforcement Learning for Reasoning",
		Abstract:   "We reward correct video answers.",
		Authors:    []string{"Zoë Chen"},
		AISummary:  "Rewards teach chains of thought.",
		AIKeywords: []string{"policy gradient"},
		ListDate:   day1,
		Upvotes:    30,
	}
	return diffusion, rl
}

func TestSearchIndexFollowsPapers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	diff, rl := searchPapers()
	if _, err := db.SaveList(ctx, day1, []bot.Paper{diff, rl}, t0); err != nil {
		t.Fatal(err)
	}
	search := func(step string, want []string, words ...string) {
		t.Helper()
		got, err := db.SearchIDs(ctx, words, 10)
		if err != nil {
			t.Errorf("%s: SearchIDs(%q): %v", step, words, err)
			return
		}
		if len(got) == 0 {
			got = nil
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: SearchIDs(%q) (-want +got):\n%s", step, words, d)
		}
	}
	none := []string(nil)
	checkAll := func(step string) {
		t.Helper()
		search(step, []string{diff.ID}, "diffusion")                  // title word
		search(step, []string{diff.ID}, "Diffusion")                  // any case
		search(step, []string{diff.ID}, "model")                      // stemmed: "Models"
		search(step, []string{diff.ID}, "scaled")                     // stemmed: "Scaling"
		search(step, []string{diff.ID}, "Muller")                     // author, diacritics removed
		search(step, []string{diff.ID}, "müller")                     // and as written
		search(step, []string{rl.ID}, "Zoe")                          // another author
		search(step, []string{diff.ID}, "latent")                     // ai_keywords only
		search(step, []string{diff.ID}, "denoisers")                  // ai_summary only
		search(step, []string{diff.ID}, "clips")                      // abstract only
		search(step, []string{rl.ID, diff.ID}, "video")               // both, most upvoted first
		search(step, []string{diff.ID}, "video", "diffusion")         // every word must match
		search(step, none, "diffusion", "reasoning")                  // no paper has both
		search(step, none, "transformer")                             // nobody
		search(step, []string{diff.ID}, `"diffusion"`, "  ", "model") // quotes are not syntax
	}
	checkAll("after insert")
	checkFTS(t, path)

	// A new title: the old word no longer finds the paper, the new one does.
	renamed := diff
	renamed.Title = "Growing Diffusion Transformers for Video"
	if _, err := db.SaveList(ctx, day1, []bot.Paper{renamed, rl}, at(1)); err != nil {
		t.Fatal(err)
	}
	search("after rename", none, "scaling")
	search("after rename", none, "model")
	search("after rename", []string{diff.ID}, "growing")
	search("after rename", []string{diff.ID}, "transformer")
	search("after rename", []string{diff.ID}, "latent") // untouched fields still indexed
	checkFTS(t, path)

	// New keywords replace the old ones in the index.
	rekeyed := renamed
	rekeyed.AIKeywords = []string{"flow matching"}
	if _, err := db.SaveList(ctx, day1, []bot.Paper{rekeyed, rl}, at(2)); err != nil {
		t.Fatal(err)
	}
	search("after new keywords", none, "latent")
	search("after new keywords", []string{diff.ID}, "matching")
	checkFTS(t, path)

	// Counters only: the index answers the same; the order follows upvotes.
	before := map[string][]string{}
	queries := []string{"growing", "video", "muller", "zoe", "matching", "denoisers", "clips", "rewards"}
	for _, q := range queries {
		before[q], _ = db.SearchIDs(ctx, []string{q}, 10)
	}
	rekeyed.Upvotes, rl.Upvotes, rl.Comments = 100, 1, 4
	if _, err := db.SaveList(ctx, day1, []bot.Paper{rekeyed, rl}, at(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SavePapers(ctx, []bot.Paper{rekeyed, rl}, at(4)); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		if q == "video" {
			continue
		}
		search("after counters", before[q], q)
	}
	search("after counters", []string{diff.ID, rl.ID}, "video")
	checkFTS(t, path)

	// A paper saved from an archive is indexed too.
	arch := bot.Paper{ID: "2603.00003", Title: "Sparse Mixture of Experts", Authors: []string{"Søren Kierkegaard"}, ListDate: day2}
	if _, err := db.SavePapers(ctx, []bot.Paper{arch}, at(5)); err != nil {
		t.Fatal(err)
	}
	search("archive", []string{arch.ID}, "experts")
	search("archive", []string{arch.ID}, "kierkegaard")
	checkFTS(t, path)
}

func TestSearchLimit(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	var papers []bot.Paper
	for i, id := range []string{"2603.00001", "2603.00002", "2603.00003"} {
		papers = append(papers, bot.Paper{ID: id, Title: "Agents everywhere", Upvotes: i})
	}
	if _, err := db.SaveList(ctx, day1, papers, t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.SearchIDs(ctx, []string{"agent"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"2603.00003", "2603.00002"}, got); d != "" {
		t.Errorf("SearchIDs with limit 2 (-want +got):\n%s", d)
	}
	if got, err := db.SearchIDs(ctx, nil, 10); err != nil || len(got) != 0 {
		t.Errorf("SearchIDs(no words) = %v, %v; want nothing, nil", got, err)
	}
}

func TestSearchHostileWords(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	diff, rl := searchPapers()
	if _, err := db.SaveList(ctx, day1, []bot.Paper{diff, rl}, t0); err != nil {
		t.Fatal(err)
	}
	hostile := []string{
		`"`, `""`, `"""`, `NEAR(`, `NEAR(diffusion video)`, `*`, `diff*`, `:`, `title:`, `title:diffusion`,
		`'`, `--`, `)`, `(`, `()`, `AND`, `OR`, `NOT`, `^`, `^diffusion`, `-`, `+`, `{title}`, `{`,
		`a"b`, `'; DROP TABLE papers; --`, "\x00", "diffusion\x00", "\xff\xfe", "\t\n",
	}
	for _, w := range hostile {
		if _, err := db.SearchIDs(ctx, []string{w}, 10); err != nil {
			t.Errorf("SearchIDs(%q): %v", w, err)
		}
		if _, err := db.SearchIDs(ctx, []string{"diffusion", w}, 10); err != nil {
			t.Errorf("SearchIDs(diffusion, %q): %v", w, err)
		}
	}
	if _, err := db.SearchIDs(ctx, hostile, 10); err != nil {
		t.Errorf("SearchIDs(all hostile words): %v", err)
	}
	// Still there, still found.
	got, err := db.SearchIDs(ctx, []string{"diffusion"}, 10)
	if err != nil || len(got) != 1 || got[0] != diff.ID {
		t.Errorf("SearchIDs(diffusion) after hostile queries = %v, %v; want [%s]", got, err, diff.ID)
	}
	// Syntax characters are not operators: a prefix star is not a wildcard
	// and a column filter is not a filter.
	for _, w := range []string{"diff*", "reasoning:"} {
		got, err := db.SearchIDs(ctx, []string{w}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if w == "diff*" && len(got) != 0 {
			t.Errorf("SearchIDs(%q) = %v: the star worked as a wildcard", w, got)
		}
		if w == "reasoning:" && (len(got) != 1 || got[0] != rl.ID) {
			t.Errorf("SearchIDs(%q) = %v, want [%s]", w, got, rl.ID)
		}
	}
}

// A paper twice in one batch (Hugging Face lists a few papers on two days)
// with changed text: indexed once, with the later text.
func TestSearchIndexDuplicateInOneBatch(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	diff, rl := searchPapers()
	again := diff
	again.Title = "Scaling Transformers for Video"
	again.ListDate = day1.AddDays(6)
	res, err := db.SavePapers(ctx, []bot.Paper{diff, rl, again}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 2 || res.Updated != 1 {
		t.Errorf("SaveResult = %+v, want 2 new, 1 updated", res)
	}
	checkFTS(t, path)
	for word, want := range map[string]int{"transformers": 1, "diffusion": 0, "reinforcement": 1} {
		got, err := db.SearchIDs(ctx, []string{word}, 10)
		if err != nil || len(got) != want {
			t.Errorf("search %q: %v, %v; want %d hit(s)", word, got, err, want)
		}
	}
	// Both lists hold it.
	for _, d := range []bot.Date{day1, day1.AddDays(6)} {
		ps, err := db.ListPapers(ctx, d)
		if err != nil || len(ps) == 0 || !containsID(ps, diff.ID) {
			t.Errorf("list %s lacks %s: %v", d, diff.ID, err)
		}
	}
}

func containsID(ps []bot.Paper, id string) bool {
	for _, p := range ps {
		if p.ID == id {
			return true
		}
	}
	return false
}
