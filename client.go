// Package multiaccount is a client for vendors' agency ("parent account")
// APIs: one Client per vendor, with the same services for all of them.
//
//	c, err := multiaccount.NewClient(multiaccount.VoiceTel(),
//		multiaccount.WithAuth(multiaccount.Bearer(os.Getenv("VOICETEL_API_KEY"))))
//
// A Client validates input before any I/O, retries what is safe to retry,
// never sends a create twice, keeps within each vendor's published limits
// on the client side, and never prints a credential.
package multiaccount

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
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
	limits    *limiters // sharedLimiters, except in tests that need isolation
}

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
	limits      *limiters
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

// WithHTTPClient sets the inner HTTP client. Retries, rate limits and
// authentication still apply on top of it; its Transport is used for each
// attempt and its Timeout bounds each attempt.
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

// NewClient returns a Client for the provider. It validates the options and
// does no network I/O.
func NewClient(p Provider, opts ...Option) (*Client, error) {
	if p.v == nil {
		return nil, invalid("NewClient", "provider", "is the zero Provider; use a constructor such as VoiceTel()")
	}
	if p.err != nil {
		return nil, p.err
	}
	s := settings{maxBody: DefaultMaxResponseBytes, clock: realClock{}}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	raw := s.baseURL
	if raw == "" {
		raw = p.v.defaultBaseURL()
	}
	base, err := parseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	if s.auth != nil && base.Scheme == "http" && !s.insecure && !isLoopback(base.Hostname()) {
		return nil, invalid("NewClient", "WithBaseURL", "plain http:// to a non-loopback host would send credentials in clear text; use https:// or opt in with WithInsecureHTTP()")
	}
	c := &Client{
		v:         p.v,
		base:      base,
		rateWait:  s.rateWait,
		logger:    s.logger,
		userAgent: s.userAgent,
		clock:     s.clock,
		maxBody:   s.maxBody,
		inFlight:  p.v.maxInFlight(),
		limits:    sharedLimiters,
	}
	if s.limits != nil {
		c.limits = s.limits
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
		a, err := p.v.bindAuth(c, s.auth)
		if err != nil {
			return nil, err
		}
		c.auth = a
	}
	c.http = c.newRetryClient(s.httpClient)
	c.Agency = &AgencyService{c: c}
	c.SubAccounts = &SubAccountsService{c: c}
	c.Keys = &KeysService{c: c}
	c.Records = &RecordsService{c: c}
	return c, nil
}

// Provider returns the name of the client's vendor, e.g. "VoiceTel".
func (c *Client) Provider() string { return c.v.name() }

// BaseURL returns the base URL requests are sent to.
func (c *Client) BaseURL() string { return c.base.String() }

