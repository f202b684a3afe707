package multiaccounttest

import (
	"sync"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/internal/fakeclock"
)

// FakeClock is a multiaccount.Clock that moves only when told to. Give the
// same FakeClock to the emulator (WithClock) and to a Client
// (multiaccount.WithClock; Server.Client does so itself), and one Advance
// moves both: rate-limit windows, token expiry and pending waits. It is
// safe for concurrent use. The zero FakeClock starts at the zero time; a
// nil *FakeClock reads the zero time, never moves, and its waits of more
// than zero never fire.
type FakeClock struct {
	once sync.Once
	c    *fakeclock.Clock
}

var _ multiaccount.Clock = (*FakeClock)(nil)

// NewFakeClock returns a FakeClock that reads start until advanced.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{c: fakeclock.New(start)}
}

// clock returns the clock behind f, making the zero FakeClock's on first
// use; nil for a nil f.
func (f *FakeClock) clock() *fakeclock.Clock {
	if f == nil {
		return nil
	}
	f.once.Do(func() {
		if f.c == nil {
			f.c = fakeclock.New(time.Time{})
		}
	})
	return f.c
}

// Now returns the clock's current time.
func (f *FakeClock) Now() time.Time {
	if c := f.clock(); c != nil {
		return c.Now()
	}
	return time.Time{}
}

// After returns a channel that receives the clock's time once Advance has
// moved it d or more past now. A d of zero or less fires at once.
func (f *FakeClock) After(d time.Duration) <-chan time.Time {
	if c := f.clock(); c != nil {
		return c.After(d)
	}
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- time.Time{}
	}
	return ch
}

// Advance moves the clock forward by d (d < 0 is treated as 0) and fires,
// before it returns, every wait that is then due, earliest first.
func (f *FakeClock) Advance(d time.Duration) {
	if c := f.clock(); c != nil {
		c.Advance(d)
	}
}

// Waiters reports how many After channels are still waiting: a test can
// wait for a goroutine to reach its wait before calling Advance.
func (f *FakeClock) Waiters() int {
	if c := f.clock(); c != nil {
		return c.Waiters()
	}
	return 0
}
