package multiaccount

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// voiceTel22Client is a v2.2 client over a mock transport, with limiters
// of its own (the tests run repeatedly against one mock host).
func voiceTel22Client(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return mockClient(t, VoiceTel(InVersion(VoiceTelV22)), append([]Option{WithAuth(Bearer(vtKey)), withPrivateLimiters()}, opts...)...)
}

func vt22(t *testing.T, name string) []byte { return fixture(t, "voicetel", "v2.2/"+name) }

// assertV22Request checks what a v2.2 call sends: method, path, query,
// the Bearer header exactly when keyed (never the key in the body), and
// the JSON body ("" for none).
func assertV22Request(t *testing.T, s seen, method, path, query string, keyed bool, body string) {
	t.Helper()
	if s.Method != method || s.Path != path || s.Query != query {
		t.Errorf("request = %s %s?%s, want %s %s?%s", s.Method, s.Path, s.Query, method, path, query)
	}
	auth := s.Header.Get("Authorization")
	if keyed != (auth == "Bearer "+vtKey) || (!keyed && auth != "") {
		t.Errorf("Authorization = %q (keyed %v)", auth, keyed)
	}
	if body == "" {
		if len(s.Body) != 0 {
			t.Errorf("body = %s, want none", s.Body)
		}
		return
	}
	assertJSONBody(t, s.Body, body)
}

func TestVoiceTelV22CreateSubAccount(t *testing.T) {
	c, mt := voiceTel22Client(t)
	rec := respond(t, c, mt, "POST", "v2.2/account", 201, vt22(t, "add.json"))
	sa, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{
		Name: "Acme Branch", Username: "4592086970", Email: "branch@acme.example", MasterAccount: "4592086960",
	})
	if err != nil {
		t.Fatal(err)
	}
	// v2.2 takes the usernames as strings, and the key only in the header.
	assertV22Request(t, rec.last(t), "POST", "/v2.2/account", "", true,
		`{"name":"Acme Branch","username":"4592086970","email":"branch@acme.example","masterAccount":"4592086960"}`)
	if sa.ID != "4592086970" || sa.Username != "4592086970" || sa.Name != "Acme Branch" || sa.Password.Reveal() != "Xk29vLq0pA" {
		t.Errorf("sub-account = %+v", sa)
	}
	assertRawRedacted(t, sa.Raw, "Xk29vLq0pA")
}

func TestVoiceTelV22ExchangeKey(t *testing.T) {
	c, mt := voiceTel22Client(t)
	rec := respond(t, c, mt, "POST", "v2.2/account/api-key", 200, vt22(t, "apikey.json"))
	k, err := c.Keys.Exchange(context.Background(), "4592086960", "abc1234567")
	if err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, rec.last(t), "POST", "/v2.2/account/api-key", "", false, `{"username":"4592086960","password":"abc1234567"}`)
	if k.Key.Reveal() != "dec759ed81963fd9a4b8a9c8f3e22b1a" {
		t.Errorf("key not decoded")
	}
	assertRawRedacted(t, k.Raw, "dec759ed81963fd9a4b8a9c8f3e22b1a")
}

func TestVoiceTelV22CallsSendsTheDescendingRange(t *testing.T) {
	start, end := time.Unix(1699913600, 0), time.Unix(1700000000, 0)
	cases := []struct {
		q     CallQuery
		query string
	}{
		// v2.2's start is the newer bound, end the older one.
		{CallQuery{Start: start, End: end}, "end=1699913600&start=1700000000"},
		{CallQuery{Start: start}, "end=1699913600"},
		{CallQuery{End: end}, "start=1700000000"},
		{CallQuery{}, ""},
	}
	for _, tc := range cases {
		c, mt := voiceTel22Client(t)
		rec := respond(t, c, mt, "GET", "v2.2/account/cdr", 200, vt22(t, "cdr.json"))
		page, err := c.Records.CallsPage(context.Background(), &tc.q)
		if err != nil {
			t.Fatal(err)
		}
		assertV22Request(t, rec.last(t), "GET", "/v2.2/account/cdr", tc.query, true, "")
		if len(page.Items) != 2 || page.NextCursor != "" {
			t.Fatalf("page = %+v", page)
		}
		r := page.Items[0]
		if r.ID != "f2ce9c3091697619f27f7e4280bf2747" || r.AccountID != "4592086960" || r.From != "8666326621" ||
			r.To != "8008786160" || r.Duration != 40*time.Second || !r.Start.Equal(time.Unix(1699990000, 0)) {
			t.Errorf("record 0 = %+v", r)
		}
	}
}

