package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

// savePapers stores n papers on day and returns them, most upvoted first.
func savePapers(t *testing.T, db *DB, day bot.Date, prefix string, n int) []bot.Paper {
	t.Helper()
	var papers []bot.Paper
	for i := 0; i < n; i++ {
		papers = append(papers, samplePaper(fmt.Sprintf("%s.%05d", prefix, i), 1000-i, day))
	}
	if _, err := db.SavePapers(t.Context(), papers, t0); err != nil {
		t.Fatalf("SavePapers: %v", err)
	}
	return papers
}

func digestOf(day bot.Date, papers ...bot.Paper) *bot.Digest {
	d := &bot.Digest{ListDate: day}
	for i, p := range papers {
		d.Items = append(d.Items, bot.Item{Rank: i + 1, Paper: p})
	}
	return d
}

func TestPlanDigest(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	papers := savePapers(t, db, day1, "2603", 5)
	ch := bot.ChannelRef{Platform: "discord", ID: "42"}

	d := digestOf(day1, papers[0], papers[1], papers[2])
	plan, created, err := db.PlanDigest(ctx, ch, d, at(1))
	if err != nil {
		t.Fatalf("PlanDigest: %v", err)
	}
	if !created {
		t.Errorf("first PlanDigest: created = false, want true")
	}
	want := &bot.Plan{
		Channel: ch,
		Digest:  d,
		Header:  bot.Delivery{Key: bot.HeaderKey(ch, day1), Kind: bot.KindHeader, State: bot.StatePlanned},
		Created: at(1),
	}
	for _, it := range d.Items {
		want.Items = append(want.Items, bot.Delivery{Key: bot.ItemKey(ch, it.Paper.ID), Kind: bot.KindItem,
			State: bot.StatePlanned, PaperID: it.Paper.ID, Rank: it.Rank})
	}
	if diff := cmp.Diff(want, plan); diff != "" {
		t.Errorf("PlanDigest plan (-want +got):\n%s", diff)
	}
	if plan.Done() || plan.SentCount() != 0 {
		t.Errorf("new plan: Done %v, SentCount %d; want false, 0", plan.Done(), plan.SentCount())
	}
	got, err := db.GetPlan(ctx, ch, day1)
	if err != nil {
		t.Fatalf("GetPlan: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GetPlan (-want +got):\n%s", diff)
	}

	raw := openRaw(t, path, "")
	rows := func() int { return count(t, raw, `SELECT count(*) FROM deliveries`) }
	if n := rows(); n != 4 {
		t.Fatalf("deliveries has %d rows, want 4 (a header and 3 items)", n)
	}

	// The same channel and date again (a restart, a second command): the
	// existing plan, nothing written, even if the selection changed since.
	again, created, err := db.PlanDigest(ctx, ch, digestOf(day1, papers[3], papers[0]), at(2))
	if err != nil {
		t.Fatalf("second PlanDigest: %v", err)
	}
	if created {
		t.Errorf("second PlanDigest: created = true, want false")
	}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("second PlanDigest returned (-want +got):\n%s", diff)
	}
	if n := rows(); n != 4 {
		t.Errorf("deliveries has %d rows after a second PlanDigest, want 4", n)
	}

	// Another date with a paper already planned for the channel: a
	// conflict, and nothing of the attempt is kept.
	_, _, err = db.PlanDigest(ctx, ch, digestOf(day2, papers[3], papers[1], papers[4]), at(3))
	if code := bot.ErrorCode(err); code != bot.EConflict {
		t.Fatalf("PlanDigest with a planned paper: err = %v (code %q), want code %q", err, code, bot.EConflict)
	}
	if !strings.Contains(err.Error(), papers[1].ID) {
		t.Errorf("conflict message %q does not name paper %s", err, papers[1].ID)
	}
	if n := rows(); n != 4 {
		t.Errorf("deliveries has %d rows after a conflicting plan, want 4 (rolled back)", n)
	}
	if _, err := db.GetPlan(ctx, ch, day2); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetPlan of the failed plan: err = %v, want ErrNotFound", err)
	}
	planned, err := db.PlannedPapers(ctx, ch, []string{papers[3].ID, papers[4].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(planned) != 0 {
		t.Errorf("papers of the failed plan are marked planned: %v", planned)
	}
	// Without the planned paper, that date plans fine.
	if _, created, err := db.PlanDigest(ctx, ch, digestOf(day2, papers[3], papers[4]), at(4)); err != nil || !created {
		t.Errorf("PlanDigest after a conflict: created %v, err %v; want true, nil", created, err)
	}

	// The same paper for another channel is fine: "never twice" is per channel.
	other := bot.ChannelRef{Platform: "slack", ID: "42"}
	if _, created, err := db.PlanDigest(ctx, other, digestOf(day1, papers[0], papers[1]), at(5)); err != nil || !created {
		t.Errorf("PlanDigest for another channel: created %v, err %v; want true, nil", created, err)
	}
	// An empty digest plans a header alone.
	empty, created, err := db.PlanDigest(ctx, other, digestOf(day3), at(6))
	if err != nil || !created || len(empty.Items) != 0 || empty.Header.Key != bot.HeaderKey(other, day3) {
		t.Errorf("empty PlanDigest = %+v, %v, %v; want a header alone", empty, created, err)
	}
	if _, err := db.GetPlan(ctx, ch, day3); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("GetPlan(unknown date): err = %v, want ErrNotFound", err)
	}
}

