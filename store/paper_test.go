package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mattn/go-sqlite3"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestSaveListRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)

	a := samplePaper("2603.00001", 5, day1)
	b := samplePaper("2603.00002", 20, day1)
	b.Authors = []string{"Émile Zola", "Ana de la Cruz", "李 雷"} // order and Unicode kept
	b.AIKeywords = []string{"world models", "robotics", "sim2real"}
	c := samplePaper("2603.00003", 10, day1)
	c.GitHubRepo, c.GitHubStars, c.OrgName, c.OrgFullName = "", 0, "", ""
	c.AIKeywords, c.AISummary = nil, ""
	c.FetchedAt = at(-60)
	d := samplePaper("2603.00004", 10, bot.Date{})
	d.Comments = 9 // ties on upvotes: more comments first
	d.FetchedAt = time.Time{}

	res, err := db.SaveList(ctx, day1, []bot.Paper{a, b, c, d}, t0)
	if err != nil {
		t.Fatalf("SaveList: %v", err)
	}
	wantRes := bot.SaveResult{New: 4, NewIDs: []string{a.ID, b.ID, c.ID, d.ID}}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("SaveResult (-want +got):\n%s", diff)
	}

	// d had no list date and no fetch time: it takes the list's and now.
	d.ListDate, d.FetchedAt = day1, t0
	got, err := db.ListPapers(ctx, day1)
	if err != nil {
		t.Fatalf("ListPapers: %v", err)
	}
	if diff := cmp.Diff([]bot.Paper{b, d, c, a}, got); diff != "" {
		t.Errorf("ListPapers (-want +got):\n%s", diff)
	}
	p, err := db.GetPaper(ctx, b.ID)
	if err != nil {
		t.Fatalf("GetPaper: %v", err)
	}
	if diff := cmp.Diff(b, p); diff != "" {
		t.Errorf("GetPaper (-want +got):\n%s", diff)
	}
	if _, err := db.GetPaper(ctx, "2603.99999"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetPaper(unknown): err = %v, want ErrNotFound", err)
	}

	info, err := db.ListInfo(ctx, day1)
	if err != nil {
		t.Fatalf("ListInfo: %v", err)
	}
	if diff := cmp.Diff(bot.ListInfo{Date: day1, FetchedAt: t0, Papers: 4}, info); diff != "" {
		t.Errorf("ListInfo (-want +got):\n%s", diff)
	}
}

func TestSaveListUpdatesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	a := samplePaper("2603.00001", 5, day1)
	b := samplePaper("2603.00002", 7, day1)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{a, b}, t0); err != nil {
		t.Fatalf("SaveList: %v", err)
	}

	a.Upvotes, a.Comments, a.GitHubStars = 50, 12, 999
	a.AISummary = "A better summary."
	a.AIKeywords = []string{"new keyword"}
	a.FetchedAt = at(60)
	b.Upvotes = 8
	b.FetchedAt = at(60)
	c := samplePaper("2603.00003", 1, day1)
	c.FetchedAt = at(60)
	res, err := db.SaveList(ctx, day1, []bot.Paper{a, b, c}, at(60))
	if err != nil {
		t.Fatalf("SaveList again: %v", err)
	}
	if diff := cmp.Diff(bot.SaveResult{New: 1, Updated: 2, NewIDs: []string{c.ID}}, res); diff != "" {
		t.Errorf("SaveResult (-want +got):\n%s", diff)
	}
	// The same list once more: nothing new.
	res, err = db.SaveList(ctx, day1, []bot.Paper{a, b, c}, at(61))
	if err != nil {
		t.Fatalf("SaveList a third time: %v", err)
	}
	if diff := cmp.Diff(bot.SaveResult{Updated: 3}, res); diff != "" {
		t.Errorf("third SaveResult (-want +got):\n%s", diff)
	}

	got, err := db.ListPapers(ctx, day1)
	if err != nil {
		t.Fatalf("ListPapers: %v", err)
	}
	if diff := cmp.Diff([]bot.Paper{a, b, c}, got); diff != "" {
		t.Errorf("ListPapers (-want +got):\n%s", diff)
	}
	raw := openRaw(t, path, "")
	if n := count(t, raw, `SELECT count(*) FROM papers`); n != 3 {
		t.Errorf("papers table has %d rows, want 3", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM list_papers`); n != 3 {
		t.Errorf("list_papers table has %d rows, want 3", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM lists`); n != 1 {
		t.Errorf("lists table has %d rows, want 1", n)
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if st.Papers != 3 || st.Lists != 1 {
		t.Errorf("Stats = %+v, want 3 papers on 1 list", st)
	}
}

func TestLiveCountersGoDownArchiveNever(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	p := samplePaper("2603.00001", 50, day1)
	p.Comments, p.GitHubStars = 20, 500
	if _, err := db.SaveList(ctx, day1, []bot.Paper{p}, t0); err != nil {
		t.Fatal(err)
	}
	check := func(step string, upvotes, comments, stars int) {
		t.Helper()
		got, err := db.GetPaper(ctx, p.ID)
		if err != nil {
			t.Fatalf("%s: GetPaper: %v", step, err)
		}
		if got.Upvotes != upvotes || got.Comments != comments || got.GitHubStars != stars {
			t.Errorf("%s: upvotes, comments, stars = %d, %d, %d; want %d, %d, %d",
				step, got.Upvotes, got.Comments, got.GitHubStars, upvotes, comments, stars)
		}
	}

	// A live fetch has the current counters, even lower ones (an upvote
	// withdrawn, a repository unstarred).
	live := p
	live.Upvotes, live.Comments, live.GitHubStars = 40, 18, 450
	if _, err := db.SaveList(ctx, day1, []bot.Paper{live}, at(1)); err != nil {
		t.Fatal(err)
	}
	check("live lower", 40, 18, 450)

	// An archive holds old snapshots: lower counters are ignored...
	old := p
	old.Upvotes, old.Comments, old.GitHubStars = 3, 1, 10
	if _, err := db.SavePapers(ctx, []bot.Paper{old}, at(2)); err != nil {
		t.Fatal(err)
	}
	check("archive lower", 40, 18, 450)

	// ...higher ones are taken.
	newer := p
	newer.Upvotes, newer.Comments, newer.GitHubStars = 60, 19, 800
	if _, err := db.SavePapers(ctx, []bot.Paper{newer}, at(3)); err != nil {
		t.Fatal(err)
	}
	check("archive higher", 60, 19, 800)

	// A live fetch without a repository does not zero the stars it cannot see.
	norepo := p
	norepo.Upvotes, norepo.Comments, norepo.GitHubRepo, norepo.GitHubStars = 61, 19, "", 0
	if _, err := db.SaveList(ctx, day1, []bot.Paper{norepo}, at(4)); err != nil {
		t.Fatal(err)
	}
	check("live without repo", 61, 19, 800)
}

func TestLaterSaveDoesNotBlankText(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	full := samplePaper("2603.00001", 5, day1)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{full}, t0); err != nil {
		t.Fatal(err)
	}
	// A fresher fetch that lacks the AI summary and every optional text.
	bare := bot.Paper{ID: full.ID, Title: full.Title, ListDate: day1, Upvotes: 9, FetchedAt: at(10)}
	if _, err := db.SaveList(ctx, day1, []bot.Paper{bare}, at(10)); err != nil {
		t.Fatal(err)
	}
	// An archive file with as little.
	if _, err := db.SavePapers(ctx, []bot.Paper{bare}, at(11)); err != nil {
		t.Fatal(err)
	}
	want := full
	want.Upvotes, want.Comments, want.FetchedAt = 9, 0, at(10)
	got, err := db.GetPaper(ctx, full.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paper after saves without text (-want +got):\n%s", diff)
	}
	// A later non-empty title does replace it (whitespace fixes, renames).
	renamed := bare
	renamed.Title = "A renamed paper"
	if _, err := db.SaveList(ctx, day1, []bot.Paper{renamed}, at(12)); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetPaper(ctx, full.ID); got.Title != renamed.Title || got.AISummary != full.AISummary {
		t.Errorf("after rename: title %q, summary %q; want %q, %q", got.Title, got.AISummary, renamed.Title, full.AISummary)
	}
}

