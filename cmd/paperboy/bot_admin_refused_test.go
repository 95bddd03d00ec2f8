package main_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/paperboy-bot/paperboy/bot"
)

// Every /papers-admin command is refused to a member who may not manage
// the channel, whatever the adapter said before, and changes nothing.
func TestAdminCommandsRefusedToMembers(t *testing.T) {
	f := newFixture(t)
	c := commands(f)
	before := f.channel(t)
	for _, sub := range bot.AdminSubs {
		cmd := papersCmd(sub, map[string]string{"time": "07:00", "count": "3", "filter": "x"})
		cmd.Name = bot.CmdAdmin // in the fixture's configured channel, CanManage false
		r := c.Handle(context.Background(), cmd)
		if !r.Error || !strings.Contains(r.Plain(), "Only members who can manage this channel") {
			t.Errorf("%s by a member: %s", sub, r.Plain())
		}
	}
	after := f.channel(t)
	if !reflect.DeepEqual(after.Settings, before.Settings) || after.Stopped != before.Stopped {
		t.Errorf("settings changed: %+v, then %+v", before.Settings, after.Settings)
	}
}
