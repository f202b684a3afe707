package multiaccount

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/multiaccount/multiaccount/internal/fakeclock"
)

// fakeClock is the module's one fake clock (internal/fakeclock, exported
// as multiaccounttest.FakeClock), with a test helper.
type fakeClock struct{ *fakeclock.Clock }

func newFakeClock() *fakeClock {
	return &fakeClock{fakeclock.New(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))}
}

// waitForWaiters blocks until n waits are pending (a goroutine has reached
// its wait), failing the test after a generous real-time bound.
func (f *fakeClock) waitForWaiters(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for f.Waiters() < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d clock waiters (have %d)", n, f.Waiters())
		}
		time.Sleep(time.Millisecond)
	}
}

// fastRetry keeps retries real but their waits negligible: backoff runs on
// go-retryablehttp's real timer.
var fastRetry = RetryPolicy{MaxRetries: 3, MinWait: time.Microsecond, MaxWait: 10 * time.Microsecond, MaxRetryAfter: time.Minute}

var hostSafe = regexp.MustCompile(`[^a-z0-9]+`)

// testBaseURL is a host unique to the test and to this run of it, so that
// the process-wide limiters of one test never see another's requests, nor
// those of the same test's earlier run under -count.
func testBaseURL(t *testing.T) string {
	name := hostSafe.ReplaceAllString(strings.ToLower(t.Name()), "-")
	if len(name) > 50 {
		name = name[len(name)-50:]
	}
	id, _ := testRuns.LoadOrStore(t, testRunSeq.Add(1))
	return fmt.Sprintf("https://%s-r%d.example.test", strings.Trim(name, "-"), id)
}

// testRuns numbers each *testing.T (one per test per run) for testBaseURL.
var (
	testRuns   sync.Map
	testRunSeq atomic.Int64
)

// mockClient builds a Client whose inner transport is an httpmock
// MockTransport, so retries, limits and auth all run. An unmatched request
// fails the test.
func mockClient(t *testing.T, p Provider, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request: %s %s", req.Method, req.URL.Path)
		return nil, fmt.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
	})
	all := append([]Option{
		WithBaseURL(testBaseURL(t)),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetry(fastRetry),
	}, opts...)
	c, err := NewClient(p, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mt
}

// seen is one request as the server saw it.
type seen struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// recorder captures the requests a responder answered.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) add(req *http.Request) seen {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
	}
	s := seen{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: b}
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
	return s
}

func (r *recorder) all() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// last returns the last request, failing the test when there is none.
func (r *recorder) last(t *testing.T) seen {
	t.Helper()
	all := r.all()
	if len(all) == 0 {
		t.Fatal("no request was sent")
	}
	return all[len(all)-1]
}

// respond registers a responder for method and path (relative to the
// client's base URL) that records each request and answers status with
// body. A header list of key, value pairs is added to the response.
func respond(t *testing.T, c *Client, mt *httpmock.MockTransport, method, path string, status int, body []byte, header ...string) *recorder {
	t.Helper()
	rec := &recorder{}
	mt.RegisterResponder(method, c.BaseURL()+strings.TrimPrefix(path, "/"), func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	})
	return rec
}

// respondSeq registers a responder that answers with each response in turn
// (the last one repeats).
func respondSeq(t *testing.T, c *Client, mt *httpmock.MockTransport, method, path string, answers ...func() (*http.Response, error)) *recorder {
	t.Helper()
	rec := &recorder{}
	var mu sync.Mutex
	i := 0
	mt.RegisterResponder(method, c.BaseURL()+strings.TrimPrefix(path, "/"), func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		mu.Lock()
		a := answers[min(i, len(answers)-1)]
		i++
		mu.Unlock()
		return a()
	})
	return rec
}

// answer builds a response for respondSeq.
func answer(status int, body []byte, header ...string) func() (*http.Response, error) {
	return func() (*http.Response, error) {
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

// fixture reads testdata/<vendor>/<name>.
func fixture(t testing.TB, vendor, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", vendor, name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// jsonBody decodes a request body for comparison (numbers kept exact).
func jsonBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("request body is not a JSON object: %v", err)
	}
	return m
}

// assertJSONBody compares a request body with want, given as JSON text.
func assertJSONBody(t *testing.T, got []byte, want string) {
	t.Helper()
	g := jsonBody(t, got)
	w := jsonBody(t, []byte(want))
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("request body:\n got %s\nwant %s", gb, wb)
	}
}

// logCapture is a debug-level slog handler's output.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// debugLogger returns a debug-level text logger writing into a capture.
func debugLogger() (*slog.Logger, *logCapture) {
	lc := &logCapture{}
	return slog.New(slog.NewTextHandler(lc, &slog.HandlerOptions{Level: slog.LevelDebug})), lc
}

// assertNoCanary fails when any canary appears in the errors (Error, %v,
// %+v, %#v), in the other values (%v, %+v, %#v) or in the log text.
func assertNoCanary(t *testing.T, canaries []string, logs string, errs []error, values ...any) {
	t.Helper()
	var texts []string
	for _, err := range errs {
		if err == nil {
			continue
		}
		texts = append(texts, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	for _, v := range values {
		texts = append(texts, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
	}
	texts = append(texts, logs)
	for _, c := range canaries {
		for _, s := range texts {
			if strings.Contains(s, c) {
				t.Errorf("canary %q leaked in: %.300s", c, s)
			}
		}
	}
}

// assertRawRedacted checks that a Raw object is JSON and does not carry the
// credential value.
func assertRawRedacted(t *testing.T, raw json.RawMessage, credential string) {
	t.Helper()
	if !json.Valid(raw) {
		t.Fatalf("Raw is not JSON: %s", raw)
	}
	if strings.Contains(string(raw), credential) {
		t.Errorf("Raw carries a credential: %s", raw)
	}
	if !strings.Contains(string(raw), redacted) {
		t.Errorf("Raw has no [REDACTED] in place of the credential: %s", raw)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// withPrivateLimiters gives a Client limiters of its own, so that a test
// that makes many clients for one host does not share their windows.
func withPrivateLimiters() Option {
	return func(s *settings) error { s.store = newMemoryStore(); return nil }
}
