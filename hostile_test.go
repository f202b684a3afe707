package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The hostile canary sweep: every vendor echoes the client's credential
// back in the ways a hostile or careless server does (cut near the end of
// a long message, escaped for JSON, URL or HTML, under a case variant of a
// credential field in a Raw object, under a field not on any list, inside
// a transport error chain), and no level of any error, no value and no Raw
// object may carry it in any encoding.

// hostileSecret has characters that every encoding changes.
const (
	hostileSecret = `Cnry/Key+9&<x>'q~Z`
	hostileID     = `CnryID/acc+7&<y>`
	hostileSub    = `SUBKEY-canary-4711`
)

// encodings lists the forms a server commonly echoes s in.
func encodings(s string) []string {
	js, _ := json.Marshal(s)
	inner := string(js[1 : len(js)-1])
	var u, U strings.Builder
	for _, r := range s {
		fmt.Fprintf(&u, `\u%04x`, r)
		fmt.Fprintf(&U, `\u%04X`, r)
	}
	return []string{s, url.QueryEscape(s), url.PathEscape(s), inner, strings.ReplaceAll(inner, "/", `\/`),
		html.EscapeString(s), u.String(), U.String()}
}

// hostileVendor is one vendor in the sweep.
type hostileVendor struct {
	name     string
	provider Provider
	auth     Authenticator
	secrets  []string
	// envelope is the vendor's JSON error answer carrying msg.
	envelope func(msg string) string
	// fixture is a success body to inject Raw echoes into; caseVariant is
	// a case variant of a field the vendor redacts.
	fixture     []byte
	caseVariant string
	call        func(ctx context.Context, c *Client) (any, []json.RawMessage, error)
}

func hostileVendors(t *testing.T) []hostileVendor {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []hostileVendor{
		{name: "VoiceTel", provider: VoiceTel(), auth: Bearer(hostileSecret), secrets: []string{hostileSecret},
			envelope:    func(m string) string { return `{"statusCode":"400","status":"Error","message":` + q(m) + `}` },
			fixture:     fixture(t, "voicetel", "registration.json"),
			caseVariant: "ApiKey",
			call: func(ctx context.Context, c *Client) (any, []json.RawMessage, error) {
				r, err := c.Agency.SIPRegistration(ctx)
				if r == nil {
					return r, nil, err
				}
				return r, []json.RawMessage{r.Raw}, err
			}},
		{name: "VoiceTel v2.2", provider: VoiceTel(InVersion(VoiceTelV22)), auth: Bearer(hostileSecret), secrets: []string{hostileSecret},
			envelope:    func(m string) string { return `{"status":"error","error":{"code":400,"message":` + q(m) + `}}` },
			fixture:     fixture(t, "voicetel", "v2.2/payments.json"),
			caseVariant: "ApiKey",
			call: func(ctx context.Context, c *Client) (any, []json.RawMessage, error) {
				ps, err := c.Records.Payments(ctx)
				var raws []json.RawMessage
				for _, p := range ps {
					raws = append(raws, p.Raw)
				}
				return ps, raws, err
			}},
		{name: "Kaleyra", provider: Kaleyra(kSID), auth: APIKeyAuth(hostileSecret), secrets: []string{hostileSecret},
			envelope:    func(m string) string { return `{"code":"RBC201","message":` + q(m) + `}` },
			fixture:     fixture(t, "kaleyra", "get.json"),
			caseVariant: "API_KEY",
			call: func(ctx context.Context, c *Client) (any, []json.RawMessage, error) {
				r, err := c.SubAccounts.Get(ctx, "HXXXXXXX071IN_1234")
				if r == nil {
					return r, nil, err
				}
				return r, []json.RawMessage{r.Raw}, err
			}},
		{name: "SerwerSMS", provider: SerwerSMS(), auth: KeyPair(hostileID, hostileSecret), secrets: []string{hostileID, hostileSecret},
			envelope:    func(m string) string { return `{"error":{"code":1000,"type":"Error","message":` + q(m) + `}}` },
			fixture:     fixture(t, "serwersms", "view.json"),
			caseVariant: "PassWord",
			call: func(ctx context.Context, c *Client) (any, []json.RawMessage, error) {
				r, err := c.SubAccounts.Get(ctx, "1194")
				if r == nil {
					return r, nil, err
				}
				return r, []json.RawMessage{r.Raw}, err
			}},
		{name: "CallTrackingMetrics", provider: CallTrackingMetrics(), auth: KeyPair(hostileID, hostileSecret), secrets: []string{hostileID, hostileSecret},
			envelope:    func(m string) string { return `{"status":"error","message":` + q(m) + `}` },
			fixture:     fixture(t, "calltrackingmetrics", "account.json"),
			caseVariant: "Secret_Key",
			call: func(ctx context.Context, c *Client) (any, []json.RawMessage, error) {
				r, err := c.SubAccounts.Get(ctx, "1001")
				if r == nil {
					return r, nil, err
				}
				return r, []json.RawMessage{r.Raw}, err
			}},
		{name: "Woodpecker", provider: Woodpecker(), auth: APIKeyAuth(hostileSecret), secrets: []string{hostileSecret},
			envelope: func(m string) string {
				return `{"status":{"status":"ERROR","code":"E_WRONG_PARAM","msg":` + q(m) + `}}`
			},
			fixture:     fixture(t, "woodpecker", "companies.json"),
			caseVariant: "API_KEY",
			call: func(ctx context.Context, c *Client) (any, []json.RawMessage, error) {
				p, err := c.SubAccounts.List(ctx, nil)
				if p == nil {
					return p, nil, err
				}
				var raws []json.RawMessage
				for _, sa := range p.Items {
					raws = append(raws, sa.Raw)
				}
				return p, raws, err
			}},
	}
}

