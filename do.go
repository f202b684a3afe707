// The exported request path (NewRequest, Do) for endpoints the services do
// not cover, and response metadata for any call (CaptureResponse).

package multiaccount

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Request is one request to the vendor's API built by NewRequest, for an
// endpoint the services do not cover. Do sends it through the same
// pipeline as every service call: the client's authentication (placed as
// the vendor wants it), the vendor's client-side limits (a limited
// endpoint keeps its window), retries, redaction of errors and the
// response size cap.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is relative to the client's base URL, without a query string
	// or fragment (Do refuses a "?" or "#" in it: the query goes in
	// Query). Client-side limits are found from the endpoint it reaches,
	// decoded and cleaned, whichever way it is spelled.
	Path string
	// Query is sent as the query string.
	Query url.Values
	// Repeatable says that sending the request again is safe: a read, or a
	// write the vendor makes idempotent. Only then does Do retry after a
	// failure that may have reached the vendor. The default, false, sends
	// the request once at most (a 429 from a limited endpoint excepted:
	// the vendor did not act on it), and also keeps net/http from
	// resending it by itself on a reused connection that fails.
	Repeatable bool

	op    string // "Client.Do" or the caller's name for it
	body  []byte
	ctype string
}

// NewRequest builds a request for path, relative to the client's base URL
// (a leading "/" is ignored; a query string in path goes to Query). A
// body of type url.Values is sent as a form, any other non-nil body as
// JSON. Absolute URLs and ".." segments are refused: credentials go only to
// the base URL's host. NewRequest does no I/O.
func (c *Client) NewRequest(method, path string, body any) (*Request, error) {
	const op = "Client.NewRequest"
	u, err := checkRequest(op, method, path, true)
	if err != nil {
		return nil, nameProvider(err, c.Provider())
	}
	r := &Request{Method: strings.ToUpper(method), Path: u.EscapedPath(), op: "Client.Do"}
	if u.RawQuery != "" {
		r.Query = u.Query()
	}
	switch b := body.(type) {
	case nil:
	case url.Values:
		r.body, r.ctype = []byte(b.Encode()), "application/x-www-form-urlencoded"
	default:
		jr, err := newJSONRequest(op, r.Method, r.Path, body)
		if err != nil {
			return nil, nameProvider(err, c.Provider())
		}
		r.body, r.ctype = jr.body, jr.ctype
	}
	return r, nil
}

// Do sends req and decodes a successful JSON answer into v (unless v is
// nil or the answer is empty). A client without credentials sends none.
// Credentials go where the vendor wants them: SerwerSMS's KeyPair as the
// username and password fields of the body, which must then be a JSON
// object or a form not already setting them, sent with a method that has
// a body; the others in headers as for the services. A hand-built Request
// is checked as NewRequest checks its input, before any I/O, and any
// refusal is a *ValidationError. A vendor failure, also one the vendor
// signals inside an HTTP 200 body, is an *APIError as for the services;
// an answer that does not decode into v is a *DecodeError. The Response is
// returned whenever the vendor answered, failures included.
//
// What v receives is the vendor's answer as it is: unlike the services'
// Raw fields, credentials the vendor returns are not redacted in it.
func (c *Client) Do(ctx context.Context, req *Request, v any) (*Response, error) {
	op := "Client.Do"
	if req != nil && req.op != "" {
		op = req.op
	}
	if err := c.ready(ctx, op); err != nil {
		return nil, nameProvider(err, c.Provider())
	}
	if req == nil {
		return nil, c.named(invalid(op, "req", "is nil; build it with NewRequest"))
	}
	if rv := reflect.ValueOf(v); v != nil && (rv.Kind() != reflect.Pointer || rv.IsNil()) {
		return nil, c.named(invalid(op, "v", "must be nil or a non-nil pointer"))
	}
	// A hand-built Request meets NewRequest's rules too, and its Path has
	// no query: a "?" in it would reach the server as one (and past the
	// path the limits are found from).
	if _, err := checkRequest(op, req.Method, req.Path, false); err != nil {
		return nil, c.named(err)
	}
	var meta Response
	if dst, _ := ctx.Value(captureKey{}).(*Response); dst != nil {
		defer func() {
			if meta.StatusCode != 0 {
				*dst = meta
			}
		}()
	}
	ctx = CaptureResponse(ctx, &meta)
	r := &request{op: op, method: strings.ToUpper(req.Method), path: strings.TrimPrefix(req.Path, "/"), query: req.Query,
		body: req.body, ctype: req.ctype, repeatable: req.Repeatable}
	if err := c.v.bodyAuth(c, r); err != nil {
		return nil, c.named(err)
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		if meta.StatusCode == 0 {
			return nil, err
		}
		return &meta, err
	}
	if v != nil && len(strings.TrimSpace(string(resp.body))) > 0 {
		if err := c.decode(r.op, resp, v); err != nil {
			return &meta, err
		}
	}
	return &meta, nil
}

