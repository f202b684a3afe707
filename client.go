// Client and NewClient: the one value users build, and its validation.

package multiaccount

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the SDK's version, sent in the default User-Agent.
const Version = "0.1.0"

// DefaultMaxResponseBytes is the default cap on a response body.
const DefaultMaxResponseBytes = 10 << 20

// Client talks to one vendor's API. It is safe for concurrent use; create
// one per vendor and credential and reuse it.
type Client struct {
	// Agency covers the agency's own account: sessions, account info,
	// signup, recovery and prospects.
	Agency *AgencyService
	// SubAccounts lists, creates, updates and deletes sub-accounts.
	SubAccounts *SubAccountsService
	// Keys lists, creates and exchanges API keys.
	Keys *KeysService
	// Records reads call records and recurring charges.
	Records *RecordsService

	v         vendor
	base      *url.URL // always ends in "/"
	baseURL   string   // base.String(), for building request URLs
	auth      Authenticator
	http      *retryablehttp.Client
	retry     RetryPolicy
	rateWait  time.Duration
	logger    *slog.Logger
	userAgent string
	clock     Clock
	maxBody   int64
	inFlight  int
	perSecond *tokenBucket
	store     LimitStore    // defaultStore unless WithLimitStore
	lease     time.Duration // how long a limit slot is held at most
	// storeTimeout bounds a reserve in a store that may block.
	storeTimeout time.Duration
	limitHost    string   // canonical server, for limit keys
	windows      sync.Map // request path -> Window, so a reserve builds no key
	// limited: the vendor has rolling limits (limitedOps is not empty);
	// limitsSeen caches limitOf.
	limited    bool
	limitsSeen limitCache
	// attempt bounds each attempt (WithAttemptTimeout); 0 when the HTTP
	// client's own Timeout does.
	attempt time.Duration
	// authSecrets are auth's scrub values when they cannot change (no
	// session token), computed once instead of per Raw; nil otherwise.
	authSecrets []string
}

// NewClient returns a Client for the provider. It validates the options and
// does no network I/O.
func NewClient(p Provider, opts ...Option) (*Client, error) {
	if p.v == nil {
		return nil, invalid("NewClient", "provider", "is the zero Provider; use a constructor such as VoiceTel()")
	}
	if p.err != nil {
		return nil, p.err
	}
	s := settings{maxBody: DefaultMaxResponseBytes, clock: realClock{}, attempt: DefaultAttemptTimeout}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, nameProvider(err, p.v.name())
		}
	}
	raw := s.baseURL
	if raw == "" {
		raw = p.v.defaultBaseURL()
	}
	base, err := parseBaseURL(raw)
	if err != nil {
		return nil, nameProvider(err, p.v.name())
	}
	if s.auth != nil && base.Scheme == "http" && !s.insecure && !isLoopback(base.Hostname()) {
		return nil, nameProvider(invalid("NewClient", "WithBaseURL", "plain http:// to a non-loopback host would send credentials in clear text; use https:// or opt in with WithInsecureHTTP()"), p.v.name())
	}
	c := &Client{
		v:            p.v,
		base:         base,
		baseURL:      base.String(),
		rateWait:     s.rateWait,
		logger:       s.logger,
		userAgent:    s.userAgent,
		clock:        s.clock,
		maxBody:      s.maxBody,
		inFlight:     p.v.maxInFlight(),
		store:        defaultStore,
		lease:        DefaultLimitLease,
		storeTimeout: storeTimeout,
		limitHost:    limitHost(base),
		limited:      len(p.v.limitedOps()) > 0,
		attempt:      s.attempt,
	}
	if s.store != nil {
		c.store = s.store
	}
	if s.lease > 0 {
		c.lease = s.lease
	}
	if c.userAgent == "" {
		c.userAgent = "multiaccount-go/" + Version
	}
	if s.inFlight != nil {
		c.inFlight = *s.inFlight
	}
	if s.rateLimited {
		c.perSecond = newTokenBucket(s.ratePerSec, s.rateBurst)
	}
	c.retry = DefaultRetryPolicy()
	if s.retry != nil {
		c.retry = s.retry.withDefaults()
	}
	if s.auth != nil {
		if err := checkCredential(s.auth); err != nil {
			return nil, nameProvider(err, p.v.name())
		}
		a, err := p.v.bindAuth(c, s.auth)
		if err != nil {
			return nil, nameProvider(err, p.v.name())
		}
		c.auth = a
		if cr := credentialOf(a); cr != nil && cr.sessionToken() == nil {
			c.authSecrets = cr.scrubValues()
		}
	}
	c.http = c.newRetryClient(s.httpClient)
	c.Agency = &AgencyService{c: c}
	c.SubAccounts = &SubAccountsService{c: c}
	c.Keys = &KeysService{c: c}
	c.Records = &RecordsService{c: c}
	return c, nil
}

// Provider returns the name of the client's vendor, e.g. "VoiceTel" ("" for
// a Client not made by NewClient).
func (c *Client) Provider() string {
	if c == nil || c.v == nil {
		return ""
	}
	return c.v.name()
}

// BaseURL returns the base URL requests are sent to.
func (c *Client) BaseURL() string {
	if c == nil || c.base == nil {
		return ""
	}
	return c.base.String()
}

// ready refuses, before any I/O, a call on a Client not made by NewClient
// (the zero Client, a nil one, or a zero service) and a nil context.
func (c *Client) ready(ctx context.Context, op string) error {
	if c == nil || c.v == nil || c.http == nil || c.base == nil {
		return invalid(op, "Client", "is not initialised: create it with NewClient")
	}
	if ctx == nil {
		return invalid(op, "ctx", "is nil")
	}
	return nil
}

// String describes the client without its credentials.
func (c *Client) String() string {
	if c == nil || c.v == nil || c.base == nil {
		return "multiaccount.Client{uninitialised: use NewClient}"
	}
	a := "none"
	if c.auth != nil {
		a = authName(c.auth)
	}
	return fmt.Sprintf("multiaccount.Client{provider: %s, base: %s, auth: %s(%s)}", c.v.name(), c.base.Redacted(), a, redacted)
}

// Format makes every verb, %+v and %#v included, print String: the struct's
// fields hold credentials.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, invalid("NewClient", "WithBaseURL", "must be an absolute http:// or https:// URL")
	}
	if u.User != nil {
		return nil, invalid("NewClient", "WithBaseURL", "must not carry user info; use WithAuth")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, invalid("NewClient", "WithBaseURL", "must not have a query or fragment")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// sameOrigin reports whether u is on the base URL's scheme and host, the
// only place credentials go.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) && strings.EqualFold(u.Host, c.base.Host)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