func TestVoiceTelV22AccountRegistrationCharges(t *testing.T) {
	c, mt := voiceTel22Client(t)
	ctx := context.Background()
	info := respond(t, c, mt, "GET", "v2.2/account", 200, vt22(t, "info.json"))
	a, err := c.Agency.Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, info.last(t), "GET", "/v2.2/account", "", true, "")
	if a.Name != "Acme Field Services" || a.Username != "4592086960" || a.Email != "billing@acme-field.example" || !a.Enabled ||
		a.Balance == nil || *a.Balance != 25.5 || !a.Created.Equal(time.Date(2020, 1, 15, 12, 0, 0, 0, time.UTC)) ||
		!strings.Contains(string(a.Raw), `"timezone":"America/Chicago"`) {
		t.Errorf("account = %+v", a)
	}

	reg := respond(t, c, mt, "GET", "v2.2/account/registration", 200, vt22(t, "registration.json"))
	r, err := c.Agency.SIPRegistration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, reg.last(t), "GET", "/v2.2/account/registration", "", true, "")
	if r.URI != "sip:4592086960@192.0.2.10:5060" || r.Agent != "Zoiper rv2.10.20" {
		t.Errorf("registration = %+v", r)
	}

	mrc := respond(t, c, mt, "GET", "v2.2/account/recurring-charges", 200, vt22(t, "mrc.json"))
	ch, err := c.Records.RecurringCharges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, mrc.last(t), "GET", "/v2.2/account/recurring-charges", "", true, "")
	want := []Charge{{"Hosted PBX", 19.99}, {"E911", 1.5}, {"did", 4.25}}
	if len(ch.Items) != 3 || ch.Items[0] != want[0] || ch.Items[1] != want[1] || ch.Items[2] != want[2] || ch.Total != 25.74 {
		t.Errorf("charges = %+v", ch)
	}
}

