// Options: how a Client is configured.

package multiaccount

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client.
type Option func(*settings) error

type settings struct {
	auth        Authenticator
	baseURL     string
	httpClient  *http.Client
	retry       *RetryPolicy
	rateWait    time.Duration
	logger      *slog.Logger
	userAgent   string
	insecure    bool
	clock       Clock
	maxBody     int64
	inFlight    *int
	ratePerSec  float64
	rateBurst   int
	rateLimited bool
	store       LimitStore
	lease       time.Duration
	attempt     time.Duration
}

// WithAuth sets the credentials. Providers say which authenticators their
// vendor accepts; NewClient refuses the others.
func WithAuth(a Authenticator) Option {
	return func(s *settings) error {
		if a == nil {
			return invalid("NewClient", "WithAuth", "authenticator is nil")
		}
		s.auth = a
		return nil
	}
}

// WithBaseURL replaces the vendor's default base URL: an emulator, a
// regional host or a proxy. A trailing slash is optional; a path prefix is
// kept.
func WithBaseURL(u string) Option {
	return func(s *settings) error { s.baseURL = u; return nil }
}

// DefaultAttemptTimeout bounds each HTTP attempt (connection, headers and
// body) unless WithAttemptTimeout or WithHTTPClient's Timeout says
// otherwise, so that a call without a deadline cannot block forever on a
// server that stalls after accepting. Retries get a fresh bound each.
const DefaultAttemptTimeout = 80 * time.Second

// WithAttemptTimeout replaces DefaultAttemptTimeout. A Timeout set on the
// client given to WithHTTPClient stays in charge. A context deadline bounds
// the whole call, retries included, on top of it.
func WithAttemptTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalid("NewClient", "WithAttemptTimeout", "must be positive")
		}
		s.attempt = d
		return nil
	}
}

// WithHTTPClient sets the inner HTTP client. Retries, rate limits and
// authentication still apply on top of it; its Transport is used for each
// attempt and its Timeout, when set, bounds each attempt (in place of
// WithAttemptTimeout and DefaultAttemptTimeout).
//
// Without it (or with a nil Transport) a Client uses the SDK's transport,
// which keeps up to 64 idle connections per host. A custom transport
// should do the same for the concurrency it serves: http.Transport's
// default MaxIdleConnsPerHost is 2, so 16 goroutines sharing a Client
// would open a new TCP (and TLS) connection for most calls. Set
// MaxIdleConnsPerHost (and MaxIdleConns) to at least the number of
// concurrent calls, e.g.
//
//	t := http.DefaultTransport.(*http.Transport).Clone()
//	t.MaxIdleConns, t.MaxIdleConnsPerHost = 100, 32
//	multiaccount.WithHTTPClient(&http.Client{Transport: t})
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return invalid("NewClient", "WithHTTPClient", "client is nil")
		}
		s.httpClient = hc
		return nil
	}
}

// WithRetry replaces DefaultRetryPolicy.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) error {
		if p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0 || p.MaxRetryAfter < 0 {
			return invalid("NewClient", "WithRetry", "negative value")
		}
		s.retry = &p
		return nil
	}
}

// WithRateLimitWait sets the longest a call may wait for a client-side
// rate-limit slot. The default, 0, fails at once with a *RateLimitError
// (Local true) that says when the next slot opens; a caller is never blocked
// for minutes unless it asked to be. Waits end when the context does.
func WithRateLimitWait(max time.Duration) Option {
	return func(s *settings) error {
		if max < 0 {
			return invalid("NewClient", "WithRateLimitWait", "negative duration")
		}
		s.rateWait = max
		return nil
	}
}

// WithLogger logs one debug line per HTTP attempt: method, host, path,
// status, attempt number and duration. It never logs a query string, a
// header value or a body. The default is silent.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error { s.logger = l; return nil }
}

// WithUserAgent replaces the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(s *settings) error {
		if strings.ContainsAny(ua, "\r\n") {
			return invalid("NewClient", "WithUserAgent", "contains a line break")
		}
		s.userAgent = ua
		return nil
	}
}

// WithInsecureHTTP allows credentials to travel over plain http:// to a host
// that is not a loopback address. Without it NewClient refuses such a base
// URL when credentials are set.
func WithInsecureHTTP() Option {
	return func(s *settings) error { s.insecure = true; return nil }
}

// WithClock replaces the real clock, for tests of rate limits and token
// expiry that must not sleep.
func WithClock(c Clock) Option {
	return func(s *settings) error {
		if c == nil {
			return invalid("NewClient", "WithClock", "clock is nil")
		}
		s.clock = c
		return nil
	}
}

// WithMaxResponseBytes caps the size of a response body (default
// DefaultMaxResponseBytes); a larger body fails the call with a clear error.
func WithMaxResponseBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return invalid("NewClient", "WithMaxResponseBytes", "must be positive")
		}
		s.maxBody = n
		return nil
	}
}

// WithMaxInFlight sets how many requests may be in flight at once per
// credential and host, process-wide; further calls queue within their
// context. The default is the provider's (Woodpecker: 1, others: no cap);
// 0 removes the cap.
func WithMaxInFlight(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return invalid("NewClient", "WithMaxInFlight", "negative")
		}
		s.inFlight = &n
		return nil
	}
}

// WithRequestRate caps this Client's attempts at perSecond on average with
// bursts of burst, a token bucket on top of the vendor's own limits. Calls
// wait for a token up to WithRateLimitWait, like any client-side limit.
func WithRequestRate(perSecond float64, burst int) Option {
	return func(s *settings) error {
		if perSecond <= 0 || burst < 1 {
			return invalid("NewClient", "WithRequestRate", "perSecond must be positive and burst at least 1")
		}
		s.ratePerSec, s.rateBurst, s.rateLimited = perSecond, burst, true
		return nil
	}
}

// WithLimitStore keeps this Client's rate windows and in-flight caps in s,
// shared with every Client, process or host using the same store: see
// NewFileLimitStore and the redisstore module. Without it a Client uses one
// in-memory store shared by the process. Each Reserve in such a store gets
// at most 10 seconds (within the call's context): a store that fails or
// stalls ends the call with a *LimitStoreError, never retried, and
// nothing is sent.
func WithLimitStore(st LimitStore) Option {
	return func(s *settings) error {
		if st == nil {
			return invalid("NewClient", "WithLimitStore", "store is nil")
		}
		s.store = st
		return nil
	}
}

// WithLimitLease sets how long a booked window slot or an in-flight slot
// is held for an attempt that has not reported its end (default
// DefaultLimitLease): a process that crashes mid-attempt blocks others no
// longer than this. Every attempt that holds such a slot is cut off at its
// lease, which keeps the window exact.
func WithLimitLease(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return invalid("NewClient", "WithLimitLease", "must be positive")
		}
		s.lease = d
		return nil
	}
}
