package multiaccount

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

func woodpeckerV2Client(t *testing.T, opts ...Option) (*Client, *mockT) {
	t.Helper()
	c, mt := mockClient(t, Woodpecker(InVersion(WoodpeckerV2)), append([]Option{WithAuth(APIKeyAuth(wpKey))}, opts...)...)
	return c, &mockT{c: c, mt: mt}
}

// TestWoodpeckerV2Wire checks each v2 request (method, path, query, body,
// key header) and the reading of the vendor's documented answers.
func TestWoodpeckerV2Wire(t *testing.T) {
	c, m := woodpeckerV2Client(t)
	ctx := context.Background()
	list := m.respond(t, "GET", "rest/v2/agency/companies", 200,
		`{"content":[{"id":11,"name":"Acme","owner":"O","active":true,"running_campaigns":2,"email_slots":1,"linkedin_slots":0},
		{"id":"12","name":"Beta","active":false}],"pagination_data":{"total_elements":52,"total_pages":2,"current_page_number":1,"page_size":50}}`)
	page, err := c.SubAccounts.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 52 || page.NextCursor != "2" || page.Items[0].ID != "11" || page.Items[0].Status != "active" || page.Items[1].Status != "inactive" {
		t.Errorf("page = %+v", page)
	}
	if s := list.last(t); s.Query != "page=1" || s.Header.Get("x-api-key") != wpKey {
		t.Errorf("list request: query %q, key %q", s.Query, s.Header.Get("x-api-key"))
	}
	if _, err := c.SubAccounts.List(ctx, &ListOptions{Cursor: "2"}); err != nil {
		t.Fatal(err)
	}
	if s := list.last(t); s.Query != "page=2" {
		t.Errorf("page 2 query = %q", s.Query)
	}
	if _, err := c.SubAccounts.List(ctx, &ListOptions{Active: Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if s := list.last(t); s.Query != "active=false&page=1" {
		t.Errorf("filtered query = %q", s.Query)
	}

	create := m.respond(t, "POST", "rest/v2/agency/companies", 201, `{"companies":[{"id":21,"name":"A","owner":"O","active":true},{"id":22,"name":"B","active":true}]}`)
	made, err := c.SubAccounts.CreateBatch(ctx, []*SubAccountCreate{{Name: "A"}, {Name: "B"}})
	if err != nil || len(made) != 2 || made[1].ID != "22" {
		t.Fatalf("batch = %v, %v", made, err)
	}
	assertJSONBody(t, create.last(t).Body, `{"companies":[{"name":"A"},{"name":"B"}]}`)

	keys := m.respond(t, "GET", "rest/v2/agency/companies/21/api_keys", 200,
		`{"content":[{"api_key":"k-secret-1","label":"main"}],"pagination_data":{"total_elements":1,"total_pages":1}}`)
	got, err := c.Keys.List(ctx, "21")
	if err != nil || len(got) != 1 || got[0].Key.Reveal() != "k-secret-1" || got[0].Label != "main" {
		t.Fatalf("keys = %v, %v", got, err)
	}
	assertRawRedacted(t, got[0].Raw, "k-secret-1")
	if keys.count() != 1 {
		t.Errorf("key pages fetched = %d", keys.count())
	}
	addKey := m.respond(t, "POST", "rest/v2/agency/companies/21/api_keys", 201, `{"api_key":"k-secret-2"}`)
	k, err := c.Keys.Create(ctx, "21", "crm")
	if err != nil || k.Key.Reveal() != "k-secret-2" || k.Label != "crm" {
		t.Fatalf("key = %v, %v", k, err)
	}
	assertJSONBody(t, addKey.last(t).Body, `{"label":"crm"}`)
	assertRawRedacted(t, k.Raw, "k-secret-2")
}

// The user object is undocumented: ids as numbers or strings, the name as
// one field or first and last, active as a boolean are all read.
func TestWoodpeckerV2UsersLiberal(t *testing.T) {
	c, m := woodpeckerV2Client(t)
	m.respond(t, "GET", "rest/v2/agency/companies/5/users", 200,
		`{"content":[{"id":1,"first_name":"Ann","last_name":"Lee","email":"ann@example.com","active":true,"password":"pw-canary"},
		{"id":"u2","full_name":"Bo Yu","role":"ADMIN","status":"ACTIVE"}]}`)
	page, err := c.SubAccounts.Users(context.Background(), "5", nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := page.Items[0], page.Items[1]
	if a.ID != "1" || a.Name != "Ann Lee" || a.Email != "ann@example.com" || a.Status != "active" ||
		b.ID != "u2" || b.Name != "Bo Yu" || b.Role != "ADMIN" || b.Status != "ACTIVE" {
		t.Errorf("users = %+v %+v", a, b)
	}
	assertRawRedacted(t, a.Raw, "pw-canary")
	// No pagination_data: a page of fewer than 50 is the last one.
	if page.Total != -1 || page.NextCursor != "" {
		t.Errorf("total %d, next %q", page.Total, page.NextCursor)
	}
}

// The v2 error body is unconfirmed: the emulator's {"code","message"},
// v1's shape and a problem document are all read, with their sentinels.
func TestWoodpeckerV2ErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   error
		msg    string
	}{
		{404, `{"code":"E_RECORD_NOT_FOUND","message":"company not found"}`, ErrNotFound, "company not found"},
		{400, `{"status":{"status":"ERROR","code":"E_REQUIRED_ELEMENT","msg":"label is required"}}`, ErrInvalidInput, "label is required"},
		{401, `{"title":"Unauthorized","detail":"bad key","status":401}`, ErrUnauthorized, "Unauthorized bad key"},
		{409, `{"message":"duplicate"}`, ErrConflict, "duplicate"},
	} {
		c, m := woodpeckerV2Client(t)
		m.respond(t, "GET", "rest/v2/agency/companies/5/users", tc.status, tc.body)
		_, err := c.SubAccounts.Users(context.Background(), "5", nil)
		var ae *APIError
		if !errors.As(err, &ae) || !errors.Is(err, tc.want) || ae.Message != tc.msg {
			t.Errorf("%s: err = %v, want %v with message %q", tc.body, err, tc.want, tc.msg)
		}
	}
}

// A 201 whose companies do not match the batch is not a success: the
// caller learns, from the follow-up list, which exist.
func TestWoodpeckerV2BatchShortAnswer(t *testing.T) {
	c, m := woodpeckerV2Client(t)
	create := m.respond(t, "POST", "rest/v2/agency/companies", 201, `{"companies":[{"id":21,"name":"A"}]}`)
	m.respond(t, "GET", "rest/v2/agency/companies", 200, `{"content":[{"id":21,"name":"A"},{"id":3,"name":"Other"}],"pagination_data":{"total_pages":1}}`)
	_, err := c.SubAccounts.CreateBatch(context.Background(), []*SubAccountCreate{{Name: "A"}, {Name: "B"}})
	var be *CreateBatchError
	var de *DecodeError
	if !errors.As(err, &be) || !errors.As(err, &de) || !be.Listed || len(be.Existing) != 1 || be.Existing[0].ID != "21" {
		t.Fatalf("err = %v (%+v)", err, be)
	}
	if create.count() != 1 {
		t.Errorf("creates sent = %d", create.count())
	}
}

func TestCTMCreateWire(t *testing.T) {
	c, mt := mockClient(t, CallTrackingMetrics(), WithAuth(KeyPair(ctmAccess, ctmSecret)))
	m := &mockT{c: c, mt: mt}
	rec := m.respond(t, "POST", "api/v1/accounts", 200, `{"status":"success","id":777,"name":"Acme East"}`)
	sa, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "Acme East", TimeZone: "America/New_York"})
	if err != nil || sa.ID != "777" || sa.Name != "Acme East" {
		t.Fatalf("created = %v, %v", sa, err)
	}
	s := rec.last(t)
	assertJSONBody(t, s.Body, `{"account":{"name":"Acme East","timezone_hint":"America/New_York"},"billing_type":"existing"}`)
	if s.Header.Get("Content-Type") != "application/json" {
		t.Errorf("content type %q", s.Header.Get("Content-Type"))
	}
	m.respond(t, "POST", "api/v1/accounts", 200, `{"status":"error","message":"Name has already been taken"}`)
	if _, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "Acme East", TimeZone: "UTC"}); err == nil || !contains(err.Error(), "already been taken") {
		t.Errorf("error under 200: %v", err)
	}
}

