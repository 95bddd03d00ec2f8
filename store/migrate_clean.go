package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/bot/fts5tok"
)

// recleanPapers is the Go part of migration 0007: it cleans the text of
// every stored paper as bot.CleanPaper cleans new ones (papers saved
// before it kept zero-width spaces, soft hyphens, bidi controls and other
// invisible characters) and re-indexes the papers it changes. The update
// triggers of migration 0005 replace their full-text and author index
// entries; the document frequencies (search_terms) lose the old terms and
// gain the new ones, as for any change of indexed text. A title with
// nothing left after cleaning is kept as it was (bot.CleanPaper).
func recleanPapers(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT pk, rid IS NOT NULL, title, abstract, authors, ai_summary, ai_keywords,
		org_name, org_fullname, github_repo, project_page, thumbnail FROM papers`)
	if err != nil {
		return fmt.Errorf("clean papers: %w", mapErr(err))
	}
	type row struct {
		pk      int64
		indexed bool
		old     bot.Paper
		authors string
		words   string
	}
	var todo []row
	for rows.Next() {
		var r row
		var p = &r.old
		if err := rows.Scan(&r.pk, &r.indexed, &p.Title, &p.Abstract, &r.authors, &p.AISummary, &r.words,
			&p.OrgName, &p.OrgFullName, &p.GitHubRepo, &p.ProjectPage, &p.Thumbnail); err != nil {
			rows.Close()
			return fmt.Errorf("clean papers: %w", mapErr(err))
		}
		p.Authors, p.AIKeywords = splitLines(r.authors), splitLines(r.words)
		if c := bot.CleanPaper(*p); !sameText(c, *p) {
			todo = append(todo, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("clean papers: %w", mapErr(err))
	}
	if len(todo) == 0 {
		return nil
	}
	up, err := tx.PrepareContext(ctx, `UPDATE papers SET title = ?, abstract = ?, authors = ?, authors_fold = ?,
		ai_summary = ?, ai_keywords = ?, org_name = ?, org_fullname = ?, github_repo = ?, project_page = ?, thumbnail = ?
		WHERE pk = ?`)
	if err != nil {
		return fmt.Errorf("clean papers: %w", mapErr(err))
	}
	defer up.Close()
	var terms termCounter
	for _, r := range todo {
		c := bot.CleanPaper(r.old)
		authors := joinLines(c.Authors)
		if _, err := up.ExecContext(ctx, c.Title, c.Abstract, authors, fts5tok.Fold(authors), c.AISummary,
			joinLines(c.AIKeywords), c.OrgName, c.OrgFullName, c.GitHubRepo, c.ProjectPage, c.Thumbnail, r.pk); err != nil {
			return fmt.Errorf("clean papers: %w", mapErr(err))
		}
		if r.indexed {
			// Papers not indexed yet (a store from before migration 0005)
			// are counted when indexUnindexed indexes them.
			terms.add(textOf(r.old), -1)
			terms.add(textOf(c), 1)
		}
	}
	return terms.flush(ctx, tx)
}

// textOf is what the full-text index holds of p (indexedColumns).
func textOf(p bot.Paper) indexedText {
	return indexedText{p.Title, p.AISummary, joinLines(p.AIKeywords), p.Abstract, joinLines(p.Authors)}
}

// sameText reports whether a and b have the same text fields.
func sameText(a, b bot.Paper) bool {
	return a.Title == b.Title && a.Abstract == b.Abstract && a.AISummary == b.AISummary &&
		joinLines(a.Authors) == joinLines(b.Authors) && joinLines(a.AIKeywords) == joinLines(b.AIKeywords) &&
		a.OrgName == b.OrgName && a.OrgFullName == b.OrgFullName && a.GitHubRepo == b.GitHubRepo &&
		a.ProjectPage == b.ProjectPage && a.Thumbnail == b.Thumbnail
}