func TestPlannedPapersManyIDs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	papers := savePapers(t, db, day1, "2604", 1300)
	ch := bot.ChannelRef{Platform: "discord", ID: "1"}
	// Plan every other paper, in three digests: 650 planned ids.
	var chosen []bot.Paper
	for i := 0; i < len(papers); i += 2 {
		chosen = append(chosen, papers[i])
	}
	for i, day := range []bot.Date{day1, day2, day3} {
		lo, hi := i*len(chosen)/3, (i+1)*len(chosen)/3
		if _, _, err := db.PlanDigest(ctx, ch, digestOf(day, chosen[lo:hi]...), t0); err != nil {
			t.Fatalf("PlanDigest: %v", err)
		}
	}
	want := map[string]bool{}
	for _, p := range chosen {
		want[p.ID] = true
	}
	var ask []string
	for _, p := range papers {
		ask = append(ask, p.ID)
	}
	ask = append(ask, "2604.99999", "not-an-id", "")
	got, err := db.PlannedPapers(ctx, ch, ask)
	if err != nil {
		t.Fatalf("PlannedPapers: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PlannedPapers (-want +got):\n%s", diff)
	}
	// Asked exactly at the batch size, and in reverse order.
	rev := make([]string, 0, 500)
	for i := len(papers) - 1; len(rev) < 500; i-- {
		rev = append(rev, papers[i].ID)
	}
	got, err = db.PlannedPapers(ctx, ch, rev)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Errorf("PlannedPapers(500 ids) = %d planned, want 250", len(got))
	}
	for _, other := range []bot.ChannelRef{{Platform: "discord", ID: "2"}, {Platform: "slack", ID: "1"}} {
		got, err := db.PlannedPapers(ctx, other, ask)
		if err != nil || len(got) != 0 {
			t.Errorf("PlannedPapers(%v) = %d planned, %v; want none", other, len(got), err)
		}
	}
	if got, err := db.PlannedPapers(ctx, ch, nil); err != nil || len(got) != 0 {
		t.Errorf("PlannedPapers(no ids) = %v, %v; want empty, nil", got, err)
	}
}

