package multiaccount_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// End-to-end: every public operation of every vendor through the real HTTP
// stack against the emulator, error paths and limits included.

// e2eClock is a settable clock shared by the emulator and the clients.
type e2eClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *e2eClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *e2eClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.Advance(d)
	ch <- c.Now()
	return ch
}
func (c *e2eClock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func emulator(t *testing.T) (*multiaccounttest.Server, *e2eClock) {
	t.Helper()
	clock := &e2eClock{now: time.Now().UTC().Truncate(time.Second)}
	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(clock))
	t.Cleanup(srv.Close)
	return srv, clock
}

func client(t *testing.T, srv *multiaccounttest.Server, v multiaccounttest.Vendor, opts ...multiaccount.Option) *multiaccount.Client {
	t.Helper()
	c, err := srv.Client(v, append([]multiaccount.Option{multiaccount.WithRetry(multiaccount.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// result carries a call's two results to get, which fails the test on an
// error: must(c.Agency.Account(ctx)).get(t).
type result[T any] struct {
	v   T
	err error
}

func must[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) get(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestE2EVoiceTel(t *testing.T) {
	srv, clock := emulator(t)
	c := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithClock(clock))
	ctx := context.Background()

	a := must(c.Agency.Account(ctx)).get(t)
	if a.Username != multiaccounttest.VoiceTelUsername || a.Balance == nil {
		t.Errorf("account = %+v", a)
	}
	ch := must(c.Records.RecurringCharges(ctx)).get(t)
	if len(ch.Items) == 0 || ch.Total <= 0 {
		t.Errorf("charges = %+v", ch)
	}
	calls := collect(t, c.Records.Calls(ctx, &multiaccount.CallQuery{Start: clock.Now().Add(-72 * time.Hour), End: clock.Now()}))
	if len(calls) == 0 || calls[0].Duration <= 0 || calls[0].To == "" {
		t.Errorf("calls = %d, first = %+v", len(calls), calls)
	}
	reg := must(c.Agency.SIPRegistration(ctx)).get(t)
	if reg.URI == "" {
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
	if err := c.Agency.Recover(ctx, "billing@acme-field.example"); err != nil {
		t.Errorf("recover: %v", err)
	}
	admin := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAdminKey)), multiaccount.WithClock(clock))
	sa := must(admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Branch", Username: "4592099999", Email: "branch@example.com"})).get(t)
	if sa.ID != "4592099999" || sa.Password == "" {
		t.Errorf("created = %+v", sa)
	}

	// Errors: a non-admin create, a duplicate, an unregistered account.
	if _, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "X", Username: "4592099998", Email: "x@example.com"}); err == nil {
		t.Error("a non-administrator key created a sub-account")
	}
	if _, err := admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Branch", Username: "4592099999", Email: "branch@example.com"}); !errors.Is(err, multiaccount.ErrConflict) {
		t.Errorf("duplicate: err = %v", err)
	}
	idle := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelUnregisteredKey)))
	if _, err := idle.Agency.SIPRegistration(ctx); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("unregistered: err = %v", err)
	}
	bad := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithAuth(multiaccount.Bearer("wrong")))
	if _, err := bad.Agency.SIPRegistration(ctx); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong key: err = %v", err)
	}
}

func TestE2EVoiceTelLimiterAgainstServer429(t *testing.T) {
	srv, clock := emulator(t)
	c := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithClock(clock))
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		must(c.Agency.Account(ctx)).get(t)
	}
	_, err := c.Agency.Account(ctx)
	var rl *multiaccount.RateLimitError
	if !errors.As(err, &rl) || !rl.Local || rl.RetryAfter != time.Hour {
		t.Fatalf("7th: err = %v, want a local refusal", err)
	}
	if n := srv.Requests(multiaccounttest.VoiceTel, "/v2.1/account/info/"); n != 6 {
		t.Fatalf("server saw %d", n)
	}
	// A second client of the same emulator shares its limits: refused
	// locally, the server is never asked a 7th time.
	second := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithClock(clock))
	if _, err := second.Agency.Account(ctx); !errors.As(err, &rl) || !rl.Local {
		t.Fatalf("shared limits: err = %v", err)
	}
	// A client with a limit store of its own (another process, say) gets
	// the server's 429, and its limiter then blocks the endpoint.
	other, err := multiaccount.NewClient(multiaccount.VoiceTel(), multiaccount.WithBaseURL(srv.URL(multiaccounttest.VoiceTel)+"/"),
		multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAPIKey)), multiaccount.WithClock(clock),
		multiaccount.WithLimitStore(multiaccount.NewMemoryLimitStore()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Agency.Account(ctx); !errors.As(err, &rl) || rl.Local {
		t.Fatalf("own limits: err = %v, want the server's 429", err)
	}
	if _, err := other.Agency.Account(ctx); !errors.As(err, &rl) || !rl.Local {
		t.Fatalf("after the 429: err = %v, want a local refusal", err)
	}
	if n := srv.Requests(multiaccounttest.VoiceTel, "/v2.1/account/info/"); n != 7 {
		t.Fatalf("server saw %d, want 7", n)
	}
	clock.Advance(time.Hour)
	must(c.Agency.Account(ctx)).get(t)
	if n := srv.Requests(multiaccounttest.VoiceTel, "/v2.1/account/info/"); n != 8 {
		t.Fatalf("server saw %d, want 8", n)
	}
}

