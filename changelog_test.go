package multiaccount

import (
	"os"
	"regexp"
	"testing"
)

// The latest released version in CHANGELOG.md is the one Version reports,
// so a release cannot bump one and forget the other.
func TestChangelogMatchesVersion(t *testing.T) {
	b, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+[^\]]*)\]`).FindSubmatch(b)
	if m == nil {
		t.Fatal("CHANGELOG.md has no released version heading (## [x.y.z] - date)")
	}
	if got := string(m[1]); got != Version {
		t.Errorf("CHANGELOG.md's latest release is %s, Version is %s", got, Version)
	}
	if !regexp.MustCompile(`(?m)^## \[Unreleased\]`).Match(b) {
		t.Error("CHANGELOG.md has no [Unreleased] section")
	}
}
