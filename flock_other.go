//go:build !unix

package multiaccount

import (
	"errors"
	"os"
)

// lockFile fails: the file store needs flock, which only Unix systems
// have. Everything else in the package builds and works.
func lockFile(*os.File) error {
	return errors.New("the file limit store needs a Unix system (flock)")
}

func unlockFile(*os.File) {}
