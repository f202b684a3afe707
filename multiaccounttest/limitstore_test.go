package multiaccounttest_test

import (
	"testing"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func TestMemoryLimitStore(t *testing.T) {
	st := multiaccount.NewMemoryLimitStore()
	multiaccounttest.TestLimitStore(t, func(*testing.T) multiaccount.LimitStore { return st })
}