func TestKaleyraRechargeWire(t *testing.T) {
	c, mt := mockClient(t, Kaleyra(kSID), WithAuth(APIKeyAuth("ky-key")))
	m := &mockT{c: c, mt: mt}
	rec := m.respond(t, "POST", "api/v1/"+kSID+"/subaccounts/SUB1/recharges", 200,
		`{"code":"RBC103","message":"ok","data":{"sid":"SUB1","balance":"120.5"},"error":{},"status":200}`)
	r, err := c.SubAccounts.Recharge(context.Background(), "SUB1", 20.5)
	if err != nil || r.Balance == nil || *r.Balance != 120.5 || r.Amount != 20.5 || r.SubAccountID != "SUB1" {
		t.Fatalf("recharge = %+v, %v", r, err)
	}
	assertJSONBody(t, rec.last(t).Body, `{"amount":20.5}`)
	// An answer without a balance leaves it nil rather than guessing.
	m.respond(t, "POST", "api/v1/"+kSID+"/subaccounts/SUB2/recharges", 201, `{"code":"RBC201","message":"ok","data":{},"error":{},"status":201}`)
	r, err = c.SubAccounts.Recharge(context.Background(), "SUB2", 1)
	if err != nil || r.Balance != nil {
		t.Errorf("recharge without balance = %+v, %v", r, err)
	}
	// A 503 is not retried: the money may have moved.
	fail := m.respond(t, "POST", "api/v1/"+kSID+"/subaccounts/SUB3/recharges", http.StatusServiceUnavailable, `{}`)
	if _, err := c.SubAccounts.Recharge(context.Background(), "SUB3", 1); err == nil || fail.count() != 1 {
		t.Errorf("503: err %v after %d sends", err, fail.count())
	}
}

