package multiaccount

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// hop is what the server saw of one request.
type hop struct {
	method, path, accept, ua, ctype, auth, marks string
	body                                         string
}

// The call's request carries no headers: each attempt and each redirect
// hop gets Accept, User-Agent and the credential on its own copy, and
// Content-Type only with a body (a 303 turns the POST into a GET without
// one). A retried attempt sends the body again, whole.
func TestEveryAttemptAndRedirectHopCarriesTheHeaders(t *testing.T) {
	reg := fixture(t, "voicetel", "registration.json")
	var mu sync.Mutex
	var hops []hop
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		n := len(hops)
		hops = append(hops, hop{r.Method, r.URL.Path, r.Header.Get("Accept"), r.Header.Get("User-Agent"),
			r.Header.Get("Content-Type"), r.Header.Get("Authorization"), strings.Join(r.Header.Values("X-Mark"), ","), string(b)})
		mu.Unlock()
		switch n {
		case 0:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 1:
			http.Redirect(w, r, "/moved/", http.StatusSeeOther)
		default:
			_, _ = w.Write(reg)
		}
	}))
	defer srv.Close()
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("key-123")), WithBaseURL(srv.URL), WithUserAgent("agency-app/3"),
		WithRetry(RetryPolicy{MaxRetries: 2, MinWait: time.Microsecond, MaxWait: time.Microsecond}), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Agency.SIPRegistration(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.URI == "" {
		t.Fatalf("registration = %+v", got)
	}
	post := hop{http.MethodPost, "/v2.1/account/registration/", "application/json", "agency-app/3", "application/json", "Bearer key-123", "", `{"apikey":"key-123"}`}
	get := hop{http.MethodGet, "/moved/", "application/json", "agency-app/3", "", "Bearer key-123", "", ""}
	want := []hop{post, post, get}
	if len(hops) != len(want) {
		t.Fatalf("server saw %d requests, want %d: %+v", len(hops), len(want), hops)
	}
	for i := range want {
		if hops[i] != want[i] {
			t.Errorf("request %d:\n got %+v\nwant %+v", i, hops[i], want[i])
		}
	}
}

// markAuth adds a header instead of setting it: on a shared header map
// every retry would send one more value.
type markAuth struct{}

func (markAuth) Authenticate(req *http.Request) error {
	req.Header.Add("X-Mark", "m")
	req.URL.RawQuery += "&mark=1"
	return nil
}

// A user's authenticator changes only its attempt's copy of the request:
// each retry starts from the call's request again.
func TestAuthenticatorChangesOnlyItsAttempt(t *testing.T) {
	var mu sync.Mutex
	var marks, queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		marks = append(marks, strings.Join(r.Header.Values("X-Mark"), ","))
		queries = append(queries, r.URL.RawQuery)
		n := len(marks)
		mu.Unlock()
		if n < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c, err := NewClient(VoiceTel(), WithAuth(markAuth{}), WithBaseURL(srv.URL),
		WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Microsecond, MaxWait: time.Microsecond}), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.NewRequest(http.MethodGet, "v2.1/other/?a=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Repeatable = true
	if _, err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	for i := range marks {
		if marks[i] != "m" || queries[i] != "a=1&mark=1" {
			t.Errorf("attempt %d: X-Mark %q, query %q; want one mark each", i, marks[i], queries[i])
		}
	}
	if len(marks) != 3 {
		t.Errorf("server saw %d attempts, want 3", len(marks))
	}
}