func TestListDateKeepsEarliest(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	p := samplePaper("2603.00001", 5, day2)
	if _, err := db.SaveList(ctx, day2, []bot.Paper{p}, t0); err != nil {
		t.Fatal(err)
	}
	// An archive says it was on an earlier list: it is on both, dated the earlier.
	p1 := p
	p1.ListDate = day1
	if _, err := db.SavePapers(ctx, []bot.Paper{p1}, at(1)); err != nil {
		t.Fatal(err)
	}
	// A later list shows it again: the date stays the earliest.
	p3 := p
	p3.ListDate = day3
	if _, err := db.SaveList(ctx, day3, []bot.Paper{p3}, at(2)); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetPaper(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ListDate != day1 {
		t.Errorf("ListDate = %v, want the earliest %v", got.ListDate, day1)
	}
	for _, d := range []bot.Date{day1, day2, day3} {
		list, err := db.ListPapers(ctx, d)
		if err != nil {
			t.Fatalf("ListPapers(%v): %v", d, err)
		}
		if diff := cmp.Diff([]string{p.ID}, ids(list)); diff != "" {
			t.Errorf("ListPapers(%v) (-want +got):\n%s", d, diff)
		}
	}
}

func TestSaveListMembership(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	a := samplePaper("2603.00001", 30, day1)
	b := samplePaper("2603.00002", 20, day1)
	c := samplePaper("2603.00003", 10, day2)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{a, b}, t0); err != nil {
		t.Fatal(err)
	}
	// A paper on two lists shows up on both.
	if _, err := db.SaveList(ctx, day2, []bot.Paper{a, c}, at(1)); err != nil {
		t.Fatal(err)
	}
	wantLists := map[bot.Date][]string{day1: {a.ID, b.ID}, day2: {a.ID, c.ID}}
	checkLists := func(step string) {
		t.Helper()
		for d, want := range wantLists {
			got, err := db.ListPapers(ctx, d)
			if err != nil {
				t.Fatalf("%s: ListPapers(%v): %v", step, d, err)
			}
			if diff := cmp.Diff(want, ids(got)); diff != "" {
				t.Errorf("%s: ListPapers(%v) (-want +got):\n%s", step, d, diff)
			}
		}
	}
	checkLists("two lists")

	// An empty fetch (the list not out yet, a glitch) keeps the papers but
	// records the fetch.
	res, err := db.SaveList(ctx, day1, nil, at(5))
	if err != nil {
		t.Fatalf("empty SaveList: %v", err)
	}
	if diff := cmp.Diff(bot.SaveResult{}, res); diff != "" {
		t.Errorf("empty SaveResult (-want +got):\n%s", diff)
	}
	checkLists("after an empty fetch")
	info, err := db.ListInfo(ctx, day1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bot.ListInfo{Date: day1, FetchedAt: at(5), Papers: 0}, info); diff != "" {
		t.Errorf("ListInfo after an empty fetch (-want +got):\n%s", diff)
	}

	// A non-empty fetch replaces the membership: a paper dropped from the
	// list is no longer on it.
	if _, err := db.SaveList(ctx, day1, []bot.Paper{b}, at(6)); err != nil {
		t.Fatal(err)
	}
	wantLists[day1] = []string{b.ID}
	checkLists("after a shorter fetch")
	if got, err := db.GetPaper(ctx, a.ID); err != nil || got.ID != a.ID {
		t.Errorf("dropped paper is gone from the store: %v", err)
	}

	// An empty fetch of a day never fetched is recorded too.
	if _, err := db.SaveList(ctx, day3, []bot.Paper{}, at(7)); err != nil {
		t.Fatal(err)
	}
	if info, err := db.ListInfo(ctx, day3); err != nil || info.Papers != 0 || !info.FetchedAt.Equal(at(7)) {
		t.Errorf("ListInfo(empty day) = %+v, %v; want 0 papers fetched at %v", info, err, at(7))
	}
}

func TestUnknownDay(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{samplePaper("2603.00001", 1, day1)}, t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.ListPapers(ctx, day2)
	if err != nil || len(got) != 0 {
		t.Errorf("ListPapers(unknown day) = %v, %v; want empty, nil", ids(got), err)
	}
	if _, err := db.ListInfo(ctx, day2); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("ListInfo(unknown day): err = %v, want ErrNotFound", err)
	}
	// Archive papers are on their own lists but are not a fetch.
	if _, err := db.SavePapers(ctx, []bot.Paper{samplePaper("2603.00002", 1, day3)}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ListInfo(ctx, day3); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("ListInfo(day of archive papers only): err = %v, want ErrNotFound", err)
	}
}

