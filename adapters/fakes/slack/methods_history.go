package slackfake

// conversations.history and conversations.replies: the latest/oldest
// window, the limit and cursor paging.

import (
	"encoding/base64"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// window is the latest/oldest/inclusive range of a history request.
type window struct {
	oldest, latest int64
	inclusive      bool
}

func (w window) has(micros int64) bool {
	if w.inclusive {
		return micros >= w.oldest && micros <= w.latest
	}
	return micros > w.oldest && micros < w.latest
}

// parseWindow reads latest, oldest and inclusive. Without latest the range
// has no end, without oldest no start.
func parseWindow(p url.Values) (window, string) {
	w := window{oldest: -1, latest: math.MaxInt64, inclusive: boolParam(p.Get("inclusive"))}
	if v := p.Get("latest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_latest"
		}
		w.latest = t
	}
	if v := p.Get("oldest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_oldest"
		}
		w.oldest = t
	}
	return w, ""
}

// parseLimit reads "limit": default def, at most 1000.
func parseLimit(v string, def int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	if n == 0 {
		return def, true
	}
	if n > 1000 {
		n = 1000
	}
	return n, true
}

func encodeCursor(ts string) string {
	return base64.StdEncoding.EncodeToString([]byte("next_ts:" + ts))
}

func decodeCursor(cur string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	ts, ok := strings.CutPrefix(string(b), "next_ts:")
	if !ok {
		return 0, false
	}
	return parseTS(ts)
}

// readableLocked resolves the channel of a history request: the bot must
// be a member.
func (s *Server) readableLocked(p url.Values) (*chanState, string) {
	ch, e := s.resolveLocked(p.Get("channel"), false)
	if e != "" {
		return nil, e
	}
	if !s.botMemberLocked(ch) {
		return nil, "not_in_channel"
	}
	return ch, ""
}

func (s *Server) mHistory(c *call) reply {
	p := c.params
	ch, e := s.readableLocked(p)
	if e != "" {
		return errReply(e)
	}
	limit, ok := parseLimit(p.Get("limit"), 100)
	if !ok {
		return errReply("invalid_limit")
	}
	w, e := parseWindow(p)
	if e != "" {
		return errReply(e)
	}
	start := int64(math.MaxInt64)
	if cur := p.Get("cursor"); cur != "" {
		if start, ok = decodeCursor(cur); !ok {
			return errReply("invalid_cursor")
		}
	}
	meta := boolParam(p.Get("include_all_metadata"))
	var page []map[string]any
	next := ""
	for i := len(ch.top) - 1; i >= 0; i-- {
		m := ch.top[i]
		if m.micros > start || !w.has(m.micros) {
			continue
		}
		if len(page) == limit {
			next = m.TS
			break
		}
		page = append(page, s.wireMessageLocked(m, meta))
	}
	fields := map[string]any{
		"messages":  nonNil(page),
		"has_more":  next != "",
		"pin_count": 0,
	}
	if next != "" {
		fields["response_metadata"] = map[string]any{"next_cursor": encodeCursor(next)}
	}
	return okReply(fields)
}

func (s *Server) mReplies(c *call) reply {
	p := c.params
	ch, e := s.readableLocked(p)
	if e != "" {
		return errReply(e)
	}
	m, ok := ch.byTS[p.Get("ts")]
	if !ok {
		return errReply("thread_not_found")
	}
	limit, ok := parseLimit(p.Get("limit"), 1000)
	if !ok {
		return errReply("invalid_limit")
	}
	w, e := parseWindow(p)
	if e != "" {
		return errReply(e)
	}
	start := int64(math.MinInt64)
	if cur := p.Get("cursor"); cur != "" {
		if start, ok = decodeCursor(cur); !ok {
			return errReply("invalid_cursor")
		}
	}
	meta := boolParam(p.Get("include_all_metadata"))
	root := threadRoot(m)
	items := append([]*msgState{root}, root.replies...)
	var page []map[string]any
	next := ""
	for i, it := range items {
		if it.micros < start || (i > 0 && !w.has(it.micros)) {
			continue
		}
		if len(page) == limit {
			next = it.TS
			break
		}
		page = append(page, s.wireMessageLocked(it, meta))
	}
	fields := map[string]any{
		"messages": nonNil(page),
		"has_more": next != "",
	}
	if next != "" {
		fields["response_metadata"] = map[string]any{"next_cursor": encodeCursor(next)}
	}
	return okReply(fields)
}

func nonNil(page []map[string]any) []map[string]any {
	if page == nil {
		return []map[string]any{}
	}
	return page
}
