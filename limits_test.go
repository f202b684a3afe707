package multiaccount

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// infoN calls Agency.Account n times and returns the errors.
func infoN(c *Client, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		_, errs[i] = c.Agency.Account(context.Background())
	}
	return errs
}

func TestSlidingWindowSixPerHourExactly(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock))
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))

	// Six calls a minute apart all pass.
	for i := 0; i < 6; i++ {
		if _, err := c.Agency.Account(context.Background()); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		clock.Advance(time.Minute)
	}
	// The 7th, 6 minutes after the 1st, is refused locally with the time
	// until the 1st is an hour old.
	_, err := c.Agency.Account(context.Background())
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Local || rl.RetryAfter != 54*time.Minute || rl.Endpoint != "/v2.1/account/info/" {
		t.Fatalf("7th call: err = %v, want a local *RateLimitError with RetryAfter 54m", err)
	}
	if rec.count() != 6 {
		t.Fatalf("server saw %d requests, want 6", rec.count())
	}
	// One nanosecond before the 1st is 60 minutes old: still refused.
	clock.Advance(54*time.Minute - time.Nanosecond)
	if _, err := c.Agency.Account(context.Background()); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("at +60m-1ns: err = %v, want refusal", err)
	}
	// At exactly +60 minutes the 7th goes, and only one: the 2nd is 59
	// minutes old.
	clock.Advance(time.Nanosecond)
	if _, err := c.Agency.Account(context.Background()); err != nil {
		t.Fatalf("at +60m: %v", err)
	}
	if _, err := c.Agency.Account(context.Background()); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("8th call at +60m: err = %v, want refusal", err)
	}
	if rec.count() != 7 {
		t.Errorf("server saw %d requests, want 7", rec.count())
	}
}

func TestSlidingWindowNeverExceedsLimitInAnyHour(t *testing.T) {
	// Calls every 3 minutes for 5 hours: in every rolling hour the server
	// must see at most 6, and no capacity is wasted (6 per hour exactly).
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock))
	var times []time.Time
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/info/", func(*http.Request) (*http.Response, error) {
		times = append(times, clock.Now())
		return answer(200, fixture(t, "voicetel", "info.json"))()
	})
	for i := 0; i < 100; i++ {
		_, _ = c.Agency.Account(context.Background())
		clock.Advance(3 * time.Minute)
	}
	assertSixPerHour(t, times)
	if len(times) != 30 {
		t.Errorf("sent %d in 5 hours, want 30 (6 per hour, none wasted)", len(times))
	}
}

func TestSlidingWindowCountsRetries(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock))
	// Each call fails once with 503 and then succeeds: two attempts a call.
	var n int
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/info/", func(*http.Request) (*http.Response, error) {
		n++
		if n%2 == 1 {
			return answer(503, []byte(`{"statusCode":"503","status":"Error","message":"busy"}`))()
		}
		return answer(200, fixture(t, "voicetel", "info.json"))()
	})
	for i, err := range infoN(c, 3) {
		if err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if n != 6 {
		t.Fatalf("attempts = %d, want 6", n)
	}
	if _, err := c.Agency.Account(context.Background()); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("4th call after 6 attempts: err = %v, want a local refusal", err)
	}
}

func TestSlidingWindowRetryStopsAtTheLimit(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), WithRetry(RetryPolicy{MaxRetries: 10, MinWait: time.Microsecond, MaxWait: time.Microsecond}))
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 503, []byte(`{"statusCode":"503","status":"Error","message":"busy"}`))
	_, err := c.Agency.Account(context.Background())
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Local {
		t.Fatalf("err = %v, want the limiter to stop the retries", err)
	}
	if rec.count() != 6 {
		t.Errorf("attempts = %d, want 6: retries count against the window", rec.count())
	}
}

