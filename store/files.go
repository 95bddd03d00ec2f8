package store

import (
	"errors"
	"fmt"
	"os"
)

// FileMode is the mode of every file paperboy creates for its data: the
// database, its -wal and -shm files (SQLite gives them the database's
// mode) and backups. They hold every subscription and user id, so only
// their owner may read them.
const FileMode os.FileMode = 0o600

// createPrivate creates path as an empty file with FileMode whatever the
// umask, so that SQLite, which opens an existing file as it is, never
// creates it with its own default (0644 less the umask). An existing file
// is left as it is.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, FileMode)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		// What SQLite itself would have said.
		return fmt.Errorf("store: open %s: cannot open the file: check that its folder exists and is writable (%w)", path, err)
	}
	err = f.Chmod(FileMode) // the umask may have taken bits off
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	return nil
}
