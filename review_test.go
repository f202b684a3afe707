package multiaccount

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Regression tests for the findings of the hostile review of the exported
// request path (NewRequest, Do): each failed before its fix.

// pathCounter is a server that counts requests per decoded, cleaned path
// (as servers route them) and answers 200 {}.
type pathCounter struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newPathCounter(t *testing.T) *pathCounter {
	pc := &pathCounter{hits: map[string]int{}}
	pc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pc.mu.Lock()
		p := path.Clean(r.URL.Path) // as routers match it
		if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
			p += "/"
		}
		pc.hits[p]++
		pc.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(pc.Close)
	return pc
}

func (pc *pathCounter) count(p string) int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.hits[p]
}

func (pc *pathCounter) total() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	n := 0
	for _, c := range pc.hits {
		n += c
	}
	return n
}

// VoiceTel's hourly limit on account/info/ holds however the path of a
// Do request is spelled, and whatever part of it is in the base URL:
// every spelling reaches one endpoint, and shares one window.
func TestDoLimitFoundFromCanonicalPath(t *testing.T) {
	for _, tc := range []struct {
		name, base, path string
		plain            string // the same endpoint as the services spell it
	}{
		{"escaped letter", "", "v2.1/account/%69nfo/", "v2.1/account/info/"},
		{"escaped first segment", "", "v2.1/%61ccount/info/", "v2.1/account/info/"},
		{"escaped version", "", "%762.1/account/info/", "v2.1/account/info/"},
		{"escaped slash", "", "v2.1/account/info%2F", "v2.1/account/info/"},
		{"doubled slash", "", "v2.1//account/info/", "v2.1/account/info/"},
		{"version in the base URL", "/v2.1/", "account/info/", "v2.1/account/info/"},
		{"v2.2 escaped letter", "", "v2.2/account/%61pi-key", "v2.2/account/api-key"},
		{"v2.2 trailing escaped slash", "", "v2.2/account/api-key%2F", "v2.2/account/api-key"},
		{"proxy prefix in the base URL", "/proxy/", "v2.1/account/info/", "v2.1/account/info/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newPathCounter(t)
			store := newMemoryStore()
			shared := func(s *settings) error { s.store = store; return nil }
			clock := newFakeClock()
			opts := []Option{WithAuth(Bearer("vt-review-token-1234")), WithClock(clock), shared, WithRetry(RetryPolicy{MaxRetries: 0})}
			plain, err := NewClient(VoiceTel(), append(opts, WithBaseURL(srv.URL))...)
			if err != nil {
				t.Fatal(err)
			}
			spelled, err := NewClient(VoiceTel(), append(opts, WithBaseURL(srv.URL+tc.base))...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// Three the plain way, then the spelled way until refused.
			for i := 0; i < 3; i++ {
				req, _ := plain.NewRequest("POST", tc.plain, map[string]any{})
				if _, err := plain.Do(ctx, req, nil); err != nil {
					t.Fatalf("plain call %d: %v", i+1, err)
				}
			}
			var refused *RateLimitError
			for i := 0; i < 8; i++ {
				req, err := spelled.NewRequest("POST", tc.path, map[string]any{})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := spelled.Do(ctx, req, nil); errors.As(err, &refused) {
					break
				}
			}
			if refused == nil || !refused.Local {
				t.Fatalf("%q on base %q: no client-side rate limit after 8 calls (last: %v)", tc.path, tc.base, refused)
			}
			if tc.base == "/proxy/" {
				// Another endpoint on the server, with a window of its own.
				if n := srv.count("/proxy/" + tc.plain); n != 6 {
					t.Errorf("server saw %d calls through the proxy prefix, want the limit of 6", n)
				}
				return
			}
			n := srv.count("/" + tc.plain)
			if tc.plain == "v2.2/account/api-key" {
				n += srv.count("/" + tc.plain + "/") // the slash the escape decodes to
			}
			if n != 6 {
				t.Errorf("server saw %d calls to /%s, want the limit of 6", n, tc.plain)
			}
		})
	}
}

// A "?" or "#" in a hand-built Request's Path would reach the server as
// a query or be dropped, and bypass the limit found from the path: Do
// refuses it before any I/O.
func TestDoRefusesQueryOrFragmentInRequestPath(t *testing.T) {
	srv := newPathCounter(t)
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("vt-review-token-1234")), WithBaseURL(srv.URL), withPrivateLimiters(), WithClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"v2.1/account/info/?x=1", "v2.1/account/info/#x"} {
		_, err := c.Do(context.Background(), &Request{Method: "POST", Path: p}, nil)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "path" {
			t.Errorf("Do with Path %q: %v, want a *ValidationError on path", p, err)
		}
	}
	if n := srv.total(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
}