// mockT pairs a mock client with its transport for respond.
type mockT struct {
	c  *Client
	mt *httpmock.MockTransport
}

func (m *mockT) respond(t *testing.T, method, path string, status int, body string) *recorder {
	t.Helper()
	return respond(t, m.c, m.mt, method, path, status, []byte(body))
}

// A server that claims endless pages but repeats the same one cannot keep
// Get (which walks the pages itself) fetching.
func TestWoodpeckerV2StalledPaging(t *testing.T) {
	c, m := woodpeckerV2Client(t)
	list := m.respond(t, "GET", "rest/v2/agency/companies", 200, `{"content":[{"id":1,"name":"A"}],"pagination_data":{"total_pages":1000000}}`)
	_, err := c.SubAccounts.Get(context.Background(), "2")
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, errNoProgress) {
		t.Fatalf("err = %v, want a stalled-paging *DecodeError", err)
	}
	if list.count() != 3 {
		t.Errorf("pages fetched = %d, want 3 (two of repeats)", list.count())
	}
}

// Every v2 operation, in both authentication modes, through successes and
// failures (including a batch create whose answer is lost): no key in
// errors, logs, values or Raw.
func TestWoodpeckerV2CanarySecrets(t *testing.T) {
	const agency = "CANARY-WP2-AGENCY-7d"
	companyKeys := []string{"0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"}
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any
	for _, mode := range woodpeckerModes {
		for _, status := range []int{200, 401, 503} {
			c, mt := mockClient(t, Woodpecker(InVersion(WoodpeckerV2)), WithAuth(mode.auth(agency)), WithLogger(logger),
				WithBaseURL(testBaseURL(t)+"-"+strings.ReplaceAll(mode.name, " ", "")+strconv.Itoa(status)))
			answer := func(name string) []byte {
				if status == 200 {
					return fixture(t, "woodpecker_v2", name)
				}
				return fixture(t, "woodpecker_v2", "error_problem.json")
			}
			code := status
			respond(t, c, mt, "GET", "rest/v2/agency/companies", 200, fixture(t, "woodpecker_v2", "companies.json"))
			respond(t, c, mt, "POST", "rest/v2/agency/companies", max(code, 201), answer("companies_create.json"))
			respond(t, c, mt, "GET", "rest/v2/agency/companies/2100000001/api_keys", code, answer("api_keys.json"))
			respond(t, c, mt, "POST", "rest/v2/agency/companies/2100000001/api_keys", max(code, 201), answer("api_key_create.json"))
			respond(t, c, mt, "GET", "rest/v2/agency/companies/2100000001/users", code, answer("users.json"))
			respond(t, c, mt, "POST", "rest/v1/add_prospects_list", 200, fixture(t, "woodpecker", "prospects_ok.json"))
			p, err := c.SubAccounts.List(ctx, nil)
			errs, values = append(errs, err), append(values, p)
			sa, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N"})
			errs, values = append(errs, err), append(values, sa)
			sas, err := c.SubAccounts.CreateBatch(ctx, []*SubAccountCreate{{Name: "Northwind Outreach"}})
			errs, values = append(errs, err), append(values, sas)
			ks, err := c.Keys.List(ctx, "2100000001")
			errs, values = append(errs, err), append(values, ks)
			k, err := c.Keys.Create(ctx, "2100000001", "l")
			errs, values = append(errs, err), append(values, k)
			us, err := c.SubAccounts.Users(ctx, "2100000001", nil)
			errs, values = append(errs, err), append(values, us)
			errs = append(errs, c.Agency.AddProspects(ctx, "2100000001", []Prospect{{Email: "a@b.co"}}, ProspectOptions{}))
			values = append(values, c)
		}
	}
	assertNoCanary(t, append([]string{agency}, companyKeys...), logs.String(), errs, values...)
}