// Response is what the vendor answered besides the body: for Do, and for
// any service call through CaptureResponse.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header holds the response headers, without those that can carry
	// credentials (Set-Cookie, Authorization-like and token or key headers)
	// and with echoed credentials replaced by "[REDACTED]".
	Header http.Header
	// RequestID is the vendor's request id (X-Request-Id or a similar
	// header), or "" when the vendor sends none.
	RequestID string
}

// CaptureResponse returns a context that makes the SDK fill dst with the
// metadata of the last response a call through that context received,
// success or vendor failure (a paging iterator's last page, a chunked
// upload's last chunk). dst is untouched when no answer arrived. Use one
// dst per call: calls that run at once must not share it.
//
//	var meta multiaccount.Response
//	page, err := c.SubAccounts.List(multiaccount.CaptureResponse(ctx, &meta), nil)
//	log.Print(meta.StatusCode, meta.RequestID)
func CaptureResponse(ctx context.Context, dst *Response) context.Context {
	if ctx == nil {
		// A nil context is refused by the call it reaches, with a
		// *ValidationError; it is not a panic here.
		return nil
	}
	return context.WithValue(ctx, captureKey{}, dst)
}

type captureKey struct{}

// withoutCapture returns ctx with no CaptureResponse destination.
func withoutCapture(ctx context.Context) context.Context {
	if ctx.Value(captureKey{}) == nil {
		return ctx
	}
	return context.WithValue(ctx, captureKey{}, (*Response)(nil))
}

// requestIDHeaders are the headers read as Response.RequestID, in order.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid"}

// capture fills the destination of CaptureResponse, if ctx carries one.
func (c *Client) capture(ctx context.Context, r *request, status int, h http.Header) {
	dst, _ := ctx.Value(captureKey{}).(*Response)
	if dst == nil {
		return
	}
	out := make(http.Header, len(h))
	secrets := c.secrets(r)
	for k, vs := range h {
		if credentialHeader(k) {
			continue
		}
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = scrubText(v, secrets)
		}
		out[k] = clean
	}
	*dst = Response{StatusCode: status, Header: out}
	for _, k := range requestIDHeaders {
		if id := out.Get(k); id != "" {
			dst.RequestID = id
			break
		}
	}
}

// credentialHeader reports whether a response header can carry a
// credential, so that Response.Header leaves it out.
func credentialHeader(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"cookie", "auth", "token", "key", "secret", "session", "password"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// String describes the response without its headers' values.
func (r *Response) String() string {
	if r == nil {
		return "<nil>"
	}
	return fmt.Sprintf("multiaccount.Response{StatusCode: %d, RequestID: %q}", r.StatusCode, r.RequestID)
}

// checkRequest applies the rules every exported request meets, before any
// I/O: method an RFC 7230 token, path valid text relative to the base URL,
// without a fragment or dot segments. fromPath allows a query string in
// path (NewRequest moves it to Query); a Request's Path has none.
func checkRequest(op, method, path string, fromPath bool) (*url.URL, error) {
	if !isToken(method) {
		return nil, invalid(op, "method", "must be an HTTP method (an RFC 7230 token)")
	}
	if err := checkText(op, "path", path, 2000); err != nil {
		return nil, err
	}
	if !fromPath && strings.ContainsAny(path, "?#") {
		return nil, invalid(op, "path", `must not contain "?" or "#": put the query in Query`)
	}
	u, err := url.Parse(strings.TrimPrefix(path, "/"))
	switch {
	case err != nil:
		return nil, invalid(op, "path", "is not a valid URL path")
	case u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(path, "//"):
		return nil, invalid(op, "path", "must be relative to the base URL: credentials go only to its host")
	case u.Fragment != "" || strings.Contains(path, "#"):
		return nil, invalid(op, "path", "must not have a fragment")
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == ".." || seg == "." {
			return nil, invalid(op, "path", "must not have . or .. segments")
		}
	}
	return u, nil
}

// isToken reports whether s is an RFC 7230 token, the syntax of a method.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0:
		default:
			return false
		}
	}
	return true
}