func TestSlidingWindowSharedAcrossClients(t *testing.T) {
	clock := newFakeClock()
	a, mt := voiceTelClient(t, WithClock(clock))
	rec := respond(t, a, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	// A second Client for the same host, with another key: the limit is
	// per IP address, so it shares the window.
	b, err := NewClient(VoiceTel(), WithAuth(Bearer("other")), WithBaseURL(a.BaseURL()),
		WithHTTPClient(&http.Client{Transport: mt}), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range infoN(a, 3) {
		if err != nil {
			t.Fatalf("a call %d: %v", i, err)
		}
	}
	for i, err := range infoN(b, 3) {
		if err != nil {
			t.Fatalf("b call %d: %v", i, err)
		}
	}
	if _, err := b.Agency.Account(context.Background()); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("7th call across two clients: err = %v, want refusal", err)
	}
	if rec.count() != 6 {
		t.Errorf("server saw %d, want 6", rec.count())
	}
	// Other endpoints have their own windows.
	respond(t, a, mt, "POST", "v2.1/account/mrc/", 200, fixture(t, "voicetel", "mrc.json"))
	if _, err := a.Records.RecurringCharges(context.Background()); err != nil {
		t.Errorf("mrc shares no window with info: %v", err)
	}
	// A different host has its own window: the limit is per host.
	other, mt2 := voiceTelClient(t, WithClock(clock), WithBaseURL("https://other-host.example.test"))
	respond(t, other, mt2, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	if _, err := other.Agency.Account(context.Background()); err != nil {
		t.Errorf("another host: %v", err)
	}
}

func TestServer429BlocksTheEndpoint(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock))
	rec := respondSeq(t, c, mt, "POST", "v2.1/account/cdr/",
		answer(429, fixture(t, "voicetel", "error_429.json"), "Retry-After", "1200"),
		answer(200, fixture(t, "voicetel", "cdr.json")))
	calls := func() error {
		for _, err := range c.Records.Calls(context.Background(), nil) {
			if err != nil {
				return err
			}
		}
		return nil
	}
	err := calls()
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Local || rl.RetryAfter != 20*time.Minute {
		t.Fatalf("err = %v, want a server *RateLimitError of 20m", err)
	}
	if rec.count() != 1 {
		t.Fatalf("attempts = %d, want 1: a 429 on a limited endpoint is not retried", rec.count())
	}
	// Until Retry-After passes, calls fail fast without I/O.
	clock.Advance(19 * time.Minute)
	err = calls()
	if !errors.As(err, &rl) || !rl.Local || rl.RetryAfter != time.Minute {
		t.Fatalf("blocked call: err = %v, want local refusal with 1m left", err)
	}
	if rec.count() != 1 {
		t.Fatalf("a blocked call reached the server")
	}
	clock.Advance(time.Minute)
	if err := calls(); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
}

func TestServer429WithoutRetryAfterBlocksAFullWindow(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock))
	respond(t, c, mt, "POST", "v2.1/account/mrc/", 429, fixture(t, "voicetel", "error_429.json"))
	_, _ = c.Records.RecurringCharges(context.Background())
	clock.Advance(59 * time.Minute)
	_, err := c.Records.RecurringCharges(context.Background())
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Local || rl.RetryAfter != time.Minute {
		t.Fatalf("err = %v, want local refusal for the rest of the hour", err)
	}
}

func TestRateLimitWaitWaitsOnTheClock(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), WithRateLimitWait(2*time.Hour))
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	for _, err := range infoN(c, 6) {
		if err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { _, err := c.Agency.Account(context.Background()); done <- err }()
	clock.waitForWaiters(t, 1)
	if rec.count() != 6 {
		t.Fatalf("the 7th was sent before its slot")
	}
	clock.Advance(time.Hour)
	if err := <-done; err != nil {
		t.Fatalf("waited call: %v", err)
	}
	if rec.count() != 7 {
		t.Errorf("server saw %d, want 7", rec.count())
	}
}

func TestRateLimitWaitBeyondMaxFailsFast(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), WithRateLimitWait(10*time.Minute))
	respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	infoN(c, 6)
	_, err := c.Agency.Account(context.Background())
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour {
		t.Fatalf("err = %v, want a refusal: the wait (1h) exceeds the allowed 10m", err)
	}
	if clock.Waiters() != 0 {
		t.Errorf("a refused call left a wait behind")
	}
}

func TestRateLimitWaitEndsWithContextAndFreesTheSlot(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), WithRateLimitWait(2*time.Hour))
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	infoN(c, 6)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Agency.Account(ctx); done <- err }()
	clock.waitForWaiters(t, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// The cancelled reservation is returned: at +60m one call goes at once.
	clock.Advance(time.Hour)
	if _, err := c.Agency.Account(context.Background()); err != nil {
		t.Fatalf("after cancel: %v", err)
	}
	if rec.count() != 7 {
		t.Errorf("server saw %d, want 7", rec.count())
	}
}

