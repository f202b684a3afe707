// The clock every time-dependent part of the SDK reads.

package multiaccount

import "time"

// Clock tells the time and waits. WithClock replaces the real clock so that
// tests of rate limits and token expiry need not sleep.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
