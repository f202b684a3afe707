package multiaccounttest

import (
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/internal/fakeclock"
)

// FakeClock is a multiaccount.Clock that moves only when told to. Give the
// same FakeClock to the emulator (WithClock) and to a Client
// (multiaccount.WithClock; Server.Client does so itself), and one Advance
// moves both: rate-limit windows, token expiry and pending waits. It is
// safe for concurrent use.
type FakeClock struct{ c *fakeclock.Clock }

var _ multiaccount.Clock = (*FakeClock)(nil)

// NewFakeClock returns a FakeClock that reads start until advanced.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{c: fakeclock.New(start)}
}

// Now returns the clock's current time.
func (f *FakeClock) Now() time.Time { return f.c.Now() }

// After returns a channel that receives the clock's time once Advance has
// moved it d or more past now. A d of zero or less fires at once.
func (f *FakeClock) After(d time.Duration) <-chan time.Time { return f.c.After(d) }

// Advance moves the clock forward by d (d < 0 is treated as 0) and fires,
// before it returns, every wait that is then due, earliest first.
func (f *FakeClock) Advance(d time.Duration) { f.c.Advance(d) }

// Waiters reports how many After channels are still waiting: a test can
// wait for a goroutine to reach its wait before calling Advance.
func (f *FakeClock) Waiters() int { return f.c.Waiters() }
