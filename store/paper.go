package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/paperboy-bot/paperboy/bot"
)

const paperColumns = `p.id, p.title, p.abstract, p.authors, p.published_at, p.list_date, p.upvotes, p.comments,
	p.github_repo, p.github_stars, p.project_page, p.thumbnail, p.ai_summary, p.ai_keywords,
	p.org_name, p.org_fullname, p.fetched_at,
	p.categories, p.arxiv_comment, p.journal_ref, p.doi, p.version, p.announced_on`

// paperRow receives the paperColumns of one row.
type paperRow struct {
	p                                               bot.Paper
	authors, published, listDate, keywords, fetched string
	categories, announced                           string
}

// dest returns the scan destinations, in paperColumns order.
func (r *paperRow) dest() []any {
	return []any{&r.p.ID, &r.p.Title, &r.p.Abstract, &r.authors, &r.published, &r.listDate, &r.p.Upvotes,
		&r.p.Comments, &r.p.GitHubRepo, &r.p.GitHubStars, &r.p.ProjectPage, &r.p.Thumbnail, &r.p.AISummary,
		&r.keywords, &r.p.OrgName, &r.p.OrgFullName, &r.fetched,
		&r.categories, &r.p.ArxivComment, &r.p.JournalRef, &r.p.DOI, &r.p.Version, &r.announced}
}

func (r *paperRow) paper() bot.Paper {
	p := r.p
	p.Authors = splitLines(r.authors)
	p.AIKeywords = splitLines(r.keywords)
	p.PublishedAt = parseTime(r.published)
	p.ListDate = parseDate(r.listDate)
	p.FetchedAt = parseTime(r.fetched)
	p.Categories = splitLines(r.categories)
	p.AnnouncedOn = parseDate(r.announced)
	return p
}

func scanPaper(sc interface{ Scan(...any) error }) (bot.Paper, error) {
	var r paperRow
	if err := sc.Scan(r.dest()...); err != nil {
		return bot.Paper{}, mapErr(err)
	}
	return r.paper(), nil
}

