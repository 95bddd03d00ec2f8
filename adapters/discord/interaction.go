package discord

// An interaction, as the gateway delivers it, becomes a bot.Command only
// when it is one of paperboy's commands as registered (CommandDefinitions):
// a known command and subcommand, known options of the registered types,
// each at most once, strings within their registered length. Anything else
// gets a one-line reason.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/paperboy-bot/paperboy/bot"
)

// maxOptionName is Discord's limit on an option's name.
const maxOptionName = 32

// commandSpec is one registered (sub)command: its options by name.
type commandSpec map[string]*discordgo.ApplicationCommandOption

// commandSpecs maps "name" + " " + "sub path" to its options.
var commandSpecs = func() map[string]commandSpec {
	specs := map[string]commandSpec{}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		leaf := commandSpec{}
		for _, o := range opts {
			switch o.Type {
			case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
				walk(path+" "+o.Name, o.Options)
			default:
				leaf[o.Name] = o
			}
		}
		if len(leaf) > 0 || len(opts) == 0 {
			specs[path] = leaf
		}
	}
	for _, c := range CommandDefinitions() {
		walk(c.Name, c.Options)
	}
	return specs
}()

// quoted renders untrusted text in a reason: cut to 32 characters, quoted
// with Go's escapes (one line, printable).
func quoted(s string) string {
	if utf8.RuneCountInString(s) > maxOptionName {
		s = string([]rune(s)[:maxOptionName]) + "…"
	}
	return strconv.Quote(s)
}

// commandFrom translates a slash command interaction into the
// platform-neutral command, or says in one line why it is not one of
// paperboy's.
func commandFrom(i *discordgo.Interaction) (bot.Command, error) {
	if i == nil || i.Type != discordgo.InteractionApplicationCommand {
		return bot.Command{}, fmt.Errorf("not a slash command")
	}
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return bot.Command{}, fmt.Errorf("a slash command without its data")
	}
	if data.Name != bot.CmdPapers && data.Name != bot.CmdAdmin {
		return bot.Command{}, fmt.Errorf("/%s is not a paperboy command", strings.Trim(quoted(data.Name), `"`))
	}
	cmd := bot.Command{Platform: Name, TeamID: i.GuildID, ChannelID: i.ChannelID, Name: data.Name, Args: map[string]string{}}
	switch {
	case i.Member != nil && i.Member.User != nil:
		cmd.User = bot.UserRef{Platform: Name, ID: i.Member.User.ID}
		cmd.CanManage = i.Member.Permissions&(manageChannels|discordgo.PermissionAdministrator) != 0
	case i.User != nil:
		cmd.User = bot.UserRef{Platform: Name, ID: i.User.ID}
	}
	path := data.Name
	opts := data.Options
	var subs []string
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		subs = append(subs, opts[0].Name)
		path += " " + opts[0].Name
		opts = opts[0].Options
		if len(subs) > 2 {
			break
		}
	}
	spec, ok := commandSpecs[path]
	if !ok {
		if len(subs) == 0 {
			return bot.Command{}, fmt.Errorf("/%s needs a subcommand", data.Name)
		}
		return bot.Command{}, fmt.Errorf("/%s has no subcommand %s", data.Name, quoted(strings.Join(subs, " ")))
	}
	cmd.Sub = strings.Join(subs, " ")
	for _, o := range opts {
		if o == nil {
			return bot.Command{}, fmt.Errorf("/%s %s: an empty option", data.Name, cmd.Sub)
		}
		def, ok := spec[o.Name]
		if !ok {
			return bot.Command{}, fmt.Errorf("/%s %s has no option %s", data.Name, cmd.Sub, quoted(o.Name))
		}
		if _, dup := cmd.Args[o.Name]; dup {
			return bot.Command{}, fmt.Errorf("/%s %s: option %s given twice", data.Name, cmd.Sub, o.Name)
		}
		v, err := optionValue(def, o)
		if err != nil {
			return bot.Command{}, fmt.Errorf("/%s %s: option %s %v", data.Name, cmd.Sub, o.Name, err)
		}
		cmd.Args[o.Name] = v
	}
	return cmd, nil
}

// optionValue checks an option against its registered definition and
// renders its value.
func optionValue(def *discordgo.ApplicationCommandOption, o *discordgo.ApplicationCommandInteractionDataOption) (string, error) {
	if o.Type != def.Type {
		return "", fmt.Errorf("has type %d, want %d", o.Type, def.Type)
	}
	switch def.Type {
	case discordgo.ApplicationCommandOptionString:
		s, ok := o.Value.(string)
		if !ok {
			return "", fmt.Errorf("is not text")
		}
		if !utf8.ValidString(s) {
			return "", fmt.Errorf("is not valid UTF-8")
		}
		max := def.MaxLength
		if max <= 0 {
			max = 6000
		}
		if n := utf8.RuneCountInString(s); n > max {
			return "", fmt.Errorf("is %d characters long, at most %d", n, max)
		}
		if len(def.Choices) > 0 {
			for _, c := range def.Choices {
				if c.Value == s {
					return s, nil
				}
			}
			return "", fmt.Errorf("is not one of its choices")
		}
		return s, nil
	case discordgo.ApplicationCommandOptionInteger:
		f, ok := o.Value.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return "", fmt.Errorf("is not a whole number")
		}
		if def.MinValue != nil && f < *def.MinValue {
			return "", fmt.Errorf("is below %s", strconv.FormatFloat(*def.MinValue, 'f', -1, 64))
		}
		if def.MaxValue != 0 && f > def.MaxValue {
			return "", fmt.Errorf("is above %s", strconv.FormatFloat(def.MaxValue, 'f', -1, 64))
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case discordgo.ApplicationCommandOptionBoolean:
		v, ok := o.Value.(bool)
		if !ok {
			return "", fmt.Errorf("is not true or false")
		}
		if v {
			return "on", nil
		}
		return "off", nil
	}
	return "", fmt.Errorf("has a type paperboy does not register")
}
