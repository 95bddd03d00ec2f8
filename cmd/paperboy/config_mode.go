package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// warnConfigMode warns, once at the daemon's start, when the config file
// sets token keys and users other than its owner may read it (group or
// others have read permission). The file holds only ${VAR} references, but
// it says which variables hold the tokens, and it sits beside whatever
// sets them; it should be as private as they are.
func (e *env) warnConfigMode() {
	if len(e.conf.TokenRefs) == 0 {
		return
	}
	path := or(e.flags.config, "paperboy.yaml")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return
	}
	var keys []string
	for k := range e.conf.TokenRefs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.log.Warn(fmt.Sprintf("the config file %s sets %s and other users can read it (mode %04o): make it owner-only with chmod 600 %s",
		path, strings.Join(keys, ", "), fi.Mode().Perm(), path), "file", path)
}
