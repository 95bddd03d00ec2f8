//go:build linux || darwin || freebsd

package main

import "syscall"

// statDisk measures the filesystem holding path (statfs).
func statDisk(path string) (free, total uint64, ok bool, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, false, err
	}
	bs := uint64(st.Bsize)
	return uint64(st.Bavail) * bs, uint64(st.Blocks) * bs, true, nil
}
