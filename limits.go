// Client-side limits: rolling windows, in-flight caps, request rate.

package multiaccount

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// windowLimit is a vendor's rolling limit on one endpoint: at most n
// requests in any period of length per (VoiceTel: 6 per hour per IP).
type windowLimit struct {
	n   int
	per time.Duration
	// perKey: the vendor counts per credential rather than per IP.
	perKey bool
}

// The exact window. A token bucket cannot keep a rolling limit: with burst
// n and one token every per/n it admits n at once and then one more every
// per/n, which is 2n-1 in the first period (11 for VoiceTel's 6 per hour),
// and with a refill of per it wastes capacity instead. The window instead
// remembers each attempt's booking and end (see LimitStore for the rule),
// which costs a few timestamps per endpoint.

// limitHost is the canonical server of a base URL for limit keys: scheme,
// lower-cased host, explicit port. "localhost" is keyed as 127.0.0.1, the
// address it resolves to on every common system, so that the two
// spellings of one server share its window; the key is never dialled.
func limitHost(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if host == "localhost" {
		host = "127.0.0.1"
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(host, port)
}

// limitWindow returns the Window of r's endpoint: canonical host and
// cleaned path (a doubled slash is the same endpoint), the limit itself,
// and the scope: per IP windows are shared by everything using the store,
// per key ones add the credential's identity (a hash, never the secret).
func (c *Client) limitWindow(r *request, a Authenticator) Window {
	if !r.window.perKey {
		if w, ok := c.windows.Load(r.path); ok {
			return w.(Window)
		}
	}
	key := fmt.Sprintf("w|%s%s|%d/%s", c.limitHost, c.endpointPath(r.path), r.window.n, r.window.per)
	if r.window.perKey {
		key += "|" + identityOf(a)
	}
	w := Window{Key: key, N: r.window.n, Per: r.window.per}
	if !r.window.perKey {
		c.windows.Store(r.path, w)
	}
	return w
}

// endpointPath is the endpoint a request path reaches, as the server
// resolves it: the base URL's path and rel joined, percent-decoded, dot
// segments and doubled and trailing slashes removed (servers commonly
// route "info" and "info/" alike; window keys were always so), never a
// query. Limits are found and keyed from it, so that no spelling of one
// endpoint ("%69nfo", "info%2F", a base URL ending in "/v2.1/") leaves its
// window. Every escape is decoded, "%2F" too: servers that decode it reach
// the limited endpoint, and a limit applied once too often is the safe
// error.
func (c *Client) endpointPath(rel string) string {
	p := c.base.EscapedPath() + "/" + rel
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	return path.Clean("/" + p)
}

// limitOf is the vendor's rolling limit on method at the endpoint rel
// reaches. The
// vendor's limitFor sees the canonical path relative to the host and, if
// that matches nothing, each shorter tail of it, so that a base URL with a
// path of its own (a proxy's prefix, or the version) keeps the limit.
func (c *Client) limitOf(method, rel string) windowLimit {
	if !c.limited {
		return windowLimit{} // a vendor without limits: nothing to find
	}
	return c.limitsSeen.get(endpoint{method, rel}, c.findLimit)
}

// findLimit is limitOf without the cache.
func (c *Client) findLimit(method, rel string) windowLimit {
	p := strings.TrimPrefix(c.endpointPath(rel), "/")
	for {
		if w := c.v.limitFor(method, p); w.n > 0 {
			return w
		}
		i := strings.IndexByte(p, '/')
		if i < 0 || i == len(p)-1 {
			return windowLimit{}
		}
		p = p[i+1:]
	}
}

// limitCache keeps limitOf's answer for the first maxCachedLimits
// method and path pairs a Client sends, so that a call finds its limit
// without cleaning and splitting its path again. Services send to a few
// fixed paths; paths naming IDs beyond the bound are worked out each time,
// so the cache cannot grow without limit.
type limitCache struct {
	mu sync.RWMutex
	m  map[endpoint]windowLimit
}

const maxCachedLimits = 256

// get returns the limit of e, from the cache or find.
func (lc *limitCache) get(e endpoint, find func(method, path string) windowLimit) windowLimit {
	lc.mu.RLock()
	w, ok := lc.m[e]
	lc.mu.RUnlock()
	if ok {
		return w
	}
	w = find(e.method, e.path)
	lc.mu.Lock()
	if lc.m == nil {
		lc.m = make(map[endpoint]windowLimit)
	}
	if len(lc.m) < maxCachedLimits {
		lc.m[e] = w
	}
	lc.mu.Unlock()
	return w
}

// slot is a booked window slot an attempt must confirm or cancel.
type slot struct {
	w  Window
	s  Slot
	ok bool // a slot was booked
}

// takeSlot waits for the client-side limits that apply to one attempt of
// r, at most c.rateWait; a longer wait fails at once. The slot it returns
// must be ended by endSlot.
func (c *Client) takeSlot(ctx context.Context, r *request, a Authenticator) (slot, error) {
	var sl slot
	if r.window.n > 0 {
		w := c.limitWindow(r, a)
		rctx, cancel := c.storeContext(ctx)
		s, ok, err := c.store.Reserve(rctx, w, c.clock.Now(), c.rateWait, c.lease)
		cancel()
		if err != nil {
			var se *LimitStoreError
			if !errors.As(err, &se) && ctx.Err() == nil {
				// The store failed (a stall past its bound, or a store's
				// own error): fail closed, never retried as the network.
				err = &LimitStoreError{Store: fmt.Sprintf("%T", c.store), Op: "reserve", Err: err}
			}
			return sl, err
		}
		if !ok {
			return sl, &RateLimitError{Local: true, RetryAfter: s.Wait, Operation: r.op, Provider: c.v.name(), Endpoint: c.errPath(r)}
		}
		sl = slot{w: w, s: s, ok: true}
		if err := c.sleep(ctx, s.Wait); err != nil {
			c.endSlot(sl, false)
			return slot{}, err
		}
	}
	if c.perSecond != nil {
		if err := c.perSecond.wait(ctx, c, r); err != nil {
			c.endSlot(sl, false)
			return slot{}, err
		}
	}
	return sl, nil
}

// endSlot confirms a slot with the attempt's end, or gives it back when
// nothing was sent. A store failure here cannot be reported to the caller
// (the attempt is over); the slot then ages out with its lease.
func (c *Client) endSlot(sl slot, sent bool) {
	if !sl.ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if sent {
		_ = c.store.Confirm(ctx, sl.w, sl.s, c.clock.Now())
	} else {
		_ = c.store.Cancel(ctx, sl.w, sl.s)
	}
}

// storeTimeout bounds the store calls made after an attempt, which run
// apart from the caller's context so that a cancelled call still records
// its end, and each reserve: a call without a deadline does not hang on a
// store that stalls (the wait for a slot it grants is apart from this).
const storeTimeout = 10 * time.Second

// storeContext is ctx bounded by the Client's store timeout, for a store
// that may block (one across processes); the memory store never does and
// costs no context.
func (c *Client) storeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, local := c.store.(*memoryStore); local {
		return ctx, noCancel
	}
	return context.WithTimeout(ctx, c.storeTimeout)
}