// upsertSQL inserts a paper or refreshes a known one. Text fields are only
// replaced by non-empty values (a fresher response may lack ai_summary for
// a while, an older file never blanks what we have); the title only by a
// usable one (the last parameter: a title blank after cleaning is stored
// as it came for a new paper, and never replaces a stored one); the list
// date is the earliest seen. %s is the rule for live counters.
//
// A paper two sources know is one row (issue 15): Hugging Face gives the
// counters, code and summary, arXiv the categories, comments, journal
// reference, DOI and version; each save fills in what it has, so neither
// erases the other's fields. arXiv's categories replace the stored ones
// (a cross-list adds one), its version only grows, and the announcement
// day is the first one seen. Once arXiv has announced a version 2 or
// later, only a save that knows that version (arXiv's) replaces the title
// and abstract: Hugging Face copies them from arXiv and goes on serving
// v1's for a while, which would undo the new version's (issue 17).
const upsertSQL = `INSERT INTO papers (id, title, abstract, authors, published_at, list_date, upvotes, comments,
	github_repo, github_stars, project_page, thumbnail, ai_summary, ai_keywords, org_name, org_fullname,
	first_seen_at, fetched_at, authors_fold, rid,
	categories, arxiv_comment, journal_ref, doi, version, announced_on)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	title        = CASE WHEN ? AND (version < 2 OR excluded.version >= version) THEN excluded.title ELSE title END,
	abstract     = CASE WHEN excluded.abstract <> '' AND (version < 2 OR excluded.version >= version)
	                    THEN excluded.abstract ELSE abstract END,
	authors      = CASE WHEN excluded.authors <> '' THEN excluded.authors ELSE authors END,
	authors_fold = CASE WHEN excluded.authors <> '' THEN excluded.authors_fold ELSE authors_fold END,
	published_at = CASE WHEN excluded.published_at <> '' THEN excluded.published_at ELSE published_at END,
	list_date    = CASE WHEN list_date = '' OR (excluded.list_date <> '' AND excluded.list_date < list_date)
	                    THEN excluded.list_date ELSE list_date END,
	%s,
	github_repo  = CASE WHEN excluded.github_repo <> '' THEN excluded.github_repo ELSE github_repo END,
	project_page = CASE WHEN excluded.project_page <> '' THEN excluded.project_page ELSE project_page END,
	thumbnail    = CASE WHEN excluded.thumbnail <> '' THEN excluded.thumbnail ELSE thumbnail END,
	ai_summary   = CASE WHEN excluded.ai_summary <> '' THEN excluded.ai_summary ELSE ai_summary END,
	ai_keywords  = CASE WHEN excluded.ai_keywords <> '' THEN excluded.ai_keywords ELSE ai_keywords END,
	org_name     = CASE WHEN excluded.org_name <> '' THEN excluded.org_name ELSE org_name END,
	org_fullname = CASE WHEN excluded.org_fullname <> '' THEN excluded.org_fullname ELSE org_fullname END,
	fetched_at   = max(fetched_at, excluded.fetched_at),
	categories    = CASE WHEN excluded.categories <> '' THEN excluded.categories ELSE categories END,
	arxiv_comment = CASE WHEN excluded.arxiv_comment <> '' THEN excluded.arxiv_comment ELSE arxiv_comment END,
	journal_ref   = CASE WHEN excluded.journal_ref <> '' THEN excluded.journal_ref ELSE journal_ref END,
	doi           = CASE WHEN excluded.doi <> '' THEN excluded.doi ELSE doi END,
	version       = max(version, excluded.version),
	announced_on  = CASE WHEN announced_on = '' OR (excluded.announced_on <> '' AND excluded.announced_on < announced_on)
	                     THEN excluded.announced_on ELSE announced_on END`

var (
	// A live fetch has the current counters.
	upsertLive = fmt.Sprintf(upsertSQL, `upvotes = excluded.upvotes, comments = excluded.comments,
	github_stars = CASE WHEN excluded.github_repo <> '' THEN excluded.github_stars ELSE github_stars END`)
	// A file holds old snapshots: counters only grow from them.
	upsertArchive = fmt.Sprintf(upsertSQL, `upvotes = max(upvotes, excluded.upvotes),
	comments = max(comments, excluded.comments), github_stars = max(github_stars, excluded.github_stars)`)
	// arXiv has no counters: a paper it announces keeps Hugging Face's.
	upsertArxiv = fmt.Sprintf(upsertSQL, `upvotes = upvotes, comments = comments, github_stars = github_stars`)
)

// SavePapers upserts papers read from an archive (a file, the sample): a
// paper seen before is refreshed, never duplicated, and its counters never
// go down because of an older snapshot. Each paper is recorded on the list
// of its ListDate. It is one transaction. Papers are saved cleaned
// (bot.CleanPaper); one that cannot be saved (an id that is not an arXiv
// id, a row the database refuses) is left out and named in the result's
// Skipped, and the others are saved. A failure of the database itself
// (disk full, a read-only file) is an error, and nothing is saved.
func (db *DB) SavePapers(ctx context.Context, papers []bot.Paper, now time.Time) (bot.SaveResult, error) {
	return db.save(ctx, papers, bot.Date{}, saveOpts{}, now)
}

// SaveList saves a freshly fetched daily list: papers are upserted with the
// current counters, the list's membership is replaced by the fresh one (an
// empty fetch keeps what was there) and the fetch is recorded.
func (db *DB) SaveList(ctx context.Context, day bot.Date, papers []bot.Paper, now time.Time) (bot.SaveResult, error) {
	return db.save(ctx, papers, day, saveOpts{live: true}, now)
}