// walkChain visits err and every error below it, through Unwrap() error and
// Unwrap() []error, as a logger that walks the chain does.
func walkChain(err error, visit func(error)) {
	if err == nil {
		return
	}
	visit(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkChain(u.Unwrap(), visit)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkChain(e, visit)
		}
	}
}

// chainTexts is every level's Error, %v, %+v and %#v.
func chainTexts(err error) []string {
	var out []string
	walkChain(err, func(e error) {
		out = append(out, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
	})
	return out
}

// assertNoEncodedSecret fails when any text carries a secret in any
// encoding, or the first 8 bytes of one (a cut credential).
func assertNoEncodedSecret(t *testing.T, where string, secrets []string, texts ...string) {
	t.Helper()
	for _, s := range secrets {
		forms := append(encodings(s), s[:8])
		for _, text := range texts {
			for _, f := range forms {
				if strings.Contains(text, f) {
					t.Errorf("%s: secret form %q leaked in: %.400s", where, f, text)
				}
			}
		}
	}
}

func TestHostileCanarySweep(t *testing.T) {
	for _, v := range hostileVendors(t) {
		t.Run(v.name, func(t *testing.T) {
			var mu sync.Mutex
			status, body := 200, ""
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				st, b := status, body
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(st)
				_, _ = w.Write([]byte(b))
			}))
			t.Cleanup(srv.Close)
			set := func(st int, b string) { mu.Lock(); status, body = st, b; mu.Unlock() }
			logger, logs := debugLogger()
			c, err := NewClient(v.provider, WithAuth(v.auth), WithBaseURL(srv.URL), WithLogger(logger),
				WithRetry(RetryPolicy{MaxRetries: 0}), withPrivateLimiters())
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			secret := v.secrets[len(v.secrets)-1]
			var echoes []string
			for _, s := range v.secrets {
				echoes = append(echoes, encodings(s)...)
			}
			cases := map[string]func() (int, string){
				// A long message: the echo straddles the excerpt's cut.
				"long message": func() (int, string) {
					return 400, v.envelope(strings.Repeat("x", maxMessageLen-len(secret)/2) + secret + " was refused")
				},
				"long plain-text body": func() (int, string) {
					return 500, strings.Repeat("y", maxMessageLen-len(secret)/2-10) + " key " + secret
				},
			}
			for i, e := range echoes {
				cases[fmt.Sprintf("escaped echo %d", i)] = func() (int, string) {
					return 400, v.envelope(`request {"auth":"` + e + `"} refused; see ?auth_token=` + e)
				}
				cases[fmt.Sprintf("escaped echo %d in plain text", i)] = func() (int, string) {
					return 502, "bad gateway for " + e
				}
			}
			for name, mk := range cases {
				set(mk())
				val, _, err := v.call(ctx, c)
				if err == nil {
					t.Fatalf("%s: want an error", name)
				}
				assertNoEncodedSecret(t, name, v.secrets, append(chainTexts(err), fmt.Sprintf("%+v", val))...)
			}

			// Raw: a case variant of a credential field, an escaped
			// spelling of one, and the client's own credential under a
			// field on no list, raw and escaped.
			js, _ := json.Marshal(secret)
			escaped := strings.ReplaceAll(string(js), "/", `\/`)
			fieldEsc := strings.Replace(`"`+v.caseVariant+`"`, "_", `\u005f`, 1)
			inject := `"` + v.caseVariant + `":"` + hostileSub + `",` + fieldEsc + `:"` + hostileSub + `","note":` + escaped + `,"url":"https://x/?k=` + url.QueryEscape(secret) + `",`
			fx := regexp.MustCompile(`\{\s*\}`).ReplaceAllString(string(v.fixture), `{"_":0}`)
			set(200, strings.ReplaceAll(fx, "{", "{"+inject))
			val, raws, err := v.call(ctx, c)
			if err != nil {
				t.Fatalf("Raw case: %v", err)
			}
			if len(raws) == 0 {
				t.Fatal("Raw case: no Raw returned")
			}
			for _, raw := range raws {
				if !json.Valid(raw) {
					t.Errorf("Raw is not JSON: %s", raw)
				}
				assertNoEncodedSecret(t, "Raw", append([]string{hostileSub}, v.secrets...), string(raw))
			}
			assertNoEncodedSecret(t, "value", v.secrets, fmt.Sprintf("%+v", val), logs.String())

			// A transport whose error chain quotes the credential at every
			// level, escaped.
			c2, err := NewClient(v.provider, WithAuth(v.auth), WithBaseURL(srv.URL), WithRetry(RetryPolicy{MaxRetries: 0}), withPrivateLimiters(),
				WithHTTPClient(&http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
					inner := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset while sending " + url.QueryEscape(secret))}
					return nil, fmt.Errorf("proxy refused ?auth_token=%s (%s): %w", secret, url.PathEscape(secret), inner)
				})}))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = v.call(ctx, c2)
			var ne *NetworkError
			if !errors.As(err, &ne) {
				t.Fatalf("transport case: err = %T %v, want *NetworkError", err, err)
			}
			var netErr net.Error
			if !errors.As(err, &netErr) {
				t.Errorf("transport case: errors.As(net.Error) no longer holds through the scrubbed chain")
			}
			assertNoEncodedSecret(t, "transport chain", v.secrets, chainTexts(err)...)
		})
	}
}