func TestClaimConfirmFailed(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	papers := savePapers(t, db, day1, "2603", 2)
	ch := bot.ChannelRef{Platform: "discord", ID: "42"}
	if _, _, err := db.PlanDigest(ctx, ch, digestOf(day1, papers...), t0); err != nil {
		t.Fatal(err)
	}
	hk, ik := bot.HeaderKey(ch, day1), bot.ItemKey(ch, papers[0].ID)
	row := func(key string) bot.Delivery {
		t.Helper()
		p, err := db.GetPlan(ctx, ch, day1)
		if err != nil {
			t.Fatalf("GetPlan: %v", err)
		}
		for _, d := range append([]bot.Delivery{p.Header}, p.Items...) {
			if d.Key == key {
				return d
			}
		}
		t.Fatalf("no row %s in the plan", key)
		return bot.Delivery{}
	}
	claim := func(key string, want bot.DeliveryState) {
		t.Helper()
		got, err := db.Claim(ctx, key, at(1))
		if err != nil {
			t.Fatalf("Claim(%s): %v", key, err)
		}
		if got != want {
			t.Errorf("Claim(%s) = %q, want %q", key, got, want)
		}
	}

	claim(hk, bot.StatePlanned)
	if d := row(hk); d.State != bot.StateSending || d.Attempts != 1 {
		t.Errorf("after a claim: state %q, attempts %d; want sending, 1", d.State, d.Attempts)
	}
	// A crash after the claim: the next claim says an attempt may have posted.
	claim(hk, bot.StateSending)
	if err := db.Failed(ctx, hk, "discord: 503 Service Unavailable", at(2)); err != nil {
		t.Fatalf("Failed: %v", err)
	}
	if d := row(hk); d.State != bot.StateSending || d.Attempts != 2 || d.Error != "discord: 503 Service Unavailable" {
		t.Errorf("after Failed: %+v; want sending, 2 attempts, the error", d)
	}
	long := strings.Repeat("é", 600)
	if err := db.Failed(ctx, hk, long, at(2)); err != nil {
		t.Fatalf("Failed(long): %v", err)
	}
	if d := row(hk); len(d.Error) == 0 || len([]rune(d.Error)) > 501 {
		t.Errorf("a long error is kept as %d runes, want it truncated to about 500", len([]rune(d.Error)))
	}
	sent := bot.Sent{MessageID: "m-1", ThreadID: "t-1"}
	if err := db.Confirm(ctx, hk, sent, at(3)); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	want := bot.Delivery{Key: hk, Kind: bot.KindHeader, State: bot.StateSent, Sent: sent, Attempts: 2}
	if diff := cmp.Diff(want, row(hk)); diff != "" {
		t.Errorf("after Confirm (-want +got):\n%s", diff)
	}
	// A sent row is never claimed again, and nothing about it changes.
	claim(hk, bot.StateSent)
	if err := db.Failed(ctx, hk, "late error", at(4)); err != nil {
		t.Fatalf("Failed on a sent row: %v", err)
	}
	if diff := cmp.Diff(want, row(hk)); diff != "" {
		t.Errorf("sent row changed by Claim/Failed (-want +got):\n%s", diff)
	}

	// Items are independent of the header.
	if d := row(ik); d.State != bot.StatePlanned || d.Attempts != 0 {
		t.Errorf("item touched by the header's claims: %+v", d)
	}
	claim(ik, bot.StatePlanned)
	if err := db.Confirm(ctx, ik, bot.Sent{MessageID: "m-2"}, at(5)); err != nil {
		t.Fatal(err)
	}
	if d := row(ik); d.State != bot.StateSent || d.Sent.MessageID != "m-2" || d.Attempts != 1 {
		t.Errorf("item after claim and confirm: %+v", d)
	}
	p, err := db.GetPlan(ctx, ch, day1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Done() || p.SentCount() != 1 {
		t.Errorf("plan: Done %v, SentCount %d; want false, 1", p.Done(), p.SentCount())
	}
	counts, err := db.DeliveryCounts(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[bot.DeliveryState]int{bot.StateSent: 1, bot.StatePlanned: 1}, counts); diff != "" {
		t.Errorf("DeliveryCounts (-want +got):\n%s", diff)
	}

	// Unknown keys.
	unknown := bot.ItemKey(ch, "2603.99999")
	if _, err := db.Claim(ctx, unknown, at(6)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Claim(unknown): err = %v, want ErrNotFound", err)
	}
	if err := db.Confirm(ctx, unknown, sent, at(6)); err == nil {
		t.Errorf("Confirm(unknown) succeeded, want an error")
	}
}

func TestOpenPlans(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	papers := savePapers(t, db, day1, "2603", 6)
	ch := bot.ChannelRef{Platform: "discord", ID: "42"}
	other := bot.ChannelRef{Platform: "discord", ID: "43"}
	days := []bot.Date{day1, day2, day3}
	for i, d := range days {
		if _, _, err := db.PlanDigest(ctx, ch, digestOf(d, papers[2*i], papers[2*i+1]), at(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.PlanDigest(ctx, other, digestOf(day1, papers[0]), at(9)); err != nil {
		t.Fatal(err)
	}
	open := func(step string, want ...bot.Date) {
		t.Helper()
		plans, err := db.OpenPlans(ctx, ch)
		if err != nil {
			t.Fatalf("%s: OpenPlans: %v", step, err)
		}
		var got []bot.Date
		for _, p := range plans {
			if p.Channel != ch {
				t.Errorf("%s: OpenPlans returned a plan of %v", step, p.Channel)
			}
			if p.Done() {
				t.Errorf("%s: OpenPlans returned the finished plan of %v", step, p.Digest.ListDate)
			}
			got = append(got, p.Digest.ListDate)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: OpenPlans dates (-want +got):\n%s", step, diff)
		}
	}
	confirm := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, err := db.Claim(ctx, k, at(20)); err != nil {
				t.Fatal(err)
			}
			if err := db.Confirm(ctx, k, bot.Sent{MessageID: k}, at(20)); err != nil {
				t.Fatal(err)
			}
		}
	}
	open("all planned", day1, day2, day3)

	// Header sent, items not: still open.
	confirm(bot.HeaderKey(ch, day1))
	open("day1 header sent", day1, day2, day3)
	confirm(bot.ItemKey(ch, papers[0].ID), bot.ItemKey(ch, papers[1].ID))
	open("day1 done", day2, day3)

	// Items sent, header not (cannot happen in order, but the row is open).
	confirm(bot.ItemKey(ch, papers[4].ID), bot.ItemKey(ch, papers[5].ID))
	open("day3 items sent", day2, day3)
	// A claimed (sending) row is open too.
	if _, err := db.Claim(ctx, bot.HeaderKey(ch, day3), at(21)); err != nil {
		t.Fatal(err)
	}
	open("day3 header claimed", day2, day3)
	confirm(bot.HeaderKey(ch, day3), bot.HeaderKey(ch, day2), bot.ItemKey(ch, papers[2].ID), bot.ItemKey(ch, papers[3].ID))
	open("all done")

	// The other channel's plan is untouched by all this.
	plans, err := db.OpenPlans(ctx, other)
	if err != nil || len(plans) != 1 || plans[0].Digest.ListDate != day1 {
		t.Errorf("OpenPlans(other) = %v, %v; want its day1 plan", plans, err)
	}
	if plans, err := db.OpenPlans(ctx, bot.ChannelRef{Platform: "x", ID: "y"}); err != nil || len(plans) != 0 {
		t.Errorf("OpenPlans(unknown channel) = %v, %v; want none", plans, err)
	}
}

func TestSchemaRejectsDuplicateDeliveries(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, path := openDB(t)
	papers := savePapers(t, db, day1, "2603", 2)
	ch := bot.ChannelRef{Platform: "discord", ID: "42"}
	if _, _, err := db.PlanDigest(ctx, ch, digestOf(day1, papers[0]), t0); err != nil {
		t.Fatal(err)
	}
	raw := openRaw(t, path, "_foreign_keys=on")
	var headerID int64
	if err := raw.QueryRow(`SELECT id FROM deliveries WHERE key = ?`, bot.HeaderKey(ch, day1)).Scan(&headerID); err != nil {
		t.Fatal(err)
	}
	insertHeader := `INSERT INTO deliveries (key, kind, platform, target, list_date, state, created_at)
		VALUES (?, 'header', ?, ?, ?, 'planned', '')`
	insertItem := `INSERT INTO deliveries (key, kind, platform, target, list_date, paper_id, rank, header_id, state, created_at)
		VALUES (?, 'item', ?, ?, ?, ?, 1, ?, 'planned', '')`
	tests := []struct {
		name  string
		query string
		args  []any
	}{
		// Keys differ, so only the unique indexes on what the rows mean can refuse them.
		{"second header for the channel and date", insertHeader, []any{"dup-h", ch.Platform, ch.ID, day1.String()}},
		{"same header key", insertHeader, []any{bot.HeaderKey(ch, day1), ch.Platform, ch.ID, day2.String()}},
		{"paper again for the channel", insertItem, []any{"dup-i", ch.Platform, ch.ID, day2.String(), papers[0].ID, headerID}},
		{"same item key", insertItem, []any{bot.ItemKey(ch, papers[0].ID), ch.Platform, ch.ID, day1.String(), papers[1].ID, headerID}},
	}
	before := count(t, raw, `SELECT count(*) FROM deliveries`)
	for _, tt := range tests {
		if _, err := raw.Exec(tt.query, tt.args...); err == nil {
			t.Errorf("%s: insert succeeded, want a unique constraint error", tt.name)
		} else if !strings.Contains(err.Error(), "UNIQUE") {
			t.Errorf("%s: err = %v, want a UNIQUE constraint error", tt.name, err)
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM deliveries`); n != before {
		t.Errorf("deliveries has %d rows, want %d", n, before)
	}
	// The same inserts for another channel are accepted: the refusals above
	// were about uniqueness, not a malformed row.
	if _, err := raw.Exec(insertHeader, "ok-h", ch.Platform, "other", day1.String()); err != nil {
		t.Errorf("header for another channel: %v", err)
	}
	if _, err := raw.Exec(insertItem, "ok-i", ch.Platform, "other", day1.String(), papers[0].ID, headerID); err != nil {
		t.Errorf("item for another channel: %v", err)
	}
}
