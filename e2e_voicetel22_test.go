package multiaccount_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// client22 is a VoiceTel v2.2 client against the emulator.
func client22(t *testing.T, srv *multiaccounttest.Server, opts ...multiaccount.Option) *multiaccount.Client {
	t.Helper()
	c, err := srv.ClientFor(multiaccounttest.VoiceTel, multiaccount.VoiceTel(multiaccount.InVersion(multiaccount.VoiceTelV22)),
		append([]multiaccount.Option{multiaccount.WithRetry(multiaccount.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestE2EVoiceTelV22(t *testing.T) {
	srv, clock := emulator(t)
	c := client22(t, srv, multiaccount.WithClock(clock))
	ctx := context.Background()

	a := must(c.Agency.Account(ctx)).get(t)
	if a.Username != multiaccounttest.VoiceTelUsername || a.Name != "Acme Field Services" || a.Balance == nil || *a.Balance != 25.5 || !a.Enabled || a.Created.IsZero() {
		t.Errorf("account = %+v", a)
	}
	ch := must(c.Records.RecurringCharges(ctx)).get(t)
	if len(ch.Items) != 4 || ch.Total != 26.73 {
		t.Errorf("charges = %+v", ch)
	}
	now := clock.Now()
	calls := collect(t, c.Records.Calls(ctx, &multiaccount.CallQuery{Start: now.Add(-72 * time.Hour), End: now}))
	day := collect(t, c.Records.Calls(ctx, &multiaccount.CallQuery{Start: now.Add(-24 * time.Hour), End: now}))
	if len(calls) <= len(day) || len(day) == 0 {
		t.Errorf("calls: 3 days %d, 1 day %d", len(calls), len(day))
	}
	for _, r := range day {
		if r.Start.Before(now.Add(-24*time.Hour)) || r.Start.After(now) || r.AccountID != multiaccounttest.VoiceTelUsername || r.Duration <= 0 {
			t.Errorf("call outside the window or incomplete: %+v", r)
		}
	}
	reg := must(c.Agency.SIPRegistration(ctx)).get(t)
	if reg.URI != "sip:4592086960@192.0.2.10:5060" {
		t.Errorf("registration = %+v", reg)
	}
	key := must(c.Keys.Exchange(ctx, multiaccounttest.VoiceTelUsername, multiaccounttest.VoiceTelPassword)).get(t)
	if key.Key.Reveal() != multiaccounttest.VoiceTelAPIKey {
		t.Errorf("exchanged key differs")
	}
	na := must(c.Agency.Signup(ctx, &multiaccount.Signup{Name: "New Customer", Email: "new@example.com"})).get(t)
	if len(na.Username) != 10 || na.Password == "" {
		t.Errorf("signup = %+v", na)
	}
	if err := c.Agency.Recover(ctx, "new@example.com"); err != nil {
		t.Errorf("recover: %v", err)
	}
	admin := client22(t, srv, multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAdminKey)), multiaccount.WithClock(clock))
	sa := must(admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Branch", Username: "4592099999", Email: "branch@example.com", MasterAccount: multiaccounttest.VoiceTelUsername})).get(t)
	if sa.ID != "4592099999" || sa.Password == "" {
		t.Errorf("created = %+v", sa)
	}
	// The new account's generated password logs in, through v2.1 as well:
	// one set of accounts behind both versions.
	v21 := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithClock(clock))
	if _, err := v21.Keys.Exchange(ctx, "4592099999", sa.Password.Reveal()); err != nil {
		t.Errorf("v2.1 exchange for the v2.2-created account: %v", err)
	}

	up := must(c.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{NotifyThreshold: multiaccount.Ptr(0), CallerID: multiaccount.Ptr("3125550100")})).get(t)
	if strings.Join(up.Updated, ",") != "callerId,notifyThreshold" {
		t.Errorf("updated = %v", up.Updated)
	}
	a21 := must(v21.Agency.Account(ctx)).get(t)
	if !strings.Contains(string(a21.Raw), `"notify_threshold":0`) || !strings.Contains(string(a21.Raw), `"caller_id":"3125550100"`) {
		t.Errorf("v2.1 info after the v2.2 update: %s", a21.Raw)
	}

	credits := must(c.Records.Credits(ctx, nil)).get(t)
	paid := must(c.Records.Credits(ctx, &multiaccount.CreditQuery{Paid: multiaccount.Ptr(true)})).get(t)
	if len(credits) != 3 || len(paid) != 2 || !paid[0].Paid || credits[0].Paid || credits[0].Amount != 25 || !credits[0].Date.After(credits[1].Date) {
		t.Errorf("credits = %+v, paid = %+v", credits, paid)
	}
	pays := must(c.Records.Payments(ctx)).get(t)
	if len(pays) != 2 || pays[0].TransactionID != "2N045992R140725E3" || pays[0].Status != "Completed" || pays[0].Date.IsZero() {
		t.Errorf("payments = %+v", pays)
	}

	// Failures, each as the document answers it.
	if _, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "X", Username: "4592099998", Email: "x@example.com"}); !errors.Is(err, multiaccount.ErrForbidden) {
		t.Errorf("non-administrator create: err = %v, want ErrForbidden (403)", err)
	}
	if _, err := admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Branch", Username: "4592099999", Email: "branch@example.com"}); !errors.Is(err, multiaccount.ErrConflict) {
		t.Errorf("duplicate create: err = %v, want ErrConflict (409)", err)
	}
	if _, err := c.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{SMS: multiaccount.Ptr(false)}); !errors.Is(err, multiaccount.ErrInvalidInput) {
		t.Errorf("customer setting an admin flag: err = %v, want the vendor's 400", err)
	}
	if err := c.Agency.Recover(ctx, "nobody@example.com"); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("recover of an unknown address: err = %v", err)
	}
	idle := client22(t, srv, multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelUnregisteredKey)))
	if _, err := idle.Agency.SIPRegistration(ctx); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("unregistered: err = %v", err)
	}
	bad := client22(t, srv, multiaccount.WithAuth(multiaccount.Bearer("wrong")))
	if _, err := bad.Records.Payments(ctx); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong key: err = %v", err)
	}
	if _, err := c.Keys.Exchange(ctx, multiaccounttest.VoiceTelUsername, "wrong-password"); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong password: err = %v", err)
	}
}