// TestSaveSkipsBadPapers: one paper's problem never fails the batch. A
// paper without a usable id is skipped and named; a blank title is stored
// as it came and never replaces a stored title; the rest is saved.
func TestSaveSkipsBadPapers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	known := samplePaper("2603.00001", 5, day1)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{known}, t0); err != nil {
		t.Fatal(err)
	}
	updated := known
	updated.Upvotes = 99
	updated.Title = " \u200b " // a refresh without a usable title
	fresh := samplePaper("2603.00002", 7, day2)
	untitled := samplePaper("2603.00009", 3, day2)
	untitled.Title = " \t "
	batch := []bot.Paper{updated, fresh, {ID: "", Title: "No id"}, untitled, {ID: "abc", Title: "Bad id"}}
	res, err := db.SaveList(ctx, day2, batch, at(1))
	if err != nil {
		t.Fatal(err)
	}
	var skips []string
	for _, s := range res.Skipped {
		skips = append(skips, s.String())
	}
	if want := `paper 2: no paper id|paper 4 (id "abc"): paper id is not an arXiv id`; strings.Join(skips, "|") != want {
		t.Errorf("skipped %q, want %q", strings.Join(skips, "|"), want)
	}
	if res.New != 2 || res.Updated != 1 {
		t.Errorf("result %+v, want 2 new and 1 updated", res)
	}
	got, err := db.GetPaper(ctx, known.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Upvotes != 99 || got.Title != known.Title {
		t.Errorf("known paper: upvotes %d, title %q; want 99 and the stored title %q", got.Upvotes, got.Title, known.Title)
	}
	u, err := db.GetPaper(ctx, untitled.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Title != " \t " || u.DisplayTitle() != "Untitled (arXiv:2603.00009)" {
		t.Errorf("untitled paper stored as %q, shown as %q", u.Title, u.DisplayTitle())
	}
	if list, _ := db.ListPapers(ctx, day2); len(list) != 3 {
		t.Errorf("list of day2 holds %v, want the 3 good papers", ids(list))
	}
	checkFTS(t, path)
}

// TestSaveCleansText: papers are stored cleaned, so the index finds
// "Trans\u00adformers" (with a soft hyphen) as "transformers".
func TestSaveCleansText(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	p := samplePaper("2603.00001", 5, day1)
	p.Title = "Trans\u00adformers at \u202escale\u202c"
	p.Abstract = "zero\u200bwidth \ufeffbom"
	p.Authors = []string{"Ann\u2060 Lee", "\u200b"}
	if _, err := db.SavePapers(ctx, []bot.Paper{p}, t0); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetPaper(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Transformers at scale" || got.Abstract != "zero width bom" || strings.Join(got.Authors, "|") != "Ann Lee" {
		t.Errorf("stored %q / %q / %q", got.Title, got.Abstract, got.Authors)
	}
	found, err := db.SearchIDs(ctx, []string{"transformers"}, 10)
	if err != nil || len(found) != 1 {
		t.Errorf("search for transformers: %v, %v", found, err)
	}
	checkFTS(t, path)
}

// TestSaveRowRefused: a paper whose row the database refuses (here: longer
// than the connection's SQLITE_LIMIT_LENGTH) is skipped with the database's
// reason; the rest of the batch is saved.
func TestSaveRowRefused(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Raw(func(c any) error {
		c.(*sqlite3.SQLiteConn).SetLimit(sqlite3.SQLITE_LIMIT_LENGTH, 50_000)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	conn.Close() // back to the pool of one: every save uses it
	huge := samplePaper("2603.00002", 1, day1)
	huge.Abstract = strings.Repeat("long abstract ", 10_000)
	batch := []bot.Paper{samplePaper("2603.00001", 5, day1), huge, samplePaper("2603.00003", 2, day1)}
	res, err := db.SaveList(ctx, day1, batch, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Where != "paper 1" || res.Skipped[0].ID != huge.ID ||
		!strings.Contains(res.Skipped[0].Reason, "the database refused it: string or blob too big") {
		t.Errorf("skipped %+v", res.Skipped)
	}
	if list, _ := db.ListPapers(ctx, day1); len(list) != 2 {
		t.Errorf("list holds %v, want the 2 other papers", ids(list))
	}
	checkFTS(t, path)
}

// TestSaveDatabaseFailure: a failure of the database itself (here: a
// read-only connection; a full disk is the same kind) fails the save with
// one line, and nothing of the batch is kept.
func TestSaveDatabaseFailure(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	known := samplePaper("2603.00001", 5, day1)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{known}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	updated := known
	updated.Upvotes = 99
	_, err := db.SaveList(ctx, day2, []bot.Paper{updated, samplePaper("2603.00002", 7, day2)}, at(1))
	if err == nil || !strings.HasPrefix(err.Error(), "store: ") || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "readonly") {
		t.Fatalf("error %v, want one line saying the database is read-only", err)
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetPaper(ctx, known.ID); got.Upvotes != 5 {
		t.Errorf("upvotes = %d after the failed save, want 5", got.Upvotes)
	}
	if _, err := db.GetPaper(ctx, "2603.00002"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("paper of the failed save: %v", err)
	}
	if _, err := db.ListInfo(ctx, day2); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("fetch of the failed save was recorded: %v", err)
	}
}

// TestRecordSkipped: what a fetch skipped is kept per list, shown by
// ListInfo and LastFetch, and reported as changed only when it changes.
func TestRecordSkipped(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	if _, err := db.SaveList(ctx, day1, []bot.Paper{samplePaper("2603.00001", 5, day1)}, t0); err != nil {
		t.Fatal(err)
	}
	skips := []bot.Skip{{Where: "element 3", Reason: "no paper id"}, {Where: "element 7", ID: "abc", Reason: `paper id "abc" is not an arXiv id`}}
	for i, want := range []bool{true, false} {
		changed, err := db.RecordSkipped(ctx, day1, skips)
		if err != nil || changed != want {
			t.Errorf("RecordSkipped #%d: changed %v, %v; want %v", i, changed, err, want)
		}
	}
	if _, err := db.SaveList(ctx, day2, []bot.Paper{samplePaper("2603.00002", 5, day2)}, at(1)); err != nil {
		t.Fatal(err)
	}
	info, err := db.ListInfo(ctx, day1)
	if err != nil || len(info.Skipped) != 2 || info.Skipped[1] != skips[1] || info.Papers != 1 {
		t.Errorf("ListInfo = %+v, %v", info, err)
	}
	last, err := db.LastFetch(ctx)
	if err != nil || last.Date != day2 || len(last.Skipped) != 0 {
		t.Errorf("LastFetch = %+v, %v; want %s with nothing skipped", last, err, day2)
	}
	if changed, err := db.RecordSkipped(ctx, day1, nil); err != nil || !changed {
		t.Errorf("clearing: %v, %v", changed, err)
	}
	if info, _ := db.ListInfo(ctx, day1); len(info.Skipped) != 0 {
		t.Errorf("after clearing: %+v", info.Skipped)
	}
}

// TestSaveDiskFull: a full disk (here: the file may not grow) fails the
// save in one line and keeps nothing of it; the store works again once
// there is room.
func TestSaveDiskFull(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	var pages int
	if err := db.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	var batch []bot.Paper
	for i := range 200 {
		p := samplePaper(fmt.Sprintf("2603.%05d", i), i, day1)
		p.Abstract = strings.Repeat("words that fill pages ", 200)
		batch = append(batch, p)
	}
	_, err := db.SavePapers(ctx, batch, t0)
	if err == nil || !strings.HasPrefix(err.Error(), "store: ") || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "full") {
		t.Fatalf("error %v, want one line saying the disk is full", err)
	}
	if _, err := db.GetPaper(ctx, batch[0].ID); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a paper of the failed save was kept: %v", err)
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if res, err := db.SavePapers(ctx, batch, t0); err != nil || res.New != len(batch) {
		t.Errorf("after making room: %+v, %v", res, err)
	}
}