func TestRequestRateTokenBucket(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), WithRequestRate(2, 2))
	rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 200, fixture(t, "voicetel", "registration.json"))
	for i := 0; i < 2; i++ {
		if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.Agency.SIPRegistration(context.Background())
	var rl *RateLimitError
	if !errors.As(err, &rl) || !rl.Local || rl.RetryAfter != 500*time.Millisecond {
		t.Fatalf("3rd call in a burst of 2 at 2/s: err = %v, want a 500ms local refusal", err)
	}
	clock.Advance(500 * time.Millisecond)
	if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
		t.Fatalf("after the refill: %v", err)
	}
	if rec.count() != 3 {
		t.Errorf("server saw %d, want 3", rec.count())
	}
}

func TestSlidingWindowUnit(t *testing.T) {
	st := newMemoryStore()
	w := Window{Key: "k", N: 2, Per: time.Hour}
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reserve := func(now time.Time, maxWait time.Duration) (Slot, bool) {
		s, ok, err := st.Reserve(ctx, w, now, maxWait, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return s, ok
	}
	s1, ok := reserve(t0, 0)
	if !ok {
		t.Fatal("1st refused")
	}
	_ = st.Confirm(ctx, w, s1, t0)
	s2, ok := reserve(t0.Add(time.Minute), 0)
	if !ok {
		t.Fatal("2nd refused")
	}
	_ = st.Confirm(ctx, w, s2, t0.Add(time.Minute))
	if s, ok := reserve(t0.Add(2*time.Minute), 0); ok || s.Wait != 58*time.Minute {
		t.Fatalf("3rd: ok=%v wait=%v", ok, s.Wait)
	}
	// Waiting callers queue: each books the next free slot.
	a1, ok1 := reserve(t0.Add(2*time.Minute), 3*time.Hour)
	a2, ok2 := reserve(t0.Add(2*time.Minute), 3*time.Hour)
	if !ok1 || !ok2 || !a1.At.Equal(t0.Add(time.Hour)) || !a2.At.Equal(t0.Add(61*time.Minute)) {
		t.Fatalf("queued slots %v %v", a1.At, a2.At)
	}
	_ = st.Cancel(ctx, w, a2)
	if a3, _ := reserve(t0.Add(2*time.Minute), 3*time.Hour); !a3.At.Equal(t0.Add(61 * time.Minute)) {
		t.Fatalf("a cancelled slot was not returned: %v", a3.At)
	}
}

func TestServer429WaitsWhenTheCallerAllowsIt(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), WithRateLimitWait(30*time.Minute))
	rec := respondSeq(t, c, mt, "POST", "v2.1/account/info/",
		answer(429, fixture(t, "voicetel", "error_429.json"), "Retry-After", "600"),
		answer(200, fixture(t, "voicetel", "info.json")))
	done := make(chan error, 1)
	go func() { _, err := c.Agency.Account(context.Background()); done <- err }()
	clock.waitForWaiters(t, 1)
	if rec.count() != 1 {
		t.Fatalf("sent %d before the wait ended", rec.count())
	}
	clock.Advance(10 * time.Minute)
	if err := <-done; err != nil {
		t.Fatalf("after waiting out Retry-After: %v", err)
	}
	if rec.count() != 2 {
		t.Errorf("attempts = %d, want 2", rec.count())
	}
}

