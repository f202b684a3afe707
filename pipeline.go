// The request pipeline: build, send through retries, one attempt at a time
// (limiter slot, in-flight cap, authentication, bounded read, log line),
// then the vendor's response check.

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
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

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
	// does not say so (Woodpecker's E_TOO_MANY_REQUESTS under HTTP 400,
	// SerwerSMS's 1010 under HTTP 200); st.vendorError reads the answer's
	// failure once for this check and the response check.
	retryOn func(st *callState, status int, body []byte) bool
}

// response is a checked, fully read response.
type response struct {
	status int
	header http.Header
	body   []byte

	op, provider string // what answered, for the errors it decodes into
	// c and req give the credentials scrubbed from decode errors; either
	// may be nil.
	c   *Client
	req *request
}

// newJSONRequest builds a request with a JSON body.
func newJSONRequest(op, method, path string, body any) (*request, error) {
	r := &request{op: op, method: method, path: path}
	if body != nil {
		b, err := marshalJSON(body)
		if err != nil {
			return nil, invalid(op, "body", "cannot be encoded as JSON: "+err.Error())
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
	if r.window.n == 0 {
		r.window = c.limitOf(r.method, r.path)
	}
	st := &callState{c: c, r: r}
	resp, err := c.send(ctx, st)
	if err != nil {
		return c.sendAgain(ctx, st, err)
	}
	return resp, nil
}

// sendAgain sends r once more after the failures that allow it, or
// returns err. (Apart from do so that its error variables, which escape,
// cost nothing on a success.)
func (c *Client) sendAgain(ctx context.Context, st *callState, err error) (*response, error) {
	r := st.r
	var rl *RateLimitError
	if r.window.n > 0 && errors.As(err, &rl) && !rl.Local && rl.RetryAfter <= c.rateWait {
		// The server refused with a wait the caller accepts: the window is
		// now closed until then, so sending again waits in the limiter.
		// A 429 means the vendor did not act, so this is safe for every
		// operation.
		return c.send(ctx, &callState{c: c, r: r})
	}
	var apiErr *APIError
	if st.used.session != nil && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		if st.used.session.invalidate(st.used.gen) {
			// The token was refused: exchange once and retry the call once.
			// A 401 means the vendor did not act on the request.
			return c.send(ctx, &callState{c: c, r: r})
		}
	}
	return nil, err
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
		return nil, c.contextError(r.op, err)
	}
	u := c.baseURL + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	// The call state is the context the attempts see (no WithValue).
	st.Context = ctx
	ctx = st
	var body any
	if r.body != nil {
		body = retryablehttp.ReaderFunc(st.openBody)
	}
	// The request carries no headers: the attempt transport sets them on
	// each attempt's own copy (see attemptRequest), so net/http has none
	// to copy per call.
	rreq, err := retryablehttp.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("multiaccount: %s %s: build request: %w", c.v.name(), r.op, c.scrubErr(r, redactErr(err)))
	}
	// The host is the URL's (Host is what NewRequest copied from it);
	// an empty Host spares net/http a copy of the URL per attempt.
	rreq.Host = ""

	hresp, err := c.http.Do(rreq)
	if err != nil {
		return nil, c.transportError(ctx, r, err)
	}
	// The attempt transport has read the body, within the size cap: the
	// answer is the last attempt's, whose bytes the call state holds.
	b := st.lastBody
	if hresp != st.lastResp {
		b, err = io.ReadAll(hresp.Body)
	}
	hresp.Body.Close()
	if err != nil {
		return nil, c.transportError(ctx, r, err)
	}
	c.capture(ctx, r, hresp.StatusCode, hresp.Header)
	resp := &response{status: hresp.StatusCode, header: hresp.Header, body: b, op: r.op, provider: c.v.name(), c: c, req: r}
	if err := c.check(st, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// check turns a vendor failure into an *APIError (or *RateLimitError).
func (c *Client) check(st *callState, resp *response) error {
	r := st.r
	apiErr := st.vendorError(resp.status, resp.body)
	if apiErr == nil && resp.status >= 200 && resp.status < 300 {
		return nil
	}
	if apiErr == nil {
		apiErr = &APIError{StatusCode: resp.status, Message: http.StatusText(resp.status)}
		if looksLikeText(resp.body) {
			apiErr.Message = string(resp.body)
		}
	}
	secrets := c.secrets(r)
	apiErr.Message = outsideText(apiErr.Message, secrets, maxMessageLen)
	apiErr.Code = outsideText(apiErr.Code, secrets, maxCodeLen)
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
			c.blockWindow(r, wait)
		}
		return &RateLimitError{RetryAfter: wait, Operation: r.op, Provider: c.v.name(), Endpoint: c.errPath(r), api: apiErr}
	}
	return apiErr
}

