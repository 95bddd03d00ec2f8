package main

import "strings"

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
