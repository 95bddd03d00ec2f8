package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paperboy-bot/paperboy/bot"
)

// codelessPapers stores n papers without code on day1.
func codelessPapers(t *testing.T, db *DB, n int) []bot.Paper {
	t.Helper()
	var papers []bot.Paper
	for i := 0; i < n; i++ {
		p := samplePaper(fmt.Sprintf("2603.%05d", i), 1000-i, day1)
		p.GitHubRepo, p.GitHubStars = "", 0
		papers = append(papers, p)
	}
	if _, err := db.SavePapers(t.Context(), papers, t0); err != nil {
		t.Fatal(err)
	}
	return papers
}

// postItems stores channels and posts papers to each of them (header and
// items confirmed at at(1)), as a digest would.
func postItems(t *testing.T, db *DB, papers []bot.Paper, chans ...bot.ChannelRef) {
	t.Helper()
	ctx := t.Context()
	for _, ch := range chans {
		if err := db.SaveChannel(ctx, bot.Channel{ChannelRef: ch, Settings: bot.DefaultSettings("UTC")}, at(0)); err != nil {
			t.Fatal(err)
		}
		plan, _, err := db.PlanDigest(ctx, ch, digestOf(day1, papers...), at(0))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Confirm(ctx, plan.Header.Key, bot.Sent{MessageID: "h", ThreadID: "th-" + ch.ID}, at(1)); err != nil {
			t.Fatal(err)
		}
		for _, it := range plan.Items {
			if err := db.Confirm(ctx, it.Key, bot.Sent{MessageID: "m-" + it.PaperID, ThreadID: "th-" + ch.ID}, at(1)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestFollowupStoreRefreshOncePerPaper(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	papers := codelessPapers(t, db, 3)
	discord, slack := bot.ChannelRef{Platform: "discord", ID: "1"}, bot.ChannelRef{Platform: "slack", ID: "C1"}
	postItems(t, db, papers, discord, slack)
	both := []string{"discord", "slack"}
	ids, err := db.DueRefreshes(ctx, both, at(-60), at(2), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 {
		t.Fatalf("due %v, want the 3 papers once each (they are in 2 channels)", ids)
	}
	if ids, _ := db.DueRefreshes(ctx, []string{"telegram"}, at(-60), at(2), 10); len(ids) != 0 {
		t.Errorf("due on a platform that shows none: %v", ids)
	}
	if ids, _ := db.DueRefreshes(ctx, both, at(2), at(2), 10); len(ids) != 0 {
		t.Errorf("due although posted before since: %v", ids)
	}
	p := papers[0]
	p.GitHubRepo, p.GitHubStars = "https://github.com/a/b", 12
	if err := db.SaveRefreshed(ctx, p, bot.Linked{Models: 2}, at(2).Add(6*time.Hour), at(2)); err != nil {
		t.Fatal(err)
	}
	ids, _ = db.DueRefreshes(ctx, both, at(-60), at(3), 10)
	if slices.Contains(ids, p.ID) || len(ids) != 2 {
		t.Errorf("due after a refresh: %v", ids)
	}
	ids, _ = db.DueRefreshes(ctx, both, at(-60), at(2).Add(6*time.Hour), 10)
	if !slices.Contains(ids, p.ID) {
		t.Errorf("not due again after the interval: %v", ids)
	}
	got, err := db.GetPaper(ctx, p.ID)
	if err != nil || got.GitHubRepo != p.GitHubRepo || got.GitHubStars != 12 || got.Title != papers[0].Title {
		t.Errorf("refreshed paper %+v, %v", got, err)
	}
	if err := db.SaveRefreshed(ctx, samplePaper("2603.99999", 1, day1), bot.Linked{}, at(9), at(2)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("refresh of an unknown paper: %v, want not found (no paper is created)", err)
	}
}

func TestFollowupStoreDetectAndDeliver(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	papers := codelessPapers(t, db, 2)
	ch := bot.ChannelRef{Platform: "discord", ID: "1"}
	postItems(t, db, papers, ch)
	plats := []string{"discord"}
	if items, _ := db.ChangedItems(ctx, plats, at(-60), 10); len(items) != 0 {
		t.Fatalf("changed items before any change: %+v", items)
	}
	// What the items showed is what the paper was when they were confirmed.
	raw := openRaw(t, path, "")
	if n := count(t, raw, `SELECT count(*) FROM followup_shown WHERE github_repo = '' AND title LIKE 'Paper 2603.%'`); n != 2 {
		t.Errorf("%d baselines, want 2", n)
	}
	// Upvotes change: not followed, nothing to compare.
	up := papers[1]
	up.Upvotes += 50
	if _, err := db.SaveList(ctx, day1, []bot.Paper{up}, at(3)); err != nil {
		t.Fatal(err)
	}
	if items, _ := db.ChangedItems(ctx, plats, at(-60), 10); len(items) != 0 {
		t.Fatalf("changed items after an upvote: %+v", items)
	}
	p := papers[0]
	p.GitHubRepo, p.GitHubStars = "https://github.com/a/b", 150
	if err := db.SaveRefreshed(ctx, p, bot.Linked{}, at(100), at(4)); err != nil {
		t.Fatal(err)
	}
	items, err := db.ChangedItems(ctx, plats, at(-60), 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("changed items: %+v, %v", items, err)
	}
	it := items[0]
	if it.Paper.ID != p.ID || it.Shown.GitHubRepo != "" || it.Now().GitHubRepo == "" || it.Posted.MessageID != "m-"+p.ID {
		t.Fatalf("item %+v", it)
	}
	changes := bot.Detect(it.Shown, it.Now())
	if n, err := db.PlanFollowups(ctx, it, changes, it.Now(), at(5)); err != nil || n != 1 {
		t.Fatalf("PlanFollowups: %d, %v", n, err)
	}
	// Planning the same change again (another process, a replay) adds nothing.
	if n, err := db.PlanFollowups(ctx, it, changes, it.Now(), at(5)); err != nil || n != 0 {
		t.Fatalf("PlanFollowups again: %d, %v", n, err)
	}
	if items, _ := db.ChangedItems(ctx, plats, at(-60), 10); len(items) != 0 {
		t.Fatalf("the item is compared again without a new change: %+v", items)
	}
	open, err := db.OpenFollowupItems(ctx, at(6), 10)
	if err != nil || len(open) != 1 || open[0] != it.ItemID {
		t.Fatalf("open %v, %v", open, err)
	}
	_, rows, err := db.FollowupsOf(ctx, it.ItemID)
	if err != nil || len(rows) != 1 || rows[0].Key != bot.FollowupKey(ch, p.ID, bot.Change{Kind: bot.FollowCode}) || rows[0].State != bot.FollowPlanned {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	keys := []string{rows[0].Key}
	if done, err := db.ClaimFollowups(ctx, keys, keys[0], bot.OnUpdateReply, at(6)); err != nil || len(done) != 0 {
		t.Fatalf("claim: %v, %v", done, err)
	}
	if err := db.ConfirmFollowups(ctx, keys, bot.Sent{MessageID: "r1", ThreadID: "th-1"}, at(7)); err != nil {
		t.Fatal(err)
	}
	if done, _ := db.ClaimFollowups(ctx, keys, keys[0], bot.OnUpdateReply, at(8)); len(done) != 1 {
		t.Errorf("a confirmed row was claimed again")
	}
	if err := db.ConfirmFollowups(ctx, keys, bot.Sent{}, at(8)); err == nil {
		t.Errorf("a row confirmed twice")
	}
	_, rows, _ = db.FollowupsOf(ctx, it.ItemID)
	if rows[0].State != bot.FollowSent || rows[0].Sent.MessageID != "r1" || rows[0].Mode != bot.OnUpdateReply || rows[0].Attempts != 1 {
		t.Errorf("confirmed row %+v", rows[0])
	}

	// Stars cross 1,000 (from the 150 the message shows now), then the
	// message is deleted: recorded, and nothing is detected for it again.
	p.GitHubStars = 1200
	if err := db.SaveRefreshed(ctx, p, bot.Linked{}, at(100), at(9)); err != nil {
		t.Fatal(err)
	}
	items, _ = db.ChangedItems(ctx, plats, at(-60), 10)
	changes = bot.Detect(items[0].Shown, items[0].Now())
	if len(changes) != 1 || changes[0] != (bot.Change{Kind: bot.FollowStars, Value: 1000}) {
		t.Fatalf("changes %+v", changes)
	}
	if _, err := db.PlanFollowups(ctx, items[0], changes, items[0].Now(), at(10)); err != nil {
		t.Fatal(err)
	}
	if err := db.FollowupsGone(ctx, it.ItemID, "deleted", at(11)); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenFollowupItems(ctx, at(12), 10); len(open) != 0 {
		t.Errorf("open after the message was deleted: %v", open)
	}
	p.GitHubStars = 20000
	if err := db.SaveRefreshed(ctx, p, bot.Linked{}, at(100), at(13)); err != nil {
		t.Fatal(err)
	}
	if items, _ := db.ChangedItems(ctx, plats, at(-60), 10); len(items) != 0 {
		t.Errorf("a deleted message is still followed: %+v", items)
	}
	if ids, _ := db.DueRefreshes(ctx, plats, at(-60), at(200), 10); slices.Contains(ids, p.ID) {
		t.Errorf("a paper only a deleted message shows is still refreshed")
	}
}

func TestFollowupStoreStopAndResume(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	papers := codelessPapers(t, db, 1)
	ch := bot.ChannelRef{Platform: "slack", ID: "C1"}
	postItems(t, db, papers, ch)
	p := papers[0]
	p.Version = 2
	if _, err := db.SaveAnnounced(ctx, day2, []bot.Announced{{Paper: p, Type: "replace"}}, false, at(3)); err != nil {
		t.Fatal(err)
	}
	items, err := db.ChangedItems(ctx, []string{"slack"}, at(-60), 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("a new version from arXiv: %+v, %v", items, err)
	}
	if _, err := db.PlanFollowups(ctx, items[0], bot.Detect(items[0].Shown, items[0].Now()), items[0].Now(), at(4)); err != nil {
		t.Fatal(err)
	}
	_, rows, _ := db.FollowupsOf(ctx, items[0].ItemID)
	keys := []string{rows[0].Key}
	if _, err := db.ClaimFollowups(ctx, keys, keys[0], bot.OnUpdateEdit, at(5)); err != nil {
		t.Fatal(err)
	}
	if err := db.StopFollowups(ctx, ch, keys, "paperboy lacks a permission", at(5)); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenFollowupItems(ctx, at(6), 10); len(open) != 0 {
		t.Errorf("open while stopped: %v", open)
	}
	report, stopped, since, err := db.FollowupReport(ctx, ch, at(-60))
	if err != nil || stopped != "paperboy lacks a permission" || !since.Equal(at(5)) || len(report) != 1 || report[0].State != bot.FollowPlanned {
		t.Errorf("report %+v %q %v %v", report, stopped, since, err)
	}
	if err := db.ResumeFollowups(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenFollowupItems(ctx, at(6), 10); len(open) != 1 {
		t.Errorf("not open after resuming: %v", open)
	}
	// A failure to retry waits until its next time.
	if err := db.FollowupsFailed(ctx, keys, "HTTP 500", at(30), false, at(6)); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenFollowupItems(ctx, at(7), 10); len(open) != 0 {
		t.Errorf("retried before its time: %v", open)
	}
	if err := db.FollowupsFailed(ctx, keys, "HTTP 400", at(30), true, at(31)); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenFollowupItems(ctx, at(40), 10); len(open) != 0 {
		t.Errorf("a failed row is retried: %v", open)
	}
}

// Hugging Face serves v1's title for a while after arXiv announced v2: a
// list poll must not undo the new version's title and abstract.
func TestFollowupNewVersionTitleSurvivesListPoll(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	p := codelessPapers(t, db, 1)[0]
	v2 := bot.Paper{ID: p.ID, Title: "A new title", Abstract: "The v2 abstract.", Version: 2, Categories: []string{"cs.LG"}}
	if _, err := db.SaveAnnounced(ctx, day2, []bot.Announced{{Paper: v2, Type: "replace"}}, false, at(1)); err != nil {
		t.Fatal(err)
	}
	old := p
	old.Upvotes = 2000
	if _, err := db.SaveLiveList(ctx, day1, []bot.Paper{old}, at(2)); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetPaper(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "A new title" || got.Abstract != "The v2 abstract." || got.Upvotes != 2000 || got.Version != 2 {
		t.Errorf("after a list poll: title %q, abstract %q, upvotes %d, version %d", got.Title, got.Abstract, got.Upvotes, got.Version)
	}
	// A v3 from arXiv replaces it again.
	v3 := v2
	v3.Title, v3.Version = "A third title", 3
	if _, err := db.SaveAnnounced(ctx, day3, []bot.Announced{{Paper: v3, Type: "replace"}}, false, at(3)); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetPaper(ctx, p.ID); got.Title != "A third title" {
		t.Errorf("v3's title: %q", got.Title)
	}
	if ids, err := db.SearchIDs(ctx, []string{"third"}, 5); err != nil || len(ids) != 1 {
		t.Errorf("the new title is not indexed: %v, %v", ids, err)
	}
}

// Each change of a paper is recorded once, whatever the channels: what a
// watcher of the paper is to be told.
func TestFollowupPaperChangesOnceAcrossChannels(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	p := codelessPapers(t, db, 1)[0]
	postItems(t, db, []bot.Paper{p}, bot.ChannelRef{Platform: "discord", ID: "1"}, bot.ChannelRef{Platform: "slack", ID: "C1"})
	ann := bot.UserRef{Platform: "discord", ID: "501"}
	if watching, _, err := db.ToggleWatch(ctx, ann, p.ID, 10, at(1)); err != nil || !watching {
		t.Fatalf("watch: %v %v", watching, err)
	}
	p.GitHubRepo = "https://github.com/a/b"
	if err := db.SaveRefreshed(ctx, p, bot.Linked{}, at(100), at(2)); err != nil {
		t.Fatal(err)
	}
	items, err := db.ChangedItems(ctx, []string{"discord", "slack"}, at(-60), 10)
	if err != nil || len(items) != 2 {
		t.Fatalf("items %+v %v", items, err)
	}
	for _, it := range items {
		if n, err := db.PlanFollowups(ctx, it, bot.Detect(it.Shown, it.Now()), it.Now(), at(3)); err != nil || n != 1 {
			t.Fatalf("plan: %d %v", n, err)
		}
	}
	// The watcher is told once, though two channels saw the change.
	b, err := db.TakeBatch(ctx, ann, time.Time{}, at(4))
	if err != nil || b == nil || len(b.Watched) != 1 || b.Watched[0].Paper.ID != p.ID || b.Watched[0].Change.Kind != bot.FollowCode ||
		!b.Watched[0].Detected.Equal(at(3)) {
		t.Fatalf("the watcher's batch %+v %v", b, err)
	}
}
