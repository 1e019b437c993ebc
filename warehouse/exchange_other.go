//go:build !linux

package warehouse

import (
	"errors"
	"os"
)

// exchangeDirs puts directory src in dst's place. Without an atomic exchange, dst is missing for
// the moment between the two renames.
func exchangeDirs(src, dst string) error {
	old := dst + ".old"
	if err := os.Rename(dst, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	if _, err := os.Stat(old); err == nil {
		return os.Rename(old, src)
	}
	return nil
}
