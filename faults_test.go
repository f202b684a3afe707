package multiaccount

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The fault matrix runs every vendor's representative read and create
// against a real loopback server that misbehaves in one way per scenario,
// and asserts what the server saw (attempts) and what the caller got (error
// type and sentinel). No create may ever reach the server twice.

// opClass is a read (repeatable) or a create (never sent twice).
type opClass string

const (
	classRead   opClass = "read"
	classCreate opClass = "create"
)

// matrixVendor describes one vendor for the matrix.
type matrixVendor struct {
	name     string
	provider Provider
	auth     Authenticator
	// ok is a valid success body per class, for faults that need one.
	ok map[opClass][]byte
	// call runs the class's representative operation.
	call map[opClass]func(ctx context.Context, c *Client) (any, error)
}

func voiceTelMatrix(t *testing.T) matrixVendor {
	return matrixVendor{
		name: "VoiceTel", provider: VoiceTel(), auth: Bearer("matrix-key"),
		ok: map[opClass][]byte{
			classRead:   fixture(t, "voicetel", "registration.json"),
			classCreate: fixture(t, "voicetel", "add.json"),
		},
		call: map[opClass]func(context.Context, *Client) (any, error){
			classRead: func(ctx context.Context, c *Client) (any, error) { return c.Agency.SIPRegistration(ctx) },
			classCreate: func(ctx context.Context, c *Client) (any, error) {
				return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@example.com"})
			},
		},
	}
}

func kaleyraMatrix(t *testing.T) matrixVendor {
	return matrixVendor{
		name: "Kaleyra", provider: Kaleyra(kSID), auth: APIKeyAuth("matrix-key"),
		ok: map[opClass][]byte{classRead: fixture(t, "kaleyra", "list.json"), classCreate: fixture(t, "kaleyra", "create.json")},
		call: map[opClass]func(context.Context, *Client) (any, error){
			classRead: func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) },
			classCreate: func(ctx context.Context, c *Client) (any, error) {
				return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Email: "a@example.com", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
			},
		},
	}
}

func serwerSMSMatrix(t *testing.T) matrixVendor {
	return matrixVendor{
		name: "SerwerSMS", provider: SerwerSMS(), auth: KeyPair("matrix-user", "matrix-pass"),
		ok: map[opClass][]byte{classRead: fixture(t, "serwersms", "view.json"), classCreate: fixture(t, "serwersms", "add.json")},
		call: map[opClass]func(context.Context, *Client) (any, error){
			classRead: func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Get(ctx, "1194") },
			classCreate: func(ctx context.Context, c *Client) (any, error) {
				return c.SubAccounts.Create(ctx, &SubAccountCreate{Username: "abc", Password: "secret", TemplateID: "1"})
			},
		},
	}
}

// CallTrackingMetrics creates nothing; its credential exchange is the
// operation that must never be sent twice.
func ctmMatrix(t *testing.T) matrixVendor {
	return matrixVendor{
		name: "CallTrackingMetrics", provider: CallTrackingMetrics(), auth: KeyPair("matrix-access", "matrix-secret"),
		ok: map[opClass][]byte{classRead: fixture(t, "calltrackingmetrics", "accounts_page1.json"), classCreate: fixture(t, "calltrackingmetrics", "auth.json")},
		call: map[opClass]func(context.Context, *Client) (any, error){
			classRead:   func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) },
			classCreate: func(ctx context.Context, c *Client) (any, error) { return c.Agency.Session(ctx) },
		},
	}
}

func woodpeckerMatrix(t *testing.T) matrixVendor {
	return matrixVendor{
		name: "Woodpecker", provider: Woodpecker(), auth: APIKeyAuth("matrix-key"),
		ok: map[opClass][]byte{classRead: fixture(t, "woodpecker", "companies.json"), classCreate: fixture(t, "woodpecker", "company_add.json")},
		call: map[opClass]func(context.Context, *Client) (any, error){
			classRead: func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) },
			classCreate: func(ctx context.Context, c *Client) (any, error) {
				return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N"})
			},
		},
	}
}

