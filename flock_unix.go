//go:build unix

package multiaccount

import (
	"os"
	"syscall"
)

// lockFile takes the exclusive advisory lock of f, waiting for it. flock
// from the standard library is enough here: one exclusive lock, released
// by the kernel when a holder dies, so no new dependency is needed.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