// readBounded reads exactly what the body holds whatever its announced
// size (a RoundTripper may announce wrongly), and refuses a body past the
// cap whether or not it was announced.
func TestReadBounded(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 200) // 2,000 bytes
	for _, tc := range []struct {
		name string
		size int64
		r    func() io.Reader
		max  int64
		err  error
	}{
		{"announced", 2000, func() io.Reader { return bytes.NewReader(body) }, 2000, nil},
		{"unknown", -1, func() io.Reader { return bytes.NewReader(body) }, 2000, nil},
		{"one byte a read", -1, func() io.Reader { return iotest.OneByteReader(bytes.NewReader(body)) }, 5000, nil},
		{"announced short", 10, func() io.Reader { return bytes.NewReader(body) }, 5000, nil},
		{"announced long", 4000, func() io.Reader { return bytes.NewReader(body) }, 5000, nil},
		{"data with EOF", 2000, func() io.Reader { return iotest.DataErrReader(bytes.NewReader(body)) }, 2000, nil},
		{"over the cap", 2000, func() io.Reader { return bytes.NewReader(body) }, 1999, errBodyTooLarge},
		{"over the cap, unknown", -1, func() io.Reader { return bytes.NewReader(body) }, 1999, errBodyTooLarge},
		{"over the cap, announced short", 10, func() io.Reader { return bytes.NewReader(body) }, 1000, errBodyTooLarge},
		{"broken", 2000, func() io.Reader { return iotest.TimeoutReader(bytes.NewReader(body)) }, 5000, iotest.ErrTimeout},
	} {
		got, err := readBounded(tc.r(), tc.size, tc.max)
		if tc.err != nil {
			if !errors.Is(err, tc.err) || got != nil {
				t.Errorf("%s: %d bytes, err %v; want %v", tc.name, len(got), err, tc.err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: %d bytes, err %v", tc.name, len(got), err)
		}
	}
	if got, err := readBounded(bytes.NewReader(nil), 0, 10); err != nil || len(got) != 0 {
		t.Errorf("empty: %q, %v", got, err)
	}
	if got, err := readBounded(bytes.NewReader(nil), -1, 10); err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty, unknown length: %q, %v", got, err)
	}
	// A body of unknown length is read through a pooled buffer: what is
	// returned is its own, at its size, whatever is read next.
	first, err := readBounded(bytes.NewReader(body), -1, 5000)
	if err != nil {
		t.Fatal(err)
	}
	other := bytes.Repeat([]byte("z"), len(body))
	for range 3 {
		if _, err := readBounded(bytes.NewReader(other), -1, 5000); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(first, body) || cap(first) > len(body)+64 {
		t.Errorf("an earlier body changed by later reads, or kept the buffer (cap %d for %d bytes)", cap(first), len(first))
	}
}

// writeCounter counts the writes to every connection its dialer opens.
type writeCounter struct {
	mu     sync.Mutex
	writes int
}

func (w *writeCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countedConn{Conn: conn, w: w}, nil
}

func (w *writeCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes
}

type countedConn struct {
	net.Conn
	w *writeCounter
}

func (c *countedConn) Write(b []byte) (int, error) {
	c.w.mu.Lock()
	c.w.writes++
	c.w.mu.Unlock()
	return c.Conn.Write(b)
}

// A request with a body goes out in one write with its headers, on the
// first attempt and on a retry: net/http flushes the headers apart (a
// second write, a second packet each way on a real network) for a body
// reader it does not know to be in memory.
func TestRequestBodyGoesOutWithItsHeaders(t *testing.T) {
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.add(r); rec.count() == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	var wc writeCounter
	hc := &http.Client{Transport: &http.Transport{DialContext: wc.dial}}
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("key-123")), WithBaseURL(srv.URL), WithHTTPClient(hc),
		WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Microsecond, MaxWait: time.Microsecond}), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.NewRequest("POST", "/v2/anything", map[string]string{"name": "a body"})
	if err != nil {
		t.Fatal(err)
	}
	req.Repeatable = true
	if _, err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	if len(got) != 2 || string(got[0].Body) != string(got[1].Body) || !strings.Contains(string(got[1].Body), "a body") {
		t.Fatalf("requests received = %+v, want the same body twice", got)
	}
	if n := wc.count(); n != 2 {
		t.Errorf("%d writes for 2 attempts, want one per attempt (headers and body together)", n)
	}
}
