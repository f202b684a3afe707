package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

func TestNewClientValidates(t *testing.T) {
	cases := []struct {
		name  string
		p     Provider
		opts  []Option
		field string
	}{
		{"zero provider", Provider{}, nil, "provider"},
		{"relative base", VoiceTel(), []Option{WithBaseURL("api.voicetel.com")}, "WithBaseURL"},
		{"ftp base", VoiceTel(), []Option{WithBaseURL("ftp://x")}, "WithBaseURL"},
		{"user info", VoiceTel(), []Option{WithBaseURL("https://u:p@x")}, "WithBaseURL"},
		{"query", VoiceTel(), []Option{WithBaseURL("https://x/?a=1")}, "WithBaseURL"},
		{"plain http with key", VoiceTel(), []Option{WithBaseURL("http://api.example.com"), WithAuth(Bearer("k"))}, "WithBaseURL"},
		{"nil auth", VoiceTel(), []Option{WithAuth(nil)}, "WithAuth"},
		{"nil http client", VoiceTel(), []Option{WithHTTPClient(nil)}, "WithHTTPClient"},
		{"negative retry", VoiceTel(), []Option{WithRetry(RetryPolicy{MaxRetries: -1})}, "WithRetry"},
		{"negative wait", VoiceTel(), []Option{WithRateLimitWait(-time.Second)}, "WithRateLimitWait"},
		{"user agent CRLF", VoiceTel(), []Option{WithUserAgent("a\r\nb")}, "WithUserAgent"},
		{"body cap", VoiceTel(), []Option{WithMaxResponseBytes(0)}, "WithMaxResponseBytes"},
		{"request rate", VoiceTel(), []Option{WithRequestRate(0, 1)}, "WithRequestRate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.p, tc.opts...)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("err = %v, want *ValidationError on %s", err, tc.field)
			}
		})
	}
}

func TestNewClientPlainHTTP(t *testing.T) {
	for _, base := range []string{"http://localhost:8080", "http://127.0.0.1:1", "http://127.9.9.9", "http://[::1]:80"} {
		if _, err := NewClient(VoiceTel(), WithBaseURL(base), WithAuth(Bearer("k"))); err != nil {
			t.Errorf("%s: loopback must be allowed: %v", base, err)
		}
	}
	if _, err := NewClient(VoiceTel(), WithBaseURL("http://api.example.com"), WithAuth(Bearer("k")), WithInsecureHTTP()); err != nil {
		t.Errorf("WithInsecureHTTP must allow plain http: %v", err)
	}
	if _, err := NewClient(VoiceTel(), WithBaseURL("http://api.example.com")); err != nil {
		t.Errorf("no credentials, nothing to protect: %v", err)
	}
}

func TestBaseURLKeepsPathPrefix(t *testing.T) {
	for _, base := range []string{"https://proxy.example.test/vendors/voicetel", "https://proxy.example.test/vendors/voicetel/"} {
		c, mt := mockClient(t, VoiceTel(), WithAuth(Bearer("k")), WithBaseURL(base))
		rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 200, fixture(t, "voicetel", "registration.json"))
		if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
			t.Fatal(err)
		}
		if p := rec.last(t).Path; p != "/vendors/voicetel/v2.1/account/registration/" {
			t.Errorf("%s: path = %s", base, p)
		}
	}
}

func TestUserAgent(t *testing.T) {
	c, mt := mockClient(t, VoiceTel(), WithAuth(Bearer("k")), WithUserAgent("agency-app/2"))
	rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 200, fixture(t, "voicetel", "registration.json"))
	_, _ = c.Agency.SIPRegistration(context.Background())
	if ua := rec.last(t).Header.Get("User-Agent"); ua != "agency-app/2" {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestReadsRetryTransientStatuses(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, mt := voiceTelClient(t)
			rec := respondSeq(t, c, mt, "POST", "v2.1/account/registration/",
				answer(status, []byte(`{"statusCode":"`+fmt.Sprint(status)+`","status":"Error","message":"x"}`), "Retry-After", "0"),
				answer(200, fixture(t, "voicetel", "registration.json")))
			if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
				t.Fatal(err)
			}
			if rec.count() != 2 {
				t.Errorf("attempts = %d, want 2", rec.count())
			}
		})
	}
}

func TestReadsDoNotRetry500(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 500, []byte(`<html>oops</html>`))
	_, err := c.Agency.SIPRegistration(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
	if rec.count() != 1 {
		t.Errorf("attempts = %d, want 1", rec.count())
	}
}

func TestRetriesGiveUpWithTheLastAnswer(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 503, []byte(`{"statusCode":"503","status":"Error","message":"maintenance"}`))
	_, err := c.Agency.SIPRegistration(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "maintenance" {
		t.Fatalf("err = %v, want the vendor's last answer", err)
	}
	if rec.count() != 4 {
		t.Errorf("attempts = %d, want 1 + 3 retries", rec.count())
	}
}