// The SDK's window and the emulator's agree on v2.2's limited operations:
// six GET /v2.2/account reach the server, the seventh is refused locally,
// the settings update on the same path still goes, and an hour later the
// window is open again.
func TestE2EVoiceTelV22HourlyLimit(t *testing.T) {
	srv, clock := emulator(t)
	c := client22(t, srv, multiaccount.WithClock(clock), multiaccount.WithRateLimitWait(0))
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		must(c.Agency.Account(ctx)).get(t)
	}
	_, err := c.Agency.Account(ctx)
	var rl *multiaccount.RateLimitError
	if !errors.As(err, &rl) || !rl.Local {
		t.Fatalf("7th account call: err = %v, want a local *RateLimitError", err)
	}
	if n := srv.Requests(multiaccounttest.VoiceTel, "/v2.2/account"); n != 6 {
		t.Errorf("server saw %d requests to /v2.2/account, want 6", n)
	}
	for i := 0; i < 8; i++ {
		must(c.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{Notify: multiaccount.Ptr(i%2 == 0)})).get(t)
	}
	clock.Advance(time.Hour)
	must(c.Agency.Account(ctx)).get(t)
}

// exchange is one request to the emulator and its answer.
type exchange struct {
	req      *http.Request
	reqBody  []byte
	status   int
	respBody []byte
}

// recordingTransport keeps every exchange that passes through it.
type recordingTransport struct {
	mu  sync.Mutex
	all []exchange
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rb, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	rt.mu.Lock()
	rt.all = append(rt.all, exchange{req.Clone(context.Background()), body, resp.StatusCode, rb})
	rt.mu.Unlock()
	return resp, nil
}

