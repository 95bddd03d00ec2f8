package store

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/paperboy-bot/paperboy/bot"
)

func TestRuns(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	ch := bot.ChannelRef{Platform: "discord", ID: "42"}
	other := bot.ChannelRef{Platform: "slack", ID: "42"}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}

	// Nothing yet.
	if _, err := db.LastRun(ctx, ch); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("LastRun(no runs): err = %v, want ErrNotFound", err)
	}
	if _, err := db.LastPosted(ctx, ch); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("LastPosted(no runs): err = %v, want ErrNotFound", err)
	}
	if s, err := db.LastSlot(ctx, ch); err != nil || !s.IsZero() {
		t.Errorf("LastSlot(no runs) = %v, %v; want the zero time", s, err)
	}

	slot1 := time.Date(2026, time.March, 2, 9, 0, 0, 0, berlin) // a channel's local slot
	slot2 := slot1.AddDate(0, 0, 1)
	slot3 := slot1.AddDate(0, 0, 2)
	waiting := bot.Run{Channel: ch, Slot: slot1, At: slot1.Add(time.Second), ListDate: day1,
		Outcome: bot.OutcomeWaiting, Reason: "list not out yet", RetryAt: slot1.Add(15 * time.Minute)}
	posted := bot.Run{Channel: ch, Slot: slot1, At: slot1.Add(15*time.Minute + 123456789), ListDate: day1,
		Outcome: bot.OutcomePosted, Papers: 7}
	empty := bot.Run{Channel: ch, Slot: slot2, At: slot2.Add(time.Second), ListDate: day2,
		Outcome: bot.OutcomeEmpty, Reason: "all 12 papers were below 5 upvotes (best: 4)"}
	manual := bot.Run{Channel: ch, At: slot2.Add(3 * time.Hour), ListDate: day2, Outcome: bot.OutcomePosted, Papers: 2}
	late := bot.Run{Channel: ch, Slot: slot3, At: slot3.Add(time.Second), ListDate: day3,
		Outcome: bot.OutcomeWaiting, Reason: "huggingface: 503", RetryAt: slot3.Add(5 * time.Minute)}
	elsewhere := bot.Run{Channel: other, Slot: slot3.Add(time.Hour), At: slot3.Add(time.Hour), ListDate: day3,
		Outcome: bot.OutcomeSkipped}

	step := func(name string, r bot.Run, wantLast, wantPosted bot.Run, wantSlot time.Time) {
		t.Helper()
		if err := db.RecordRun(ctx, r); err != nil {
			t.Fatalf("%s: RecordRun: %v", name, err)
		}
		last, err := db.LastRun(ctx, ch)
		if err != nil {
			t.Fatalf("%s: LastRun: %v", name, err)
		}
		if diff := cmp.Diff(wantLast, last); diff != "" {
			t.Errorf("%s: LastRun (-want +got):\n%s", name, diff)
		}
		if wantPosted.Outcome == "" {
			if _, err := db.LastPosted(ctx, ch); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("%s: LastPosted: err = %v, want ErrNotFound", name, err)
			}
		} else {
			lp, err := db.LastPosted(ctx, ch)
			if err != nil {
				t.Fatalf("%s: LastPosted: %v", name, err)
			}
			if diff := cmp.Diff(wantPosted, lp); diff != "" {
				t.Errorf("%s: LastPosted (-want +got):\n%s", name, diff)
			}
		}
		slot, err := db.LastSlot(ctx, ch)
		if err != nil {
			t.Fatalf("%s: LastSlot: %v", name, err)
		}
		if !slot.Equal(wantSlot) {
			t.Errorf("%s: LastSlot = %v, want %v", name, slot, wantSlot)
		}
	}
	none := bot.Run{}
	// A waiting run does not complete its slot.
	step("waiting", waiting, waiting, none, time.Time{})
	step("posted", posted, posted, posted, slot1)
	step("empty", empty, empty, posted, slot2)
	// A digest run by hand has no slot: it never counts as the schedule's.
	step("manual", manual, manual, manual, slot2)
	step("late waiting", late, late, manual, slot2)
	// Another channel's runs are its own.
	step("other channel", elsewhere, late, manual, slot2)
	if s, err := db.LastSlot(ctx, other); err != nil || !s.Equal(elsewhere.Slot) {
		t.Errorf("LastSlot(other) = %v, %v; want %v", s, err, elsewhere.Slot)
	}
	// A catch-up recorded after a newer slot: the newest slot still wins.
	catchUp := bot.Run{Channel: ch, Slot: slot1.AddDate(0, 0, -1), At: slot3.Add(time.Minute),
		Outcome: bot.OutcomeSkipped, Reason: "catch_up off"}
	step("catch-up of an older slot", catchUp, catchUp, manual, slot2)
	// The slot a final run completes after waiting.
	done := late
	done.Outcome, done.Reason, done.RetryAt, done.Papers, done.At = bot.OutcomePosted, "", time.Time{}, 3, slot3.Add(10*time.Minute)
	step("late posted", done, done, done, slot3)
}

func TestLastSlotManualOnly(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := openDB(t)
	ch := bot.ChannelRef{Platform: "console", ID: "stdout"}
	for i := 0; i < 3; i++ {
		if err := db.RecordRun(ctx, bot.Run{Channel: ch, At: at(i), ListDate: day1, Outcome: bot.OutcomePosted}); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := db.LastSlot(ctx, ch); err != nil || !s.IsZero() {
		t.Errorf("LastSlot(manual runs only) = %v, %v; want the zero time", s, err)
	}
	r, err := db.LastRun(ctx, ch)
	if err != nil || !r.Slot.IsZero() || !r.At.Equal(at(2)) {
		t.Errorf("LastRun = %+v, %v; want the third manual run, no slot", r, err)
	}
}
