// Retry policy: which answers are retried, and the backoff between attempts.

package multiaccount

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy says how a Client retries. Retries follow the operation, not
// the HTTP method (VoiceTel and SerwerSMS read with POST):
//
//   - Reads are retried on connection errors, HTTP 429, 502, 503 and 504.
//   - Operations that create, bill or exchange credentials are never sent
//     twice, except when the request provably never left the machine (the
//     connection could not be dialled) or the server answered 429 (it did
//     not act on the request). A redirect answer to such an operation is
//     not followed (a 307 or 308 would resend it): it is an *APIError.
//   - A Retry-After header (seconds or HTTP date) is honoured when it is at
//     most MaxRetryAfter; a longer one ends the call at once with the error,
//     it is never slept on. Whatever its form, a server-dictated wait counts
//     as at most 24 hours (it blocks a rate-limited endpoint no longer).
//   - Otherwise waits grow exponentially from MinWait to MaxWait with full
//     jitter (a random wait between 0 and the exponential bound).
//   - A cancelled context ends every wait at once.
//
// The defaults (DefaultRetryPolicy) are 3 retries, MinWait 500ms, MaxWait
// 30s and MaxRetryAfter 1 minute. In WithRetry, zero durations take these
// defaults; MaxRetries is taken as given, so 0 disables retries.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// MinWait and MaxWait bound the exponential backoff.
	MinWait, MaxWait time.Duration
	// MaxRetryAfter is the longest server-requested wait that is honoured.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the policy a Client uses unless WithRetry says
// otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second, MaxRetryAfter: time.Minute}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MinWait == 0 {
		p.MinWait = d.MinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = d.MaxWait
	}
	if p.MaxWait < p.MinWait {
		p.MaxWait = p.MinWait
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	return p
}

// backoff returns the wait before retry number attempt (0-based): full
// jitter over an exponential bound.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	bound := p.MinWait
	for i := 0; i < attempt && bound < p.MaxWait; i++ {
		bound *= 2
	}
	if bound > p.MaxWait {
		bound = p.MaxWait
	}
	if bound <= 0 {
		return 0
	}
	return rand.N(bound + 1)
}

// defaultTransport is the transport of every Client whose inner HTTP client
// names none: http.DefaultTransport's settings, but keeping idle
// connections for the SDK's concurrency (http.DefaultTransport keeps 2 per
// host, so 16 goroutines on one Client opened a new TCP and TLS connection
// for most calls). Shared, so Clients of one host share connections.
var defaultTransport http.RoundTripper = newDefaultTransport()

func newDefaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	return t
}

// newRetryClient wraps the inner HTTP client: go-retryablehttp drives the
// attempts with our policy, and attemptTransport runs under it so that
// every attempt takes a limiter slot and is authenticated and logged.
func (c *Client) newRetryClient(inner *http.Client) *retryablehttp.Client {
	hc := &http.Client{}
	if inner != nil {
		cp := *inner
		hc = &cp
	}
	if hc.Timeout != 0 {
		// The HTTP client's own Timeout bounds each attempt (see
		// WithHTTPClient); otherwise the attempt transport's deadline does,
		// which costs a third of http.Client.Timeout's allocations (it
		// clones the request and runs a timer goroutine per attempt).
		c.attempt = 0
	}
	next := hc.Transport
	if next == nil {
		next = defaultTransport
	}
	hc.Transport = &attemptTransport{next: next}
	// Never follow a redirect to another scheme or host: bodies and
	// headers carry credentials. The 3xx answer is returned instead.
	userCheck := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !c.sameOrigin(req.URL) {
			return http.ErrUseLastResponse
		}
		// A redirect is a second send: a 307 or 308 resends the body. An
		// operation that must not be sent twice gets the 3xx answer, which
		// check turns into an *APIError.
		if st, _ := req.Context().Value(callStateKey{}).(*callState); st != nil && !st.r.repeatable {
			return http.ErrUseLastResponse
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil,
		RetryWaitMin: c.retry.MinWait,
		RetryWaitMax: c.retry.MaxWait,
		RetryMax:     c.retry.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		// Keep the last response: the pipeline reads the vendor's error
		// from it instead of a generic "giving up" error.
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if err != nil && resp != nil {
				resp.Body.Close()
				return nil, err
			}
			return resp, err
		},
	}
}

// checkRetry decides whether an attempt's outcome is retried.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st, _ := ctx.Value(callStateKey{}).(*callState)
	if st == nil {
		return false, err
	}
	r := st.r
	if err != nil {
		var rl *RateLimitError
		var ae *authError
		var se *LimitStoreError
		if errors.As(err, &rl) || errors.As(err, &ae) || errors.As(err, &se) || errors.Is(err, errBodyTooLarge) {
			return false, err
		}
		return neverSent(err) || r.repeatable, nil
	}
	if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now()); ok && wait > c.retry.MaxRetryAfter {
		return false, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// On a windowed endpoint the 429 blocks the window instead.
		return r.window.n == 0, nil
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return r.repeatable, nil
	}
	if r.retryOn != nil {
		// Whatever the status: SerwerSMS reports 1010 under HTTP 200.
		// The attempt transport has read the body into memory already:
		// the call state holds its bytes.
		if resp == st.lastResp {
			return r.retryOn(st, resp.StatusCode, st.lastBody), nil
		}
		b, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr != nil {
			return false, nil
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return r.retryOn(st, resp.StatusCode, b), nil
	}
	return false, nil
}

// backoff honours a server's Retry-After (already checked against the cap)
// and otherwise uses the policy's jittered exponential wait.
func (c *Client) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now()); ok {
			return wait
		}
	}
	return c.retry.backoff(attempt)
}

// neverSent reports whether err proves the request never left the machine:
// the connection could not be dialled.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}