func TestWindowKeyIsTheCanonicalEndpoint(t *testing.T) {
	// One server, spelled four ways: one window of 6.
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		_, _ = w.Write(fixture(t, "voicetel", "info.json"))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	store := NewMemoryLimitStore()
	clock := newFakeClock()
	var local int
	for _, base := range []string{"http://127.0.0.1:" + port, "http://localhost:" + port, "http://LOCALHOST:" + port + "/", "http://127.0.0.1:" + port + "//"} {
		c, err := NewClient(VoiceTel(), WithAuth(Bearer(vtKey)), WithBaseURL(base), WithLimitStore(store), WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range infoN(c, 6) {
			var rl *RateLimitError
			if errors.As(err, &rl) && rl.Local {
				local++
			} else if err != nil {
				t.Fatalf("%s: %v", base, err)
			}
		}
	}
	if hits != 6 || local != 18 {
		t.Fatalf("server saw %d, %d refused locally; want 6 and 18", hits, local)
	}
	a, _ := NewClient(VoiceTel(), WithBaseURL("https://API.voicetel.com"))
	b, _ := NewClient(VoiceTel(), WithBaseURL("https://api.voicetel.com:443/"))
	r := &request{path: "v2.1/account/info/", window: voiceTelHourly}
	if ka, kb := a.limitWindow(r, nil).Key, b.limitWindow(r, nil).Key; ka != kb {
		t.Errorf("keys differ: %q %q", ka, kb)
	}
}

func TestWindowKeyPerKeyScopeHoldsNoSecret(t *testing.T) {
	c, _ := voiceTelClient(t)
	r := &request{path: "x/", window: windowLimit{n: 1, per: time.Hour, perKey: true}}
	k1, k2 := c.limitWindow(r, Bearer(vtKey)).Key, c.limitWindow(r, Bearer("another-key")).Key
	if k1 == k2 || strings.Contains(k1, vtKey) {
		t.Errorf("per-key windows %q %q: want distinct and free of the key", k1, k2)
	}
}

// TestSlidingWindowExactWithTransitDelaysAndRetries drives calls whose
// attempts take time to reach the server and to answer, half of them
// failing with 503 and retried: the server must never see 7 arrivals in a
// rolling hour. Booking-time windows fail this: a slow first request lets
// the 7th arrive 59m57s after it.
func TestSlidingWindowExactWithTransitDelaysAndRetries(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 2, MinWait: time.Microsecond, MaxWait: time.Microsecond}))
	rng := rand.New(rand.NewPCG(1, 2))
	var arrivals []time.Time
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/info/", func(*http.Request) (*http.Response, error) {
		clock.Advance(time.Duration(rng.IntN(5000)) * time.Millisecond) // to the server
		arrivals = append(arrivals, clock.Now())
		clock.Advance(time.Duration(rng.IntN(5000)) * time.Millisecond) // and back
		if rng.IntN(2) == 0 {
			return answer(503, []byte(`{"statusCode":"503","status":"Error","message":"busy"}`))()
		}
		return answer(200, fixture(t, "voicetel", "info.json"))()
	})
	for i := 0; i < 400; i++ {
		_, _ = c.Agency.Account(context.Background())
		clock.Advance(time.Duration(rng.IntN(180)) * time.Second)
	}
	assertSixPerHour(t, arrivals)
	if len(arrivals) < 6*9 {
		t.Errorf("only %d arrivals in ~10 hours: capacity wasted", len(arrivals))
	}
}

