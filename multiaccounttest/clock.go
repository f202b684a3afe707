package multiaccounttest

import (
	"slices"
	"sync"
	"time"

	"github.com/multiaccount/multiaccount"
)

// FakeClock is a multiaccount.Clock that moves only when told to. Give the
// same FakeClock to the emulator (WithClock) and to a Client
// (multiaccount.WithClock; Server.Client does so itself), and one Advance
// moves both: rate-limit windows, token expiry and pending waits. It is
// safe for concurrent use.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

var _ multiaccount.Clock = (*FakeClock)(nil)

// NewFakeClock returns a FakeClock that reads start until advanced.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start}
}

// Now returns the clock's current time.
func (f *FakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// After returns a channel that receives the clock's time once Advance has
// moved it d or more past now. A d of zero or less fires at once.
func (f *FakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1) // buffered: Advance never blocks on a waiter that left
	if d <= 0 {
		ch <- f.now
		return ch
	}
	f.waiters = append(f.waiters, fakeWaiter{at: f.now.Add(d), ch: ch})
	return ch
}

// Advance moves the clock forward by d (d < 0 is treated as 0) and fires,
// before it returns, every wait that is then due, earliest first.
func (f *FakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(max(d, 0))
	kept := f.waiters[:0]
	var due []fakeWaiter
	for _, w := range f.waiters {
		if w.at.After(f.now) {
			kept = append(kept, w)
		} else {
			due = append(due, w)
		}
	}
	f.waiters = kept
	slices.SortStableFunc(due, func(a, b fakeWaiter) int { return a.at.Compare(b.at) })
	for _, w := range due {
		w.ch <- f.now
	}
}

// Waiters reports how many After channels are still waiting: a test can
// wait for a goroutine to reach its wait before calling Advance.
func (f *FakeClock) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}