// The emulator answers every v2.2 request, successes and failures, with a
// status the document gives the operation and a body its schema allows;
// every account operation of the document is exercised.
func TestE2EVoiceTelV22EmulatorMatchesTheDocument(t *testing.T) {
	srv, clock := emulator(t)
	rt := &recordingTransport{}
	mk := func(opts ...multiaccount.Option) *multiaccount.Client {
		return client22(t, srv, append([]multiaccount.Option{multiaccount.WithClock(clock), multiaccount.WithRateLimitWait(0),
			multiaccount.WithHTTPClient(&http.Client{Transport: rt}), multiaccount.PrivateLimitersForTest()}, opts...)...)
	}
	c := mk()
	admin := mk(multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAdminKey)))
	ctx := context.Background()
	// raw sends a request the document's schema refuses (the services
	// validate before sending): only the answer is checked.
	invalid := map[int]bool{}
	raw := func(c *multiaccount.Client, method, path string, body any) {
		t.Helper()
		rt.mu.Lock()
		invalid[len(rt.all)] = true
		rt.mu.Unlock()
		req, err := c.NewRequest(method, path, body)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Do(ctx, req, nil)
	}
	// Successes.
	must(c.Agency.Account(ctx)).get(t)
	must(c.Keys.Exchange(ctx, multiaccounttest.VoiceTelUsername, multiaccounttest.VoiceTelPassword)).get(t)
	must(c.Records.CallsPage(ctx, &multiaccount.CallQuery{Start: clock.Now().Add(-72 * time.Hour), End: clock.Now()})).get(t)
	must(c.Records.RecurringCharges(ctx)).get(t)
	must(c.Agency.SIPRegistration(ctx)).get(t)
	must(c.Agency.Signup(ctx, &multiaccount.Signup{Name: "Jo", Email: "jo@example.com", Promo: "P"})).get(t)
	if err := c.Agency.Recover(ctx, "jo@example.com"); err != nil {
		t.Fatal(err)
	}
	must(admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "B", Username: "4592099999", Email: "b@example.com", MasterAccount: multiaccounttest.VoiceTelUsername})).get(t)
	must(c.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{Timezone: multiaccount.Ptr("America/Denver"), Notify: multiaccount.Ptr(true), NotifyThreshold: multiaccount.Ptr(3), CallerID: multiaccount.Ptr("3125550100")})).get(t)
	must(admin.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{CCS: multiaccount.Ptr(2), SMS: multiaccount.Ptr(true), MMS: multiaccount.Ptr(true), International: multiaccount.Ptr(false), E911: multiaccount.Ptr(true)})).get(t)
	must(c.Records.Credits(ctx, &multiaccount.CreditQuery{Paid: multiaccount.Ptr(true)})).get(t)
	must(c.Records.Payments(ctx)).get(t)

	// Failures: 401, 403, 404, 409, 400 and 429.
	bad := mk(multiaccount.WithAuth(multiaccount.Bearer("wrong")))
	_, _ = bad.Records.Payments(ctx)
	_, _ = bad.Records.Credits(ctx, nil)
	_, _ = bad.Agency.Account(ctx)
	_, _ = c.Keys.Exchange(ctx, multiaccounttest.VoiceTelUsername, "wrong-password")
	_, _ = c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "X", Username: "4592099998", Email: "x@example.com"})
	_, _ = admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "B", Username: "4592099999", Email: "b@example.com"})
	_, _ = mk(multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelUnregisteredKey))).Agency.SIPRegistration(ctx)
	_ = c.Agency.Recover(ctx, "nobody@example.com")
	_, _ = c.Agency.Signup(ctx, &multiaccount.Signup{Name: "Jo", Email: "jo@example.com"})
	_, _ = c.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{SMS: multiaccount.Ptr(false)})
	raw(c, "POST", "v2.2/account/recovery", map[string]any{"email": "nope"})
	raw(c, "GET", "v2.2/account/credits?status=open", nil)
	raw(c, "POST", "v2.2/accounts", map[string]any{"email": "k@example.com"})
	raw(c, "POST", "v2.2/account/api-key", map[string]any{"username": multiaccounttest.VoiceTelUsername})
	// A second client, with a window of its own, finds the server's full.
	for i := 0; i < 5; i++ {
		_, _ = c.Agency.Account(ctx)
	}
	_, _ = mk().Agency.Account(ctx)

	seen := map[string]bool{}
	statuses := map[int]bool{}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for i, x := range rt.all {
		if !multiaccount.CheckVoiceTelV22ExchangeForTest(t, x.req, x.reqBody, !invalid[i], x.status, x.respBody) {
			t.Skip("VoiceTel's v2.2 document not beside the checkout")
		}
		statuses[x.status] = true
		if x.status < 300 {
			seen[x.req.Method+" "+x.req.URL.Path] = true
		}
	}
	for _, st := range []int{200, 201, 400, 401, 403, 404, 409, 429} {
		if !statuses[st] {
			t.Errorf("no exchange answered %d", st)
		}
	}
	if len(seen) != 11 {
		t.Errorf("operations answered with success: %d, want all 11 of the account family: %v", len(seen), seen)
	}
}