func TestLimitStatusReportsSlotsLeftAndTheNextOpening(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTelClient(t, WithClock(clock), withPrivateLimiters())
	respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	t0 := clock.Now()
	for i := 0; i < 6; i++ {
		if _, err := c.Agency.Account(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	got, err := c.LimitStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[2].Endpoint != "/v2.1/account/info/" {
		t.Fatalf("endpoints: %+v", got)
	}
	if info := got[2]; info.Left != 0 || !info.Next.Equal(t0.Add(time.Hour)) || info.Limit != 6 || info.Per != time.Hour {
		t.Errorf("info/: %+v, want 0 left, next at +1h", info)
	}
	if mrc := got[3]; mrc.Left != 6 || !mrc.Next.Equal(clock.Now()) {
		t.Errorf("mrc/: %+v, want 6 left now", mrc)
	}
	// Asking books nothing.
	clock.Advance(54 * time.Minute)
	if _, err := c.Agency.Account(context.Background()); err != nil {
		t.Errorf("at +1h: %v", err)
	}
	w, _ := mockClient(t, Woodpecker(), WithAuth(APIKeyAuth("k")))
	if st, err := w.LimitStatus(context.Background()); err != nil || len(st) != 0 {
		t.Errorf("Woodpecker: %v %v, want none", st, err)
	}
}

// TestLimitedAttemptIsCutOffAtItsLease: an unconfirmed slot is assumed to
// end at its lease, so an attempt may not outlive it.
func TestLimitedAttemptIsCutOffAtItsLease(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // so that the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewClient(VoiceTel(), WithAuth(Bearer(vtKey)), WithBaseURL(srv.URL), withPrivateLimiters(),
		WithLimitLease(50*time.Millisecond), WithRetry(RetryPolicy{MaxRetries: 0}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := c.Agency.Account(context.Background()); done <- err }()
	select {
	case err := <-done:
		var ne *NetworkError
		if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a *NetworkError for the lease's deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the attempt outlived its lease")
	}
}

func TestLimitOptionsValidate(t *testing.T) {
	var ve *ValidationError
	if _, err := NewClient(VoiceTel(), WithLimitStore(nil)); !errors.As(err, &ve) {
		t.Errorf("WithLimitStore(nil): %v", err)
	}
	if _, err := NewClient(VoiceTel(), WithLimitLease(0)); !errors.As(err, &ve) {
		t.Errorf("WithLimitLease(0): %v", err)
	}
	if _, err := NewFileLimitStore(""); !errors.As(err, &ve) {
		t.Errorf("NewFileLimitStore(\"\"): %v", err)
	}
}

// assertSixPerHour fails if any rolling hour holds more than 6 of times
// (in order).
func assertSixPerHour(t *testing.T, times []time.Time) {
	t.Helper()
	for i := range times {
		if i+6 < len(times) && times[i+6].Sub(times[i]) < time.Hour {
			t.Fatalf("7 requests between %s and %s", times[i], times[i+6])
		}
	}
}

// The limit cache answers as the uncached lookup does, for spellings of
// a limited endpoint and other paths, and stops growing at its bound.
func TestLimitCacheIsBoundedAndExact(t *testing.T) {
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL("https://cache.example.test"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2*maxCachedLimits; i++ {
		rel := "v2.1/account/sub" + strings.Repeat("x", i%7) + "/" + string(rune('a'+i%26)) + "/" + time.Duration(i).String()
		if w := c.limitOf(http.MethodPost, rel); w != c.findLimit(http.MethodPost, rel) || w.n != 0 {
			t.Fatalf("%s: limit %+v", rel, w)
		}
	}
	if n := len(c.limitsSeen.m); n != maxCachedLimits {
		t.Fatalf("cache holds %d entries, want the bound %d", n, maxCachedLimits)
	}
	// Past the bound, limited endpoints are still found, every time.
	for _, rel := range []string{"v2.1/account/info/", "v2.1/account/%69nfo", "v2.1//account/cdr/"} {
		for i := 0; i < 2; i++ {
			if w := c.limitOf(http.MethodPost, rel); w != voiceTelHourly {
				t.Fatalf("%s: limit %+v, want %+v", rel, w, voiceTelHourly)
			}
		}
	}
	if w := c.limitOf(http.MethodGet, "v2.2/account"); w != voiceTelHourly {
		t.Fatalf("v2.2 GET account: limit %+v", w)
	}
}

// stallingStore is a limit store whose Reserve waits until its context
// ends, as one across processes does when its lock holder or server
// stalls.
type stallingStore struct {
	LimitStore
	reserving chan struct{}
}

func (s *stallingStore) Reserve(ctx context.Context, w Window, now time.Time, maxWait, lease time.Duration) (Slot, bool, error) {
	s.reserving <- struct{}{}
	<-ctx.Done()
	return Slot{}, false, ctx.Err()
}

// A call without a deadline does not hang on a limit store that stalls:
// the reserve is bounded, and its failure is a *LimitStoreError, not
// retried, and the request is never sent.
func TestStalledLimitStoreEndsTheCall(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		_, _ = w.Write([]byte(`{"status":"success","data":{}}`))
	}))
	defer srv.Close()
	store := &stallingStore{LimitStore: NewMemoryLimitStore(), reserving: make(chan struct{}, 8)}
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("voicetel-key-123456")), WithBaseURL(srv.URL), WithLimitStore(store))
	if err != nil {
		t.Fatal(err)
	}
	c.storeTimeout = 10 * time.Millisecond
	_, err = c.Records.CallsPage(context.Background(), nil)
	var se *LimitStoreError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) || se.Op != "reserve" {
		t.Fatalf("err = %T %v, want a *LimitStoreError for the reserve", err, err)
	}
	if n := len(store.reserving); n != 1 || sent.Load() != 0 {
		t.Errorf("%d reserves, %d requests sent; want 1 reserve (not retried) and nothing sent", n, sent.Load())
	}
}