func TestVoiceTelV22SignupAndRecover(t *testing.T) {
	c, mt := voiceTel22Client(t)
	ctx := context.Background()
	rec := respond(t, c, mt, "POST", "v2.2/accounts", 201, vt22(t, "signup.json"))
	acct, err := c.Agency.Signup(ctx, &Signup{Name: "John Smith", Email: "john@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, rec.last(t), "POST", "/v2.2/accounts", "", false, `{"name":"John Smith","email":"john@example.com"}`)
	if acct.Username != "4592087000" || acct.Password.Reveal() != "q8Rt5WzN2m" {
		t.Errorf("new account = %+v", acct)
	}
	assertRawRedacted(t, acct.Raw, "q8Rt5WzN2m")

	rec = respond(t, c, mt, "POST", "v2.2/account/recovery", 200, vt22(t, "recover.json"))
	if err := c.Agency.Recover(ctx, "john@example.com"); err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, rec.last(t), "POST", "/v2.2/account/recovery", "", false, `{"email":"john@example.com"}`)

	respond(t, c, mt, "POST", "v2.2/account/recovery", 400, vt22(t, "error_400_recover.json"))
	err = c.Agency.Recover(ctx, "john@example.com")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 ||
		apiErr.Message != "Invalid email address: Must be valid" || apiErr.Code != "400" {
		t.Errorf("err = %v, want the vendor's message and requirement", err)
	}
}

func TestVoiceTelV22UpdateSettings(t *testing.T) {
	c, mt := voiceTel22Client(t)
	rec := respond(t, c, mt, "PUT", "v2.2/account", 200, vt22(t, "settings.json"))
	up, err := c.Agency.UpdateSettings(context.Background(), &AccountSettings{
		Timezone: Ptr("America/Chicago"), Notify: Ptr(false), NotifyThreshold: Ptr(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Only the fields set are sent, zero values included.
	assertV22Request(t, rec.last(t), "PUT", "/v2.2/account", "", true, `{"timezone":"America/Chicago","notify":false,"notifyThreshold":0}`)
	if strings.Join(up.Updated, ",") != "timezone,notify,notifyThreshold" || len(up.Raw) == 0 {
		t.Errorf("update = %+v", up)
	}

	rec = respond(t, c, mt, "PUT", "v2.2/account", 200, vt22(t, "settings.json"))
	if _, err := c.Agency.UpdateSettings(context.Background(), &AccountSettings{
		CallerID: Ptr("2015551234"), CCS: Ptr(0), SMS: Ptr(true), MMS: Ptr(false), International: Ptr(false), E911: Ptr(true),
	}); err != nil {
		t.Fatal(err)
	}
	assertJSONBody(t, rec.last(t).Body, `{"callerId":"2015551234","ccs":0,"sms":true,"mms":false,"intl":false,"e911":true}`)
}

// A PUT of the same values is safe to repeat: a lost answer is retried.
func TestVoiceTelV22UpdateSettingsIsRetried(t *testing.T) {
	c, mt := voiceTel22Client(t, WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Microsecond, MaxWait: time.Microsecond}))
	rec := respondSeq(t, c, mt, "PUT", "v2.2/account",
		answer(503, []byte(`{"status":"error","error":{"code":503,"message":"busy"}}`)), answer(200, vt22(t, "settings.json")))
	if _, err := c.Agency.UpdateSettings(context.Background(), &AccountSettings{Notify: Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 2 {
		t.Errorf("attempts = %d, want 2", rec.count())
	}
}

func TestVoiceTelV22CreditsAndPayments(t *testing.T) {
	c, mt := voiceTel22Client(t)
	ctx := context.Background()
	for _, tc := range []struct {
		q     *CreditQuery
		query string
	}{{nil, ""}, {&CreditQuery{}, ""}, {&CreditQuery{Paid: Ptr(true)}, "status=paid"}, {&CreditQuery{Paid: Ptr(false)}, "status=unpaid"}} {
		rec := respond(t, c, mt, "GET", "v2.2/account/credits", 200, vt22(t, "credits.json"))
		credits, err := c.Records.Credits(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		assertV22Request(t, rec.last(t), "GET", "/v2.2/account/credits", tc.query, true, "")
		if len(credits) != 2 || credits[0].Amount != 25 || credits[0].Paid || !credits[1].Paid ||
			!credits[0].Date.Equal(time.Date(2024, 9, 30, 12, 52, 59, 0, time.UTC)) || !strings.Contains(string(credits[0].Raw), `"amount":25.0`) {
			t.Errorf("credits = %+v", credits)
		}
	}

	rec := respond(t, c, mt, "GET", "v2.2/account/payments", 200, vt22(t, "payments.json"))
	pays, err := c.Records.Payments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertV22Request(t, rec.last(t), "GET", "/v2.2/account/payments", "", true, "")
	if len(pays) != 2 {
		t.Fatalf("payments = %+v", pays)
	}
	if p := pays[0]; p.Amount != 25 || p.TransactionID != "2N045992R140725E3" || p.Status != "Completed" ||
		p.PayerEmail != "billing@acme-field.example" || !p.Date.Equal(time.Date(2024, 9, 30, 12, 52, 59, 0, time.UTC)) || len(p.Raw) == 0 {
		t.Errorf("payment 0 = %+v", p)
	}
	if pays[1].Status != "Refunded" {
		t.Errorf("payment 1 = %+v", pays[1])
	}
}

// An entry without what the document requires is a decode error naming it.
func TestVoiceTelV22MalformedAnswers(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		path, body, reason string
		call               func(*Client) error
	}{
		{"v2.2/account/credits", `{"status":"success","data":{"credits":[{"amount":1,"paid":true}]}}`, "credit 0",
			func(c *Client) error { _, err := c.Records.Credits(ctx, nil); return err }},
		{"v2.2/account/payments", `{"status":"success","data":{"payments":[{"amount":1,"date":"yesterday","status":"Completed"}]}}`, "payment 0",
			func(c *Client) error { _, err := c.Records.Payments(ctx); return err }},
		{"v2.2/account/payments", `{"status":"success","data":{}}`, "no payments list in the answer",
			func(c *Client) error { _, err := c.Records.Payments(ctx); return err }},
		{"v2.2/account", `{"status":"success"}`, "no data object in the answer",
			func(c *Client) error { _, err := c.Agency.Account(ctx); return err }},
	}
	for _, tc := range cases {
		c, mt := voiceTel22Client(t)
		respond(t, c, mt, "GET", tc.path, 200, []byte(tc.body))
		err := tc.call(c)
		var de *DecodeError
		if !errors.As(err, &de) || de.Reason != tc.reason {
			t.Errorf("%s %s: err = %v, want a *DecodeError %q", tc.path, tc.body, err, tc.reason)
		}
	}
}

func TestVoiceTelV22Errors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		method, path, fixture string
		status                int
		sentinel              error
		call                  func(*Client) error
	}{
		{"GET", "v2.2/account", "error_401.json", 401, ErrUnauthorized, getAccount},
		{"POST", "v2.2/account", "error_403.json", 403, ErrForbidden, createAcme},
		{"POST", "v2.2/account", "error_409.json", 409, ErrConflict, createAcme},
		{"GET", "v2.2/account/registration", "error_404.json", 404, ErrNotFound, getRegistration},
		{"PUT", "v2.2/account", "error_400.json", 400, ErrInvalidInput, func(c *Client) error {
			_, err := c.Agency.UpdateSettings(ctx, &AccountSettings{Timezone: Ptr("Mars/Olympus")})
			return err
		}},
	}
	for _, tc := range cases {
		c, mt := voiceTel22Client(t)
		rec := respond(t, c, mt, tc.method, tc.path, tc.status, vt22(t, tc.fixture))
		err := tc.call(c)
		var apiErr *APIError
		if !errors.Is(err, tc.sentinel) || !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Message == "" {
			t.Errorf("%s %s %d: err = %v, want %v with the vendor's message", tc.method, tc.path, tc.status, err, tc.sentinel)
		}
		if rec.count() != 1 {
			t.Errorf("%s %s %d: %d attempts, want 1", tc.method, tc.path, tc.status, rec.count())
		}
	}
}

// The password sent to the api-key exchange never comes back in an error.
func TestVoiceTelV22EchoedPasswordIsScrubbed(t *testing.T) {
	const password = "CANARY-V22-PW-31"
	c, mt := voiceTel22Client(t)
	respond(t, c, mt, "POST", "v2.2/account/api-key", 401,
		[]byte(`{"status":"error","error":{"code":401,"message":"bad login 4592086960/`+password+`"}}`))
	_, err := c.Keys.Exchange(context.Background(), "4592086960", password)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	assertNoCanary(t, []string{password, vtKey}, "", []error{err})
}

// The hourly window covers exactly the four operations v2.2 limits; the
// others, those on the same path included, are never held back.
func TestVoiceTelV22HourlyWindowCoversTheDocumentedOperations(t *testing.T) {
	ctx := context.Background()
	limited := []struct {
		method, path, fixture string
		call                  func(*Client) error
	}{
		{"GET", "v2.2/account", "info.json", getAccount},
		{"GET", "v2.2/account/cdr", "cdr.json", func(c *Client) error { _, err := c.Records.CallsPage(ctx, nil); return err }},
		{"GET", "v2.2/account/recurring-charges", "mrc.json", func(c *Client) error { _, err := c.Records.RecurringCharges(ctx); return err }},
		{"POST", "v2.2/account/api-key", "apikey.json", func(c *Client) error { _, err := c.Keys.Exchange(ctx, "4592086960", "pw"); return err }},
	}
	unlimited := []struct {
		method, path, fixture string
		call                  func(*Client) error
	}{
		{"PUT", "v2.2/account", "settings.json", func(c *Client) error {
			_, err := c.Agency.UpdateSettings(ctx, &AccountSettings{Notify: Ptr(true)})
			return err
		}},
		{"POST", "v2.2/account", "add.json", createAcme},
		{"GET", "v2.2/account/registration", "registration.json", getRegistration},
		{"GET", "v2.2/account/credits", "credits.json", func(c *Client) error { _, err := c.Records.Credits(ctx, nil); return err }},
		{"GET", "v2.2/account/payments", "payments.json", func(c *Client) error { _, err := c.Records.Payments(ctx); return err }},
		{"POST", "v2.2/account/recovery", "recover.json", recoverJohn},
		{"POST", "v2.2/accounts", "signup.json", signupJohn},
	}
	c, mt := voiceTel22Client(t, WithClock(newFakeClock()), withPrivateLimiters(), WithRateLimitWait(0))
	for _, op := range limited {
		rec := respond(t, c, mt, op.method, op.path, 200, vt22(t, op.fixture))
		for i := 0; i < 6; i++ {
			if err := op.call(c); err != nil {
				t.Fatalf("%s %s call %d: %v", op.method, op.path, i+1, err)
			}
		}
		err := op.call(c)
		var rl *RateLimitError
		if !errors.As(err, &rl) || !rl.Local || rl.Endpoint != "/"+op.path {
			t.Errorf("%s %s call 7: err = %v, want a local *RateLimitError", op.method, op.path, err)
		}
		if rec.count() != 6 {
			t.Errorf("%s %s: %d requests sent, want 6", op.method, op.path, rec.count())
		}
	}
	// The GET's window is full; the writes on its path still go.
	for _, op := range unlimited {
		rec := respond(t, c, mt, op.method, op.path, 200, vt22(t, op.fixture))
		for i := 0; i < 10; i++ {
			if err := op.call(c); err != nil {
				t.Fatalf("%s %s call %d: %v", op.method, op.path, i+1, err)
			}
		}
		if rec.count() != 10 {
			t.Errorf("%s %s: %d requests, want 10", op.method, op.path, rec.count())
		}
	}
	// A request built by hand for a limited operation shares its window.
	req, err := c.NewRequest(http.MethodGet, "/v2.2/account", nil)
	if err != nil {
		t.Fatal(err)
	}
	var rl *RateLimitError
	if _, err := c.Do(ctx, req, nil); !errors.As(err, &rl) || !rl.Local {
		t.Errorf("Do GET /v2.2/account: err = %v, want the full window's *RateLimitError", err)
	}
}

// A 429 on an operation the document does not limit is a server
// *RateLimitError that closes no window: the next call is sent.
func TestVoiceTelV22Undocumented429OnAWrite(t *testing.T) {
	c, mt := voiceTel22Client(t, WithClock(newFakeClock()), withPrivateLimiters(), WithRateLimitWait(0))
	rec := respond(t, c, mt, "POST", "v2.2/account", 429, vt22(t, "error_429.json"), "Retry-After", "3600")
	for i := 1; i <= 2; i++ {
		err := createAcme(c)
		var rl *RateLimitError
		if !errors.As(err, &rl) || rl.Local || rl.RetryAfter != time.Hour {
			t.Fatalf("call %d: err = %v, want a server *RateLimitError", i, err)
		}
		if rec.count() != i {
			t.Errorf("call %d: attempts = %d, want %d", i, rec.count(), i)
		}
	}
}

func TestVoiceTelV22OnlyOperationsAreUnsupportedOnV21(t *testing.T) {
	c, _ := voiceTelClient(t) // v2.1; any request would fail the test
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"Agency.UpdateSettings": func() error {
			_, err := c.Agency.UpdateSettings(ctx, &AccountSettings{Notify: Ptr(true)})
			return err
		},
		"Records.Credits":  func() error { _, err := c.Records.Credits(ctx, nil); return err },
		"Records.Payments": func() error { _, err := c.Records.Payments(ctx); return err },
	} {
		err := call()
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "v2.1") {
			t.Errorf("%s on v2.1: err = %v, want ErrUnsupported naming the operation and version", name, err)
		}
	}
}