// HTTP Basic credentials echoed back as the SDK sent them (the base64 of
// id:secret, the whole header value, URL-escaped in a Location) are
// scrubbed from errors and from CaptureResponse headers.
func TestBasicCredentialsScrubbedAsSent(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Provider
		id   string
		sec  string
	}{
		{"CallTrackingMetrics", CallTrackingMetrics(), "CTMACCESSreview77", "CTMSECRETreview88"},
		{"Woodpecker legacy", Woodpecker(), "WPKEYreview-99xy", "X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a := r.Header.Get("Authorization")
				w.Header().Set("X-Echo", a)
				w.Header().Set("Location", "https://elsewhere.example/?a="+url.QueryEscape(a))
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, "you sent "+a)
			}))
			defer srv.Close()
			c, err := NewClient(tc.p, WithAuth(KeyPair(tc.id, tc.sec)), WithBaseURL(srv.URL), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
			if err != nil {
				t.Fatal(err)
			}
			b64 := base64.StdEncoding.EncodeToString([]byte(tc.id + ":" + tc.sec))
			var meta Response
			ctx := CaptureResponse(context.Background(), &meta)
			req, _ := c.NewRequest("GET", "anything", nil)
			_, err = c.Do(ctx, req, nil)
			if err == nil {
				t.Fatal("no error for HTTP 400")
			}
			texts := append(chainTexts(err), meta.Header.Get("X-Echo"), meta.Header.Get("Location"))
			for _, s := range texts {
				if strings.Contains(s, b64[:len(b64)-4]) || strings.Contains(s, url.QueryEscape(b64)[:len(b64)-4]) {
					t.Errorf("the Basic credentials leaked: %q", s)
				}
			}
			if !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("error %q: the echoed credentials were not replaced", err)
			}
		})
	}
}

// Do with a SerwerSMS KeyPair sends it as the username and password body
// fields, as the services do, never as HTTP Basic; a body or method that
// cannot carry them is refused before any I/O.
func TestDoSerwerSMSKeyPairInBody(t *testing.T) {
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: b})
		mu.Unlock()
		_, _ = io.WriteString(w, `{"success":true}`)
	}))
	defer srv.Close()
	c, err := NewClient(SerwerSMS(), WithAuth(KeyPair("ss-user-review", "ss-pass-review-42")), WithBaseURL(srv.URL), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	jreq, _ := c.NewRequest("POST", "subaccounts/index.json", map[string]any{"page": 2})
	freq, _ := c.NewRequest("POST", "subaccounts/index.json", url.Values{"page": {"2"}})
	for _, req := range []*Request{jreq, freq} {
		if _, err := c.Do(ctx, req, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(got))
	}
	assertJSONBody(t, got[0].Body, `{"page":2,"password":"ss-pass-review-42","username":"ss-user-review"}`)
	if f, _ := url.ParseQuery(string(got[1].Body)); f.Get("username") != "ss-user-review" || f.Get("password") != "ss-pass-review-42" || f.Get("page") != "2" {
		t.Errorf("form body %q lacks the credentials or the caller's field", got[1].Body)
	}
	for _, s := range got {
		if a := s.Header.Get("Authorization"); a != "" {
			t.Errorf("SerwerSMS KeyPair sent as Authorization %q", a)
		}
	}
	for name, req := range map[string]*Request{
		"GET":              {Method: "GET", Path: "subaccounts/index.json"},
		"array body":       must(c.NewRequest("POST", "x.json", []int{1})),
		"username in body": must(c.NewRequest("POST", "x.json", map[string]any{"username": "other"})),
	} {
		if _, err := c.Do(ctx, req, nil); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v, want a *ValidationError", name, err)
		}
	}
	if len(got) != 2 {
		t.Errorf("refused requests reached the server (%d requests)", len(got))
	}
}

func must(r *Request, err error) *Request {
	if err != nil {
		panic(err)
	}
	return r
}

// A path the caller built with the client's own key in it does not carry
// the key into NetworkError.Path or RateLimitError.Endpoint.
func TestErrorPathsScrubbed(t *testing.T) {
	const key = "kaleyra-review-key-5150"
	down, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth(key)), WithBaseURL("http://127.0.0.1:1"), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := down.NewRequest("GET", "keys/"+key, nil)
	_, err = down.Do(context.Background(), req, nil)
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("got %v, want a *NetworkError", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	busy, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth(key)), WithBaseURL(srv.URL), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
	if err != nil {
		t.Fatal(err)
	}
	req, _ = busy.NewRequest("GET", "keys/"+key, nil)
	_, err2 := busy.Do(context.Background(), req, nil)
	var rl *RateLimitError
	if !errors.As(err2, &rl) {
		t.Fatalf("got %v, want a *RateLimitError", err2)
	}
	for _, s := range append(append(chainTexts(err), chainTexts(err2)...), ne.Path, rl.Endpoint) {
		if strings.Contains(s, key) {
			t.Errorf("the key leaked: %q", s)
		}
	}
}