func TestCreatesAreNeverSentTwice(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, mt := voiceTelClient(t)
			rec := respond(t, c, mt, "POST", "v2.1/account/add/", status, []byte(`{"statusCode":"`+fmt.Sprint(status)+`","status":"Error","message":"x"}`))
			if err := createAcme(c); err == nil {
				t.Fatal("want an error")
			}
			if rec.count() != 1 {
				t.Errorf("create sent %d times", rec.count())
			}
		})
	}
	t.Run("connection reset", func(t *testing.T) {
		c, mt := voiceTelClient(t)
		var n atomic.Int32
		mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/add/", func(*http.Request) (*http.Response, error) {
			n.Add(1)
			return nil, &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		})
		if err := createAcme(c); err == nil {
			t.Fatal("want an error")
		}
		if n.Load() != 1 {
			t.Errorf("create sent %d times after a reset (the server may have acted)", n.Load())
		}
	})
}

func TestCreateRetriedWhenProvablyNotSent(t *testing.T) {
	t.Run("dial error", func(t *testing.T) {
		c, mt := voiceTelClient(t)
		var n atomic.Int32
		mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/add/", func(*http.Request) (*http.Response, error) {
			if n.Add(1) == 1 {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
			}
			return answer(200, fixture(t, "voicetel", "add.json"))()
		})
		if err := createAcme(c); err != nil {
			t.Fatal(err)
		}
		if n.Load() != 2 {
			t.Errorf("attempts = %d, want 2", n.Load())
		}
	})
	t.Run("429", func(t *testing.T) {
		c, mt := voiceTelClient(t)
		rec := respondSeq(t, c, mt, "POST", "v2.1/account/add/",
			answer(429, fixture(t, "voicetel", "error_429.json"), "Retry-After", "0"),
			answer(200, fixture(t, "voicetel", "add.json")))
		if err := createAcme(c); err != nil {
			t.Fatal(err)
		}
		if rec.count() != 2 {
			t.Errorf("attempts = %d, want 2", rec.count())
		}
	})
}

func TestReadsRetryConnectionErrors(t *testing.T) {
	c, mt := voiceTelClient(t)
	var n atomic.Int32
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/registration/", func(*http.Request) (*http.Response, error) {
		if n.Add(1) < 3 {
			return nil, io.ErrUnexpectedEOF
		}
		return answer(200, fixture(t, "voicetel", "registration.json"))()
	})
	if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 3 {
		t.Errorf("attempts = %d, want 3", n.Load())
	}
}

func TestRetryAfterBeyondCapIsNotSleptOn(t *testing.T) {
	c, mt := voiceTelClient(t, WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Microsecond, MaxRetryAfter: time.Second}))
	rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 503, []byte(`{"statusCode":"503","status":"Error","message":"x"}`), "Retry-After", "120")
	start := time.Now()
	_, err := c.Agency.SIPRegistration(context.Background())
	if err == nil || rec.count() != 1 {
		t.Fatalf("err = %v, attempts = %d: want the answer at once", err, rec.count())
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("the call slept on a Retry-After beyond the cap")
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, ok := parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now)
	if !ok || d != 90*time.Second {
		t.Errorf("HTTP date: %v %v", d, ok)
	}
	if d, ok := parseRetryAfter("7", now); !ok || d != 7*time.Second {
		t.Errorf("seconds: %v %v", d, ok)
	}
	for _, bad := range []string{"", "soon", "-5"} {
		if _, ok := parseRetryAfter(bad, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestBackoffFullJitterBounds(t *testing.T) {
	p := RetryPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}.withDefaults()
	for attempt, bound := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		var maxSeen time.Duration
		for i := 0; i < 2000; i++ {
			d := p.backoff(attempt)
			if d < 0 || d > bound {
				t.Fatalf("attempt %d: wait %v outside [0, %v]", attempt, d, bound)
			}
			maxSeen = max(maxSeen, d)
		}
		if maxSeen < bound/2 {
			t.Errorf("attempt %d: waits never came near the bound %v (max %v): not full jitter", attempt, bound, maxSeen)
		}
	}
}

func TestContextCancelEndsBackoff(t *testing.T) {
	c, mt := voiceTelClient(t, WithRetry(RetryPolicy{MaxRetries: 5, MinWait: time.Hour, MaxWait: time.Hour}))
	sent := make(chan struct{}, 10)
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/registration/", func(*http.Request) (*http.Response, error) {
		sent <- struct{}{}
		return answer(503, []byte(`{}`))()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.Agency.SIPRegistration(ctx); done <- err }()
	<-sent
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call kept sleeping after its context was cancelled")
	}
}