// String describes the client without its credentials.
func (c *Client) String() string {
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

// requireAuth fails before any I/O when an operation needs credentials and
// the client has none.
func (c *Client) requireAuth(op string) error {
	if c.auth == nil {
		return fmt.Errorf("multiaccount: %s %s needs credentials: use WithAuth: %w", c.v.name(), op, ErrUnauthorized)
	}
	return nil
}

// request is one API call, as a vendor mapping describes it.
type request struct {
	op     string     // "SubAccounts.List"
	method string     // HTTP method
	path   string     // relative to the base URL, segments already escaped
	query  url.Values // sent as the query string
	body   []byte
	ctype  string // Content-Type of body

	// repeatable: the operation may be sent again after a response or a
	// failure that might have reached the server (reads). Creates, billing
	// and credential exchanges are not.
	repeatable bool
	// window is the vendor's rolling limit on this endpoint, if any.
	window windowLimit
	// auth overrides the client's authenticator (e.g. a company's own
	// key); noAuth sends no credentials at all.
	auth   Authenticator
	noAuth bool
	// secrets are credentials carried in the body (a password being
	// exchanged or set), scrubbed from anything the vendor echoes back.
	secrets []string
	// retryOn says whether an answer is transient although its status
	// does not say so (Woodpecker's E_TOO_MANY_REQUESTS under HTTP 400).
	retryOn func(status int, body []byte) bool
}

// response is a checked, fully read response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// newJSONRequest builds a request with a JSON body.
func newJSONRequest(op, method, path string, body any) (*request, error) {
	r := &request{op: op, method: method, path: path}
	if body != nil {
		b, err := marshalJSON(body)
		if err != nil {
			return nil, fmt.Errorf("multiaccount: %s: encode request: %w", op, err)
		}
		r.body, r.ctype = b, "application/json"
	}
	return r, nil
}

// do sends r through the pipeline: limiter slot and authentication per
// attempt, retries per the operation's class, a bounded read, and the
// vendor's response check. A non-nil response is a success.
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	if ctx == nil {
		return nil, invalid(r.op, "ctx", "is nil")
	}
	st := &callState{c: c, r: r}
	resp, err := c.send(ctx, st)
	var rl *RateLimitError
	if err != nil && r.window.n > 0 && errors.As(err, &rl) && !rl.Local && rl.RetryAfter <= c.rateWait {
		// The server refused with a wait the caller accepts: the window is
		// now closed until then, so sending again waits in the limiter.
		// A 429 means the vendor did not act, so this is safe for every
		// operation.
		return c.send(ctx, &callState{c: c, r: r})
	}
	var apiErr *APIError
	if err != nil && st.session != nil && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		if st.session.invalidate(st.sessionGen) {
			// The token was refused: exchange once and retry the call once.
			// A 401 means the vendor did not act on the request.
			return c.send(ctx, &callState{c: c, r: r})
		}
	}
	return resp, err
}

// call sends r and decodes the successful answer's JSON into out.
func (c *Client) call(ctx context.Context, r *request, out any) (*response, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := c.decode(r.op, resp, out); err != nil {
		return nil, err
	}
	return resp, nil
}

// send runs one call: every attempt, then the response check.
func (c *Client) send(ctx context.Context, st *callState) (*response, error) {
	r := st.r
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u := c.base.String() + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	var body any
	if r.body != nil {
		body = r.body
	}
	rreq, err := retryablehttp.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("multiaccount: %s %s: build request: %w", c.v.name(), r.op, c.scrubErr(r, redactErr(err)))
	}
	if r.ctype != "" {
		rreq.Header.Set("Content-Type", r.ctype)
	}
	rreq.Header.Set("Accept", "application/json")
	rreq.Header.Set("User-Agent", c.userAgent)

	hresp, err := c.http.Do(rreq)
	if err != nil {
		return nil, c.transportError(ctx, r, err)
	}
	// The attempt transport has read the body, within the size cap.
	b, err := io.ReadAll(hresp.Body)
	hresp.Body.Close()
	if err != nil {
		return nil, c.transportError(ctx, r, err)
	}
	resp := &response{status: hresp.StatusCode, header: hresp.Header, body: b}
	if err := c.check(r, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// check turns a vendor failure into an *APIError (or *RateLimitError).
func (c *Client) check(r *request, resp *response) error {
	apiErr := c.v.parseError(resp.status, resp.body)
	if apiErr == nil && resp.status >= 200 && resp.status < 300 {
		return nil
	}
	if apiErr == nil {
		apiErr = &APIError{StatusCode: resp.status, Message: excerpt(http.StatusText(resp.status))}
		if looksLikeText(resp.body) {
			apiErr.Message = excerpt(string(resp.body))
		}
	}
	apiErr.Message = excerpt(c.scrub(r, apiErr.Message))
	apiErr.Operation, apiErr.Provider = r.op, c.v.name()
	if apiErr.StatusCode == 0 {
		apiErr.StatusCode = resp.status
	}
	if apiErr.kind == nil {
		apiErr.kind = kindForStatus(apiErr.StatusCode)
	}
	if apiErr.StatusCode == http.StatusTooManyRequests || apiErr.kind == ErrRateLimited {
		apiErr.kind = nil // the *RateLimitError carries ErrRateLimited
		wait, ok := parseRetryAfter(resp.header.Get("Retry-After"), c.clock.Now())
		if r.window.n > 0 {
			if !ok {
				wait = r.window.per
			}
			c.window(r).block(c.clock.Now().Add(wait))
		}
		return &RateLimitError{RetryAfter: wait, Operation: r.op, Endpoint: "/" + r.path, api: apiErr}
	}
	return apiErr
}

// looksLikeText reports whether a body is short readable text worth quoting
// in an error (not HTML, not binary).
func looksLikeText(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) > 0 && len(t) <= maxMessageLen && t[0] != '<' && !bytes.ContainsRune(t, 0)
}