// SaveLiveList is SaveList for a live fetch of a recent list: the papers
// the store had not seen are also queued for alert matching, in the same
// transaction.
func (db *DB) SaveLiveList(ctx context.Context, day bot.Date, papers []bot.Paper, now time.Time) (bot.SaveResult, error) {
	return db.save(ctx, papers, day, saveOpts{live: true, queue: true}, now)
}

// Announced is one paper of an arXiv announcement day, with how it was
// announced (new, cross, replace, replace-cross).
type Announced = bot.Announced

// SaveAnnounced saves the papers of an arXiv announcement day: each is
// upserted with arXiv's facts, filling in what the store lacks and keeping
// what Hugging Face gave (counters, code, summary); it is recorded on the
// day's announcements with its type (an earlier save of the same day
// keeps its position; a "new" or "cross" announcement is not turned into
// a "replace" by a later feed). With queue, the papers the store had not
// seen are queued for alert matching (a backfill passes false: its
// papers never alert). One transaction, as SavePapers.
//
// A replacement (replace, replace-cross: a new version) of a paper the
// store does not have is left out: it is an old paper, and storing it
// would queue it for alerts; Replaced counts those left out. A
// replacement of a known paper updates it (its version) and never queues.
func (db *DB) SaveAnnounced(ctx context.Context, day bot.Date, items []Announced, queue bool, now time.Time) (res AnnouncedResult, err error) {
	return db.saveAnnounced(ctx, "", day, items, queue, now)
}

