package multiaccount

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const (
	ctmAccess = "ctm-access-key"
	ctmSecret = "ctm-secret-key"
)

func ctmBasic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(ctmAccess+":"+ctmSecret))
}

func TestCTMListWithKeyPair(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	rec := respond(t, c, mt, "GET", "api/v1/accounts.json", 200, fixture(t, "calltrackingmetrics", "accounts_page1.json"))
	page, err := c.SubAccounts.List(context.Background(), &ListOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := rec.last(t)
	if s.Method != "GET" || s.Path != "/api/v1/accounts.json" || s.Query != "page=1&per_page=2" {
		t.Errorf("request = %s %s?%s", s.Method, s.Path, s.Query)
	}
	if got := s.Header.Get("Authorization"); got != ctmBasic() {
		t.Errorf("Authorization = %q", got)
	}
	if page.Total != 3 || page.NextCursor != "2" || len(page.Items) != 2 {
		t.Fatalf("page = %+v", page)
	}
	a := page.Items[1]
	if a.ID != "1002" || a.Name != "Client 2" || a.Status != "active" || a.Balance == nil || *a.Balance != 25 {
		t.Errorf("account = %+v", a)
	}
}

func TestCTMAllFollowsPages(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	rec := &recorder{}
	mt.RegisterResponder("GET", c.BaseURL()+"api/v1/accounts.json", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		name := "accounts_page1.json"
		if req.URL.Query().Get("page") == "2" {
			name = "accounts_page2.json"
		}
		return httpmock.NewBytesResponse(200, fixture(t, "calltrackingmetrics", name)), nil
	})
	var ids []string
	for a, err := range c.SubAccounts.All(context.Background(), &ListOptions{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "1001,1002,1003" || rec.count() != 2 {
		t.Fatalf("ids = %v, requests = %d", ids, rec.count())
	}
	if q := rec.all()[1].Query; q != "page=2&per_page=2" {
		t.Errorf("second page query = %s", q)
	}
}

func TestCTMGet(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	rec := respond(t, c, mt, "GET", "api/v1/accounts/1001.json", 200, fixture(t, "calltrackingmetrics", "account.json"))
	a, err := c.SubAccounts.Get(context.Background(), "1001")
	if err != nil {
		t.Fatal(err)
	}
	if s := rec.last(t); s.Path != "/api/v1/accounts/1001.json" || s.Query != "" || s.Header.Get("Authorization") != ctmBasic() {
		t.Errorf("request = %+v", s)
	}
	if a.ID != "1001" || a.Name != "Client 1" || *a.Balance != 12.5 {
		t.Errorf("account = %+v", a)
	}
}

func TestCTMCalls(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	rec := respond(t, c, mt, "GET", "api/v1/accounts/1001/calls.json", 200, fixture(t, "calltrackingmetrics", "calls.json"))
	// Local times: the dates sent are the UTC dates, End's date included.
	est := time.FixedZone("EST", -5*3600)
	q := &CallQuery{AccountID: "1001", Start: time.Date(2025, 11, 20, 22, 0, 0, 0, est), End: time.Date(2025, 11, 22, 9, 0, 0, 0, est), PageSize: 25}
	var recs []*CallRecord
	for r, err := range c.Records.Calls(context.Background(), q) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	s := rec.last(t)
	if s.Path != "/api/v1/accounts/1001/calls.json" || s.Query != "end_date=2025-11-22&page=1&per_page=25&start_date=2025-11-21" {
		t.Errorf("request = %s?%s", s.Path, s.Query)
	}
	if len(recs) != 2 || rec.count() != 1 {
		t.Fatalf("records = %d, requests = %d", len(recs), rec.count())
	}
	r := recs[0]
	if r.ID != "555001" || r.AccountID != "1001" || r.From != "+15555550123" || r.To != "+15555550199" ||
		!r.Start.Equal(time.Unix(1763800000, 0)) || r.Duration != 95*time.Second || len(r.Raw) == 0 {
		t.Errorf("record = %+v", r)
	}
	if !recs[1].Start.Equal(time.Date(2025, 11, 22, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("called_at fallback = %v", recs[1].Start)
	}
}

func TestCTMErrors(t *testing.T) {
	cases := []struct {
		name, fixture string
		status        int
		sentinel      error
		message       string
	}{
		{"status error 401", "error_status.json", 401, ErrUnauthorized, "You are not authorized to access this account"},
		{"status error 403", "error_status.json", 403, ErrForbidden, "You are not authorized to access this account"},
		{"reason", "error_reason.json", 422, ErrInvalidInput, "Account is suspended"},
		{"error string", "error_per_page.json", 400, ErrInvalidInput, "per_page limit is 150"},
		{"status error under 200", "error_status.json", 200, nil, "You are not authorized to access this account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
			respond(t, c, mt, "GET", "api/v1/accounts.json", tc.status, fixture(t, "calltrackingmetrics", tc.fixture))
			_, err := c.SubAccounts.List(context.Background(), nil)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Message != tc.message || apiErr.StatusCode != tc.status {
				t.Fatalf("err = %v", err)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want %v", err, tc.sentinel)
			}
		})
	}
}

func TestCTMValidation(t *testing.T) {
	c, _ := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	ctx := context.Background()
	first := func(q *CallQuery) error {
		for _, err := range c.Records.Calls(ctx, q) {
			return err
		}
		return nil
	}
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"per_page", func() error { _, err := c.SubAccounts.List(ctx, &ListOptions{PageSize: 151}); return err }(), "PageSize"},
		{"cursor", func() error { _, err := c.SubAccounts.List(ctx, &ListOptions{Cursor: "x"}); return err }(), "Cursor"},
		{"get id", func() error { _, err := c.SubAccounts.Get(ctx, "12/../3"); return err }(), "id"},
		{"calls account", first(&CallQuery{}), "AccountID"},
		{"calls account numeric", first(&CallQuery{AccountID: "abc"}), "AccountID"},
		{"calls per_page", first(&CallQuery{AccountID: "1", PageSize: 500}), "PageSize"},
	}
	for _, tc := range cases {
		var ve *ValidationError
		if !errors.As(tc.err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v, want *ValidationError on %s", tc.name, tc.err, tc.field)
		}
	}
}