// transportError reports a failure that has no vendor answer: the context,
// a client-side limit, an oversized body, or the network. URLs are dropped:
// they may carry a token in the query.
func (c *Client) transportError(ctx context.Context, r *request, err error) error {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl
	}
	var ae *authError
	if errors.As(err, &ae) {
		return ae.err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("multiaccount: %s %s: %w", c.v.name(), r.op, ctxErr)
	}
	if errors.Is(err, errBodyTooLarge) {
		return &DecodeError{Operation: r.op, Provider: c.v.name(),
			Reason: fmt.Sprintf("body exceeds the %d-byte cap (WithMaxResponseBytes)", c.maxBody)}
	}
	return &NetworkError{Operation: r.op, Provider: c.v.name(), Method: r.method, Path: "/" + r.path, Err: c.scrubErr(r, redactErr(err))}
}

// credentialParam matches query or form parameters that carry credentials.
var credentialParam = regexp.MustCompile(`(?i)\b(auth_token|access_token|token|apikey|api_key|api-key|key|secret|password|passwd)=[^&\s"'<>]+`)

// minScrubLen is the shortest credential scrubbed by value: shorter ones
// (Woodpecker's legacy password "X") would blank ordinary text.
const minScrubLen = 4

// scrub replaces, in text from outside (a vendor's message, a transport's
// error), the credentials the call carried and any credential-looking
// query parameter with [REDACTED]. Servers and proxies do echo URLs.
func (c *Client) scrub(r *request, s string) string {
	secrets := append(credentialsOf(c.auth), r.secrets...)
	if r.auth != nil {
		secrets = append(secrets, credentialsOf(r.auth)...)
	}
	for _, sec := range secrets {
		if len(sec) < minScrubLen {
			continue
		}
		s = strings.ReplaceAll(s, sec, redacted)
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, redacted)
		}
	}
	return credentialParam.ReplaceAllString(s, "${1}="+redacted)
}

// scrubErr wraps err so that its text is scrubbed; errors.Is and As still
// reach the cause.
func (c *Client) scrubErr(r *request, err error) error {
	msg := err.Error()
	if clean := c.scrub(r, msg); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}
	return err
}

// scrubbedError is an error whose text had credentials removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string    { return e.msg }
func (e *scrubbedError) GoString() string { return fmt.Sprintf("%q", e.msg) }
func (e *scrubbedError) Unwrap() error    { return e.err }

// credentialsOf lists the credential values an authenticator sends.
func credentialsOf(a Authenticator) []string {
	switch a := a.(type) {
	case *bearer:
		return []string{a.token.Reveal()}
	case *apiKey:
		return []string{a.key.Reveal()}
	case *keyPair:
		return []string{a.id.Reveal(), a.secret.Reveal()}
	case *SessionToken:
		return a.credentials()
	case interface{ sessionToken() *SessionToken }:
		return a.sessionToken().credentials()
	}
	return nil
}

// redactErr removes the URL from *url.Error (its query may hold a token).
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

var errBodyTooLarge = errors.New("response body too large")

// readBounded reads all of r, failing past max bytes.
func readBounded(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// authError marks an authenticator's failure, which is never retried.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// callStateKey carries a call's state to the attempt transport.
type callStateKey struct{}

// callState is what the attempt transport needs to know about the call.
type callState struct {
	c       *Client
	r       *request
	attempt int // attempts started, for the log line

	// session and sessionGen record the session token an attempt sent, so
	// that a 401 invalidates that token and no newer one.
	session    *SessionToken
	sessionGen uint64
}