// matrixVendors lists the vendors in the matrix.
var matrixVendors = []func(*testing.T) matrixVendor{voiceTelMatrix, kaleyraMatrix, serwerSMSMatrix, ctmMatrix, woodpeckerMatrix}

// scenario is one misbehaviour and its expected outcome per class.
type scenario struct {
	name string
	// handler misbehaves; ok is the class's success body.
	handler func(w http.ResponseWriter, r *http.Request, ok []byte)
	// closed: no server at all (connection refused).
	closed bool
	// stall, when set, does its part of the answer and then the server
	// holds the request: the attempt's timeout fires on that event (the
	// server has seen the attempt), not on a real timer that could fire
	// before the server's handler runs on a loaded machine.
	stall func(w http.ResponseWriter, ok []byte)
	// maxBody caps the response (0: default).
	maxBody int64
	// attempts the server must see, per class.
	attempts map[opClass]int
	// check asserts the error (nil err means success expected).
	check func(t *testing.T, err error)
}

const matrixRetries = 2 // so a retried read is seen 3 times

func TestFaultMatrix(t *testing.T) {
	blockForever := make(chan struct{})
	t.Cleanup(func() { close(blockForever) })
	jsonAnswer := func(status int, body string, header ...string) func(http.ResponseWriter, *http.Request, []byte) {
		return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.Header().Set("Content-Type", "application/json")
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	hijackClose := func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // RST, not FIN
			}
			conn.Close()
		}
	}
	retried := map[opClass]int{classRead: matrixRetries + 1, classCreate: 1}
	retriedBoth := map[opClass]int{classRead: matrixRetries + 1, classCreate: matrixRetries + 1}
	once := map[opClass]int{classRead: 1, classCreate: 1}
	none := map[opClass]int{classRead: 0, classCreate: 0}
	isNetwork := func(t *testing.T, err error) {
		var ne *NetworkError
		if !errors.As(err, &ne) {
			t.Fatalf("err = %T %v, want *NetworkError", err, err)
		}
	}
	isTimeout := func(t *testing.T, err error) {
		isNetwork(t, err)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("err = %v, want a net.Error timeout", err)
		}
	}
	isAPI := func(status int, sentinel error) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
				t.Fatalf("err = %T %v, want *APIError %d", err, err, status)
			}
			if sentinel != nil && !errors.Is(err, sentinel) {
				t.Fatalf("err = %v, want %v", err, sentinel)
			}
		}
	}
	isRateLimit := func(retryAfter time.Duration) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.Local || !errors.Is(err, ErrRateLimited) {
				t.Fatalf("err = %T %v, want a server *RateLimitError", err, err)
			}
			if retryAfter >= 0 && (rl.RetryAfter < retryAfter-2*time.Second || rl.RetryAfter > retryAfter) {
				t.Fatalf("RetryAfter = %v, want about %v", rl.RetryAfter, retryAfter)
			}
		}
	}
	isDecode := func(t *testing.T, err error) {
		var de *DecodeError
		if !errors.As(err, &de) || de.Operation == "" {
			t.Fatalf("err = %T %v, want a *DecodeError naming the operation", err, err)
		}
	}

	scenarios := []scenario{
		{name: "connection refused", closed: true, attempts: none, check: isNetwork},
		{name: "reset before response", handler: hijackClose, attempts: retried, check: isNetwork},
		{name: "reset mid-body", handler: func(w http.ResponseWriter, _ *http.Request, ok []byte) {
			w.Header().Set("Content-Length", fmt.Sprint(len(ok)+100))
			w.WriteHeader(200)
			_, _ = w.Write(ok[:len(ok)/2])
			w.(http.Flusher).Flush()
			hijackClose(w, nil, nil)
		}, attempts: retried, check: isNetwork},
		{name: "429 with Retry-After seconds", handler: jsonAnswer(429, `{"message":"slow down"}`, "Retry-After", "0"), attempts: retriedBoth, check: isRateLimit(0)},
		{name: "429 with Retry-After HTTP date", handler: func(w http.ResponseWriter, r *http.Request, ok []byte) {
			jsonAnswer(429, `{}`, "Retry-After", time.Now().Add(-time.Second).UTC().Format(http.TimeFormat))(w, r, ok)
		}, attempts: retriedBoth, check: isRateLimit(0)},
		{name: "429 without Retry-After", handler: jsonAnswer(429, `{}`), attempts: retriedBoth, check: isRateLimit(-1)},
		{name: "Retry-After beyond the cap", handler: jsonAnswer(429, `{}`, "Retry-After", "3600"), attempts: once, check: isRateLimit(time.Hour)},
		{name: "500", handler: jsonAnswer(500, `{"message":"boom"}`), attempts: once, check: isAPI(500, nil)},
		{name: "502", handler: jsonAnswer(502, `{}`), attempts: retried, check: isAPI(502, nil)},
		{name: "503", handler: jsonAnswer(503, `{}`), attempts: retried, check: isAPI(503, nil)},
		{name: "504", handler: jsonAnswer(504, `{}`), attempts: retried, check: isAPI(504, nil)},
		{name: "headers slower than the timeout", stall: func(http.ResponseWriter, []byte) {}, attempts: retried, check: isTimeout},
		{name: "body stalls", stall: func(w http.ResponseWriter, ok []byte) {
			w.Header().Set("Content-Length", fmt.Sprint(len(ok)))
			w.WriteHeader(200)
			_, _ = w.Write(ok[:5])
			w.(http.Flusher).Flush()
		}, attempts: retried, check: isTimeout},
		{name: "truncated JSON", handler: func(w http.ResponseWriter, r *http.Request, ok []byte) {
			jsonAnswer(200, string(ok[:len(ok)/2]))(w, r, ok)
		}, attempts: once, check: isDecode},
		{name: "HTML page under 200", handler: jsonAnswer(200, `<html><body>Welcome to nginx</body></html>`, "Content-Type", "text/html"), attempts: once, check: isDecode},
		{name: "HTML page under 502", handler: jsonAnswer(502, `<html><body>Bad Gateway</body></html>`, "Content-Type", "text/html"), attempts: retried, check: isAPI(502, nil)},
		{name: "JSON under a wrong content type", handler: func(w http.ResponseWriter, r *http.Request, ok []byte) {
			jsonAnswer(200, string(ok), "Content-Type", "text/plain")(w, r, ok)
		}, attempts: once, check: nil},
		{name: "empty body", handler: jsonAnswer(200, ``), attempts: once, check: isDecode},
		{name: "body over the size cap", maxBody: 64, handler: func(w http.ResponseWriter, r *http.Request, ok []byte) {
			jsonAnswer(200, `{"pad":"`+strings.Repeat("x", 1000)+`"}`)(w, r, ok)
		}, attempts: once, check: isDecode},
	}

	ran := 0
	for _, mv := range matrixVendors {
		v := mv(t)
		for _, sc := range scenarios {
			for _, class := range []opClass{classRead, classCreate} {
				name := fmt.Sprintf("%s/%s/%s", v.name, class, sc.name)
				t.Run(name, func(t *testing.T) {
					ran++
					var attempts atomic.Int32
					stalled := make(chan struct{})
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						attempts.Add(1)
						// Consume the body: only then does the server notice
						// a client that gives up, and end r.Context().
						_, _ = io.Copy(io.Discard, r.Body)
						if sc.stall == nil {
							sc.handler(w, r, v.ok[class])
							return
						}
						sc.stall(w, v.ok[class])
						select {
						case stalled <- struct{}{}:
						case <-r.Context().Done():
						}
						select {
						case <-blockForever:
						case <-r.Context().Done():
						}
					}))
					base := srv.URL
					if sc.closed {
						srv.Close()
					} else {
						t.Cleanup(srv.Close)
					}
					opts := []Option{WithAuth(v.auth), WithBaseURL(base), withPrivateLimiters(),
						WithRetry(RetryPolicy{MaxRetries: matrixRetries, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: time.Minute}),
						WithHTTPClient(&http.Client{Transport: &timeoutOnEvent{next: http.DefaultTransport, fire: stalled}})}
					if sc.maxBody > 0 {
						opts = append(opts, WithMaxResponseBytes(sc.maxBody))
					}
					c, err := NewClient(v.provider, opts...)
					if err != nil {
						t.Fatal(err)
					}
					val, err := v.call[class](context.Background(), c)
					if sc.check == nil {
						if err != nil || isNilValue(val) {
							t.Fatalf("want success, got %v", err)
						}
					} else {
						if err == nil {
							t.Fatalf("want an error, got %+v", val)
						}
						sc.check(t, err)
					}
					want := sc.attempts[class]
					if sc.closed {
						want = 0
					}
					if got := int(attempts.Load()); got != want {
						t.Errorf("server saw %d attempts, want %d", got, want)
					}
					if class == classCreate && attempts.Load() > 1 && !strings.HasPrefix(sc.name, "429") {
						t.Errorf("a create reached the server %d times", attempts.Load())
					}
				})
			}
		}
	}
	t.Logf("fault matrix: %d scenarios", ran)
}

