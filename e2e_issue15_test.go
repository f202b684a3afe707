package multiaccount_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// End-to-end tests of issue 15's operations against the emulator:
// Woodpecker v2, CallTrackingMetrics' account creation and Kaleyra's
// recharge, with their never-twice guarantees under faults.

const wpV2Companies = "/rest/v2/agency/companies"

// methodCounter counts the requests with one method that leave the client.
type methodCounter struct {
	method string
	n      atomic.Int32
	next   http.RoundTripper
}

func (m *methodCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == m.method {
		m.n.Add(1)
	}
	return m.next.RoundTrip(r)
}

// v2Client is a Woodpecker v2 client on the emulator, retrying fast, with
// a counter of the POSTs it sends.
func v2Client(t *testing.T, srv *multiaccounttest.Server, opts ...multiaccount.Option) (*multiaccount.Client, *methodCounter) {
	t.Helper()
	return counted(t, srv, multiaccounttest.Woodpecker, multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)), opts...)
}

func counted(t *testing.T, srv *multiaccounttest.Server, v multiaccounttest.Vendor, p multiaccount.Provider, opts ...multiaccount.Option) (*multiaccount.Client, *methodCounter) {
	t.Helper()
	mc := &methodCounter{method: http.MethodPost, next: http.DefaultTransport}
	all := []multiaccount.Option{
		multiaccount.WithRetry(multiaccount.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}),
		multiaccount.WithHTTPClient(&http.Client{Transport: mc}),
	}
	c, err := srv.ClientFor(v, p, append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mc
}

func batch(names ...string) []*multiaccount.SubAccountCreate {
	out := make([]*multiaccount.SubAccountCreate, len(names))
	for i, n := range names {
		out[i] = &multiaccount.SubAccountCreate{Name: n}
	}
	return out
}

