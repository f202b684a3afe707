package multiaccount

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestNewRequestRefusesPathsOffTheBaseURL(t *testing.T) {
	c, _ := mockClient(t, Woodpecker(), WithAuth(APIKeyAuth("k")))
	for _, p := range []string{"https://evil.test/x", "//evil.test/x", "a/../../x", "a/./b", "x#frag", "a\nb"} {
		var ve *ValidationError
		if _, err := c.NewRequest("GET", p, nil); !errors.As(err, &ve) || ve.Field != "path" {
			t.Errorf("%q: err = %v, want a *ValidationError on path", p, err)
		}
	}
	r, err := c.NewRequest("get", "/rest/v1/x?a=1&b=two", url.Values{"f": {"v"}})
	if err != nil || r.Method != "GET" || r.Path != "rest/v1/x" || r.Query.Get("b") != "two" || string(r.body) != "f=v" || r.Repeatable {
		t.Fatalf("req = %+v, err = %v", r, err)
	}
}

// TestDoThroughThePipeline: Do authenticates as the client does, decodes
// into v, and reports the response's metadata without credentials.
func TestDoThroughThePipeline(t *testing.T) {
	const key = "canary-wp-key-1"
	c, mt := mockClient(t, Woodpecker(), WithAuth(APIKeyAuth(key)))
	rec := respond(t, c, mt, "POST", "rest/v1/other", 200, []byte(`{"n":7}`),
		"X-Request-Id", "req-42", "Set-Cookie", "s="+key, "X-Api-Key", key, "X-Echo", "got "+key)
	req, err := c.NewRequest("POST", "rest/v1/other", map[string]any{"a": 1})
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ N int }
	resp, err := c.Do(context.Background(), req, &out)
	if err != nil || out.N != 7 || resp.StatusCode != 200 || resp.RequestID != "req-42" {
		t.Fatalf("resp = %v, out = %+v, err = %v", resp, out, err)
	}
	var ve *ValidationError
	if _, err := c.Do(context.Background(), req, out); !errors.As(err, &ve) || rec.count() != 1 {
		t.Errorf("v not a pointer: err = %v after %d sends", err, rec.count())
	}
	if s := rec.last(t); s.Header.Get("x-api-key") != key || string(s.Body) != `{"a":1}` || s.Header.Get("Content-Type") != "application/json" {
		t.Errorf("sent %+v", s)
	}
	if resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("X-Api-Key") != "" || resp.Header.Get("X-Echo") != "got [REDACTED]" {
		t.Errorf("headers = %v", resp.Header)
	}
}

// TestDoRetriesOnlyWhenRepeatable: the operation class is the caller's;
// by default a request is never sent twice.
func TestDoRetriesOnlyWhenRepeatable(t *testing.T) {
	const key = "canary-wp-key-2"
	for _, repeatable := range []bool{false, true} {
		c, mt := mockClient(t, Woodpecker(), WithAuth(APIKeyAuth(key)))
		rec := respondSeq(t, c, mt, "POST", "rest/v1/x", answer(503, []byte(`{"status":{"msg":"down for `+key+`"}}`)), answer(200, []byte(`{}`)))
		req, _ := c.NewRequest("POST", "rest/v1/x", nil)
		req.Repeatable = repeatable
		resp, err := c.Do(context.Background(), req, nil)
		switch {
		case repeatable && (err != nil || rec.count() != 2):
			t.Errorf("repeatable: %d sends, err = %v", rec.count(), err)
		case !repeatable && (err == nil || rec.count() != 1 || resp == nil || resp.StatusCode != 503):
			t.Errorf("once: %d sends, resp = %v, err = %v", rec.count(), resp, err)
		case !repeatable && strings.Contains(err.Error(), key):
			t.Errorf("the key reached the error: %v", err)
		}
	}
}

// TestDoKeepsTheVendorsWindows: a limited endpoint reached through Do
// shares the window of the service that uses it.
func TestDoKeepsTheVendorsWindows(t *testing.T) {
	c, mt := mockClient(t, VoiceTel(), WithAuth(Bearer("canary-vt")), WithRateLimitWait(0), withPrivateLimiters())
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 200, []byte(`{"statusCode":"200","account":[{"name":"n"}]}`))
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.Agency.Account(ctx); err != nil {
			t.Fatal(err)
		}
		req, _ := c.NewRequest("POST", "/v2.1/account/info/", map[string]any{})
		if _, err := c.Do(ctx, req, nil); err != nil {
			t.Fatal(err)
		}
	}
	req, _ := c.NewRequest("POST", "v2.1/account/info/", map[string]any{})
	var rl *RateLimitError
	if _, err := c.Do(ctx, req, nil); !errors.As(err, &rl) || !rl.Local || rec.count() != 6 {
		t.Errorf("7th: err = %v after %d sends, want a local *RateLimitError", err, rec.count())
	}
}

// TestCaptureResponseOnServiceCalls: any service call fills the
// destination, failures included, without credentials.
func TestCaptureResponseOnServiceCalls(t *testing.T) {
	const key = "canary-k-3"
	c, mt := mockClient(t, Kaleyra("SID1"), WithAuth(APIKeyAuth(key)))
	respond(t, c, mt, "GET", "api/v1/SID1/subaccounts", 401, []byte(`{"code":"RBC401","message":"bad key `+key+`"}`),
		"Request-Id", "r-9", "WWW-Authenticate", "api-key "+key)
	var meta Response
	_, err := c.SubAccounts.List(CaptureResponse(context.Background(), &meta), nil)
	if !errors.Is(err, ErrUnauthorized) || meta.StatusCode != 401 || meta.RequestID != "r-9" || meta.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("meta = %v %v, err = %v", &meta, meta.Header, err)
	}
	if strings.Contains(strings.Join(append(meta.Header.Values("Request-Id"), meta.String()), " "), key) {
		t.Error("the key reached the metadata")
	}
}

// TestCaptureSkipsTheDetachedExchange: a token exchange runs apart from
// the call that started it and may outlive it, so it never writes into
// that call's destination; the call's own answer does.
func TestCaptureSkipsTheDetachedExchange(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(NewSessionToken("canary-a", "canary-s")))
	respond(t, c, mt, "POST", "api/v1/authentication", 200, []byte(`{"success":true,"token":"canary-tok-1","expires":"2099-01-01T00:00:00Z"}`), "X-Request-Id", "exchange")
	respond(t, c, mt, "GET", "api/v1/accounts/7.json", 200, []byte(`{"id":7,"name":"n"}`), "X-Request-Id", "get")
	var meta Response
	if _, err := c.SubAccounts.Get(CaptureResponse(context.Background(), &meta), "7"); err != nil {
		t.Fatal(err)
	}
	if meta.RequestID != "get" {
		t.Errorf("meta = %v", &meta)
	}
}