func TestResponseBodyCap(t *testing.T) {
	c, mt := voiceTelClient(t, WithMaxResponseBytes(64))
	respond(t, c, mt, "POST", "v2.1/account/registration/", 200, []byte(`{"account":{"uri":"`+strings.Repeat("x", 100)+`"}}`))
	_, err := c.Agency.SIPRegistration(context.Background())
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "64-byte cap") {
		t.Fatalf("err = %v, want a cap error", err)
	}
}

func TestDecodeErrorNamesOperation(t *testing.T) {
	c, mt := voiceTelClient(t)
	respond(t, c, mt, "POST", "v2.1/account/registration/", 200, []byte(`{"account":{"uri":`))
	_, err := c.Agency.SIPRegistration(context.Background())
	var de *DecodeError
	if !errors.As(err, &de) || de.Operation != "Agency.SIPRegistration" {
		t.Fatalf("err = %v, want a *DecodeError naming the operation", err)
	}
}

func TestLoggerOneLinePerAttempt(t *testing.T) {
	logger, logs := debugLogger()
	c, mt := voiceTelClient(t, WithLogger(logger))
	respondSeq(t, c, mt, "POST", "v2.1/account/registration/",
		answer(503, []byte(`{}`)), answer(200, fixture(t, "voicetel", "registration.json")))
	if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines = %d, want 2:\n%s", len(lines), logs)
	}
	for i, want := range []string{"status=503", "status=200"} {
		l := lines[i]
		for _, part := range []string{"method=POST", "path=/v2.1/account/registration/", fmt.Sprintf("attempt=%d", i+1), want, "duration=", "host="} {
			if !strings.Contains(l, part) {
				t.Errorf("line %d lacks %q: %s", i+1, part, l)
			}
		}
		if strings.Contains(l, vtKey) || strings.Contains(l, "apikey") {
			t.Errorf("line %d shows the body or a header value: %s", i+1, l)
		}
	}
}

func TestSilentByDefault(t *testing.T) {
	// With no logger, nothing reaches slog's default logger.
	c, mt := voiceTelClient(t)
	respond(t, c, mt, "POST", "v2.1/account/registration/", 200, fixture(t, "voicetel", "registration.json"))
	if c.logger != nil {
		t.Fatal("a logger is set by default")
	}
	if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("canary-secret-value")
	b, _ := json.Marshal(struct{ K Secret }{s})
	txt, _ := s.MarshalText()
	outs := []string{
		s.String(), s.GoString(), string(b), string(txt),
		fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", APIKey{Key: s}, &APIKey{Key: s}, []Secret{s}),
	}
	for _, o := range outs {
		if strings.Contains(o, "canary") {
			t.Errorf("secret printed: %s", o)
		}
	}
	if s.Reveal() != "canary-secret-value" {
		t.Error("Reveal lost the value")
	}
	for _, a := range []Authenticator{KeyPair("canary-id", "canary-pw"), Bearer("canary-tok"), APIKeyAuth("canary-key"), APIKeyHeader("X-K", "canary-key"), NewSessionToken("canary-a", "canary-s"), ReuseSessionToken("canary-t", time.Time{})} {
		for _, o := range []string{fmt.Sprintf("%v", a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), fmt.Sprintf("%s", a)} {
			if strings.Contains(o, "canary") {
				t.Errorf("%s printed its secret: %s", authName(a), o)
			}
		}
	}
}