func TestE2EWoodpeckerV2(t *testing.T) {
	srv, _ := emulator(t)
	c, _ := v2Client(t, srv)
	v1 := client(t, srv, multiaccounttest.Woodpecker)
	ctx := context.Background()

	page := must(c.SubAccounts.List(ctx, nil)).get(t)
	if page.Total != 4 || len(page.Items) != 4 || page.NextCursor != "" {
		t.Fatalf("first page = %+v", page)
	}
	if got := page.Items[0]; got.ID != multiaccounttest.WoodpeckerCompanyID || got.Status != "active" || len(got.APIKeys) != 0 {
		t.Errorf("first company = %+v", got)
	}
	if page.Items[2].Status != "inactive" {
		t.Errorf("third company status = %q, want inactive (the seed's)", page.Items[2].Status)
	}
	// The active filter: the vendor's active query parameter.
	inactive := must(c.SubAccounts.List(ctx, &multiaccount.ListOptions{Active: multiaccount.Ptr(false)})).get(t)
	if inactive.Total != 1 || inactive.Items[0].Name != "Harbor Legal Leads" {
		t.Errorf("inactive = %+v", inactive)
	}
	if active := collect(t, c.SubAccounts.All(ctx, &multiaccount.ListOptions{Active: multiaccount.Ptr(true)})); len(active) != 3 {
		t.Errorf("active = %d companies, want 3", len(active))
	}

	// Five batches of ten make 54 companies: two pages of 50.
	for b := 0; b < 5; b++ {
		names := make([]string, 10)
		for i := range names {
			names[i] = fmt.Sprintf("Batch %d Co %d", b, i)
		}
		got := must(c.SubAccounts.CreateBatch(ctx, batch(names...))).get(t)
		for i, sa := range got {
			if sa.Name != names[i] || sa.ID == "" || sa.Status != "active" {
				t.Fatalf("batch %d item %d = %+v", b, i, sa)
			}
		}
	}
	page = must(c.SubAccounts.List(ctx, nil)).get(t)
	if page.Total != 54 || len(page.Items) != 50 || page.NextCursor != "2" {
		t.Fatalf("page 1 = %d items, total %d, next %q", len(page.Items), page.Total, page.NextCursor)
	}
	page2 := must(c.SubAccounts.List(ctx, &multiaccount.ListOptions{Cursor: page.NextCursor})).get(t)
	if len(page2.Items) != 4 || page2.NextCursor != "" {
		t.Fatalf("page 2 = %d items, next %q", len(page2.Items), page2.NextCursor)
	}
	if all := collect(t, c.SubAccounts.All(ctx, nil)); len(all) != 54 {
		t.Errorf("All = %d companies, want 54", len(all))
	}
	last := page2.Items[3]
	if got := must(c.SubAccounts.Get(ctx, last.ID)).get(t); got.Name != last.Name {
		t.Errorf("Get(%s) = %+v", last.ID, got)
	}
	if _, err := c.SubAccounts.Get(ctx, "999"); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("unknown company: err = %v", err)
	}

	// One company through Create; v1 sees v2's companies (one server).
	one := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Solo Leads"})).get(t)
	if one.ID == "" || one.Name != "Solo Leads" {
		t.Fatalf("created = %+v", one)
	}
	if got := must(v1.SubAccounts.Get(ctx, one.ID)).get(t); got.Name != "Solo Leads" {
		t.Errorf("v1 sees %+v", got)
	}

	// Keys: a v2 company starts without one; a label is required.
	if keys := must(c.Keys.List(ctx, one.ID)).get(t); len(keys) != 0 {
		t.Errorf("new company keys = %v", keys)
	}
	k := must(c.Keys.Create(ctx, one.ID, "crm")).get(t)
	if k.Key.Reveal() == "" || k.Label != "crm" || bytes.Contains(k.Raw, []byte(k.Key.Reveal())) {
		t.Errorf("created key = %+v (raw %s)", k, k.Raw)
	}
	keys := must(c.Keys.List(ctx, one.ID)).get(t)
	if len(keys) != 1 || keys[0].Key != k.Key || keys[0].Label != "crm" || bytes.Contains(keys[0].Raw, []byte(k.Key.Reveal())) {
		t.Errorf("keys = %+v", keys)
	}

	// Users of the seeded company: the owner and two members.
	users := must(c.SubAccounts.Users(ctx, multiaccounttest.WoodpeckerCompanyID, nil)).get(t)
	if users.Total != 3 || len(users.Items) != 3 || users.NextCursor != "" {
		t.Fatalf("users = %+v", users)
	}
	if u := users.Items[2]; u.ID == "" || u.Name != "Luis Ortega" || u.Email != "luis@northwind.example" || u.Status != "INVITED" || len(u.Raw) == 0 {
		t.Errorf("user = %+v", u)
	}
	if all := collect(t, c.SubAccounts.AllUsers(ctx, one.ID, nil)); len(all) != 1 {
		t.Errorf("new company users = %v", all)
	}
	if _, err := c.SubAccounts.Users(ctx, "999", nil); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("users of an unknown company: err = %v", err)
	}

	// Prospects: v1's legacy endpoint, with the key from the v2 key list.
	before := srv.Requests(multiaccounttest.Woodpecker, "/rest/v1/add_prospects_list")
	if err := c.Agency.AddProspects(ctx, one.ID, []multiaccount.Prospect{{Email: "new@example.com"}}, multiaccount.ProspectOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests(multiaccounttest.Woodpecker, "/rest/v1/add_prospects_list") - before; n != 1 {
		t.Errorf("add_prospects_list requests = %d", n)
	}
	if ps := srv.Prospects(one.ID); len(ps) != 1 || ps[0]["email"] != "new@example.com" {
		t.Errorf("prospects = %v", ps)
	}
	other := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Keyless"})).get(t)
	if err := c.Agency.AddProspects(ctx, other.ID, []multiaccount.Prospect{{Email: "x@example.com"}}, multiaccount.ProspectOptions{}); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("keyless company: err = %v", err)
	}

	bad, _ := v2Client(t, srv, multiaccount.WithAuth(multiaccount.APIKeyAuth("wrong")))
	if _, err := bad.SubAccounts.List(ctx, nil); !errors.Is(err, multiaccount.ErrUnauthorized) {
		t.Errorf("wrong key: err = %v", err)
	}
}

