package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/bot"
)

// Chatter: other people's messages in the channels, threads and DMs the bot
// posts to. After each kill the crash test buries every message the dead
// process may have sent (a delivery or alert DM part claimed and not
// confirmed) under 101 to 300 newer messages, written straight into the
// fakes' history, so that the next process's lookup must read past the 100
// most recent messages to find it (Discord pages 100 at a time, Slack 200).
// Each claimed message is buried once, and a thread gets at most
// chatterThreadCap messages in all: the lookups read up to 1,000 messages
// (newest first; a Slack thread from its first reply), a documented bound.

const (
	rigChatterDiscord = "7001"  // who talks in the Discord channels and threads
	rigChatterSlack   = "U7001" // and in the Slack ones
	rigDiscordBot     = "9001"
	chatterMin        = 101
	chatterMax        = 300
	chatterThreadCap  = 600
)

type chatter struct {
	buried  map[string]buried // by delivery-log key
	perConv map[string]int    // chatter messages per conversation (and Slack thread)
	total   int
}

// buried is a claimed message and the chatter put after it.
type buried struct {
	platform string
	conv     string // channel, thread (Discord) or DM channel id
	thread   string // Slack: the thread's ts for an item
	first    string // id (ts) of the first chatter message after it
	n        int
}

// bury adds chatter after every message claimed and not confirmed in the
// database that was not buried yet.
func (r *rig) bury() {
	if r.chatter.buried == nil {
		r.chatter.buried, r.chatter.perConv = map[string]buried{}, map[string]int{}
	}
	db, err := sql.Open("sqlite3", "file:"+r.db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	type claimed struct {
		key    string
		b      buried
		dm     string // user id: chatter by them
		thread bool   // an item, in its header's thread
	}
	var todo []claimed
	rows, err := db.Query(`SELECT d.key, d.kind, d.platform, d.target, COALESCE(h.thread_id, '')
		FROM deliveries d LEFT JOIN deliveries h ON h.id = d.header_id WHERE d.state = 'sending'`)
	if err != nil {
		r.t.Fatal(err)
	}
	for rows.Next() {
		var key, kind, platform, target, thread string
		if err := rows.Scan(&key, &kind, &platform, &target, &thread); err != nil {
			r.t.Fatal(err)
		}
		c := claimed{key: key, b: buried{platform: platform, conv: target}, thread: kind == "item"}
		switch {
		case kind == "header" && platform == "discord" && target == rigForum:
			continue // a forum post is found by its name among the active posts
		case kind == "header":
		case thread == "":
			continue
		case platform == "discord":
			c.b.conv = thread
		default:
			c.b.thread = thread
		}
		todo = append(todo, c)
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	rows.Close()
	rows, err = db.Query(`SELECT id, platform, team_id, user_id, parts_sent FROM alert_batches WHERE state = 'sending'`)
	if err != nil {
		r.t.Fatal(err)
	}
	for rows.Next() {
		var b bot.AlertBatch
		var part int
		if err := rows.Scan(&b.ID, &b.User.Platform, &b.User.TeamID, &b.User.ID, &part); err != nil {
			r.t.Fatal(err)
		}
		var conv string
		var ok bool
		if b.User.Platform == "discord" {
			conv, ok = r.dc.DMChannelID(b.User.ID)
		} else {
			conv, ok = r.sl.DMChannelID(b.User.ID)
		}
		if ok { // else no DM was ever sent: nothing to bury
			todo = append(todo, claimed{key: b.Key(part), b: buried{platform: b.User.Platform, conv: conv}, dm: b.User.ID})
		}
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	rows.Close()

	for _, c := range todo {
		if _, done := r.chatter.buried[c.key]; done {
			continue
		}
		where := c.b.conv + "/" + c.b.thread
		n := chatterMin + r.rnd.IntN(chatterMax-chatterMin+1)
		if c.thread {
			n = min(n, chatterThreadCap-r.chatter.perConv[where])
			if n < chatterMin {
				continue
			}
		}
		for i := range n {
			r.chatter.total++
			text := fmt.Sprintf("chatter %d: has anyone tried this on their own data?", r.chatter.total)
			var id string
			var err error
			switch {
			case c.b.platform == "discord":
				author := rigChatterDiscord
				if c.dm != "" {
					author = c.dm
				}
				id, err = r.dc.AddMessage(c.b.conv, author, text)
			default:
				author := rigChatterSlack
				if c.dm != "" {
					author = c.dm
				}
				id, err = r.sl.AddMessage(c.b.conv, slackfake.Message{User: author, Text: text, ThreadTS: c.b.thread})
			}
			if err != nil {
				r.t.Fatalf("chatter in %s: %v", where, err)
			}
			if i == 0 {
				c.b.first = id
			}
		}
		c.b.n = n
		r.chatter.perConv[where] += n
		r.chatter.buried[c.key] = c.b
	}
}

// discordRef is the reference the Discord adapter puts on every message it
// sends for key (adapters/discord refFor): "ref pb" and the first 23 hex
// digits of the key's SHA-256.
func discordRef(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "ref pb" + hex.EncodeToString(sum[:])[:23]
}

// chatterFigures counts, over what the fakes hold at the end, the buried
// messages that had been posted before their chatter (and, the check
// having found each message once, were then found by a lookup that read
// past the 100 most recent messages), and the lookup requests for a page
// after the first.
func (r *rig) chatterFigures() (found, buriedN map[string]int, pages map[string]int) {
	found, buriedN, pages = map[string]int{}, map[string]int{}, map[string]int{}
	discordMsgs := map[string][]discordfake.Message{} // by conversation: read once
	slackMsgs := map[string][]slackfake.Message{}
	for key, b := range r.chatter.buried {
		buriedN[b.platform]++
		var at string
		switch b.platform {
		case "discord":
			ref := discordRef(key)
			msgs, ok := discordMsgs[b.conv]
			if !ok {
				msgs = r.dc.Messages(b.conv)
				discordMsgs[b.conv] = msgs
			}
			for _, m := range msgs {
				emb, _ := json.Marshal(m.Embeds)
				if m.Author.ID == rigDiscordBot && strings.Contains(m.Content+string(emb), ref) {
					at = m.ID
					break
				}
			}
		case "slack":
			msgs, ok := slackMsgs[b.conv+"/"+b.thread]
			if !ok {
				if msgs = r.sl.Messages(b.conv); b.thread != "" {
					msgs = r.sl.Replies(b.conv, b.thread)
				}
				slackMsgs[b.conv+"/"+b.thread] = msgs
			}
			for _, m := range msgs {
				var p struct {
					Key string `json:"key"`
				}
				if m.User == rigSlackBot && json.Unmarshal(m.EventPayload, &p) == nil && p.Key == key {
					at = m.TS
					break
				}
			}
		}
		if at != "" && idBefore(at, b.first) {
			found[b.platform]++
		}
	}
	for _, q := range r.dc.Requests() {
		if q.Method == "GET" && strings.HasSuffix(q.Path, "/messages") && q.Query.Get("before") != "" {
			pages["discord"]++
		}
	}
	for _, q := range r.sl.Requests() {
		if (q.Method == "conversations.history" || q.Method == "conversations.replies") && q.Params.Get("cursor") != "" {
			pages["slack"]++
		}
	}
	return found, buriedN, pages
}

// idBefore compares Discord snowflakes and Slack timestamps: a shorter id
// is older, ids of one length compare as strings.
func idBefore(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// logChatter logs the chatter's figures.
func (r *rig) logChatter() {
	found, n, pages := r.chatterFigures()
	r.t.Logf("chatter: %d messages by other people after %d claimed messages (Discord %d, Slack %d); of these, %d (Discord %d, Slack %d) had been posted and were found under 101 to 300 newer messages; lookup requests for a later page: Discord %d (past 100), Slack %d (past 200)",
		r.chatter.total, n["discord"]+n["slack"], n["discord"], n["slack"], found["discord"]+found["slack"], found["discord"], found["slack"],
		pages["discord"], pages["slack"])
}
