package store

// The transaction of a save: the upsert that merges what each source knows
// into one row, list and announcement membership, the search index's rowids
// and terms, the alert queue and the fetch records.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

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
			fts5tok.Fold(joinLines(p.Authors)), rid,
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