func TestE2EWoodpeckerV2RefusesBeforeIO(t *testing.T) {
	srv, _ := emulator(t)
	c, _ := v2Client(t, srv)
	ctx := context.Background()
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprint("Co ", i)
	}
	for name, call := range map[string]func() error{
		"eleven": func() error { _, err := c.SubAccounts.CreateBatch(ctx, batch(eleven...)); return err },
		"empty":  func() error { _, err := c.SubAccounts.CreateBatch(ctx, nil); return err },
		"nil item": func() error {
			_, err := c.SubAccounts.CreateBatch(ctx, []*multiaccount.SubAccountCreate{nil})
			return err
		},
		"no name": func() error { _, err := c.SubAccounts.CreateBatch(ctx, batch("A", "")); return err },
		"email": func() error {
			_, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "A", Email: "a@example.com"})
			return err
		},
		"no label":  func() error { _, err := c.Keys.Create(ctx, multiaccounttest.WoodpeckerCompanyID, ""); return err },
		"page size": func() error { _, err := c.SubAccounts.List(ctx, &multiaccount.ListOptions{PageSize: 20}); return err },
		"cursor": func() error {
			_, err := c.SubAccounts.Users(ctx, "1", &multiaccount.ListOptions{Cursor: "x"})
			return err
		},
		"company id": func() error { _, err := c.SubAccounts.Users(ctx, "abc", nil); return err },
		"users active": func() error {
			_, err := c.SubAccounts.Users(ctx, "1", &multiaccount.ListOptions{Active: multiaccount.Ptr(true)})
			return err
		},
		"v1 active": func() error {
			_, err := client(t, srv, multiaccounttest.Woodpecker).SubAccounts.List(ctx, &multiaccount.ListOptions{Active: multiaccount.Ptr(true)})
			return err
		},
		"kaleyra active": func() error {
			_, err := client(t, srv, multiaccounttest.Kaleyra).SubAccounts.List(ctx, &multiaccount.ListOptions{Active: multiaccount.Ptr(true)})
			return err
		},
	} {
		err := call()
		var ve *multiaccount.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want a *ValidationError", name, err)
		}
		if name == "no name" && ve != nil && ve.Field != "in[1].Name" {
			t.Errorf("no name: field %q, want in[1].Name", ve.Field)
		}
	}
	if n := srv.Requests(multiaccounttest.Woodpecker, ""); n != 0 {
		t.Errorf("%d requests for refused input", n)
	}
}

// A refused batch creates none of its companies (all or none), and the
// error says which of its names exist: here the one already taken.
func TestE2EWoodpeckerV2BatchRefused(t *testing.T) {
	srv, _ := emulator(t)
	c, posts := v2Client(t, srv)
	_, err := c.SubAccounts.CreateBatch(context.Background(), batch("Fresh One", "Bluebird Growth", "Fresh Two"))
	var be *multiaccount.CreateBatchError
	if !errors.As(err, &be) || !errors.Is(err, multiaccount.ErrConflict) {
		t.Fatalf("err = %v, want a *CreateBatchError for ErrConflict", err)
	}
	if !be.Listed || len(be.Existing) != 1 || be.Existing[0].Name != "Bluebird Growth" || be.Provider != "Woodpecker" {
		t.Errorf("error = %+v", be)
	}
	if posts.n.Load() != 1 {
		t.Errorf("POSTs = %d, want 1", posts.n.Load())
	}
	if !strings.Contains(err.Error(), "1 of them exist; Bluebird Growth (id 2100000002)") {
		t.Errorf("text = %q", err)
	}
	v1 := client(t, srv, multiaccounttest.Woodpecker)
	if page := must(v1.SubAccounts.List(context.Background(), nil)).get(t); page.Total != 4 {
		t.Errorf("companies after a refused batch = %d, want 4", page.Total)
	}
}

