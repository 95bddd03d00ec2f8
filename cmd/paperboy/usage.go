package main

// The help text, and what a mistyped command most likely meant.

import (
	"fmt"
	"io"
	"strings"
)

// usage writes the help: every command, then the flags they all take.
func usage(w io.Writer) {
	fmt.Fprintf(w, "paperboy %s: Hugging Face Daily Papers in your chat channels\n\nUsage: paperboy <command> [flags]\n\nCommands:\n", version)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %-38s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprint(w, "\nFlags (every command): --config FILE, --db PATH, --source huggingface|sample|file:PATH|arxiv:CATEGORIES\n  (repeatable), --log-level debug|info|warn|error, --log-format text|json\n\nRun `paperboy <command> -h` for a command's flags.\n")
}

// commandNames lists the commands in help's order, comma-separated.
func commandNames() string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// closestCommand returns the command a mistyped name most likely meant
// ("stauts" → "status", "dig" → "digest"), or "" when none is close.
func closestCommand(name string) string {
	name = strings.ToLower(name)
	var names []string
	prefixed := ""
	for _, c := range commands {
		names = append(names, c.name)
		if len(name) >= 2 && strings.HasPrefix(c.name, name) {
			if prefixed != "" {
				prefixed = "-" // more than one
			} else {
				prefixed = c.name
			}
		}
	}
	if prefixed != "" && prefixed != "-" {
		return prefixed
	}
	best, bestD := "", 3
	for _, n := range names {
		d := editDistance(name, n)
		if t := transposed(name, n); t && d > 1 {
			d = 1
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// transposed reports whether a and b differ only by two neighbouring
// letters swapped ("stauts" and "status"): one typo, where the edit
// distance counts two.
func transposed(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}