// TestFaultMatrixCancellation covers the two waits a caller can cancel:
// a backoff and a limiter wait.
func TestFaultMatrixCancellation(t *testing.T) {
	t.Run("during backoff", func(t *testing.T) {
		var attempts atomic.Int32
		first := make(chan struct{})
		var once sync.Once
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			attempts.Add(1)
			once.Do(func() { close(first) })
			w.WriteHeader(503)
		}))
		defer srv.Close()
		c, err := NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL(srv.URL), withPrivateLimiters(),
			WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Hour, MaxWait: time.Hour}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := c.Agency.SIPRegistration(ctx); done <- err }()
		<-first
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("backoff ignored the cancelled context")
		}
		if attempts.Load() != 1 {
			t.Errorf("attempts = %d", attempts.Load())
		}
	})
	t.Run("during limiter wait", func(t *testing.T) {
		var attempts atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			attempts.Add(1)
			_, _ = w.Write(fixture(t, "voicetel", "info.json"))
		}))
		defer srv.Close()
		clock := newFakeClock()
		c, err := NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL(srv.URL), withPrivateLimiters(),
			WithClock(clock), WithRateLimitWait(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			if _, err := c.Agency.Account(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := c.Agency.Account(ctx); done <- err }()
		clock.waitForWaiters(t, 1)
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if attempts.Load() != 6 {
			t.Errorf("attempts = %d, want 6", attempts.Load())
		}
	})
}