func TestVoiceTelV22Validation(t *testing.T) {
	c, _ := voiceTel22Client(t) // any request would fail the test
	ctx := context.Background()
	for _, tc := range []struct {
		in    *AccountSettings
		field string
	}{
		{nil, "in"},
		{&AccountSettings{}, "in"},
		{&AccountSettings{CallerID: Ptr("1015551234")}, "CallerID"},
		{&AccountSettings{CallerID: Ptr("201555123")}, "CallerID"},
		{&AccountSettings{NotifyThreshold: Ptr(-1)}, "NotifyThreshold"},
		{&AccountSettings{CCS: Ptr(-2)}, "CCS"},
		{&AccountSettings{Timezone: Ptr("")}, "Timezone"},
		{&AccountSettings{Timezone: Ptr("America/Chicago\r\nX: 1")}, "Timezone"},
	} {
		_, err := c.Agency.UpdateSettings(ctx, tc.in)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%+v: err = %v, want a *ValidationError on %s", tc.in, err, tc.field)
		}
	}
	if _, err := c.Keys.Exchange(ctx, "12ab", "pw"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("exchange with a bad username: err = %v", err)
	}
}

// LimitStatus reports v2.2's four limited operations for a v2.2 client.
func TestVoiceTelV22LimitStatus(t *testing.T) {
	clock := newFakeClock()
	c, mt := voiceTel22Client(t, WithClock(clock), withPrivateLimiters())
	respond(t, c, mt, "GET", "v2.2/account", 200, vt22(t, "info.json"))
	respond(t, c, mt, "PUT", "v2.2/account", 200, vt22(t, "settings.json"))
	for i := 0; i < 2; i++ {
		if _, err := c.Agency.Account(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Agency.UpdateSettings(context.Background(), &AccountSettings{Notify: Ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.LimitStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var endpoints []string
	for _, st := range got {
		endpoints = append(endpoints, st.Endpoint)
	}
	if strings.Join(endpoints, " ") != "/v2.2/account /v2.2/account/api-key /v2.2/account/cdr /v2.2/account/recurring-charges" {
		t.Fatalf("endpoints: %v", endpoints)
	}
	// The two PUTs on the same path are not counted.
	if got[0].Left != 4 || got[0].Limit != 6 || got[1].Left != 6 {
		t.Errorf("status: %+v", got)
	}
}

// No credential (the key, the exchanged password, a generated password or
// key) reaches an error, a log line or a printed value, on any v2.2
// operation, whatever the answer.
func TestVoiceTelV22CanarySecrets(t *testing.T) {
	const (
		key      = "CANARY-V22-KEY-5e1d"
		password = "CANARY-V22-PASS-88b0"
	)
	canaries := []string{key, password, "Xk29vLq0pA", "q8Rt5WzN2m", "dec759ed81963fd9a4b8a9c8f3e22b1a"}
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any
	fixtures := map[string]string{
		"POST v2.2/account": "add.json", "POST v2.2/account/api-key": "apikey.json", "GET v2.2/account/cdr": "cdr.json",
		"GET v2.2/account": "info.json", "GET v2.2/account/recurring-charges": "mrc.json", "POST v2.2/account/recovery": "recover.json",
		"GET v2.2/account/registration": "registration.json", "POST v2.2/accounts": "signup.json", "PUT v2.2/account": "settings.json",
		"GET v2.2/account/credits": "credits.json", "GET v2.2/account/payments": "payments.json",
	}
	run := func(status int, suffix string, transportErr bool) {
		c, mt := mockClient(t, VoiceTel(InVersion(VoiceTelV22)), WithAuth(Bearer(key)), WithLogger(logger), WithClock(newFakeClock()),
			WithBaseURL(testBaseURL(t)+"-"+suffix), withPrivateLimiters())
		for op, name := range fixtures {
			method, path, _ := strings.Cut(op, " ")
			body := vt22(t, name)
			if status != 200 {
				// The vendor echoes the key, and to the exchange the
				// password it was sent.
				echo := key
				if path == "v2.2/account/api-key" {
					echo = password
				}
				body = []byte(`{"status":"error","error":{"code":` + strconv.Itoa(status) + `,"message":"denied for ` + echo + `"}}`)
			}
			mt.RegisterResponder(method, c.BaseURL()+path, func(req *http.Request) (*http.Response, error) {
				if transportErr {
					return nil, errors.New("proxy failed for " + req.URL.String() + " with " + req.Header.Get("Authorization"))
				}
				return answer(status, body)()
			})
		}
		add := func(v any, err error) { errs, values = append(errs, err), append(values, v) }
		add(c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@example.com"}))
		add(c.Keys.Exchange(ctx, "1234567890", password))
		add(c.Records.CallsPage(ctx, nil))
		add(c.Agency.Account(ctx))
		add(c.Records.RecurringCharges(ctx))
		add(c.Agency.SIPRegistration(ctx))
		add(c.Agency.Signup(ctx, &Signup{Name: "J", Email: "j@example.com"}))
		add(nil, c.Agency.Recover(ctx, "j@example.com"))
		add(c.Agency.UpdateSettings(ctx, &AccountSettings{Notify: Ptr(true)}))
		add(c.Records.Credits(ctx, nil))
		add(c.Records.Payments(ctx))
		values = append(values, c)
	}
	run(200, "ok", false)
	run(401, "unauthorized", false)
	run(500, "failing", false)
	run(0, "transport", true)
	if len(errs) != 44 || !strings.Contains(logs.String(), "attempt=") {
		t.Fatalf("the sweep did not run: %d errors, logs %q", len(errs), logs)
	}
	assertNoCanary(t, canaries, logs.String(), errs, values...)
}