func TestE2EKaleyra(t *testing.T) {
	srv, _ := emulator(t)
	c := client(t, srv, multiaccounttest.Kaleyra)
	ctx := context.Background()
	all := collect(t, c.SubAccounts.All(ctx, &multiaccount.ListOptions{PageSize: 5}))
	if len(all) != 12 || srv.Requests(multiaccounttest.Kaleyra, "/api/v1/"+multiaccounttest.KaleyraSID+"/subaccounts") != 3 {
		t.Fatalf("all = %d", len(all))
	}
	got := must(c.SubAccounts.Get(ctx, all[3].ID)).get(t)
	if got.Name != all[3].Name || len(got.APIKeys) != 1 {
		t.Errorf("get = %+v", got)
	}
	sa := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Acme", Email: "acme@example.com", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})).get(t)
	name := "Acme Renamed"
	up := must(c.SubAccounts.Update(ctx, sa.ID, &multiaccount.SubAccountUpdate{Name: multiaccount.Ptr(name), LowBalanceAlert: multiaccount.Ptr(false)})).get(t)
	if up.Name != name {
		t.Errorf("update = %+v", up)
	}
	if err := c.SubAccounts.Delete(ctx, sa.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SubAccounts.Get(ctx, sa.ID); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("deleted: err = %v", err)
	}
	bad := client(t, srv, multiaccounttest.Kaleyra, multiaccount.WithAuth(multiaccount.APIKeyAuth("wrong")))
	_, err := bad.SubAccounts.List(ctx, nil)
	var apiErr *multiaccount.APIError
	if !errors.Is(err, multiaccount.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Code != "RBC422" {
		t.Errorf("wrong key: err = %v", err)
	}
}

func TestE2ESerwerSMS(t *testing.T) {
	srv, _ := emulator(t)
	ctx := context.Background()
	for _, auth := range []multiaccount.Authenticator{
		multiaccount.Bearer(multiaccounttest.SerwerSMSToken),
		multiaccount.KeyPair(multiaccounttest.SerwerSMSUsername, multiaccounttest.SerwerSMSPassword),
	} {
		c := client(t, srv, multiaccounttest.SerwerSMS, multiaccount.WithAuth(auth))
		page := must(c.SubAccounts.List(ctx, nil)).get(t)
		if page.Total < 5 {
			t.Fatalf("list = %+v", page)
		}
		v := must(c.SubAccounts.Get(ctx, "1194")).get(t)
		if v.Username != "marketing" || v.Email == "" {
			t.Errorf("view = %+v", v)
		}
		user := fmt.Sprintf("e2e_%d", len(page.Items))
		sa := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Username: user, Password: "s3cretPW", TemplateID: multiaccounttest.SerwerSMSTemplateID})).get(t)
		if err := c.SubAccounts.SetLimit(ctx, sa.ID, multiaccount.MessageLimit{Type: "eco", Value: 100}); err != nil {
			t.Fatal(err)
		}
		if got, ok := srv.SerwerSMSLimit(sa.ID, "eco"); !ok || got != 100 {
			t.Errorf("limit stored = %d", got)
		}
		if err := c.SubAccounts.Delete(ctx, sa.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.SubAccounts.Get(ctx, sa.ID); !errors.Is(err, multiaccount.ErrNotFound) {
			t.Errorf("deleted: err = %v", err)
		}
		if _, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Username: "abc", Password: "pw1", TemplateID: "999999"}); !errors.Is(err, multiaccount.ErrInvalidInput) && !errors.Is(err, multiaccount.ErrNotFound) {
			t.Errorf("unknown template: err = %v", err)
		}
	}
	bad := client(t, srv, multiaccounttest.SerwerSMS, multiaccount.WithAuth(multiaccount.KeyPair("nobody", "wrong")))
	if _, err := bad.SubAccounts.List(ctx, nil); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong password: err = %v", err)
	}
}

