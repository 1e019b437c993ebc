// Package datasets finds the shared public datasets (../shared/datasets beside the project) for
// tests and benchmarks, which read them in place and never copy them into the repository.
package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Dir is the folder of the shared datasets: $CRMWH_DATASETS when set, else the first
// shared/datasets beside the working directory or one of its parents, else
// /work/shared/datasets (the workplace's own copy, for a clone elsewhere).
func Dir() (string, error) {
	if d := os.Getenv("CRMWH_DATASETS"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		c := filepath.Join(dir, "shared", "datasets")
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			return c, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	const fallback = "/work/shared/datasets"
	if fi, err := os.Stat(fallback); err == nil && fi.IsDir() {
		return fallback, nil
	}
	return "", errors.New("the shared datasets were not found: set CRMWH_DATASETS to the folder holding telco_churn.csv and groceries.csv")
}

// Path is the absolute path of one dataset file.
func Path(name string) (string, error) {
	dir, err := Dir()
	if err != nil {
		return "", err
	}
	p, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("dataset %s: %w", name, err)
	}
	return p, nil
}
