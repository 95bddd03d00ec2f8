package huggingface

import (
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// listDate picks the element's daily-list date; see the package
// documentation for the order and for the numbers behind fileListDate. A
// value that does not parse is passed over. It returns the zero Date when
// there is none (a saved element without any date: stored, on no list).
func listDate(submittedOnDailyAt string, day bot.Date, outerPublishedAt string, arxivTime time.Time) bot.Date {
	if t, err := parseTime(submittedOnDailyAt); err == nil && !t.IsZero() {
		return bot.DateIn(t, time.UTC)
	}
	if !day.IsZero() {
		return day
	}
	t, err := parseTime(outerPublishedAt)
	if err != nil || t.IsZero() {
		return bot.Date{}
	}
	if d := arxiv(t, arxivTime); !d.IsZero() {
		return d
	}
	return fileListDate(t)
}

// arxiv handles the elements whose outer publishedAt already has its later
// meaning (the arXiv time as a US Eastern wall clock labelled UTC: exactly
// 4 or 5 hours before paper.publishedAt) although submittedOnDailyAt is
// still missing: 85 corpus elements of the 2025-03-05..13 lists. Such a
// time says when the paper reached arXiv, not when it reached Daily
// Papers; the earliest list it can be on is the weekday after arXiv
// announces it (announcements follow the 14:00 ET submission deadline).
// It returns the zero Date for other elements.
func arxiv(outer, arxivTime time.Time) bot.Date {
	if d := arxivTime.Sub(outer); arxivTime.IsZero() || (d != 4*time.Hour && d != 5*time.Hour) {
		return bot.Date{}
	}
	announced := bot.DateOf(outer) // outer's wall clock is Eastern time
	if outer.Hour() >= 14 {
		announced = announced.AddDays(1)
	}
	for announced.IsWeekend() {
		announced = announced.AddDays(1)
	}
	d := announced.AddDays(1)
	for d.IsWeekend() {
		d = d.AddDays(1)
	}
	return d
}

// submissionShift moves a Daily Papers submission time (outer publishedAt
// before 2025-03-17) onto its list's date: on the shared corpus, papers
// submitted from about 21:00 UTC appear in the next day's list (the plain
// UTC date puts 98 of 2,804 papers on a Sunday; +3h leaves 6 on a weekend,
// which fileListDate moves to Monday).
const submissionShift = 3 * time.Hour

// fileListDate derives a list date from a pre-2025-03-17 outer publishedAt:
// the UTC date of t+3h, or the following Monday if that is a weekend day,
// when Hugging Face publishes no list.
func fileListDate(t time.Time) bot.Date {
	d := bot.DateIn(t.Add(submissionShift), time.UTC)
	for d.IsWeekend() {
		d = d.AddDays(1)
	}
	return d
}