func TestE2ECallTrackingMetrics(t *testing.T) {
	srv, clock := emulator(t)
	ctx := context.Background()
	for _, auth := range []multiaccount.Authenticator{
		multiaccount.KeyPair(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey),
		multiaccount.NewSessionToken(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey),
	} {
		c := client(t, srv, multiaccounttest.CallTrackingMetrics, multiaccount.WithAuth(auth), multiaccount.WithClock(clock))
		sess := must(c.Agency.Session(ctx)).get(t)
		if sess.Token == "" || sess.FirstAccountID != multiaccounttest.CTMFirstAccountID {
			t.Errorf("session = %+v", sess)
		}
		all := collect(t, c.SubAccounts.All(ctx, &multiaccount.ListOptions{PageSize: 10}))
		if len(all) != multiaccounttest.CTMAccounts {
			t.Fatalf("accounts = %d", len(all))
		}
		one := must(c.SubAccounts.Get(ctx, all[0].ID)).get(t)
		if one.Name != all[0].Name {
			t.Errorf("get = %+v", one)
		}
		calls := collect(t, c.Records.Calls(ctx, &multiaccount.CallQuery{AccountID: all[0].ID, Start: clock.Now().AddDate(0, 0, -14), End: clock.Now(), PageSize: 10}))
		if len(calls) == 0 || calls[0].Start.IsZero() || calls[0].AccountID != all[0].ID {
			t.Errorf("calls = %d %+v", len(calls), calls)
		}
		if _, err := c.SubAccounts.List(ctx, &multiaccount.ListOptions{PageSize: 151}); !errors.Is(err, multiaccount.ErrInvalidInput) {
			t.Errorf("per_page: err = %v", err)
		}
	}
	// A session token outlives its 30 days: the SDK refreshes it.
	st := multiaccount.NewSessionToken(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey)
	c := client(t, srv, multiaccounttest.CallTrackingMetrics, multiaccount.WithAuth(st), multiaccount.WithClock(clock))
	must(c.SubAccounts.List(ctx, nil)).get(t)
	first, _ := st.Token()
	clock.Advance(31 * 24 * time.Hour)
	must(c.SubAccounts.List(ctx, nil)).get(t)
	if second, _ := st.Token(); second.Reveal() == first.Reveal() {
		t.Error("the expired token was not replaced")
	}
	bad := client(t, srv, multiaccounttest.CallTrackingMetrics, multiaccount.WithAuth(multiaccount.KeyPair("x", "y")))
	if _, err := bad.SubAccounts.List(ctx, nil); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong keys: err = %v", err)
	}
}

func TestE2EWoodpecker(t *testing.T) {
	srv, _ := emulator(t)
	c := client(t, srv, multiaccounttest.Woodpecker)
	ctx := context.Background()
	page := must(c.SubAccounts.List(ctx, nil)).get(t)
	if page.Total != 4 {
		t.Fatalf("companies = %+v", page)
	}
	id := multiaccounttest.WoodpeckerCompanyID
	co := must(c.SubAccounts.Get(ctx, id)).get(t)
	if len(co.APIKeys) == 0 {
		t.Fatalf("company = %+v", co)
	}
	keys := must(c.Keys.List(ctx, id)).get(t)
	k := must(c.Keys.Create(ctx, id, "e2e")).get(t)
	if k.Key == "" {
		t.Error("no key")
	}
	if after := must(c.Keys.List(ctx, id)).get(t); len(after) != len(keys)+1 {
		t.Errorf("keys %d -> %d", len(keys), len(after))
	}
	created := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "E2E Company"})).get(t)
	if created.ID == "" || len(created.APIKeys) != 1 {
		t.Errorf("created = %+v", created)
	}
	ps := []multiaccount.Prospect{{Email: "e2e1@example.com", FirstName: "E"}, {Email: "jordan.lee@example.com", FirstName: "Jordan2"}}
	if err := c.Agency.AddProspects(ctx, id, ps, multiaccount.ProspectOptions{Update: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Prospects(multiaccounttest.WoodpeckerCompanyID)); n != 3 {
		t.Errorf("prospects on the list = %d, want 3", n)
	}
	if _, err := c.SubAccounts.Get(ctx, "999"); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("unknown company: err = %v", err)
	}
	bad := client(t, srv, multiaccounttest.Woodpecker, multiaccount.WithAuth(multiaccount.APIKeyAuth("wrong")))
	if _, err := bad.SubAccounts.List(ctx, nil); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong key: err = %v", err)
	}
	// The client keeps within the vendor's concurrency: 10 parallel calls
	// never meet E_TOO_MANY_REQUESTS.
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, err := c.SubAccounts.List(ctx, nil); errs <- err }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("parallel: %v", err)
		}
	}
}

