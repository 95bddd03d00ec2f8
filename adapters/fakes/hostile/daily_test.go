package hostile

import (
	"encoding/json"
	"testing"
)

func TestDailyList(t *testing.T) {
	list := DailyList()
	good := 0
	ids := map[string]bool{}
	for _, e := range list {
		if (e.ID == "") == (e.Skip == "") {
			t.Errorf("%s: exactly one of ID and Skip must be set", e.Name)
		}
		if e.ID != "" {
			good++
			if ids[e.ID] {
				t.Errorf("%s: id %s twice", e.Name, e.ID)
			}
			ids[e.ID] = true
		}
	}
	if len(list) < 40 || good != 50 {
		t.Errorf("%d elements, %d good; want at least 40 and 50 good (a digest's most)", len(list), good)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(DailyListJSON(), &arr); err != nil || len(arr) != len(list) {
		t.Errorf("DailyListJSON: %d elements, %v", len(arr), err)
	}
}
