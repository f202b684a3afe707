// Package fakeclock is the one fake clock of the module: multiaccounttest
// exports it as FakeClock and the SDK's own tests use it directly (they
// cannot import multiaccounttest, which imports the SDK).
package fakeclock

import (
	"slices"
	"sync"
	"time"
)

// Clock moves only when told to; it is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

// New returns a Clock that reads start until advanced.
func New(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current time.
func (f *Clock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// After returns a channel that receives the clock's time once Advance has
// moved it d or more past now. A d of zero or less fires at once.
func (f *Clock) After(d time.Duration) <-chan time.Time {
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
func (f *Clock) Advance(d time.Duration) {
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
func (f *Clock) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}