// The billed batch reaches the server once under every fault that leaves
// its fate unknown, and the error says which companies exist after it.
func TestE2EWoodpeckerV2BatchNeverSentTwice(t *testing.T) {
	names := []string{"Fault Co A", "Fault Co B"}
	for _, tc := range []struct {
		name    string
		fault   multiaccounttest.Fault
		applied bool // the vendor created the companies before the answer was lost
	}{
		{"503", multiaccounttest.Fault{Status: http.StatusServiceUnavailable}, false},
		{"500", multiaccounttest.Fault{Status: http.StatusInternalServerError}, false},
		{"503 after creating", multiaccounttest.Fault{Status: http.StatusServiceUnavailable, Applied: true}, true},
		{"dropped", multiaccounttest.Fault{Drop: true}, false},
		{"dropped after creating", multiaccounttest.Fault{Drop: true, Applied: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := emulator(t)
			c, posts := v2Client(t, srv)
			srv.Fail(multiaccounttest.Woodpecker, wpV2Companies, tc.fault)
			_, err := c.SubAccounts.CreateBatch(context.Background(), batch(names...))
			var be *multiaccount.CreateBatchError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v, want a *CreateBatchError", err)
			}
			if posts.n.Load() != 1 {
				t.Errorf("POSTs = %d, want 1", posts.n.Load())
			}
			// The POST and one follow-up list page.
			if n := srv.Requests(multiaccounttest.Woodpecker, wpV2Companies); n != 2 {
				t.Errorf("requests on %s = %d, want 2", wpV2Companies, n)
			}
			want := 0
			if tc.applied {
				want = 2
			}
			if !be.Listed || len(be.Existing) != want {
				t.Fatalf("Listed %v, Existing %v; want %d", be.Listed, be.Existing, want)
			}
			for i, sa := range be.Existing {
				if sa.Name != names[i] || sa.ID == "" {
					t.Errorf("existing[%d] = %+v", i, sa)
				}
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		srv, _ := emulator(t)
		c, posts := v2Client(t, srv)
		hold := make(chan struct{})
		defer close(hold)
		srv.Fail(multiaccounttest.Woodpecker, wpV2Companies, multiaccounttest.Fault{Wait: hold})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := c.SubAccounts.CreateBatch(ctx, batch(names...))
		var be *multiaccount.CreateBatchError
		if !errors.As(err, &be) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a *CreateBatchError for the deadline", err)
		}
		if posts.n.Load() != 1 || srv.Requests(multiaccounttest.Woodpecker, wpV2Companies) != 1 {
			t.Errorf("POSTs = %d, requests = %d, want 1 and 1", posts.n.Load(), srv.Requests(multiaccounttest.Woodpecker, wpV2Companies))
		}
		if be.Listed || be.ListErr == nil || be.Existing != nil || !strings.Contains(err.Error(), "list the sub-accounts before sending any again") {
			t.Errorf("error = %+v (%v)", be, err)
		}
	})
}