// NewRequest and Do refuse malformed input with a *ValidationError naming
// the provider and a non-empty operation, before any I/O; a hand-built or
// zero Request is checked as NewRequest checks its input.
func TestRequestValidationNamesProvider(t *testing.T) {
	srv := newPathCounter(t)
	c, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth("kaleyra-review-key-5150")), WithBaseURL(srv.URL), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, err error, op string) {
		t.Helper()
		var ve *ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v (%T), want a *ValidationError", name, err, err)
			return
		}
		if ve.Operation != op || !strings.HasPrefix(err.Error(), "multiaccount: Kaleyra "+op+": ") {
			t.Errorf("%s: %q, want it to start with %q", name, err, "multiaccount: Kaleyra "+op+": ")
		}
	}
	for _, m := range []string{"G@T", "GET/", "GE\x00T", "GE T", ""} {
		_, err := c.NewRequest(m, "x", nil)
		check("NewRequest method "+m, err, "Client.NewRequest")
		_, err = c.Do(context.Background(), &Request{Method: m, Path: "x"}, nil)
		check("Do method "+m, err, "Client.Do")
	}
	for name, body := range map[string]any{"chan": make(chan int), "NaN": math.NaN()} {
		_, err := c.NewRequest("POST", "x", body)
		check("NewRequest body "+name, err, "Client.NewRequest")
	}
	for name, req := range map[string]*Request{
		"zero Request": {},
		"dot segments": {Method: "GET", Path: "a/../../b"},
		"absolute":     {Method: "GET", Path: "https://elsewhere.example/x"},
		"control":      {Method: "GET", Path: "a\nb"},
	} {
		_, err := c.Do(context.Background(), req, nil)
		check("Do "+name, err, "Client.Do")
	}
	if _, err := c.NewRequest("PATCH", "ok/path", nil); err != nil {
		t.Errorf("a valid request was refused: %v", err)
	}
	if n := srv.total(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
}

// A credential with a newline or another control character (read from a
// file or the environment) is refused by NewClient, not later at the
// network.
func TestNewClientRefusesControlCharacterCredential(t *testing.T) {
	for name, a := range map[string]Authenticator{
		"KeyPair id":      KeyPair("access\n", "secret-value-1"),
		"KeyPair secret":  KeyPair("access-value-1", "secret\r"),
		"Bearer":          Bearer("token-value\n"),
		"APIKeyAuth":      APIKeyAuth("key-value\x00"),
		"NewSessionToken": NewSessionToken("a\tb", "secret-value-1"),
	} {
		var p Provider
		switch name {
		case "KeyPair id", "KeyPair secret", "NewSessionToken":
			p = CallTrackingMetrics()
		case "Bearer":
			p = VoiceTel()
		default:
			p = Kaleyra(kSID)
		}
		_, err := NewClient(p, WithAuth(a))
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "WithAuth" {
			t.Errorf("%s: %v, want a *ValidationError on WithAuth", name, err)
		}
	}
}

// CaptureResponse with a nil context does not panic; the call it reaches
// refuses the nil context.
func TestCaptureResponseNilContext(t *testing.T) {
	var meta Response
	var ctx context.Context
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("CaptureResponse(nil, ...) panicked: %v", p)
			}
		}()
		//lint:ignore SA1012 a nil context is the input under test
		ctx = CaptureResponse(nil, &meta)
	}()
	c, err := NewClient(Kaleyra(kSID), WithBaseURL("http://127.0.0.1:1"), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SubAccounts.List(ctx, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("List with the nil context: %v, want a *ValidationError", err)
	}
}

// A non-repeatable GET through Do is sent once: when a reused connection
// is reset after the server read it, net/http must not resend it.
func TestDoNonRepeatableGetNotReplayedOnReset(t *testing.T) {
	var once atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/once" {
			once.Add(1)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, not a clean close
			}
			conn.Close()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth("kaleyra-review-key-5150")), WithBaseURL(srv.URL), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	warm := must(c.NewRequest("GET", "warm", nil))
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		// A first request leaves a keep-alive connection to reuse.
		if _, err := c.Do(ctx, warm, nil); err != nil {
			t.Fatal(err)
		}
		once.Store(0)
		if _, err := c.Do(ctx, must(c.NewRequest(m, "once", nil)), nil); err == nil {
			t.Errorf("%s: no error for a reset connection", m)
		}
		if n := once.Load(); n != 1 {
			t.Errorf("%s Repeatable=false reached the server %d times, want once", m, n)
		}
	}
	// A repeatable read still goes without a body.
	if _, err := c.Do(ctx, warm, nil); err != nil {
		t.Fatal(err)
	}
}
