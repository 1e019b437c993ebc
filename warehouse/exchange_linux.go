package warehouse

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeDirs puts directory src in dst's place atomically; afterwards src holds the old dst
// (or nothing, when dst did not exist).
func exchangeDirs(src, dst string) error {
	err := unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOENT) {
		if _, statErr := os.Stat(dst); errors.Is(statErr, os.ErrNotExist) {
			return os.Rename(src, dst)
		}
	}
	return err
}