// The agency key and the company keys never show in errors, logs or Raw
// on v2's paths.
func TestE2EWoodpeckerV2Secrets(t *testing.T) {
	srv, _ := emulator(t)
	var logs bytes.Buffer
	c, _ := v2Client(t, srv, multiaccount.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	ctx := context.Background()
	var seen []string
	keys := must(c.Keys.List(ctx, multiaccounttest.WoodpeckerCompanyID)).get(t)
	k := must(c.Keys.Create(ctx, multiaccounttest.WoodpeckerCompanyID, "audit")).get(t)
	seen = append(seen, fmt.Sprintf("%+v %+v %s", keys, k, k.Raw))
	srv.Fail(multiaccounttest.Woodpecker, wpV2Companies, multiaccounttest.Fault{Status: 503, Body: "echo " + multiaccounttest.WoodpeckerAgencyKey})
	_, err := c.SubAccounts.CreateBatch(ctx, batch("Secretive"))
	seen = append(seen, fmt.Sprintf("%v %+v", err, err))
	_, err = c.SubAccounts.Users(ctx, "999", nil)
	seen = append(seen, fmt.Sprintf("%v %+v", err, err), logs.String())
	all := strings.Join(seen, "\n")
	for _, secret := range []string{multiaccounttest.WoodpeckerAgencyKey, multiaccounttest.WoodpeckerCompanyKey, k.Key.Reveal()} {
		if strings.Contains(all, secret) {
			t.Errorf("a key leaked:\n%s", all)
		}
	}
	if len(keys) == 0 || keys[0].Key.Reveal() != multiaccounttest.WoodpeckerCompanyKey {
		t.Errorf("keys = %v", keys)
	}
}

func TestE2ECallTrackingMetricsCreate(t *testing.T) {
	srv, _ := emulator(t)
	ctx := context.Background()
	for _, auth := range []multiaccount.Authenticator{
		multiaccount.KeyPair(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey),
		multiaccount.NewSessionToken(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey),
	} {
		c := client(t, srv, multiaccounttest.CallTrackingMetrics, multiaccount.WithAuth(auth))
		name := fmt.Sprintf("Denver Dental %T", auth)
		sa := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: name, TimeZone: "America/Denver"})).get(t)
		if sa.ID == "" || sa.Name != name {
			t.Fatalf("created = %+v", sa)
		}
		got := must(c.SubAccounts.Get(ctx, sa.ID)).get(t)
		if got.Name != name || got.Status != "active" || !bytes.Contains(got.Raw, []byte(`"America/Denver"`)) {
			t.Errorf("Get = %+v", got)
		}
	}
	c := client(t, srv, multiaccounttest.CallTrackingMetrics)
	before := srv.Requests(multiaccounttest.CallTrackingMetrics, "")
	for name, in := range map[string]*multiaccount.SubAccountCreate{
		"no zone":    {Name: "A"},
		"bad zone":   {Name: "A", TimeZone: "Mars/Olympus_Mons"},
		"local zone": {Name: "A", TimeZone: "Local"},
		"no name":    {TimeZone: "UTC"},
		"email":      {Name: "A", TimeZone: "UTC", Email: "a@example.com"},
	} {
		if _, err := c.SubAccounts.Create(ctx, in); !errors.Is(err, multiaccount.ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if n := srv.Requests(multiaccounttest.CallTrackingMetrics, "") - before; n != 0 {
		t.Errorf("%d requests for refused input", n)
	}
}

// creates and recharges are sent once whatever the fault.
var onceFaults = []struct {
	name  string
	fault multiaccounttest.Fault
}{
	{"500", multiaccounttest.Fault{Status: 500}},
	{"503", multiaccounttest.Fault{Status: 503}},
	{"503 after acting", multiaccounttest.Fault{Status: 503, Applied: true}},
	{"dropped", multiaccounttest.Fault{Drop: true}},
	{"dropped after acting", multiaccounttest.Fault{Drop: true, Applied: true}},
	{"timeout", multiaccounttest.Fault{}}, // held with Wait below
}

// sendOnce runs call under each fault on path and checks the server saw
// one request and the call failed; after checks the vendor's state.
func sendOnce(t *testing.T, v multiaccounttest.Vendor, path string, call func(ctx context.Context, c *multiaccount.Client) error,
	after func(t *testing.T, srv *multiaccounttest.Server, c *multiaccount.Client, applied bool)) {
	t.Helper()
	for _, tc := range onceFaults {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := emulator(t)
			p, _ := multiaccounttest.Provider(v)
			c, posts := counted(t, srv, v, p)
			ctx := context.Background()
			f := tc.fault
			if tc.name == "timeout" {
				hold := make(chan struct{})
				defer close(hold)
				f.Wait = hold
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
			}
			srv.Fail(v, path, f)
			if err := call(ctx, c); err == nil {
				t.Error("no error: the call succeeded on a retry or ignored the fault")
			}
			if n := srv.Requests(v, path); n != 1 || posts.n.Load() != 1 {
				t.Errorf("requests on %s = %d, POSTs = %d; want 1 and 1", path, n, posts.n.Load())
			}
			after(t, srv, c, f.Applied)
		})
	}
}