// vendorError is v.parseError(status, body), found cheaply for a success:
// parseError decodes the whole body (a page of items) to read a few
// top-level members. Those members alone, picked by a byte scan, decode
// to the same envelope as the whole body does when it is valid JSON; when
// they show no failure there is none (and an invalid body is no failure
// to parseError either). Anything else is parseError of the whole body.
func vendorError(v vendor, status int, body []byte) *APIError {
	bp := pickedBuffers.Get().(*[]byte)
	picked, ok := pickMembers((*bp)[:0], body, v.errorMembers())
	success := ok && v.parseError(status, picked) == nil // keeps nothing of picked
	if cap(picked) <= 4<<10 {
		*bp = picked
		pickedBuffers.Put(bp)
	}
	if success {
		return nil
	}
	return v.parseError(status, body)
}

// pickedBuffers hold vendorError's picked members between calls: no
// allocation per call.
var pickedBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// maxCodeLen bounds a vendor's error code kept in errors.
const maxCodeLen = 64

// outsideText is how a text from outside reaches an error: scrubbed first,
// then cut to max bytes (the cut cannot leave part of a credential that is
// already gone) and made single-line.
func outsideText(s string, secrets []string, max int) string {
	return excerptN(scrubText(s, secrets), max)
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
	var se *LimitStoreError
	if errors.As(err, &se) {
		return se
	}
	var ae *authError
	if errors.As(err, &ae) {
		return ae.err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return c.contextError(r.op, ctxErr)
	}
	var tl *bodyTooLargeError
	if errors.As(err, &tl) {
		return &DecodeError{Operation: r.op, Provider: c.v.name(), StatusCode: tl.status,
			Reason: fmt.Sprintf("body exceeds the %d-byte cap (WithMaxResponseBytes)", c.maxBody)}
	}
	return &NetworkError{Operation: r.op, Provider: c.v.name(), Method: r.method, Path: c.errPath(r), Err: c.scrubErr(r, redactErr(err))}
}

var errBodyTooLarge = errors.New("response body too large")

// bodyTooLargeError is errBodyTooLarge with the status of the answer.
type bodyTooLargeError struct{ status int }

func (e *bodyTooLargeError) Error() string { return errBodyTooLarge.Error() }

func (e *bodyTooLargeError) Is(target error) bool { return target == errBodyTooLarge }

// contextError names the call that the context ended; errors.Is still
// finds context.Canceled or context.DeadlineExceeded.
func (c *Client) contextError(op string, err error) error {
	return fmt.Errorf("%s%w", errPrefix(c.Provider(), op), err)
}