func (db *DB) saveAnnounced(ctx context.Context, feed string, day bot.Date, items []Announced, queue bool, now time.Time) (res AnnouncedResult, err error) {
	var papers []bot.Paper
	var types []string
	for _, it := range items {
		if it.Type == "replace" || it.Type == "replace-cross" {
			id, ok := bot.NormalizeID(it.Paper.ID)
			var known int
			if ok {
				if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM papers WHERE id = ?`, id).Scan(&known); err != nil {
					return res, fmt.Errorf("store: save announcements of %s: %w", day, mapErr(err))
				}
			}
			if known == 0 {
				res.Unknown++
				continue
			}
		}
		papers, types = append(papers, it.Paper), append(types, it.Type)
	}
	res.SaveResult, err = db.save(ctx, papers, day, saveOpts{arxiv: true, queue: queue, types: types, feed: feed}, now)
	return res, err
}

// AnnouncedResult is what SaveAnnounced changed: the papers saved, and
// the replacements left out because the store does not have their paper.
type AnnouncedResult struct {
	bot.SaveResult
	Unknown int
}

// saveOpts says how save saves: a live Hugging Face list (live: current
// counters, the list's membership replaced and the fetch recorded), an
// arXiv announcement day (arxiv: arXiv's upsert, the announcements of
// day with types), or an archive (neither); queue queues new papers for
// alert matching.
type saveOpts struct {
	live, queue, arxiv bool
	types              []string
	// feed, with arxiv, also records the papers as the items of that
	// feed's day (arxiv_feed_items) and the fetch (arxiv_feed_days).
	feed string
	// refresh saves papers refreshed one by one (follow-ups): current
	// counters as a live list, but no list membership and no list fetch.
	refresh bool
}

// save saves papers in one transaction. A paper whose row the database
// refuses (rowError) is left out and the transaction tried again without
// it; such refusals are rare (only a driver limit can cause one once the
// paper is clean), so the papers that are fine pay nothing for the check.
func (db *DB) save(ctx context.Context, papers []bot.Paper, day bot.Date, o saveOpts, now time.Time) (bot.SaveResult, error) {
	drop := map[int]string{} // position -> why the database refused it
	for {
		res, err := db.saveTx(ctx, papers, drop, day, o, now)
		var re *rowError
		if errors.As(err, &re) {
			if _, again := drop[re.index]; !again {
				drop[re.index] = "the database refused it: " + re.err.Error()
				continue
			}
		}
		if err != nil {
			return bot.SaveResult{}, err
		}
		for i, why := range drop {
			res.Skipped = append(res.Skipped, bot.Skip{Where: fmt.Sprintf("paper %d", i), ID: papers[i].ID, Reason: why})
		}
		slices.SortFunc(res.Skipped, func(a, b bot.Skip) int { return cmp.Compare(skipIndex(a), skipIndex(b)) })
		return res, nil
	}
}

// skipIndex is the position in a "paper N" Skip.Where.
func skipIndex(s bot.Skip) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(s.Where, "paper "))
	return n
}

// rowError is a statement about one paper that the database refused
// because of that paper's data, not because the database is unwell.
type rowError struct {
	index int
	err   error
}

func (e *rowError) Error() string { return e.err.Error() }

// rowErr wraps err as a rowError for paper index when the database refused
// the row for what it holds (a constraint, a value too big or of the wrong
// kind); any other error (I/O, disk full, read-only, locked) is returned
// as it is, and fails the whole save.
func rowErr(index int, id string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrConstraint, sqlite3.ErrTooBig, sqlite3.ErrMismatch, sqlite3.ErrRange:
			return &rowError{index: index, err: mapErr(err)}
		}
	}
	return fmt.Errorf("store: save paper %s: %w", id, mapErr(err))
}

func (db *DB) saveTx(ctx context.Context, papers []bot.Paper, drop map[int]string, day bot.Date, o saveOpts, now time.Time) (res bot.SaveResult, err error) {
	live, queue := o.live, o.queue
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("store: save papers: %w", mapErr(err))
	}
	defer tx.Rollback()
	upsert := upsertArchive
	switch {
	case live, o.refresh:
		upsert = upsertLive
	case o.arxiv:
		upsert = upsertArxiv
	}
	exists, err := tx.PrepareContext(ctx, `SELECT pk, `+indexedColumns+` FROM papers WHERE id = ?`)
	if err != nil {
		return res, fmt.Errorf("store: save papers: %w", mapErr(err))
	}
	defer exists.Close()
	up, err := tx.PrepareContext(ctx, upsert)
	if err != nil {
		return res, fmt.Errorf("store: save papers: %w", mapErr(err))
	}
	defer up.Close()
	memberSQL := `INSERT INTO list_papers (list_date, paper_id, position)
		VALUES (?, ?, (SELECT count(*) FROM list_papers WHERE list_date = ?)) ON CONFLICT DO NOTHING`
	if o.arxiv {
		// The order of announce types: a paper announced new (or
		// cross-listed) stays so when a later feed of the day has it as a
		// replacement.
		memberSQL = `INSERT INTO announcements (day, paper_id, position, announce_type)
		VALUES (?1, ?2, (SELECT count(*) FROM announcements WHERE day = ?3), ?4)
		ON CONFLICT (day, paper_id) DO UPDATE SET announce_type = CASE
			WHEN excluded.announce_type = 'new' OR (excluded.announce_type = 'cross' AND announce_type <> 'new')
			  OR announce_type IN ('replace', 'replace-cross') THEN excluded.announce_type
			ELSE announce_type END`
	}
	member, err := tx.PrepareContext(ctx, memberSQL)
	if err != nil {
		return res, fmt.Errorf("store: save papers: %w", mapErr(err))
	}
	defer member.Close()
	var feedItem *sql.Stmt
	if o.feed != "" {
		// A later fetch of the same day keeps the position; its type wins
		// (a feed never retypes an item within a day).
		feedItem, err = tx.PrepareContext(ctx, `INSERT INTO arxiv_feed_items (feed, day, paper_id, position, announce_type)
			VALUES (?1, ?2, ?3, (SELECT count(*) FROM arxiv_feed_items WHERE feed = ?1 AND day = ?2), ?4)
			ON CONFLICT (feed, day, paper_id) DO UPDATE SET announce_type = excluded.announce_type`)
		if err != nil {
			return res, fmt.Errorf("store: save papers: %w", mapErr(err))
		}
		defer feedItem.Close()
	}
	if live && len(papers) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_papers WHERE list_date = ?`, day.String()); err != nil {
			return res, fmt.Errorf("store: save list %s: %w", day, mapErr(err))
		}
	}
	nowS := fmtTime(now)
	ids := &rids{next: map[int64]int64{}}
	// Rows with a pk above indexed are new in this transaction: they get
	// their search rowid when inserted and their index entries at the end
	// (indexNew), in one statement per index.
	var indexed int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(pk), 0) FROM papers`).Scan(&indexed); err != nil {
		return res, fmt.Errorf("store: save papers: %w", mapErr(err))
	}
	changed := map[int64]indexedText{} // known papers: pk -> indexed text before
	for i, p := range papers {
		if _, dropped := drop[i]; dropped {
			continue
		}
		id, ok := bot.NormalizeID(p.ID)
		if !ok {
			why := "no paper id"
			if strings.TrimSpace(p.ID) != "" {
				why = "paper id is not an arXiv id"
			}
			res.Skipped = append(res.Skipped, bot.Skip{Where: fmt.Sprintf("paper %d", i), ID: shortID(p.ID), Reason: why})
			continue
		}
		p = bot.CleanPaper(p)
		p.ID = id
		titleOK := bot.CleanText(p.Title) != ""
		listDate := p.ListDate
		if listDate.IsZero() && !o.arxiv {
			listDate = day
		}
		if o.arxiv && p.AnnouncedOn.IsZero() {
			p.AnnouncedOn = day
		}
		// A known paper's indexed text as it was, to count the terms it
		// loses and gains if the update changes it.
		pk := int64(-1)
		var old indexedText
		err := exists.QueryRowContext(ctx, p.ID).Scan(append([]any{&pk}, old.dest()...)...)
		if err != nil && err != sql.ErrNoRows {
			return res, fmt.Errorf("store: save paper %s: %w", p.ID, mapErr(err))
		}
		if _, seen := changed[pk]; pk >= 0 && !seen {
			changed[pk] = old
		}
		if pk > indexed {
			// Inserted earlier in this transaction and not indexed yet:
			// index it before the update triggers replace its entries.
			if indexed, err = ids.indexNew(ctx, tx, indexed); err != nil {
				return res, err
			}
		}
		fetched := p.FetchedAt
		if fetched.IsZero() {
			fetched = now
		}
		var rid any // kept by an update
		if pk < 0 {
			n, err := ids.alloc(ctx, tx, bandOf(int64(p.Upvotes)), effDay(listDate.String(), fmtTime(p.PublishedAt), p.AnnouncedOn.String()))
			if err != nil {
				return res, err
			}
			rid = n
		}
		if _, err := up.ExecContext(ctx, p.ID, p.Title, p.Abstract, joinLines(p.Authors), fmtTime(p.PublishedAt),
			listDate.String(), p.Upvotes, p.Comments, p.GitHubRepo, p.GitHubStars, p.ProjectPage, p.Thumbnail,
			p.AISummary, joinLines(p.AIKeywords), p.OrgName, p.OrgFullName, nowS, fmtTime(fetched),
			bot.FoldText(joinLines(p.Authors)), rid,
			joinLines(p.Categories), p.ArxivComment, p.JournalRef, p.DOI, p.Version, p.AnnouncedOn.String(),
			titleOK); err != nil {
			return res, rowErr(i, p.ID, err)
		}
		if pk < 0 {
			res.New++
			res.NewIDs = append(res.NewIDs, p.ID)
		} else {
			res.Updated++
			// A known paper whose date or upvotes band changed moves.
			if err := ids.rekey(ctx, tx, pk); err != nil {
				return res, err
			}
		}
		// A live list is the list asked for; an archive element is on its
		// own list; an arXiv paper is on its announcement day.
		on := listDate
		switch {
		case o.refresh:
			on = bot.Date{}
		case live:
			on = day
		case o.arxiv:
			if !day.IsZero() {
				if _, err := member.ExecContext(ctx, day.String(), p.ID, day.String(), o.types[i]); err != nil {
					return res, rowErr(i, p.ID, err)
				}
				if feedItem != nil {
					if _, err := feedItem.ExecContext(ctx, o.feed, day.String(), p.ID, o.types[i]); err != nil {
						return res, rowErr(i, p.ID, err)
					}
				}
			}
			on = bot.Date{}
		}
		if !on.IsZero() {
			if _, err := member.ExecContext(ctx, on.String(), p.ID, on.String()); err != nil {
				return res, rowErr(i, p.ID, err)
			}
		}
	}
	if _, err := ids.indexNew(ctx, tx, indexed); err != nil {
		return res, err
	}
	if err := ids.retext(ctx, tx, changed); err != nil {
		return res, err
	}
	if err := ids.terms.flush(ctx, tx); err != nil {
		return res, err
	}
	if queue {
		for _, id := range res.NewIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_queue (paper_id, queued_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
				id, nowS); err != nil {
				return res, fmt.Errorf("store: queue paper %s: %w", id, mapErr(err))
			}
		}
	}
	if o.feed != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO arxiv_feed_days (feed, day, fetched_at, items)
			VALUES (?1, ?2, ?3, (SELECT count(*) FROM arxiv_feed_items WHERE feed = ?1 AND day = ?2))
			ON CONFLICT (feed, day) DO UPDATE SET fetched_at = excluded.fetched_at, items = excluded.items`,
			o.feed, day.String(), nowS); err != nil {
			return res, fmt.Errorf("store: save feed %s of %s: %w", o.feed, day, mapErr(err))
		}
	}
	if live {
		if _, err := tx.ExecContext(ctx, `INSERT INTO lists (list_date, fetched_at, papers) VALUES (?, ?, ?)
			ON CONFLICT (list_date) DO UPDATE SET fetched_at = excluded.fetched_at, papers = excluded.papers`,
			day.String(), nowS, res.New+res.Updated); err != nil {
			return res, fmt.Errorf("store: save list %s: %w", day, mapErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return bot.SaveResult{}, fmt.Errorf("store: save papers: %w", mapErr(err))
	}
	return res, nil
}

// shortID is an id as a Skip shows it: cleaned, at most 40 characters.
func shortID(id string) string { return bot.Truncate(bot.CleanText(id), 40) }

// ListPapers returns the papers on day's list, most upvoted first.
func (db *DB) ListPapers(ctx context.Context, day bot.Date) ([]bot.Paper, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+paperColumns+`
		FROM list_papers l JOIN papers p ON p.id = l.paper_id
		WHERE l.list_date = ?
		ORDER BY p.upvotes DESC, p.comments DESC, l.position`, day.String())
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", day, mapErr(err))
	}
	return collectPapers(rows)
}