func noCancel() {}

// blockWindow closes r's window for d after a server 429.
func (c *Client) blockWindow(r *request, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	_ = c.store.Block(ctx, c.limitWindow(r, c.auth), c.clock.Now(), d)
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
		return &RateLimitError{Local: true, RetryAfter: d, Operation: r.op, Provider: c.v.name(), Endpoint: c.errPath(r)}
	}
	if err := c.sleep(ctx, d); err != nil {
		res.CancelAt(c.clock.Now())
		return err
	}
	return nil
}

// acquireInFlight takes one of c.inFlight slots for the credential and host
// from the store, waiting within ctx. The returned func frees it once.
func (c *Client) acquireInFlight(ctx context.Context, a Authenticator) (func(), error) {
	if c.inFlight <= 0 {
		return func() {}, nil
	}
	key := c.limitHost + "|inflight|" + strconv.Itoa(c.inFlight) + "|" + identityOf(a)
	l, err := c.store.Acquire(ctx, key, c.inFlight, c.lease)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			defer cancel()
			_ = c.store.Release(ctx, key, l)
		})
	}, nil
}

// LimitStatus is the state of one rate-limited endpoint, for dashboards
// and tools: how many attempts could start now and when the next slot
// opens.
type LimitStatus struct {
	// Endpoint is the limited path, e.g. "/v2.1/account/info/".
	Endpoint string
	// Limit attempts are allowed in any Per.
	Limit int
	Per   time.Duration
	// Left is how many attempts could start now.
	Left int
	// Next is when the next attempt could start: now when Left > 0.
	Next time.Time
}

// LimitStatus reports every rate-limited endpoint of the Client's vendor
// (none for vendors without such limits), read from its limit store and
// sorted by endpoint. It books nothing.
func (c *Client) LimitStatus(ctx context.Context) ([]LimitStatus, error) {
	if err := c.ready(ctx, "LimitStatus"); err != nil {
		return nil, err
	}
	var out []LimitStatus
	for _, e := range c.v.limitedOps() {
		p := e.path
		lim := c.v.limitFor(e.method, p)
		w := c.limitWindow(&request{method: e.method, path: p, window: lim}, c.auth)
		st, err := c.store.Status(ctx, w, c.clock.Now(), c.lease)
		if err != nil {
			return nil, err
		}
		out = append(out, LimitStatus{Endpoint: "/" + p, Limit: lim.n, Per: lim.per, Left: st.Left, Next: st.Next})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Endpoint < out[j].Endpoint })
	return out, nil
}
