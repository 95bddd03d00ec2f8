package store

// Papers as rows: the column list and its scanning, GetPaper, the store's
// counts and a minimal word lookup. Saving is in paper_save.go and
// paper_upsert.go, the daily lists in list.go.

import (
	"context"
	"database/sql"

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
