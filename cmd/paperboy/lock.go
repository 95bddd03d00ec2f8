package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockDatabase takes the daemon's lock: an exclusive advisory lock
// (flock) on the file next to the database, DB.lock, which holds the pid
// of the daemon that has it. The lock goes with the process, so a daemon
// killed with SIGKILL leaves no stale lock behind. The file itself stays:
// removing it would let a second daemon lock a new file while the first
// still holds the old one.
func lockDatabase(dbPath string) (release func(), err error) {
	path := dbPath + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another paperboy"
			if b, rerr := os.ReadFile(path); rerr == nil {
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
					who = fmt.Sprintf("another paperboy (pid %d)", pid)
				}
			}
			return nil, fmt.Errorf("%s is running on this database (%s); stop it first, or give this one its own --db", who, dbPath)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