func TestE2ECallTrackingMetricsCreateNeverSentTwice(t *testing.T) {
	const name = "Once Only Plumbing"
	sendOnce(t, multiaccounttest.CallTrackingMetrics, "/api/v1/accounts", func(ctx context.Context, c *multiaccount.Client) error {
		_, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: name, TimeZone: "America/Chicago"})
		return err
	}, func(t *testing.T, _ *multiaccounttest.Server, c *multiaccount.Client, applied bool) {
		n := 0
		for sa, err := range c.SubAccounts.All(context.Background(), &multiaccount.ListOptions{PageSize: 150}) {
			if err != nil {
				t.Fatal(err)
			}
			if sa.Name == name {
				n++
			}
		}
		if want := map[bool]int{false: 0, true: 1}[applied]; n != want {
			t.Errorf("%d accounts named %q, want %d", n, name, want)
		}
	})
}

func TestE2EKaleyraRecharge(t *testing.T) {
	srv, _ := emulator(t)
	c := client(t, srv, multiaccounttest.Kaleyra)
	ctx := context.Background()
	subs := collect(t, c.SubAccounts.All(ctx, nil))
	var assigned, shared *multiaccount.SubAccount
	for _, sa := range subs {
		switch {
		case assigned == nil && bytes.Contains(sa.Raw, []byte(`"assigned"`)):
			assigned = sa
		case shared == nil && bytes.Contains(sa.Raw, []byte(`"shared"`)):
			shared = sa
		}
	}
	if assigned == nil || shared == nil || assigned.Balance == nil {
		t.Fatal("the seed has no assigned and shared sub-accounts")
	}
	r := must(c.SubAccounts.Recharge(ctx, assigned.ID, 25.5)).get(t)
	want := *assigned.Balance + 25.5
	if r.SubAccountID != assigned.ID || r.Amount != 25.5 || r.Balance == nil || *r.Balance != want || len(r.Raw) == 0 {
		t.Errorf("recharge = %+v, want balance %v", r, want)
	}
	if got := must(c.SubAccounts.Get(ctx, assigned.ID)).get(t); got.Balance == nil || *got.Balance != want {
		t.Errorf("balance after = %v, want %v", got.Balance, want)
	}
	if _, err := c.SubAccounts.Recharge(ctx, shared.ID, 10); !errors.Is(err, multiaccount.ErrInvalidInput) {
		t.Errorf("shared: err = %v", err)
	}
	if _, err := c.SubAccounts.Recharge(ctx, "NOPE", 10); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("unknown: err = %v", err)
	}
	before := srv.Requests(multiaccounttest.Kaleyra, "")
	for _, amount := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := c.SubAccounts.Recharge(ctx, assigned.ID, amount); !errors.Is(err, multiaccount.ErrInvalidInput) {
			t.Errorf("amount %v: err = %v", amount, err)
		}
	}
	if _, err := c.SubAccounts.Recharge(ctx, "", 1); !errors.Is(err, multiaccount.ErrInvalidInput) {
		t.Errorf("empty id: err = %v", err)
	}
	if n := srv.Requests(multiaccounttest.Kaleyra, "") - before; n != 0 {
		t.Errorf("%d requests for refused input", n)
	}
}

func TestE2EKaleyraRechargeNeverSentTwice(t *testing.T) {
	srv0, _ := emulator(t)
	var id string
	var start float64
	for sa, err := range client(t, srv0, multiaccounttest.Kaleyra).SubAccounts.All(context.Background(), nil) {
		if err == nil && bytes.Contains(sa.Raw, []byte(`"assigned"`)) {
			id, start = sa.ID, *sa.Balance // seeded: the same in every emulator
			break
		}
	}
	path := "/api/v1/" + multiaccounttest.KaleyraSID + "/subaccounts/" + id + "/recharges"
	sendOnce(t, multiaccounttest.Kaleyra, path, func(ctx context.Context, c *multiaccount.Client) error {
		_, err := c.SubAccounts.Recharge(ctx, id, 40)
		return err
	}, func(t *testing.T, _ *multiaccounttest.Server, c *multiaccount.Client, applied bool) {
		got := must(c.SubAccounts.Get(context.Background(), id)).get(t)
		want := start
		if applied {
			want += 40
		}
		if got.Balance == nil || *got.Balance != want {
			t.Errorf("balance = %v, want %v (charged once at most)", got.Balance, want)
		}
	})
}