func collectPapers(rows *sql.Rows) ([]bot.Paper, error) {
	defer rows.Close()
	var out []bot.Paper
	for rows.Next() {
		p, err := scanPaper(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// ListInfo returns when day's list was last fetched, or bot.ErrNotFound.
func (db *DB) ListInfo(ctx context.Context, day bot.Date) (bot.ListInfo, error) {
	return scanListInfo(db.r.QueryRowContext(ctx, `SELECT list_date, fetched_at, papers, skipped FROM lists WHERE list_date = ?`, day.String()))
}

// LastFetch returns the list fetched most recently, or bot.ErrNotFound.
func (db *DB) LastFetch(ctx context.Context) (bot.ListInfo, error) {
	return scanListInfo(db.r.QueryRowContext(ctx, `SELECT list_date, fetched_at, papers, skipped FROM lists
		ORDER BY fetched_at DESC, list_date DESC LIMIT 1`))
}

func scanListInfo(row *sql.Row) (bot.ListInfo, error) {
	var day, fetched, skipped string
	var info bot.ListInfo
	if err := row.Scan(&day, &fetched, &info.Papers, &skipped); err != nil {
		return info, mapErr(err)
	}
	info.Date, info.FetchedAt = parseDate(day), parseTime(fetched)
	info.Skipped = decodeSkipped(skipped)
	return info, nil
}

// RecordSkipped records what the last fetch of day's list skipped (lists.skipped,
// migration 0007), once SaveList or SaveLiveList has recorded the fetch.
func (db *DB) RecordSkipped(ctx context.Context, day bot.Date, skipped []bot.Skip) (bool, error) {
	enc := encodeSkipped(skipped)
	res, err := db.w.ExecContext(ctx, `UPDATE lists SET skipped = ? WHERE list_date = ? AND skipped <> ?`, enc, day.String(), enc)
	if err != nil {
		return false, fmt.Errorf("store: record skipped elements of %s: %w", day, mapErr(err))
	}
	n, err := res.RowsAffected()
	return n > 0, mapErr(err)
}

// storedSkip is a bot.Skip as lists.skipped holds it (a JSON array).
type storedSkip struct {
	Where  string `json:"where"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

func encodeSkipped(skipped []bot.Skip) string {
	if len(skipped) == 0 {
		return ""
	}
	out := make([]storedSkip, len(skipped))
	for i, s := range skipped {
		out[i] = storedSkip{Where: s.Where, ID: s.ID, Reason: s.Reason}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return ""
	}
	return string(b)
}

func decodeSkipped(s string) []bot.Skip {
	if s == "" {
		return nil
	}
	var in []storedSkip
	if json.Unmarshal([]byte(s), &in) != nil {
		return []bot.Skip{{Where: "?", Reason: "unreadable record of skipped elements"}}
	}
	out := make([]bot.Skip, len(in))
	for i, x := range in {
		out[i] = bot.Skip{Where: x.Where, ID: x.ID, Reason: x.Reason}
	}
	return out
}

// GetPaper returns one paper by its bare arXiv id, or bot.ErrNotFound.
func (db *DB) GetPaper(ctx context.Context, id string) (bot.Paper, error) {
	return scanPaper(db.r.QueryRowContext(ctx, `SELECT `+paperColumns+` FROM papers p WHERE p.id = ?`, id))
}

// Stats are counts for status and benchmarks.
type Stats struct {
	Papers     int
	Lists      int
	Deliveries int
	Bytes      int64 // database file size, WAL included
}

// Stats counts what the store holds.
func (db *DB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM papers),
		(SELECT count(DISTINCT list_date) FROM list_papers), (SELECT count(*) FROM deliveries)`).
		Scan(&s.Papers, &s.Lists, &s.Deliveries)
	if err != nil {
		return s, mapErr(err)
	}
	var pages, size int64
	if err := db.r.QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()`).
		Scan(&pages, &size); err != nil {
		return s, mapErr(err)
	}
	s.Bytes = pages * size
	return s, nil
}

// SearchIDs is a minimal full-text lookup used by tests and status until
// the search issue adds ranked search: the ids of papers whose indexed text
// holds every word, most upvoted first. Words are passed to FTS5 as quoted
// strings, never as query syntax. A NUL byte (which FTS5 reads as the end
// of the query, failing with "unterminated string") separates words.
func (db *DB) SearchIDs(ctx context.Context, words []string, limit int) ([]string, error) {
	var terms []string
	for _, w := range words {
		if w = strings.TrimSpace(strings.ReplaceAll(w, "\x00", " ")); w != "" {
			terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT p.id FROM papers_fts f JOIN papers p ON p.rid = f.rowid
		WHERE papers_fts MATCH ? ORDER BY p.upvotes DESC, p.id LIMIT ?`, strings.Join(terms, " "), limit)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", mapErr(err))
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, mapErr(rows.Err())
}