// ctmSessionServer serves the token exchange and the accounts list with a
// session token, on the test's fake clock.
type ctmSessionServer struct {
	t         *testing.T
	clock     *fakeClock
	exchanges atomic.Int32
	lists     atomic.Int32
	ttl       time.Duration
	gate      chan struct{} // when set, exchanges wait for it
	failAuth  bool
	mu        sync.Mutex
	tokens    map[string]time.Time // token -> expiry
	listFails int32                // answer 401 to this many list calls
	forms     []url.Values
}

func newCTMSessionServer(t *testing.T, c *Client, mt *httpmock.MockTransport, clock *fakeClock) *ctmSessionServer {
	s := &ctmSessionServer{t: t, clock: clock, ttl: 30 * 24 * time.Hour, tokens: map[string]time.Time{}}
	mt.RegisterResponder("POST", c.BaseURL()+"api/v1/authentication", func(req *http.Request) (*http.Response, error) {
		n := s.exchanges.Add(1)
		if s.gate != nil {
			<-s.gate
		}
		if req.Header.Get("Authorization") != "" || req.URL.RawQuery != "" {
			t.Errorf("the exchange carried credentials outside its form")
		}
		if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("exchange Content-Type = %q", ct)
		}
		_ = req.ParseForm()
		s.mu.Lock()
		s.forms = append(s.forms, req.PostForm)
		s.mu.Unlock()
		if s.failAuth || req.PostForm.Get("token") != ctmAccess || req.PostForm.Get("secret") != ctmSecret {
			return httpmock.NewBytesResponse(401, fixture(t, "calltrackingmetrics", "auth_failed.json")), nil
		}
		tok := fmt.Sprintf("token-%d", n)
		exp := clock.Now().Add(s.ttl)
		s.mu.Lock()
		s.tokens[tok] = exp
		s.mu.Unlock()
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"success":true,"token":%q,"expires":%q,"first_account":{"id":1001}}`, tok, exp.Format(time.RFC3339))), nil
	})
	mt.RegisterResponder("GET", c.BaseURL()+"api/v1/accounts.json", func(req *http.Request) (*http.Response, error) {
		s.lists.Add(1)
		if req.Header.Get("Authorization") != "" {
			t.Errorf("session calls must not send Basic credentials")
		}
		tok := req.URL.Query().Get("auth_token")
		s.mu.Lock()
		exp, ok := s.tokens[tok]
		fail := s.listFails > 0
		if fail {
			s.listFails--
		}
		s.mu.Unlock()
		if !ok || !clock.Now().Before(exp) || fail {
			return httpmock.NewBytesResponse(401, fixture(t, "calltrackingmetrics", "error_status.json")), nil
		}
		return httpmock.NewBytesResponse(200, fixture(t, "calltrackingmetrics", "accounts_page2.json")), nil
	})
	return s
}

func sessionClient(t *testing.T, st *SessionToken, opts ...Option) (*Client, *httpmock.MockTransport, *fakeClock) {
	clock := newFakeClock()
	c, mt := mockClient(t, CallTrackingMetrics(), append([]Option{WithAuth(st), WithClock(clock)}, opts...)...)
	return c, mt, clock
}

func TestCTMSessionTokenIsCached(t *testing.T) {
	c, mt, clock := sessionClient(t, NewSessionToken(ctmAccess, ctmSecret))
	srv := newCTMSessionServer(t, c, mt, clock)
	for i := 0; i < 3; i++ {
		if _, err := c.SubAccounts.List(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if srv.exchanges.Load() != 1 || srv.lists.Load() != 3 {
		t.Fatalf("exchanges = %d, lists = %d", srv.exchanges.Load(), srv.lists.Load())
	}
	if f := srv.forms[0]; f.Get("token") != ctmAccess || f.Get("secret") != ctmSecret {
		t.Errorf("exchange form = %v", f)
	}
}

func TestCTMSessionRefreshedBeforeExpiry(t *testing.T) {
	c, mt, clock := sessionClient(t, NewSessionToken(ctmAccess, ctmSecret))
	srv := newCTMSessionServer(t, c, mt, clock)
	srv.ttl = time.Hour
	ctx := context.Background()
	if _, err := c.SubAccounts.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	clock.Advance(54 * time.Minute) // 6 minutes left: still used
	if _, err := c.SubAccounts.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if srv.exchanges.Load() != 1 {
		t.Fatalf("exchanges = %d, want 1", srv.exchanges.Load())
	}
	clock.Advance(2 * time.Minute) // 4 minutes left: replaced before use
	if _, err := c.SubAccounts.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if srv.exchanges.Load() != 2 || srv.lists.Load() != 3 {
		t.Fatalf("exchanges = %d, lists = %d: want a refresh and no 401", srv.exchanges.Load(), srv.lists.Load())
	}
}

func TestCTMSessionRefreshOnceOn401(t *testing.T) {
	c, mt, clock := sessionClient(t, NewSessionToken(ctmAccess, ctmSecret))
	srv := newCTMSessionServer(t, c, mt, clock)
	srv.listFails = 1
	if _, err := c.SubAccounts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if srv.exchanges.Load() != 2 || srv.lists.Load() != 2 {
		t.Fatalf("exchanges = %d, lists = %d: want one refresh and one retry", srv.exchanges.Load(), srv.lists.Load())
	}
	// A token refused twice is not refreshed in a loop.
	srv.listFails = 5
	_, err := c.SubAccounts.List(context.Background(), nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if srv.exchanges.Load() != 3 || srv.lists.Load() != 4 {
		t.Fatalf("exchanges = %d, lists = %d: want exactly one more refresh and retry", srv.exchanges.Load(), srv.lists.Load())
	}
}

// waitForSessionWaiters blocks until n callers wait on the token's exchange.
func waitForSessionWaiters(t *testing.T, st *SessionToken, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st.mu.Lock()
		w := st.waiting
		st.mu.Unlock()
		if w >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d callers wait on the exchange", w, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCTMSessionConcurrentCallersShareOneExchange(t *testing.T) {
	st := NewSessionToken(ctmAccess, ctmSecret)
	c, mt, clock := sessionClient(t, st)
	srv := newCTMSessionServer(t, c, mt, clock)
	srv.gate = make(chan struct{})
	const n = 50
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() { _, err := c.SubAccounts.List(context.Background(), nil); errs <- err }()
	}
	waitForSessionWaiters(t, st, n) // all 50 are inside one exchange
	close(srv.gate)
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if srv.exchanges.Load() != 1 || srv.lists.Load() != n {
		t.Fatalf("exchanges = %d, lists = %d", srv.exchanges.Load(), srv.lists.Load())
	}
}

func TestCTMSessionFailedExchangeReachesEveryCaller(t *testing.T) {
	st := NewSessionToken(ctmAccess, ctmSecret)
	c, mt, clock := sessionClient(t, st)
	srv := newCTMSessionServer(t, c, mt, clock)
	srv.failAuth = true
	srv.gate = make(chan struct{})
	const n = 10
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() { _, err := c.SubAccounts.List(context.Background(), nil); errs <- err }()
	}
	waitForSessionWaiters(t, st, n)
	close(srv.gate)
	for i := 0; i < n; i++ {
		err := <-errs
		var apiErr *APIError
		if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Message != "Invalid access key or secret key" {
			t.Fatalf("caller %d: err = %v", i, err)
		}
	}
	if srv.exchanges.Load() != 1 || srv.lists.Load() != 0 {
		t.Fatalf("exchanges = %d, lists = %d: one failed exchange, no retry loop", srv.exchanges.Load(), srv.lists.Load())
	}
}

func TestCTMSessionExportAndReuse(t *testing.T) {
	st := NewSessionToken(ctmAccess, ctmSecret)
	c, mt, clock := sessionClient(t, st)
	srv := newCTMSessionServer(t, c, mt, clock)
	sess, err := c.Agency.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok, exp := st.Token()
	if tok.Reveal() != sess.Token.Reveal() || !exp.Equal(sess.Expires) || sess.FirstAccountID != "1001" || !exp.Equal(clock.Now().Add(30*24*time.Hour)) {
		t.Fatalf("session = %+v, Token() = %v %v", sess, tok, exp)
	}
	// Another process reuses the shared token: no exchange.
	shared := ReuseSessionToken(tok.Reveal(), exp)
	c2, err := NewClient(CallTrackingMetrics(), WithAuth(shared), WithBaseURL(c.BaseURL()), WithHTTPClient(&http.Client{Transport: mt}), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.SubAccounts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if srv.exchanges.Load() != 1 {
		t.Fatalf("exchanges = %d", srv.exchanges.Load())
	}
	// Refused, it cannot refresh: ErrUnauthorized, no exchange.
	srv.listFails = 1
	if _, err := c2.SubAccounts.List(context.Background(), nil); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if srv.exchanges.Load() != 1 {
		t.Fatalf("a shared token without keys exchanged")
	}
}

func TestCTMSessionWithKeyPairExchanges(t *testing.T) {
	clock := newFakeClock()
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)), WithClock(clock))
	rec := respond(t, c, mt, "POST", "api/v1/authentication", 200, fixture(t, "calltrackingmetrics", "auth.json"))
	sess, err := c.Agency.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := rec.last(t)
	if string(s.Body) != "secret="+ctmSecret+"&token="+ctmAccess || s.Header.Get("Authorization") != "" {
		t.Errorf("exchange request = %q %v", s.Body, s.Header)
	}
	if sess.Token.Reveal() != "ctm-session-token-0001" || sess.FirstAccountID != "1001" || !sess.Expires.Equal(time.Date(2026, 12, 22, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("session = %+v", sess)
	}
	// A credential exchange is never sent twice.
	c2, mt2 := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	rec2 := respond(t, c2, mt2, "POST", "api/v1/authentication", 503, []byte(`{}`))
	if _, err := c2.Agency.Session(context.Background()); err == nil || rec2.count() != 1 {
		t.Errorf("err = %v, attempts = %d", err, rec2.count())
	}
}

func TestCTMSessionExpiresAsUnixSeconds(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	respond(t, c, mt, "POST", "api/v1/authentication", 200, []byte(`{"success":true,"token":"t","expires":1798200000,"first_account":{"id":"7"}}`))
	sess, err := c.Agency.Session(context.Background())
	if err != nil || !sess.Expires.Equal(time.Unix(1798200000, 0)) || sess.FirstAccountID != "7" {
		t.Fatalf("session = %+v, err = %v", sess, err)
	}
}

func TestCTMAuthRules(t *testing.T) {
	for _, a := range []Authenticator{Bearer("k"), APIKeyAuth("k")} {
		if _, err := NewClient(CallTrackingMetrics(), WithAuth(a)); err == nil || !contains(err.Error(), "KeyPair, NewSessionToken") {
			t.Errorf("%s: err = %v", authName(a), err)
		}
	}
}

func TestCTMUnsupported(t *testing.T) {
	c, _ := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	ctx := context.Background()
	for name, err := range map[string]error{
		"CreateBatch":   func() error { _, err := c.SubAccounts.CreateBatch(ctx, []*SubAccountCreate{{Name: "x"}}); return err }(),
		"Update":        func() error { _, err := c.SubAccounts.Update(ctx, "1", &SubAccountUpdate{}); return err }(),
		"Delete":        c.SubAccounts.Delete(ctx, "1"),
		"Keys.Create":   func() error { _, err := c.Keys.Create(ctx, "1", "l"); return err }(),
		"Charges":       func() error { _, err := c.Records.RecurringCharges(ctx); return err }(),
		"Account":       func() error { _, err := c.Agency.Account(ctx); return err }(),
		"AddProspects":  c.Agency.AddProspects(ctx, "1", nil, ProspectOptions{}),
		"Keys.Exchange": func() error { _, err := c.Keys.Exchange(ctx, "1", "p"); return err }(),
	} {
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestCTMCanarySecrets(t *testing.T) {
	const (
		access = "CANARY-CTM-ACCESS-a1"
		secret = "CANARY-CTM-SECRET-b2"
	)
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any
	var tokens []string
	for _, mode := range []string{"keypair", "session", "session-transport-error", "session-500"} {
		var a Authenticator = KeyPair(access, secret)
		if strings.HasPrefix(mode, "session") {
			a = NewSessionToken(access, secret)
		}
		clock := newFakeClock()
		c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(a), WithLogger(logger), WithClock(clock), WithBaseURL(testBaseURL(t)+"-"+mode))
		tok := "CANARY-CTM-TOKEN-" + mode
		tokens = append(tokens, tok)
		mt.RegisterResponder("POST", c.BaseURL()+"api/v1/authentication", func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, `{"success":true,"token":"`+tok+`","expires":"2027-01-01T00:00:00Z","first_account":{"id":1}}`), nil
		})
		answerFor := func(name string) httpmock.Responder {
			return func(req *http.Request) (*http.Response, error) {
				switch mode {
				case "session-transport-error":
					// A transport whose error quotes the full URL, token included.
					return nil, fmt.Errorf("proxy refused %s", req.URL.String())
				case "session-500":
					return httpmock.NewStringResponse(500, "upstream failed for "+req.URL.String()), nil
				}
				return httpmock.NewBytesResponse(200, fixture(t, "calltrackingmetrics", name)), nil
			}
		}
		mt.RegisterResponder("GET", c.BaseURL()+"api/v1/accounts.json", answerFor("accounts_page2.json"))
		mt.RegisterResponder("GET", c.BaseURL()+"api/v1/accounts/1001.json", answerFor("account.json"))
		mt.RegisterResponder("GET", c.BaseURL()+"api/v1/accounts/1001/calls.json", answerFor("calls.json"))
		mt.RegisterResponder("POST", c.BaseURL()+"api/v1/accounts", answerFor("account_create.json"))
		created, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "Canary New", TimeZone: "UTC"})
		errs, values = append(errs, err), append(values, created)
		sess, err := c.Agency.Session(ctx)
		errs, values = append(errs, err), append(values, sess)
		p, err := c.SubAccounts.List(ctx, nil)
		errs, values = append(errs, err), append(values, p)
		sa, err := c.SubAccounts.Get(ctx, "1001")
		errs, values = append(errs, err), append(values, sa)
		for r, err := range c.Records.Calls(ctx, &CallQuery{AccountID: "1001"}) {
			errs, values = append(errs, err), append(values, r)
		}
		values = append(values, c, a)
	}
	if len(errs) < 20 {
		t.Fatalf("sweep ran %d operations", len(errs))
	}
	assertNoCanary(t, append([]string{access, secret}, tokens...), logs.String(), errs, values...)
}

// called_at alone ("2012-08-17 10:24 AM", the vendor's documented form) is
// the account's local time: read in CallQuery.Location, else in the zone
// the account names, else in UTC.
func TestCTMCalledAtInTheAccountsZone(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	calls := func(c *Client, q *CallQuery) []*CallRecord {
		t.Helper()
		var recs []*CallRecord
		for r, err := range c.Records.Calls(context.Background(), q) {
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
		return recs
	}
	chicago := time.FixedZone("CST", -6*3600)

	t.Run("CallQuery.Location", func(t *testing.T) {
		c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
		respond(t, c, mt, "GET", "api/v1/accounts/1001/calls.json", 200, fixture(t, "calltrackingmetrics", "calls_called_at_only.json"))
		recs := calls(c, &CallQuery{AccountID: "1001", Location: chicago})
		if !recs[0].Start.Equal(time.Date(2025, 11, 22, 8, 26, 0, 0, chicago)) || !recs[1].Start.Equal(time.Date(2025, 11, 22, 23, 5, 0, 0, chicago)) {
			t.Errorf("starts = %v, %v", recs[0].Start, recs[1].Start)
		}
	})
	t.Run("the account's timezone", func(t *testing.T) {
		c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
		respond(t, c, mt, "GET", "api/v1/accounts/1001/calls.json", 200, fixture(t, "calltrackingmetrics", "calls_called_at_only.json"))
		acct := respond(t, c, mt, "GET", "api/v1/accounts/1001.json", 200, fixture(t, "calltrackingmetrics", "account_timezone.json"))
		recs := calls(c, &CallQuery{AccountID: "1001"})
		if !recs[0].Start.Equal(time.Date(2025, 11, 22, 8, 26, 0, 0, la)) || !recs[1].Start.Equal(time.Date(2025, 11, 22, 23, 5, 0, 0, la)) {
			t.Errorf("starts = %v, %v", recs[0].Start, recs[1].Start)
		}
		if acct.count() != 1 {
			t.Errorf("account fetched %d times for one page, want 1", acct.count())
		}
	})
	t.Run("no zone known: UTC", func(t *testing.T) {
		c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
		respond(t, c, mt, "GET", "api/v1/accounts/1001/calls.json", 200, fixture(t, "calltrackingmetrics", "calls_called_at_only.json"))
		respond(t, c, mt, "GET", "api/v1/accounts/1001.json", 200, fixture(t, "calltrackingmetrics", "account.json"))
		if recs := calls(c, &CallQuery{AccountID: "1001"}); !recs[0].Start.Equal(time.Date(2025, 11, 22, 8, 26, 0, 0, time.UTC)) {
			t.Errorf("start = %v", recs[0].Start)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
		respond(t, c, mt, "GET", "api/v1/accounts/1001/calls.json", 200, []byte(`{"calls":[{"id":7,"called_at":"last Tuesday"}],"page":1,"total_pages":1}`))
		var last error
		for _, err := range c.Records.Calls(context.Background(), &CallQuery{AccountID: "1001", Location: chicago}) {
			last = err
		}
		var de *DecodeError
		if !errors.As(last, &de) || de.Reason != "call 0" || !strings.Contains(last.Error(), `id "7": neither unix_time nor a called_at`) {
			t.Errorf("err = %v", last)
		}
	})
}

// The account fetch behind called_at carries the credentials too: its
// failures never show them.
func TestCTMCanarySecretsAccountZone(t *testing.T) {
	const (
		access = "CANARY-CTM-ACCESS-z1"
		secret = "CANARY-CTM-SECRET-z2"
		tok    = "CANARY-CTM-TOKEN-z3"
	)
	logger, logs := debugLogger()
	var errs []error
	var values []any
	for _, mode := range []string{"transport-error", "500", "ok"} {
		for _, a := range []Authenticator{KeyPair(access, secret), NewSessionToken(access, secret)} {
			c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(a), WithLogger(logger), WithClock(newFakeClock()))
			mt.RegisterResponder("POST", c.BaseURL()+"api/v1/authentication", func(*http.Request) (*http.Response, error) {
				return httpmock.NewStringResponse(200, `{"success":true,"token":"`+tok+`","expires":"2027-01-01T00:00:00Z","first_account":{"id":1}}`), nil
			})
			respond(t, c, mt, "GET", "api/v1/accounts/1001/calls.json", 200, fixture(t, "calltrackingmetrics", "calls_called_at_only.json"))
			mt.RegisterResponder("GET", c.BaseURL()+"api/v1/accounts/1001.json", func(req *http.Request) (*http.Response, error) {
				switch mode {
				case "transport-error":
					return nil, fmt.Errorf("proxy refused %s", req.URL.String())
				case "500":
					return httpmock.NewStringResponse(500, "upstream failed for "+req.URL.String()), nil
				}
				return httpmock.NewBytesResponse(200, fixture(t, "calltrackingmetrics", "account_timezone.json")), nil
			})
			var last error
			for r, err := range c.Records.Calls(context.Background(), &CallQuery{AccountID: "1001"}) {
				last = err
				values = append(values, r)
			}
			if (mode == "ok") != (last == nil) {
				t.Errorf("%s: err = %v", mode, last)
			}
			errs = append(errs, last)
			values = append(values, c, a)
		}
	}
	assertNoCanary(t, []string{access, secret, tok}, logs.String(), errs, values...)
}
