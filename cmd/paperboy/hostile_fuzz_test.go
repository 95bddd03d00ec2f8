package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/adapters/discord"
	discordfake "github.com/paperboy-bot/paperboy/adapters/fakes/discord"
	"github.com/paperboy-bot/paperboy/adapters/fakes/hostile"
	slackfake "github.com/paperboy-bot/paperboy/adapters/fakes/slack"
	"github.com/paperboy-bot/paperboy/adapters/huggingface"
	"github.com/paperboy-bot/paperboy/adapters/slack"
	"github.com/paperboy-bot/paperboy/bot"
	"github.com/paperboy-bot/paperboy/store"
)

// renderRig is what FuzzElementToPlatforms sends through, built once per
// fuzzing process: a real store, the Discord and Slack adapters and the
// fakes they talk to.
type renderRig struct {
	db    *store.DB
	dc    *discord.Discord
	sl    *slack.Slack
	dfake *discordfake.Server
	sfake *slackfake.Server
	n     atomic.Int64
	mu    sync.Mutex // one input at a time: the checks read the fakes' requests
}

var (
	renderRigOnce sync.Once
	theRenderRig  *renderRig
	renderRigErr  error
)

func getRig() (*renderRig, error) {
	renderRigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "paperboy-fuzz-")
		if err != nil {
			renderRigErr = err
			return
		}
		r := &renderRig{dfake: discordfake.New(), sfake: slackfake.New()}
		r.dfake.SetToken(fakeDiscordToken)
		r.dfake.SetBotUser("9001", "paperboy")
		all := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionCreatePublicThreads |
			discordgo.PermissionSendMessagesInThreads | discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory)
		r.dfake.AddGuild(discordfake.Guild{ID: "9000", OwnerID: "1", Roles: []discordfake.Role{{ID: "9000", Permissions: all}},
			Members: []discordfake.Member{{UserID: "9001"}}})
		r.dfake.AddChannel(discordfake.Channel{ID: "100", GuildID: "9000", Type: discordgo.ChannelTypeGuildText, Name: "papers"})
		r.dfake.AddUser("42", "reader")
		r.sfake.SetToken(fakeSlackBot)
		r.sfake.SetBotUser("U0BOT", "T100")
		r.sfake.AddChannel(slackfake.Channel{ID: "C100", Name: "papers", Members: []string{"U0BOT"}})
		r.sfake.AddUser(slackfake.User{ID: "U42", Name: "reader"})
		if r.db, renderRigErr = store.Open(context.Background(), filepath.Join(dir, "p.db")); renderRigErr != nil {
			return
		}
		if r.dc, renderRigErr = discord.New(discord.Options{Token: fakeDiscordToken, APIURL: r.dfake.URL(), Retries: -1}); renderRigErr != nil {
			return
		}
		if r.sl, renderRigErr = slack.New(slack.Options{BotToken: fakeSlackBot, APIURL: r.sfake.APIURL(), Retries: -1}); renderRigErr != nil {
			return
		}
		theRenderRig = r
	})
	return theRenderRig, renderRigErr
}

// FuzzElementToPlatforms: any list element JSON, parsed as Hugging Face
// sends it, stored in a real SQLite store, read back and sent through the
// Discord and Slack adapters (a digest's header and card, and a direct
// message of search-like lines: the title as a link, a snippet with a
// highlight) to the fakes, which refuse what the platforms refuse: nothing
// is refused, and every body keeps the invariants of TestHostileDailyList
// (limits in code points and UTF-16 units, no invisible character but a
// defused mention's or an emoji's, no link that unfurls, invites or shows
// another address than its target). An element parsed as a paper is
// always stored.
func FuzzElementToPlatforms(f *testing.F) {
	for _, e := range hostile.DailyList() {
		f.Add([]byte(e.JSON))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := getRig()
		if err != nil {
			t.Fatal(err)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		ctx := context.Background()
		p, err := huggingface.ParseElement(data, hostile.DailyDate)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "huggingface: ") || strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("skip reason %q is not one line", err)
			}
			return
		}
		res, err := r.db.SavePapers(ctx, []bot.Paper{p}, time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC))
		if err != nil || len(res.Skipped) != 0 {
			t.Fatalf("a parsed paper was not stored: %v %+v", err, res.Skipped)
		}
		stored, err := r.db.GetPaper(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.sendAll(t, stored)
	})
}

// sendAll sends p through both adapters and checks what the fakes got.
func (r *renderRig) sendAll(t *testing.T, p bot.Paper) {
	t.Helper()
	ctx := context.Background()
	n := r.n.Add(1)
	r.dfake.ClearRequests()
	r.sfake.ClearRequests()
	d := &bot.Digest{ListDate: hostile.DailyDate, Items: []bot.Item{{Rank: 1, Paper: p}}}
	words := strings.Fields(p.Abstract)
	query := "paper"
	if len(words) > 0 {
		query = words[len(words)/2]
	}
	q, err := bot.ParseQuery(query, time.Now())
	if err != nil {
		q = nil
	}
	reply := bot.Reply{Title: "3 papers match", Lines: []bot.Line{
		{bot.Text("1. "), bot.Link(bot.Truncate(p.DisplayTitle(), 200), p.HuggingFaceURL()), bot.Text(" · %d upvotes", p.Upvotes)},
		bot.Snippet(p.Abstract, q, bot.SnippetWords),
	}}
	for _, pl := range []struct {
		name string
		p    interface {
			bot.Platform
			bot.DirectMessenger
		}
		channel, user string
	}{{"discord", r.dc, "100", "42"}, {"slack", r.sl, "C100", "U42"}} {
		ch := bot.Channel{ChannelRef: bot.ChannelRef{Platform: pl.name, ID: pl.channel}}
		key := fmt.Sprintf("fuzz:%d", n)
		sent, err := pl.p.Send(ctx, &bot.Message{Key: key + ":h", Channel: ch, Digest: d})
		if err != nil {
			t.Fatalf("%s: header refused: %v", pl.name, err)
		}
		if _, err := pl.p.Send(ctx, &bot.Message{Key: key + ":i", Channel: ch, Digest: d, Item: &d.Items[0], Thread: sent}); err != nil {
			t.Fatalf("%s: card refused: %v", pl.name, err)
		}
		if _, err := pl.p.SendDM(ctx, bot.UserRef{Platform: pl.name, ID: pl.user}, "", &bot.DirectMessage{Key: key + ":dm", Reply: reply}); err != nil {
			t.Fatalf("%s: direct message refused: %v", pl.name, err)
		}
	}
	for _, req := range r.dfake.Requests() {
		if req.Method != "GET" && len(req.Body) > 0 {
			for _, problem := range discordBodyProblems(req.Body) {
				t.Errorf("Discord %s %s: %s", req.Method, req.Path, problem)
			}
		}
	}
	for _, req := range r.sfake.Requests() {
		if req.Method == "chat.postMessage" {
			for _, problem := range slackBodyProblems(req.Params) {
				t.Errorf("Slack %s: %s", req.Method, problem)
			}
		}
	}
}