// readBounded reads all of r, failing past max bytes. size is the
// announced length (-1 if unknown): a body within the cap is read into
// one buffer of that size, with a byte to spare to see its end. A body of
// unknown length (chunked) is read into a pooled buffer and copied once
// at its size, instead of growing a new buffer by doubling (a 11 kB page
// cost 31 kB in six allocations).
func readBounded(r io.Reader, size, max int64) ([]byte, error) {
	if size >= 0 && size <= max {
		b, err := readAppend(make([]byte, 0, size+1), r, max)
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	bp := readBuffers.Get().(*[]byte)
	b, err := readAppend((*bp)[:0], r, max)
	var out []byte
	if err == nil {
		out = make([]byte, len(b))
		copy(out, b)
	}
	if cap(b) <= maxPooledRead {
		*bp = b[:0]
		readBuffers.Put(bp)
	}
	return out, err
}

// readBuffers are readBounded's buffers for bodies of unknown length; one
// that grew past maxPooledRead is dropped rather than kept.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

const maxPooledRead = 1 << 20

// readAppend appends all of r to b, failing past max bytes; on a failure
// it returns b as far as it was read.
func readAppend(b []byte, r io.Reader, max int64) ([]byte, error) {
	for {
		room := b[len(b):cap(b)]
		if left := max + 1 - int64(len(b)); int64(len(room)) > left {
			room = room[:left]
		}
		n, err := r.Read(room)
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return b, errBodyTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// byteBody is a body read from memory. It is an io.ReadCloser itself, so
// go-retryablehttp and the pipeline use it without an io.NopCloser.
type byteBody struct{ bytes.Reader }

func newByteBody(b []byte) *byteBody {
	bb := new(byteBody)
	bb.Reset(b)
	return bb
}

// Close does nothing: the bytes stay readable for a later reader.
func (*byteBody) Close() error { return nil }

// authError marks an authenticator's failure, which is never retried.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }

func (e *authError) Unwrap() error { return e.err }

// callStateKey carries a call's state to the attempt transport.
type callStateKey struct{}

// callState is what the attempt transport needs to know about the call.
// It is the call's context too: the caller's, with the call state as the
// value of callStateKey, which costs no context.WithValue per call.
type callState struct {
	context.Context // the caller's

	c       *Client
	r       *request
	attempt int // attempts started, for the log line

	// used records what the last attempt's authentication drew on, so
	// that a 401 invalidates that session token and no newer one.
	used used

	// lastResp and lastBody are the last attempt's answer and its body,
	// read by the attempt transport, so that send need not copy it again.
	lastResp *http.Response
	lastBody []byte

	// firstBody is the request body of go-retryablehttp's first two
	// opens: one to learn its length, never read, and the first
	// attempt's. Every later one (retries, redirects) is new, as a
	// transport may still hold the one before. Each is a *bytes.Reader,
	// which net/http sends with its headers in one write (another reader
	// type gets its headers flushed apart: two writes, two packets).
	firstBody bytes.Reader
	opens     int

	// The last answer's failure, as st.vendorError found it.
	checked       bool
	checkedStatus int
	checkedBody   []byte
	checkedErr    *APIError
}

// vendorError is the vendor's failure in an answer (vendorError), found
// once per answer: the retry check and the response check read the same
// last attempt's body.
func (st *callState) vendorError(status int, body []byte) *APIError {
	if st.checked && st.checkedStatus == status && sameBytes(st.checkedBody, body) {
		return st.checkedErr
	}
	e := vendorError(st.c.v, status, body)
	st.checked, st.checkedStatus, st.checkedBody, st.checkedErr = true, status, body, e
	return e
}

// sameBytes reports whether a and b are the same bytes in memory.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// openBody opens the request body for go-retryablehttp.
func (st *callState) openBody() (io.Reader, error) {
	st.opens++
	if st.opens <= 2 {
		st.firstBody.Reset(st.r.body)
		return &st.firstBody, nil
	}
	return bytes.NewReader(st.r.body), nil
}

// Value returns the call state for callStateKey, else the caller's value.
func (st *callState) Value(key any) any {
	if key == (callStateKey{}) {
		return st
	}
	return st.Context.Value(key)
}

// attemptTransport runs once per attempt, retries included: it takes the
// rate-limit slot (vendors count attempts), caps requests in flight,
// authenticates and logs.
type attemptTransport struct{ next http.RoundTripper }

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st, ok := ctx.Value(callStateKey{}).(*callState)
	if !ok {
		return t.next.RoundTrip(req)
	}
	c, r := st.c, st.r
	st.attempt++
	auth := c.auth
	if r.auth != nil {
		auth = r.auth
	}
	if r.noAuth || !c.sameOrigin(req.URL) {
		// No credentials for a redirect to another scheme or host.
		auth = nil
	}
	sl, err := c.takeSlot(ctx, r, auth)
	if err != nil {
		return nil, err
	}
	// The slot is held until the attempt ends (the vendor counts
	// arrivals), or given back if nothing was sent.
	sent := false
	defer func() { c.endSlot(sl, sent) }()
	// No attempt may block forever on a server that stalls
	// (WithAttemptTimeout), and a held slot is assumed to end within its
	// lease (a crashed holder's ages out), so the attempt may not outlast
	// it either.
	bound := c.attempt // 0: the HTTP client's Timeout is in charge
	if (sl.ok || c.inFlight > 0) && (bound == 0 || c.lease < bound) {
		bound = c.lease
	}
	if bound > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, bound)
		// The body is read to its end before this runs: the connection is
		// back in the idle pool by then, and the cancel does not close it.
		defer cancel()
	}
	release, err := c.acquireInFlight(ctx, auth)
	if err != nil {
		return nil, err
	}
	out := c.attemptRequest(ctx, req, r)
	if !r.repeatable {
		notReplayable(out)
	}
	if auth != nil {
		u, err := authenticate(auth, out)
		if err != nil {
			release()
			var rl *RateLimitError
			if errors.As(err, &rl) || ctx.Err() != nil {
				return nil, err
			}
			return nil, &authError{fmt.Errorf("multiaccount: %s %s: authenticate: %w", c.v.name(), r.op, err)}
		}
		// The call state is the pipeline's: the authenticator only says
		// which token it sent.
		st.used = u
	}
	start := time.Now()
	sent = true
	resp, err := t.next.RoundTrip(out)
	if err == nil {
		// Read the body inside the attempt: a connection that breaks
		// mid-body is a failed attempt like any other (and retried as the
		// operation allows), and the in-flight slot is freed at once.
		var b []byte
		b, err = readBounded(resp.Body, resp.ContentLength, c.maxBody)
		resp.Body.Close()
		if errors.Is(err, errBodyTooLarge) {
			err = &bodyTooLargeError{status: resp.StatusCode}
		}
		if err != nil {
			resp = nil
		} else {
			resp.Body = newByteBody(b)
			resp.ContentLength = int64(len(b))
		}
		st.lastResp, st.lastBody = resp, b
	} else {
		st.lastResp, st.lastBody = nil, nil
	}
	release()
	// The call's context: the attempt's own has ended if its bound did,
	// which the log calls a timeout, not the caller's context done.
	c.logAttempt(st, st, out, resp, err, time.Since(start))
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// attemptRequest is one attempt's own copy of req, with ctx: its own URL
// and headers, which an authenticator may change, and the pipeline's
// headers. The call's request carries none of these (net/http would copy
// them per call): they are set here on every attempt and redirect hop,
// Content-Type only when the hop has a body (net/http drops the body, and
// its headers, when a redirect turns the request into a GET).
func (c *Client) attemptRequest(ctx context.Context, req *http.Request, r *request) *http.Request {
	out := req.WithContext(ctx)
	u := *req.URL
	out.URL = &u
	if len(req.Header) > 0 {
		out.Header = req.Header.Clone() // a redirect hop's Referer
	} else {
		out.Header = make(http.Header, 4)
	}
	withBody := r.ctype != "" && out.Body != nil && out.Body != http.NoBody
	vals := make([]string, 2, 3)
	vals[0], vals[1] = "application/json", c.userAgent
	if withBody {
		vals = append(vals, r.ctype)
	}
	// The keys are canonical; each slice is capped, so that an Add
	// appends to a copy.
	out.Header["Accept"] = vals[0:1:1]
	out.Header["User-Agent"] = vals[1:2:2]
	if withBody {
		out.Header["Content-Type"] = vals[2:3:3]
	}
	return out
}

// logAttempt writes the one debug line per attempt. It logs the path
// without its query, and for a failure only the kind of failure: error
// texts from some transports include the full URL.
func (c *Client) logAttempt(ctx context.Context, st *callState, req *http.Request, resp *http.Response, err error, d time.Duration) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.v.name()),
		slog.String("operation", st.r.op),
		slog.String("method", req.Method),
		slog.String("host", req.URL.Host),
		slog.String("path", req.URL.EscapedPath()),
		slog.Int("attempt", st.attempt),
		slog.Duration("duration", d),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	} else {
		attrs = append(attrs, slog.Int("status", 0), slog.String("failure", failureKind(ctx, err)))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "multiaccount attempt", attrs...)
}

// failureKind classifies a transport failure without quoting it.
func failureKind(ctx context.Context, err error) string {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return "context done"
	case neverSent(err):
		return "dial failed"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	}
	return "transport error"
}

// notReplayable keeps net/http from resending req by itself. Its
// transport resends a request on a fresh connection when a reused one
// fails before any answer, if the request is "replayable": a GET, HEAD or
// OPTIONS (or TRACE) with no body, or one whose body it can get again
// (GetBody). The failure may come after the server acted, so a request
// that must go at most once gets an empty body without GetBody: no longer
// replayable, and still sent with no body (net/http probes an empty body
// of these methods and sends none).
func notReplayable(req *http.Request) {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		// Other methods are never replayed without an Idempotency-Key,
		// which the SDK does not send (TRACE would go chunked: not used).
		return
	}
	if req.Body == nil || req.Body == http.NoBody {
		req.Body, req.GetBody, req.ContentLength = io.NopCloser(strings.NewReader("")), nil, 0
	}
}