func TestVoiceTelCanarySecrets(t *testing.T) {
	const (
		key      = "CANARY-KEY-7f3a"
		password = "CANARY-PASS-19c2"
		genPass  = "abc1234567"                       // generated password in the fixtures
		apiKey   = "dec759ed81963fd9a4b8a9c8f3e22b1a" // key in the apikey fixture
	)
	canaries := []string{key, password, genPass, apiKey}
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any

	run := func(status int, suffix string, transportErr bool) {
		c, mt := mockClient(t, VoiceTel(), WithAuth(Bearer(key)), WithLogger(logger), WithClock(newFakeClock()),
			WithBaseURL(testBaseURL(t)+"-"+suffix))
		for _, op := range []string{"add", "apikey", "cdr", "info", "mrc", "recover", "registration", "signup"} {
			body := fixture(t, "voicetel", map[string]string{"add": "add.json", "apikey": "apikey.json", "cdr": "cdr.json",
				"info": "info.json", "mrc": "mrc.json", "recover": "recover.json", "registration": "registration.json", "signup": "signup.json"}[op])
			if status != 200 {
				body = []byte(`{"statusCode":"` + fmt.Sprint(status) + `","status":"Error","message":"denied"}`)
			}
			mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/"+op+"/", func(req *http.Request) (*http.Response, error) {
				if transportErr {
					return nil, fmt.Errorf("proxy failed for %s", req.URL.String())
				}
				return answer(status, body)()
			})
		}
		sa, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@example.com"})
		errs, values = append(errs, err), append(values, sa)
		k, err := c.Keys.Exchange(ctx, "1234567890", password)
		errs, values = append(errs, err), append(values, k)
		for r, err := range c.Records.Calls(ctx, nil) {
			errs, values = append(errs, err), append(values, r)
		}
		a, err := c.Agency.Account(ctx)
		errs, values = append(errs, err), append(values, a)
		ch, err := c.Records.RecurringCharges(ctx)
		errs, values = append(errs, err), append(values, ch)
		reg, err := c.Agency.SIPRegistration(ctx)
		errs, values = append(errs, err), append(values, reg)
		na, err := c.Agency.Signup(ctx, &Signup{Name: "J", Email: "j@example.com"})
		errs, values = append(errs, err), append(values, na)
		errs = append(errs, c.Agency.Recover(ctx, "j@example.com"))
		values = append(values, c)
	}
	run(200, "ok", false)
	run(401, "unauthorized", false)
	run(500, "failing", false)
	run(0, "transport", true)
	// A wrong-format input must not echo the password either.
	c, _ := mockClient(t, VoiceTel(), WithAuth(Bearer(key)))
	_, err := c.Keys.Exchange(ctx, "12", password)
	errs = append(errs, err)
	if len(errs) < 30 || !strings.Contains(logs.String(), "attempt=") {
		t.Fatalf("the sweep did not run: %d errors, logs %q", len(errs), logs)
	}
	assertNoCanary(t, canaries, logs.String(), errs, values...)
}

func TestRedirectsToOtherHostsAreNotFollowed(t *testing.T) {
	c, mt := voiceTelClient(t)
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/registration/", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(http.StatusTemporaryRedirect, "")
		r.Header.Set("Location", "https://elsewhere.example.test/steal")
		return r, nil
	})
	// The no-responder fails the test if the foreign host is contacted:
	// the body (with VoiceTel's apikey field) and headers would go along.
	_, err := c.Agency.SIPRegistration(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("err = %v, want the 307 as an *APIError", err)
	}
}

func TestRedirectsOnTheSameHostAreFollowed(t *testing.T) {
	c, mt := voiceTelClient(t)
	mt.RegisterResponder("POST", c.BaseURL()+"v2.1/account/registration/", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(http.StatusTemporaryRedirect, "")
		r.Header.Set("Location", c.BaseURL()+"moved/registration/")
		return r, nil
	})
	rec := respond(t, c, mt, "POST", "moved/registration/", 200, fixture(t, "voicetel", "registration.json"))
	if _, err := c.Agency.SIPRegistration(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rec.last(t).Header.Get("Authorization") != "Bearer "+vtKey {
		t.Errorf("same-host redirect lost its credentials")
	}
}

func TestReusedSessionTokenLastsToItsExpiry(t *testing.T) {
	clock := newFakeClock()
	st := ReuseSessionToken("shared", clock.Now().Add(time.Hour))
	st.bind(nil, clock.Now)
	clock.Advance(58 * time.Minute)
	if _, _, err := st.current(context.Background()); err != nil {
		t.Fatalf("a shared token two minutes before expiry: %v", err)
	}
	clock.Advance(2 * time.Minute)
	if _, _, err := st.current(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("an expired shared token: err = %v", err)
	}
}

func TestCallerInputReachesTheWireIntactOrIsRefused(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", 201, fixture(t, "kaleyra", "create.json"))
	name := "Łódź Café 東京 🚀 & <b>\"q\"</b>"
	if _, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: name, Email: "a@b.co", Country: "PL", Channels: []string{"sms"}, CreditType: "shared"}); err != nil {
		t.Fatal(err)
	}
	var body struct {
		AccountName string `json:"account_name"`
	}
	if err := json.Unmarshal(rec.last(t).Body, &body); err != nil || body.AccountName != name {
		t.Fatalf("name on the wire = %q (%v), want %q", body.AccountName, err, name)
	}
	if strings.Contains(string(rec.last(t).Body), `\u0026`) {
		t.Errorf("HTML-escaped body: %s", rec.last(t).Body)
	}
	for _, tc := range []struct{ name, value, reason string }{
		{"control", "a\x00b", "control character"},
		{"newline", "a\nb", "control character"},
		{"too long", strings.Repeat("é", 101), "longer than 100"},
		{"invalid utf-8", "a\xffb", "UTF-8"},
	} {
		_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: tc.value, Email: "a@b.co", Country: "PL", Channels: []string{"sms"}, CreditType: "shared"})
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "Name" || !strings.Contains(ve.Reason, tc.reason) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	if rec.count() != 1 {
		t.Errorf("refused input reached the server: %d requests", rec.count())
	}
}