// The lenient number decoders must not quote body bytes into a
// *DecodeError: a credential echoed where a number belongs stays out.
func TestFlexDecodersDoNotQuoteTheBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"code":"RBC103","data":[],"total":"` + hostileSub + `","offset":{"k":"` + hostileSub + `"}}`))
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth(hostileSecret)), WithBaseURL(srv.URL), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SubAccounts.List(context.Background(), nil)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %T %v, want *DecodeError", err, err)
	}
	assertNoEncodedSecret(t, "DecodeError", []string{hostileSub}, chainTexts(err)...)
}

// A same-origin 307 or 308 answer to a create must not make the SDK send
// the create again: one send and a typed error. Reads still follow a
// same-origin redirect.
func TestRedirectsNeverResendCreates(t *testing.T) {
	for _, mv := range matrixVendors {
		v := mv(t)
		for _, code := range []int{307, 308} {
			for _, class := range []opClass{classRead, classCreate} {
				t.Run(fmt.Sprintf("%s/%s/%d", v.name, class, code), func(t *testing.T) {
					var mu sync.Mutex
					hits := 0
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						mu.Lock()
						hits++
						mu.Unlock()
						if !strings.HasPrefix(r.URL.Path, "/moved") {
							w.Header().Set("Location", "/moved"+r.URL.RequestURI())
							w.WriteHeader(code)
							return
						}
						w.Header().Set("Content-Type", "application/json")
						_, _ = w.Write(v.ok[class])
					}))
					t.Cleanup(srv.Close)
					c, err := NewClient(v.provider, WithAuth(v.auth), WithBaseURL(srv.URL), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 2}))
					if err != nil {
						t.Fatal(err)
					}
					_, err = v.call[class](context.Background(), c)
					mu.Lock()
					defer mu.Unlock()
					if class == classRead {
						if err != nil || hits != 2 {
							t.Fatalf("read: err = %v after %d requests, want success after 2", err, hits)
						}
						return
					}
					var apiErr *APIError
					if !errors.As(err, &apiErr) || apiErr.StatusCode != code || apiErr.Provider != v.name {
						t.Errorf("err = %T %v, want *APIError %d from %s", err, err, code, v.name)
					}
					if hits != 1 {
						t.Errorf("the create reached the server %d times, want 1", hits)
					}
				})
			}
		}
	}
}

// callEvery calls every exported method of v with zero arguments (nil
// context, nil pointers, empty strings) and then with a background
// context, draining any iterator it returns, and fails on a panic or on
// a call that reports no error.
func callEvery(t *testing.T, name string, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumMethod(); i++ {
		m, mt := rv.Method(i), rv.Type().Method(i)
		for _, withCtx := range []bool{false, true} {
			args := make([]reflect.Value, m.Type().NumIn())
			for j := range args {
				pt := m.Type().In(j)
				args[j] = reflect.Zero(pt)
				if withCtx && pt == reflect.TypeOf((*context.Context)(nil)).Elem() {
					args[j] = reflect.ValueOf(context.Background())
				}
			}
			label := fmt.Sprintf("%s.%s(ctx given: %v)", name, mt.Name, withCtx)
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s panicked: %v", label, p)
					}
				}()
				out := m.Call(args)
				var gotErr error
				for _, o := range out {
					if o.Kind() == reflect.Func && o.Type().NumIn() == 1 && o.Type().In(0).Kind() == reflect.Func {
						// An iter.Seq2: drain it, keeping its error.
						yt := o.Type().In(0)
						yield := reflect.MakeFunc(yt, func(a []reflect.Value) []reflect.Value {
							if e, ok := a[1].Interface().(error); ok && e != nil {
								gotErr = e
							}
							return []reflect.Value{reflect.ValueOf(true)}
						})
						o.Call([]reflect.Value{yield})
					}
					if e, ok := o.Interface().(error); ok && e != nil {
						gotErr = e
					}
				}
				if gotErr == nil {
					t.Errorf("%s returned no error", label)
				}
			}()
		}
	}
}

// No exported method panics on the zero Client, a zero or nil service,
// or nil arguments.
func TestZeroValuesDoNotPanic(t *testing.T) {
	for name, v := range map[string]any{
		"nil *AgencyService": (*AgencyService)(nil), "zero AgencyService": &AgencyService{}, "AgencyService of a zero Client": &AgencyService{c: &Client{}},
		"nil *SubAccountsService": (*SubAccountsService)(nil), "zero SubAccountsService": &SubAccountsService{}, "SubAccountsService of a zero Client": &SubAccountsService{c: &Client{}},
		"nil *KeysService": (*KeysService)(nil), "zero KeysService": &KeysService{}, "KeysService of a zero Client": &KeysService{c: &Client{}},
		"nil *RecordsService": (*RecordsService)(nil), "zero RecordsService": &RecordsService{}, "RecordsService of a zero Client": &RecordsService{c: &Client{}},
	} {
		callEvery(t, name, v)
	}
	var zero Client
	for _, c := range []*Client{&zero, nil} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("a zero or nil Client panicked: %v", p)
				}
			}()
			for _, ctx := range []context.Context{nil, context.Background()} {
				if _, err := c.Do(ctx, &Request{Method: "GET", Path: "x"}, nil); err == nil {
					t.Error("Do on a zero or nil Client returned no error")
				}
			}
			if r, err := c.NewRequest("GET", "x", nil); err == nil {
				if _, err := c.Do(context.Background(), r, nil); err == nil {
					t.Error("Do on a zero or nil Client returned no error")
				}
			}
			for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.String(), c.Provider(), c.BaseURL()} {
				if strings.Contains(s, "PANIC") {
					t.Errorf("printing a zero Client: %s", s)
				}
			}
		}()
	}
	// Services of a real client with nil arguments.
	for _, p := range []Provider{VoiceTel(), Kaleyra(kSID), SerwerSMS(), CallTrackingMetrics(), Woodpecker()} {
		c, err := NewClient(p, WithBaseURL("http://127.0.0.1:1"), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
		if err != nil {
			t.Fatal(err)
		}
		callEvery(t, p.Name()+" Agency", c.Agency)
		callEvery(t, p.Name()+" SubAccounts", c.SubAccounts)
		callEvery(t, p.Name()+" Keys", c.Keys)
		callEvery(t, p.Name()+" Records", c.Records)
	}
	var st *SessionToken
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("a nil *SessionToken panicked: %v", p)
			}
		}()
		_, _ = st.Token()
		_ = fmt.Sprint(st)
		if st.Authenticate(nil) == nil {
			t.Error("a nil *SessionToken authenticated")
		}
	}()
	for _, a := range []Authenticator{KeyPair("a", "b"), Bearer("t"), APIKeyAuth("k"), APIKeyHeader("X-K", "k"), NewSessionToken("a", "b")} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%T.Authenticate(nil) panicked: %v", a, p)
				}
			}()
			if a.Authenticate(nil) == nil {
				t.Errorf("%T.Authenticate(nil) returned no error", a)
			}
		}()
	}
}

// Agency.Session with a nil context and a session-token client must
// return an error, not panic in the goroutine that runs the exchange
// (which would kill the caller's process).
func TestSessionWithNilContextDoesNotPanic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(fixture(t, "calltrackingmetrics", "auth.json"))
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(CallTrackingMetrics(), WithAuth(NewSessionToken("access", "secret")), WithBaseURL(srv.URL), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1012 a nil context is the input under test
	_, err = c.Agency.Session(nil) //nolint:staticcheck
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %T %v, want *ValidationError", err, err)
	}
}

// A server that ignores the page or offset and claims a huge total must
// not make an iteration fetch the same items forever: it ends with a typed
// error within a few pages, for every vendor that pages.
func TestPagingWithoutProgressEnds(t *testing.T) {
	patch := func(t *testing.T, vendor, name string, set map[string]any, drop ...string) []byte {
		var m map[string]any
		if err := json.Unmarshal(fixture(t, vendor, name), &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range set {
			m[k] = v
		}
		for _, k := range drop {
			delete(m, k)
		}
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name     string
		provider Provider
		auth     Authenticator
		body     func(t *testing.T) []byte
		iterate  func(ctx context.Context, c *Client) (int, error)
	}{
		{"CallTrackingMetrics/SubAccounts.All", CallTrackingMetrics(), KeyPair("a", "b"),
			func(t *testing.T) []byte {
				return patch(t, "calltrackingmetrics", "accounts_page1.json", map[string]any{"total_pages": 1000000, "total_entries": 2000000})
			},
			func(ctx context.Context, c *Client) (int, error) { return drain(c.SubAccounts.All(ctx, nil)) }},
		{"CallTrackingMetrics/Records.Calls", CallTrackingMetrics(), KeyPair("a", "b"),
			func(t *testing.T) []byte {
				return patch(t, "calltrackingmetrics", "calls.json", map[string]any{"total_pages": 1000000, "total_entries": 25000000})
			},
			func(ctx context.Context, c *Client) (int, error) {
				return drain(c.Records.Calls(ctx, &CallQuery{AccountID: "1001"}))
			}},
		{"Kaleyra/SubAccounts.All", Kaleyra(kSID), APIKeyAuth("k"),
			func(t *testing.T) []byte {
				return patch(t, "kaleyra", "list.json", map[string]any{"total": 1000000}, "offset")
			},
			func(ctx context.Context, c *Client) (int, error) { return drain(c.SubAccounts.All(ctx, nil)) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body(t)
			var mu sync.Mutex
			hits := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				mu.Lock()
				hits++
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
			}))
			t.Cleanup(srv.Close)
			c, err := NewClient(tc.provider, WithAuth(tc.auth), WithBaseURL(srv.URL), withPrivateLimiters())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n, err := tc.iterate(ctx, c)
			var de *DecodeError
			if !errors.As(err, &de) || de.Provider == "" || de.Operation == "" {
				t.Errorf("err = %T %v, want a *DecodeError naming provider and operation", err, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if hits > 3 {
				t.Errorf("%d pages fetched (%d items) before the iteration ended, want at most 3", hits, n)
			}
		})
	}
}

// drain runs an iterator to its end, at most 10,000 elements, and returns
// how many items it yielded and its error.
func drain[T any](seq func(func(T, error) bool)) (int, error) {
	n := 0
	var last error
	seq(func(_ T, err error) bool {
		if err != nil {
			last = err
			return false
		}
		n++
		return n < 10000
	})
	return n, last
}

// A call without a deadline is bounded per attempt by default; the bound
// can be set, and WithHTTPClient's own Timeout is in charge when set.
func TestAttemptTimeout(t *testing.T) {
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("k")))
	if err != nil {
		t.Fatal(err)
	}
	if c.attempt != DefaultAttemptTimeout || c.http.HTTPClient.Timeout != 0 {
		t.Errorf("default per-attempt bound = %v (HTTP client Timeout %v), want DefaultAttemptTimeout (%v) on the attempt",
			c.attempt, c.http.HTTPClient.Timeout, DefaultAttemptTimeout)
	}
	c, _ = NewClient(VoiceTel(), WithAuth(Bearer("k")), WithHTTPClient(&http.Client{Timeout: 7 * time.Second}), WithAttemptTimeout(time.Second))
	if got := c.http.HTTPClient.Timeout; got != 7*time.Second || c.attempt != 0 {
		t.Errorf("with WithHTTPClient's Timeout 7s, the HTTP client's Timeout = %v and the attempt's own bound %v, want 7s and none", got, c.attempt)
	}
	if _, err := NewClient(VoiceTel(), WithAttemptTimeout(0)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("WithAttemptTimeout(0) = %v, want a *ValidationError", err)
	}

	// A server that accepts and stalls: context.Background() and no other
	// bound, the call still ends, as a *NetworkError naming the call.
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err = NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL(srv.URL), WithAttemptTimeout(20*time.Millisecond),
		WithRetry(RetryPolicy{MaxRetries: 0}), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Agency.SIPRegistration(context.Background())
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Provider != "VoiceTel" || ne.Operation != "Agency.SIPRegistration" {
		t.Fatalf("err = %T %v, want a *NetworkError naming the call", err, err)
	}
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("err = %v, want a net.Error with Timeout() true", err)
	}

	// The bound covers the body too: a server that sends half an answer
	// and stalls.
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = w.Write([]byte(`{"status":"success",`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(stall.Close)
	c, err = NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL(stall.URL), WithAttemptTimeout(20*time.Millisecond),
		WithRetry(RetryPolicy{MaxRetries: 0}), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Agency.SIPRegistration(context.Background())
	if !errors.As(err, &ne) || !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("a body that stalls: err = %T %v, want a *NetworkError with Timeout() true", err, err)
	}
}

// Every failure names the provider and operation: a cancelled or timed-out
// call too (and errors.Is still finds the context error), and an
// oversized body reads as such, not as "HTTP 0".
func TestFailuresNameProviderAndOperation(t *testing.T) {
	arrived := make(chan struct{}, 16)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("big") != "" || strings.Contains(r.URL.Path, "big") {
			_, _ = w.Write([]byte(`{"pad":"` + strings.Repeat("x", 1000) + `"}`))
			return
		}
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	wantNamed := func(t *testing.T, err error, provider, op string, target error) {
		t.Helper()
		if err == nil {
			t.Fatal("want an error")
		}
		if !strings.Contains(err.Error(), provider) || !strings.Contains(err.Error(), op) {
			t.Errorf("err %q does not name %s and %s", err, provider, op)
		}
		if target != nil && !errors.Is(err, target) {
			t.Errorf("errors.Is(%v, %v) = false", err, target)
		}
	}
	for _, mv := range matrixVendors {
		v := mv(t)
		t.Run(v.name, func(t *testing.T) {
			c, err := NewClient(v.provider, WithAuth(v.auth), WithBaseURL(srv.URL), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
			if err != nil {
				t.Fatal(err)
			}
			op := map[string]string{"VoiceTel": "Agency.SIPRegistration", "Kaleyra": "SubAccounts.List", "SerwerSMS": "SubAccounts.Get",
				"CallTrackingMetrics": "SubAccounts.List", "Woodpecker": "SubAccounts.List"}[v.name]
			// Cancelled before the call.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err = v.call[classRead](ctx, c)
			wantNamed(t, err, v.name, op, context.Canceled)
			// Cancelled while the server holds the request.
			ctx, cancel = context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			_, err = v.call[classRead](ctx, c)
			wantNamed(t, err, v.name, op, context.Canceled)
			// Past its deadline.
			ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
			_, err = v.call[classRead](ctx, c)
			cancel()
			wantNamed(t, err, v.name, op, context.DeadlineExceeded)
		})
	}
	// The session exchange, waited on with a cancelled context.
	c, err := NewClient(CallTrackingMetrics(), WithAuth(NewSessionToken("a", "b")), WithBaseURL(srv.URL), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Agency.Session(ctx)
	wantNamed(t, err, "CallTrackingMetrics", "Agency.Session", context.Canceled)

	// An oversized body.
	c, err = NewClient(Woodpecker(), WithAuth(APIKeyAuth("k")), WithBaseURL(srv.URL+"/big"), WithMaxResponseBytes(64), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SubAccounts.List(context.Background(), nil)
	wantNamed(t, err, "Woodpecker", "SubAccounts.List", nil)
	if strings.Contains(err.Error(), "HTTP 0") || !strings.Contains(err.Error(), "64-byte") {
		t.Errorf("oversized body: %q", err)
	}
}

// A wait the server dictates has one bound whatever its form: a
// Retry-After ten years ahead as an HTTP date locks the endpoint no longer
// than the same wait in seconds.
func TestRetryAfterHasOneBound(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tenYears := 10 * 365 * 24 * time.Hour
	if d, ok := parseRetryAfter("999999999999999999999", now); !ok || d != maxServerWait {
		t.Errorf("seconds beyond int64: %v, %v; want the bound, not no Retry-After", d, ok)
	}
	secs, ok1 := parseRetryAfter(fmt.Sprint(int64(tenYears/time.Second)), now)
	date, ok2 := parseRetryAfter(now.Add(tenYears).Format(http.TimeFormat), now)
	if !ok1 || !ok2 || secs != maxServerWait || date != maxServerWait {
		t.Fatalf("seconds form %v, date form %v; want both %v", secs, date, maxServerWait)
	}
	if d, _ := parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now); d != 90*time.Second {
		t.Errorf("a short date form = %v, want 90s", d)
	}

	for _, form := range []string{"seconds", "date"} {
		t.Run(form, func(t *testing.T) {
			clock := newFakeClock()
			ra := fmt.Sprint(int64(tenYears / time.Second))
			if form == "date" {
				ra = clock.Now().Add(tenYears).UTC().Format(http.TimeFormat)
			}
			c, mt := voiceTelClient(t, WithClock(clock))
			respondSeq(t, c, mt, "POST", "v2.1/account/mrc/",
				answer(429, fixture(t, "voicetel", "error_429.json"), "Retry-After", ra),
				answer(200, fixture(t, "voicetel", "mrc.json")))
			_, err := c.Records.RecurringCharges(context.Background())
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.RetryAfter > maxServerWait {
				t.Fatalf("err = %v, want a *RateLimitError of at most %v", err, maxServerWait)
			}
			clock.Advance(maxServerWait)
			if _, err := c.Records.RecurringCharges(context.Background()); err != nil {
				t.Fatalf("after the bound: %v", err)
			}
		})
	}
}

// Every string the caller gives passes one rule, map keys included:
// invalid UTF-8, control characters, over-long values and blank ones
// (only spaces or invisible characters, which are not "present") are
// refused with a *ValidationError before any I/O, and the error does not
// quote the refused value.
func TestEveryCallerStringIsChecked(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.WriteHeader(500)
	}))
	t.Cleanup(srv.Close)
	client := func(p Provider, a Authenticator) *Client {
		c, err := NewClient(p, WithAuth(a), WithBaseURL(srv.URL), withPrivateLimiters(), WithRetry(RetryPolicy{MaxRetries: 0}))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	wp := client(Woodpecker(), APIKeyAuth("k"))
	ky := client(Kaleyra(kSID), APIKeyAuth("k"))
	vt := client(VoiceTel(), Bearer("k"))
	ss := client(SerwerSMS(), KeyPair("u", "p"))
	ctx := context.Background()
	long := strings.Repeat("k", 100_000)
	blanks := []string{" ", "\t ", "\u00a0", "\u200b", "\u200b\u200d\ufeff", "\u3000", "\u2800"}
	cases := map[string]func(s string) error{
		"Woodpecker Prospect.Fields key": func(s string) error {
			return wp.Agency.AddProspects(ctx, "5", []Prospect{{Email: "a@example.com", Fields: map[string]string{s: "v"}}}, ProspectOptions{})
		},
		"Woodpecker Prospect.FirstName": func(s string) error {
			return wp.Agency.AddProspects(ctx, "5", []Prospect{{Email: "a@example.com", FirstName: s}}, ProspectOptions{})
		},
		"Woodpecker Create Name": func(s string) error {
			_, err := wp.SubAccounts.Create(ctx, &SubAccountCreate{Name: s})
			return err
		},
		"Woodpecker Keys.Create label": func(s string) error { _, err := wp.Keys.Create(ctx, "5", s); return err },
		"Kaleyra Create Name": func(s string) error {
			_, err := ky.SubAccounts.Create(ctx, &SubAccountCreate{Name: s, Email: "a@example.com", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
			return err
		},
		"Kaleyra Get id":      func(s string) error { _, err := ky.SubAccounts.Get(ctx, s); return err },
		"SerwerSMS Delete id": func(s string) error { return ss.SubAccounts.Delete(ctx, s) },
		"VoiceTel Create Name": func(s string) error {
			_, err := vt.SubAccounts.Create(ctx, &SubAccountCreate{Name: s, Username: "1234567890", Email: "a@example.com"})
			return err
		},
	}
	for name, call := range cases {
		bad := append([]string{"a\r\nb", "a\x00b", "\xff\xfe", long}, blanks...)
		if strings.Contains(name, "Fields key") {
			bad = append(bad, "")
		}
		for _, s := range bad {
			err := call(s)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%s %q: err = %T %v, want *ValidationError", name, s[:min(len(s), 20)], err, err)
				continue
			}
			if len(err.Error()) > 300 || (len(s) > 2 && strings.Contains(err.Error(), s)) {
				t.Errorf("%s: the error quotes the refused value: %.200s", name, err)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Errorf("%d requests reached the server", hits)
	}
}

// A secret the request itself sent (a password, not the client's
// credential), echoed back under a field not on any redaction list, is
// scrubbed from Raw as from errors.
func TestRawScrubsTheRequestsOwnSecrets(t *testing.T) {
	const pw = "Own-Pass-7731"
	exchange := func(ctx context.Context, c *Client) (json.RawMessage, error) {
		k, err := c.Keys.Exchange(ctx, "1234567890", pw)
		if k == nil {
			return nil, err
		}
		return k.Raw, err
	}
	cases := []struct {
		name     string
		provider Provider
		auth     Authenticator
		body     string
		call     func(ctx context.Context, c *Client) (json.RawMessage, error)
	}{
		{"SerwerSMS SubAccounts.Create", SerwerSMS(), KeyPair("owner", "ownerpass"), `{"success":true,"id":"9","echo":"` + pw + `"}`,
			func(ctx context.Context, c *Client) (json.RawMessage, error) {
				sa, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Username: "newuser", Password: Secret(pw), TemplateID: "1"})
				if err != nil {
					return nil, err
				}
				return sa.Raw, nil
			}},
		{"VoiceTel v2.1 Keys.Exchange", VoiceTel(InVersion(VoiceTelV21)), nil, `{"status":"success","apikey":"k-0987654321","data":{"apikey":"k-0987654321","note":"` + pw + `"},"note":"` + pw + `"}`,
			exchange},
		{"VoiceTel v2.2 Keys.Exchange", VoiceTel(), nil, `{"apikey":"k-0987654321","note":"` + pw + `"}`,
			exchange},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tc.body)
			}))
			t.Cleanup(srv.Close)
			opts := []Option{WithBaseURL(srv.URL), withPrivateLimiters()}
			if tc.auth != nil {
				opts = append(opts, WithAuth(tc.auth))
			}
			c, err := NewClient(tc.provider, opts...)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := tc.call(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) == 0 || strings.Contains(string(raw), pw) || !strings.Contains(string(raw), "[REDACTED]") {
				t.Errorf("Raw = %s, want it without the password the request sent", raw)
			}
		})
	}
}