func TestE2EFaultsAreRetriedForReadsOnly(t *testing.T) {
	srv, _ := emulator(t)
	c := client(t, srv, multiaccounttest.Kaleyra)
	ctx := context.Background()
	path := "/api/v1/" + multiaccounttest.KaleyraSID + "/subaccounts"
	srv.Fail(multiaccounttest.Kaleyra, path, multiaccounttest.Fault{Times: 2, Status: 503})
	before := srv.Requests(multiaccounttest.Kaleyra, path)
	must(c.SubAccounts.List(ctx, nil)).get(t)
	if n := srv.Requests(multiaccounttest.Kaleyra, path) - before; n != 3 {
		t.Errorf("list attempts = %d, want 3", n)
	}
	srv.Fail(multiaccounttest.Kaleyra, path, multiaccounttest.Fault{Times: 1, Drop: true})
	before = srv.Requests(multiaccounttest.Kaleyra, path)
	_, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Once", Email: "once@example.com", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
	var ne *multiaccount.NetworkError
	if !errors.As(err, &ne) {
		t.Errorf("dropped create: err = %v", err)
	}
	if n := srv.Requests(multiaccounttest.Kaleyra, path) - before; n != 1 {
		t.Errorf("create attempts = %d, want 1", n)
	}
}

// TestConcurrency100 drives one Client per vendor from 100 goroutines
// across its services under -race, and checks the limits still hold
// exactly: one session exchange, 6 VoiceTel requests per limited endpoint,
// and never a Woodpecker E_TOO_MANY_REQUESTS.
func TestConcurrency100(t *testing.T) {
	srv, clock := emulator(t)
	ctx := context.Background()
	run := func(n int, f func(i int) error) []error {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = f(i) }()
		}
		wg.Wait()
		return errs
	}

	t.Run("VoiceTel limiter", func(t *testing.T) {
		c := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithClock(clock))
		errs := run(100, func(i int) error {
			var err error
			switch i % 4 {
			case 0:
				_, err = c.Agency.Account(ctx)
			case 1:
				_, err = c.Records.RecurringCharges(ctx)
			case 2:
				for _, e := range c.Records.Calls(ctx, nil) {
					if e != nil {
						err = e
					}
				}
			case 3:
				_, err = c.Agency.SIPRegistration(ctx)
			}
			return err
		})
		ok, limited := 0, 0
		for _, err := range errs {
			var rl *multiaccount.RateLimitError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &rl) && rl.Local:
				limited++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		for _, p := range []string{"/v2.1/account/info/", "/v2.1/account/mrc/", "/v2.1/account/cdr/"} {
			if n := srv.Requests(multiaccounttest.VoiceTel, p); n != 6 {
				t.Errorf("%s: server saw %d, want exactly 6", p, n)
			}
		}
		if ok != 3*6+25 || limited != 3*19 {
			t.Errorf("ok = %d, limited = %d", ok, limited)
		}
	})

	t.Run("CTM session", func(t *testing.T) {
		st := multiaccount.NewSessionToken(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey)
		c := client(t, srv, multiaccounttest.CallTrackingMetrics, multiaccount.WithAuth(st), multiaccount.WithClock(clock))
		before := srv.Requests(multiaccounttest.CallTrackingMetrics, "/api/v1/authentication")
		for _, err := range run(100, func(i int) error {
			var err error
			switch i % 3 {
			case 0:
				_, err = c.SubAccounts.List(ctx, nil)
			case 1:
				_, err = c.SubAccounts.Get(ctx, multiaccounttest.CTMFirstAccountID)
			case 2:
				_, err = c.Agency.Session(ctx)
			}
			return err
		}) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := srv.Requests(multiaccounttest.CallTrackingMetrics, "/api/v1/authentication") - before; n != 1 {
			t.Errorf("exchanges = %d, want 1", n)
		}
	})

	t.Run("Woodpecker in flight", func(t *testing.T) {
		c := client(t, srv, multiaccounttest.Woodpecker)
		id := multiaccounttest.WoodpeckerCompanyID
		for _, err := range run(100, func(i int) error {
			var err error
			switch i % 3 {
			case 0:
				_, err = c.SubAccounts.List(ctx, nil)
			case 1:
				_, err = c.Keys.List(ctx, id)
			case 2:
				err = c.Agency.AddProspects(ctx, id, []multiaccount.Prospect{{Email: fmt.Sprintf("c%d@example.com", i)}}, multiaccount.ProspectOptions{})
			}
			return err
		}) {
			// The emulator refuses a third concurrent request per key with
			// E_TOO_MANY_REQUESTS; the client keeps one in flight per key.
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}
