// Client-side limits: rolling windows, in-flight caps, request rate.

package multiaccount

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// windowLimit is a vendor's rolling limit on one endpoint: at most n
// requests in any period of length per (VoiceTel: 6 per hour per IP).
type windowLimit struct {
	n   int
	per time.Duration
}

// slidingWindow enforces a windowLimit exactly. It remembers the times of
// the attempts of the last period (reservations included, which may lie in
// the future); a new attempt may go at the earliest moment the n-th most
// recent one is per old. That admits n back-to-back attempts and the next
// one the instant the first leaves the window, and never n+1 in any window.
//
// A token bucket cannot say this: with burst n and one token every per/n it
// admits n at once and then one more every per/n, which is 2n-1 in the first
// period (11 for VoiceTel's 6 per hour), and with a refill of per it wastes
// capacity instead. The exact window costs a few timestamps per endpoint.
type slidingWindow struct {
	mu      sync.Mutex
	lim     windowLimit
	times   []time.Time // sorted; none older than one period before the last reservation
	blocked time.Time   // a server 429 closed the window until then
}

// reserve books the earliest slot at or after now. If that slot is more
// than maxWait away nothing is booked and ok is false; wait says how long
// until the slot would have been free.
func (w *slidingWindow) reserve(now time.Time, maxWait time.Duration) (at time.Time, wait time.Duration, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// Attempts a full period old no longer count.
	drop := 0
	for drop < len(w.times) && !w.times[drop].Add(w.lim.per).After(now) {
		drop++
	}
	w.times = append(w.times[:0], w.times[drop:]...)

	at = now
	if w.blocked.After(at) {
		at = w.blocked
	}
	if k := len(w.times); k > 0 {
		// Never book before an existing booking: the list stays sorted
		// and every window around the new slot is the one checked below.
		if w.times[k-1].After(at) {
			at = w.times[k-1]
		}
		if k >= w.lim.n {
			if free := w.times[k-w.lim.n].Add(w.lim.per); free.After(at) {
				at = free
			}
		}
	}
	wait = at.Sub(now)
	if wait > maxWait {
		return at, wait, false
	}
	w.times = append(w.times, at)
	return at, wait, true
}

// cancel returns a booked slot that was not used (its caller gave up
// waiting).
func (w *slidingWindow) cancel(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.times) - 1; i >= 0; i-- {
		if w.times[i].Equal(at) {
			w.times = append(w.times[:i], w.times[i+1:]...)
			return
		}
	}
}

// block closes the window until t, after the server said so with a 429.
func (w *slidingWindow) block(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t.After(w.blocked) {
		w.blocked = t
	}
}

// limiters holds the rolling windows and in-flight semaphores by key.
type limiters struct {
	mu       sync.Mutex
	windows  map[string]*slidingWindow
	inFlight map[string]chan struct{}
}

func newLimiters() *limiters {
	return &limiters{windows: map[string]*slidingWindow{}, inFlight: map[string]chan struct{}{}}
}

// sharedLimiters are shared by every Client in the process, because vendors
// count per IP address, not per client.
var sharedLimiters = newLimiters()

// hostKey identifies the server a base URL reaches: scheme, host and port.
func (c *Client) hostKey() string {
	port := c.base.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[c.base.Scheme]
	}
	return c.base.Scheme + "://" + net.JoinHostPort(c.base.Hostname(), port)
}

// window returns the process-wide window of r's endpoint on c's host.
func (c *Client) window(r *request) *slidingWindow {
	key := fmt.Sprintf("%s%s|%d/%s", c.hostKey(), c.base.EscapedPath(), r.window.n, r.window.per) + "|" + r.path
	c.limits.mu.Lock()
	defer c.limits.mu.Unlock()
	w := c.limits.windows[key]
	if w == nil {
		w = &slidingWindow{lim: r.window}
		c.limits.windows[key] = w
	}
	return w
}

// takeSlot waits for the client-side limits that apply to one attempt of
// r, at most c.rateWait; a longer wait fails at once.
func (c *Client) takeSlot(ctx context.Context, r *request) error {
	if r.window.n > 0 {
		w := c.window(r)
		at, wait, ok := w.reserve(c.clock.Now(), c.rateWait)
		if !ok {
			return &RateLimitError{Local: true, RetryAfter: wait, Operation: r.op, Provider: c.v.name(), Endpoint: "/" + r.path}
		}
		if err := c.sleep(ctx, wait); err != nil {
			w.cancel(at)
			return err
		}
	}
	if c.perSecond != nil {
		return c.perSecond.wait(ctx, c, r)
	}
	return nil
}

// sleep waits d on the client's clock, or until ctx is done.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-c.clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tokenBucket is the optional per-second cap of WithRequestRate: a token
// bucket is the right model for a steady rate with bursts.
type tokenBucket struct{ lim *rate.Limiter }

func newTokenBucket(perSecond float64, burst int) *tokenBucket {
	return &tokenBucket{lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

func (b *tokenBucket) wait(ctx context.Context, c *Client, r *request) error {
	now := c.clock.Now()
	res := b.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	if d > c.rateWait {
		res.CancelAt(now)
		return &RateLimitError{Local: true, RetryAfter: d, Operation: r.op, Provider: c.v.name(), Endpoint: "/" + r.path}
	}
	if err := c.sleep(ctx, d); err != nil {
		res.CancelAt(c.clock.Now())
		return err
	}
	return nil
}

// acquireInFlight takes one of c.inFlight slots for the credential and host,
// process-wide, waiting within ctx. The returned func frees it once.
func (c *Client) acquireInFlight(ctx context.Context, a Authenticator) (func(), error) {
	if c.inFlight <= 0 {
		return func() {}, nil
	}
	key := fmt.Sprintf("%s|%d|%s", c.hostKey(), c.inFlight, identityOf(a))
	c.limits.mu.Lock()
	sem := c.limits.inFlight[key]
	if sem == nil {
		sem = make(chan struct{}, c.inFlight)
		c.limits.inFlight[key] = sem
	}
	c.limits.mu.Unlock()
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() { once.Do(func() { <-sem }) }, nil
}