// timeoutOnEvent is a per-attempt timeout driven by an event instead of a
// timer: when fire delivers, the attempt in progress (waiting for headers
// or reading the body) ends with a timeout error, as http.Client.Timeout
// would end it.
type timeoutOnEvent struct {
	next http.RoundTripper
	fire <-chan struct{}
}

// errEventTimeout is the net.Error an attempt ends with.
var errEventTimeout error = &eventTimeoutError{}

type eventTimeoutError struct{}

func (*eventTimeoutError) Error() string   { return "attempt timed out (test event)" }
func (*eventTimeoutError) Timeout() bool   { return true }
func (*eventTimeoutError) Temporary() bool { return false }

func (t *timeoutOnEvent) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	done := make(chan struct{})
	var once sync.Once
	end := func() { once.Do(func() { close(done); cancel() }) }
	go func() {
		select {
		case <-t.fire:
			cancel()
		case <-done:
		}
	}()
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		fired := ctx.Err() != nil && req.Context().Err() == nil
		end()
		if fired {
			return nil, errEventTimeout
		}
		return nil, err
	}
	resp.Body = &eventBody{ReadCloser: resp.Body, ctx: ctx, parent: req.Context(), end: end}
	return resp, nil
}

// eventBody reports a read cut by the event as a timeout.
type eventBody struct {
	io.ReadCloser
	ctx, parent context.Context
	end         func()
}

func (b *eventBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.ctx.Err() != nil && b.parent.Err() == nil {
		err = errEventTimeout
	}
	return n, err
}

func (b *eventBody) Close() error {
	err := b.ReadCloser.Close()
	b.end()
	return err
}
