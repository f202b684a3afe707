package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
)

const (
	kSID = "HXXXXXXX071IN"
	kKey = "kaleyra-parent-key"
)

func kaleyraClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return mockClient(t, Kaleyra(kSID), append([]Option{WithAuth(APIKeyAuth(kKey))}, opts...)...)
}

func assertKaleyraRequest(t *testing.T, s seen, method, path, query string) {
	t.Helper()
	if s.Method != method || s.Path != path || s.Query != query {
		t.Errorf("request = %s %s?%s, want %s %s?%s", s.Method, s.Path, s.Query, method, path, query)
	}
	if got := s.Header.Get("api-key"); got != kKey {
		t.Errorf("api-key header = %q", got)
	}
	if s.Header.Get("Authorization") != "" {
		t.Errorf("unexpected Authorization header")
	}
}

func TestKaleyraList(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts", 200, fixture(t, "kaleyra", "list.json"))
	page, err := c.SubAccounts.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	assertKaleyraRequest(t, rec.last(t), "GET", "/api/v1/"+kSID+"/subaccounts", "")
	if page.Total != 3 || page.NextCursor != "" || len(page.Items) != 3 {
		t.Fatalf("page = %+v", page)
	}
	sa := page.Items[0]
	if sa.ID != "HXXXXXXX071IN_1234" || sa.Name != "John Doe" || sa.Email != "john.doe@example.com" || sa.Status != "active" ||
		sa.Balance == nil || *sa.Balance != 2 || len(sa.APIKeys) != 1 || sa.APIKeys[0].Key.Reveal() != "Axxxxxxxxxxxxxxxxxxxxxxxxxxxx3" {
		t.Errorf("sub-account = %+v", sa)
	}
	assertRawRedacted(t, sa.Raw, "Axxxxxxxxxxxxxxxxxxxxxxxxxxxx3")
	if page.Items[1].Balance != nil {
		t.Errorf("absent balance decoded as %v", *page.Items[1].Balance)
	}
}

// kaleyraPages serves n sub-accounts, paged by the limit and offset the
// client sends, echoing them as strings as the vendor does.
func kaleyraPages(t *testing.T, c *Client, mt *httpmock.MockTransport, n int) *recorder {
	rec := &recorder{}
	mt.RegisterResponder("GET", c.BaseURL()+"api/v1/"+kSID+"/subaccounts", func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		limit, _ := strconv.Atoi(req.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(req.URL.Query().Get("offset"))
		if limit == 0 {
			limit = 25
		}
		data := []map[string]any{}
		for i := offset; i < min(offset+limit, n); i++ {
			data = append(data, map[string]any{"sid": fmt.Sprintf("SUB_%02d", i), "account_name": fmt.Sprintf("n%d", i), "api_key": "k"})
		}
		b, _ := json.Marshal(map[string]any{"code": "RBC103", "message": "ok", "data": data, "error": map[string]any{},
			"total": n, "limit": strconv.Itoa(limit), "offset": strconv.Itoa(offset), "status": 200})
		return httpmock.NewBytesResponse(200, b), nil
	})
	return rec
}

func TestKaleyraAllPages(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := kaleyraPages(t, c, mt, 60)
	var ids []string
	for sa, err := range c.SubAccounts.All(context.Background(), &ListOptions{PageSize: 25}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sa.ID)
	}
	if len(ids) != 60 {
		t.Fatalf("got %d sub-accounts, want 60", len(ids))
	}
	for i, id := range ids {
		if id != fmt.Sprintf("SUB_%02d", i) {
			t.Fatalf("item %d = %s: out of order", i, id)
		}
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3", len(reqs))
	}
	for i, want := range []string{"limit=25&offset=0", "limit=25&offset=25", "limit=25&offset=50"} {
		if reqs[i].Query != want {
			t.Errorf("request %d query = %s, want %s", i, reqs[i].Query, want)
		}
	}
}

func TestKaleyraAllStopsWhenTheCallerDoes(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := kaleyraPages(t, c, mt, 60)
	n := 0
	for _, err := range c.SubAccounts.All(context.Background(), &ListOptions{PageSize: 25}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	if rec.count() != 1 {
		t.Errorf("requests = %d, want 1", rec.count())
	}
}

func TestKaleyraPageIgnoringOffsetEndsWithError(t *testing.T) {
	c, mt := kaleyraClient(t)
	// The server ignores offset and always answers the first page.
	rec := respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts", 200,
		[]byte(`{"code":"RBC103","data":[{"sid":"A"}],"error":{},"total":100,"limit":"1","offset":"0","status":200}`))
	var ids []string
	var last error
	for sa, err := range c.SubAccounts.All(context.Background(), &ListOptions{PageSize: 1}) {
		if err != nil {
			last = err
			break
		}
		ids = append(ids, sa.ID)
	}
	var de *DecodeError
	if len(ids) != 1 || !errors.As(last, &de) || rec.count() != 2 {
		t.Fatalf("ids = %v, err = %v, requests = %d: want one item, then an error", ids, last, rec.count())
	}
}

func TestKaleyraEmptyPageWithMoreClaimedIsAnError(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respondSeq(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts",
		answer(200, []byte(`{"code":"RBC103","data":[{"sid":"A"}],"error":{},"total":5,"limit":"1","offset":"0","status":200}`)),
		answer(200, []byte(`{"code":"RBC103","data":[],"error":{},"total":5,"limit":"1","offset":"1","status":200}`)))
	n, errs := 0, 0
	for _, err := range c.SubAccounts.All(context.Background(), &ListOptions{PageSize: 1}) {
		if err != nil {
			errs++
			continue
		}
		n++
	}
	if n != 1 || errs != 1 || rec.count() != 2 {
		t.Fatalf("items = %d, errors = %d, requests = %d", n, errs, rec.count())
	}
}

func TestKaleyraGet(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", 200, fixture(t, "kaleyra", "get.json"))
	sa, err := c.SubAccounts.Get(context.Background(), "HXXXXXXX071IN_1234")
	if err != nil {
		t.Fatal(err)
	}
	assertKaleyraRequest(t, rec.last(t), "GET", "/api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", "")
	if sa.ID != "HXXXXXXX071IN_1234" || sa.Name != "John Doe" {
		t.Errorf("sub-account = %+v", sa)
	}
}

func TestKaleyraGetEmptyIsNotFound(t *testing.T) {
	c, mt := kaleyraClient(t)
	respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts/NOPE", 200, fixture(t, "kaleyra", "get_empty.json"))
	_, err := c.SubAccounts.Get(context.Background(), "NOPE")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestKaleyraCreate(t *testing.T) {
	c, mt := kaleyraClient(t)
	credit := 500.0
	rec := respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", 201, fixture(t, "kaleyra", "create.json"))
	sa, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{
		Name: "Acme Retail", Email: "ops@acme.example", Country: "IN", Channels: []string{"sms"}, CreditType: "assigned",
		InitialCredit: &credit,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := rec.last(t)
	assertKaleyraRequest(t, s, "POST", "/api/v1/"+kSID+"/subaccounts", "")
	if s.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", s.Header.Get("Content-Type"))
	}
	assertJSONBody(t, s.Body, `{"account_name":"Acme Retail","email":"ops@acme.example","country_iso_code":"IN","channels":["sms"],"subaccount_credit_type":"assigned","is_invited":false,"credit_amount":500}`)
	if sa.ID != "HXXXXXXX071IN_20001" || sa.APIKeys[0].Key.Reveal() != "Anewlycreatedsubaccountkey0001" {
		t.Errorf("sub-account = %+v", sa)
	}
	assertRawRedacted(t, sa.Raw, "Anewlycreatedsubaccountkey0001")
}

func TestKaleyraCreateNotRetried(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", 503, []byte(`{}`))
	_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
	if err == nil || rec.count() != 1 {
		t.Fatalf("err = %v, attempts = %d", err, rec.count())
	}
}

func TestKaleyraUpdateSendsOnlySetFields(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "PATCH", "api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", 200, fixture(t, "kaleyra", "update.json"))
	name, off := "John Renamed", false
	sa, err := c.SubAccounts.Update(context.Background(), "HXXXXXXX071IN_1234", &SubAccountUpdate{Name: &name, LowBalanceAlert: &off})
	if err != nil {
		t.Fatal(err)
	}
	s := rec.last(t)
	assertKaleyraRequest(t, s, "PATCH", "/api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", "")
	// false was set by the caller: it must be sent.
	assertJSONBody(t, s.Body, `{"account_name":"John Renamed","low_balance_alert":false}`)
	if sa.Name != "John Renamed" {
		t.Errorf("sub-account = %+v", sa)
	}
}

func TestKaleyraDelete(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "DELETE", "api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", 200, fixture(t, "kaleyra", "delete.json"))
	if err := c.SubAccounts.Delete(context.Background(), "HXXXXXXX071IN_1234"); err != nil {
		t.Fatal(err)
	}
	assertKaleyraRequest(t, rec.last(t), "DELETE", "/api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", "")
}

func TestKaleyraErrors(t *testing.T) {
	t.Run("RBC422", func(t *testing.T) {
		c, mt := kaleyraClient(t)
		respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts", 401, fixture(t, "kaleyra", "unauthorized.json"))
		_, err := c.SubAccounts.List(context.Background(), nil)
		var apiErr *APIError
		if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Code != "RBC422" ||
			apiErr.Message != "Access Denied! Unauthorized action!" || apiErr.Operation != "SubAccounts.List" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("RBC23xx", func(t *testing.T) {
		c, mt := kaleyraClient(t)
		respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", 400, fixture(t, "kaleyra", "error_400.json"))
		_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
		var apiErr *APIError
		if !errors.Is(err, ErrInvalidInput) || !errors.As(err, &apiErr) || apiErr.Code != "RBC2301" ||
			apiErr.Message != "Invalid request parameters; email: email is invalid" || apiErr.StatusCode != 400 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("RBC422 under HTTP 200", func(t *testing.T) {
		c, mt := kaleyraClient(t)
		respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts/X", 200, fixture(t, "kaleyra", "unauthorized.json"))
		if _, err := c.SubAccounts.Get(context.Background(), "X"); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestKaleyraSeedSampleIsADecodeError(t *testing.T) {
	c, mt := kaleyraClient(t)
	respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts", 200, fixture(t, "kaleyra", "list_seed_verbatim.txt"))
	page, err := c.SubAccounts.List(context.Background(), nil)
	var de *DecodeError
	if !errors.As(err, &de) || de.Operation != "SubAccounts.List" || page != nil {
		t.Fatalf("page = %v, err = %v: want a *DecodeError naming SubAccounts.List and no page", page, err)
	}
}

func TestKaleyraValidation(t *testing.T) {
	c, _ := kaleyraClient(t)
	ctx := context.Background()
	good := SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"}
	mod := func(f func(*SubAccountCreate)) *SubAccountCreate { in := good; f(&in); return &in }
	empty := ""
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"name", func() error {
			_, err := c.SubAccounts.Create(ctx, mod(func(s *SubAccountCreate) { s.Name = "" }))
			return err
		}, "Name"},
		{"email", func() error {
			_, err := c.SubAccounts.Create(ctx, mod(func(s *SubAccountCreate) { s.Email = "x" }))
			return err
		}, "Email"},
		{"country", func() error {
			_, err := c.SubAccounts.Create(ctx, mod(func(s *SubAccountCreate) { s.Country = "India" }))
			return err
		}, "Country"},
		{"channels", func() error {
			_, err := c.SubAccounts.Create(ctx, mod(func(s *SubAccountCreate) { s.Channels = nil }))
			return err
		}, "Channels"},
		{"credit type", func() error {
			_, err := c.SubAccounts.Create(ctx, mod(func(s *SubAccountCreate) { s.CreditType = "prepaid" }))
			return err
		}, "CreditType"},
		{"unused field", func() error {
			_, err := c.SubAccounts.Create(ctx, mod(func(s *SubAccountCreate) { s.Phone = "+1" }))
			return err
		}, "Phone"},
		{"empty update", func() error { _, err := c.SubAccounts.Update(ctx, "X", &SubAccountUpdate{}); return err }, "u"},
		{"empty name update", func() error {
			_, err := c.SubAccounts.Update(ctx, "X", &SubAccountUpdate{Name: &empty})
			return err
		}, "Name"},
		{"path id", func() error { _, err := c.SubAccounts.Get(ctx, ".."); return err }, "id"},
		{"empty id", func() error { return c.SubAccounts.Delete(ctx, "") }, "id"},
		{"negative page", func() error { _, err := c.SubAccounts.List(ctx, &ListOptions{PageSize: -1}); return err }, "PageSize"},
		{"bad cursor", func() error { _, err := c.SubAccounts.List(ctx, &ListOptions{Cursor: "abc"}); return err }, "Cursor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ve *ValidationError
			if err := tc.call(); !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("err = %v, want *ValidationError on %s", err, tc.field)
			}
		})
	}
}

func TestKaleyraIDsAreEscaped(t *testing.T) {
	c, mt := kaleyraClient(t)
	rec := respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts/a%2Fb%3Fc%23d", 200, fixture(t, "kaleyra", "get.json"))
	if _, err := c.SubAccounts.Get(context.Background(), "a/b?c#d"); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 1 || rec.last(t).Query != "" {
		t.Errorf("the id changed the request: %+v", rec.all())
	}
}

func TestKaleyraConstruction(t *testing.T) {
	if _, err := NewClient(Kaleyra(""), WithAuth(APIKeyAuth("k"))); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty sid: err = %v", err)
	}
	for _, a := range []Authenticator{Bearer("k"), KeyPair("a", "b"), NewSessionToken("a", "b")} {
		if _, err := NewClient(Kaleyra(kSID), WithAuth(a)); err == nil || !contains(err.Error(), "APIKeyAuth") {
			t.Errorf("%s: err = %v", authName(a), err)
		}
	}
	c, mt := mockClient(t, Kaleyra(kSID), WithAuth(APIKeyHeader("X-Custom", "k2")))
	rec := respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts", 200, fixture(t, "kaleyra", "list.json"))
	if _, err := c.SubAccounts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if rec.last(t).Header.Get("X-Custom") != "k2" || rec.last(t).Header.Get("api-key") != "" {
		t.Errorf("APIKeyHeader not honoured")
	}
}

func TestKaleyraUnsupported(t *testing.T) {
	c, _ := kaleyraClient(t)
	ctx := context.Background()
	for name, err := range map[string]error{
		"SetLimit":      c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"eco", 1}),
		"Keys.List":     func() error { _, err := c.Keys.List(ctx, "1"); return err }(),
		"Keys.Create":   func() error { _, err := c.Keys.Create(ctx, "1", "l"); return err }(),
		"Keys.Exchange": func() error { _, err := c.Keys.Exchange(ctx, "1", "p"); return err }(),
		"Records.Calls": func() error {
			for _, err := range c.Records.Calls(ctx, nil) {
				return err
			}
			return nil
		}(),
		"RecurringCharges": func() error { _, err := c.Records.RecurringCharges(ctx); return err }(),
		"Agency.Account":   func() error { _, err := c.Agency.Account(ctx); return err }(),
		"Agency.Session":   func() error { _, err := c.Agency.Session(ctx); return err }(),
	} {
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestKaleyraCanarySecrets(t *testing.T) {
	const key = "CANARY-KALEYRA-KEY-55e1"
	subKey := "Axxxxxxxxxxxxxxxxxxxxxxxxxxxx3"
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any
	for _, status := range []int{200, 401, 500} {
		c, mt := mockClient(t, Kaleyra(kSID), WithAuth(APIKeyAuth(key)), WithLogger(logger), WithBaseURL(testBaseURL(t)+"-"+strconv.Itoa(status)))
		body := func(name string) []byte {
			if status == 200 {
				return fixture(t, "kaleyra", name)
			}
			return fixture(t, "kaleyra", "unauthorized.json")
		}
		respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts", status, body("list.json"))
		respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts/S", status, body("get.json"))
		respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", status, body("create.json"))
		respond(t, c, mt, "PATCH", "api/v1/"+kSID+"/subaccounts/S", status, body("update.json"))
		respond(t, c, mt, "DELETE", "api/v1/"+kSID+"/subaccounts/S", status, body("delete.json"))
		// A recharge answer carrying the sub-account (its key included).
		respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts/S/recharges", status, body("get.json"))
		rc, err := c.SubAccounts.Recharge(ctx, "S", 10)
		errs, values = append(errs, err), append(values, rc)
		if rc != nil {
			values = append(values, string(rc.Raw))
		}
		p, err := c.SubAccounts.List(ctx, nil)
		errs, values = append(errs, err), append(values, p)
		for sa, err := range c.SubAccounts.All(ctx, nil) {
			errs, values = append(errs, err), append(values, sa)
		}
		sa, err := c.SubAccounts.Get(ctx, "S")
		errs, values = append(errs, err), append(values, sa)
		sa, err = c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
		errs, values = append(errs, err), append(values, sa)
		on := true
		sa, err = c.SubAccounts.Update(ctx, "S", &SubAccountUpdate{LowBalanceAlert: &on})
		errs, values = append(errs, err), append(values, sa)
		errs = append(errs, c.SubAccounts.Delete(ctx, "S"))
		values = append(values, c)
	}
	assertNoCanary(t, []string{key, subKey, "Anewlycreatedsubaccountkey0001"}, logs.String(), errs, values...)
}

func TestKaleyraNotFoundStatusWinsOverRBC23(t *testing.T) {
	c, mt := kaleyraClient(t)
	respond(t, c, mt, "GET", "api/v1/"+kSID+"/subaccounts/GONE", 404, []byte(`{"code":"RBC2304","message":"Subaccount not found!","data":{},"error":{},"status":404}`))
	_, err := c.SubAccounts.Get(context.Background(), "GONE")
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want ErrNotFound only", err)
	}
}

// is_invited is mandatory at the vendor: it is sent on every create, false
// unless the caller asks for the invitation.
func TestKaleyraCreateAlwaysSendsIsInvited(t *testing.T) {
	for _, tc := range []struct {
		invite *bool
		want   string
	}{{nil, "false"}, {new(bool), "false"}, {func() *bool { b := true; return &b }(), "true"}} {
		c, mt := kaleyraClient(t)
		rec := respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", 201, fixture(t, "kaleyra", "create.json"))
		if _, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN",
			Channels: []string{"sms"}, CreditType: "shared", Invite: tc.invite}); err != nil {
			t.Fatal(err)
		}
		assertJSONBody(t, rec.last(t).Body, `{"account_name":"A","email":"a@b.co","country_iso_code":"IN","channels":["sms"],"subaccount_credit_type":"shared","is_invited":`+tc.want+`}`)
	}
}

// The initial credit of an assigned sub-account is checked before any I/O
// (the mock fails the test on any request).
func TestKaleyraCreateInitialCreditValidated(t *testing.T) {
	c, _ := kaleyraClient(t)
	ctx := context.Background()
	neg, zero, ten := -1.0, 0.0, 10.0
	for name, tc := range map[string]struct {
		credit     string
		amount     *float64
		wantReason string
	}{
		"assigned without credit": {"assigned", nil, "RBC2345"},
		"assigned, negative":      {"assigned", &neg, "negative"},
		"assigned, zero":          {"assigned", &zero, "positive"},
		"shared with credit":      {"shared", &ten, "assigned"},
	} {
		_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN", Channels: []string{"sms"},
			CreditType: tc.credit, InitialCredit: tc.amount})
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "InitialCredit" || !contains(ve.Reason, tc.wantReason) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestKaleyraCreateErrorCodes(t *testing.T) {
	ten := 10.0
	for _, tc := range []struct {
		file, code, credit string
		credits            *float64
		kind               error
		hint               string
	}{
		{"error_RBC2345.json", "RBC2345", "assigned", &ten, ErrInvalidInput, "InitialCredit"},
		{"error_RBC2348.json", "RBC2348", "shared", nil, ErrForbidden, "may not create \"shared\""},
	} {
		c, mt := kaleyraClient(t)
		respond(t, c, mt, "POST", "api/v1/"+kSID+"/subaccounts", 400, fixture(t, "kaleyra", tc.file))
		_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN",
			Channels: []string{"sms"}, CreditType: tc.credit, InitialCredit: tc.credits})
		var apiErr *APIError
		if !errors.Is(err, tc.kind) || !errors.As(err, &apiErr) || apiErr.Code != tc.code || !contains(apiErr.Message, tc.hint) {
			t.Errorf("%s: err = %v", tc.code, err)
		}
	}
}

// Update sends only the fields the vendor documents; e-mail and status are
// refused before any I/O rather than sent undocumented or dropped.
func TestKaleyraUpdateDocumentedFieldsOnly(t *testing.T) {
	c, mt := kaleyraClient(t)
	ctx := context.Background()
	email, status := "new@b.co", "inactive"
	for field, u := range map[string]*SubAccountUpdate{"Email": {Email: &email}, "Status": {Status: &status}} {
		_, err := c.SubAccounts.Update(ctx, "HXXXXXXX071IN_1234", u)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != field {
			t.Errorf("%s: err = %v", field, err)
		}
	}
	neg := -5.0
	if _, err := c.SubAccounts.Update(ctx, "HXXXXXXX071IN_1234", &SubAccountUpdate{CreditAmount: &neg}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("negative credit: err = %v", err)
	}
	rec := respond(t, c, mt, "PATCH", "api/v1/"+kSID+"/subaccounts/HXXXXXXX071IN_1234", 200, fixture(t, "kaleyra", "update.json"))
	credit := 75.5
	if _, err := c.SubAccounts.Update(ctx, "HXXXXXXX071IN_1234", &SubAccountUpdate{CreditAmount: &credit}); err != nil {
		t.Fatal(err)
	}
	assertJSONBody(t, rec.last(t).Body, `{"credit_amount":75.5}`)
}

func TestKaleyraRegions(t *testing.T) {
	for _, tc := range []struct {
		opts []ProviderOption
		want string
	}{
		{nil, "https://api.kaleyra.io/"},
		{[]ProviderOption{InRegion(RegionIndia)}, "https://podapi.in.kaleyra.io/"},
		{[]ProviderOption{InRegion(RegionSingapore)}, "https://podapi.kaleyra.io/"},
		{[]ProviderOption{InRegion(RegionEurope)}, "https://podapi.eu.kaleyra.io/"},
		{[]ProviderOption{InRegion(RegionNorthAmerica)}, "https://podapi.na.kaleyra.ai/"},
		{[]ProviderOption{InRegion(RegionIndia), InRegion(RegionEurope)}, "https://podapi.eu.kaleyra.io/"},
	} {
		c, err := NewClient(Kaleyra(kSID, tc.opts...), WithAuth(APIKeyAuth("k")))
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != tc.want {
			t.Errorf("base = %s, want %s", c.BaseURL(), tc.want)
		}
	}
	// WithBaseURL (an emulator, a proxy) still wins over the region.
	c, err := NewClient(Kaleyra(kSID, InRegion(RegionEurope)), WithBaseURL("https://proxy.example/ky"))
	if err != nil || c.BaseURL() != "https://proxy.example/ky/" {
		t.Errorf("base = %v, %v", c, err)
	}
	_, err = NewClient(Kaleyra(kSID, InRegion("mars")), WithAuth(APIKeyAuth("k")))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "InRegion" || !contains(err.Error(), `"india"`) {
		t.Errorf("unknown region: err = %v", err)
	}
}

// Kaleyra's create fields are refused by the vendors that have no place
// for them.
func TestKaleyraCreateFieldsRefusedElsewhere(t *testing.T) {
	on, ten := true, 10.0
	for _, p := range []Provider{VoiceTel(), SerwerSMS(), Woodpecker()} {
		var a Authenticator = Bearer("t")
		if p.Name() == "Woodpecker" {
			a = APIKeyAuth("t")
		}
		c, _ := mockClient(t, p, WithAuth(a))
		for field, in := range map[string]*SubAccountCreate{
			"Invite":        {Name: "Acme", Username: "4592099999", Email: "a@b.co", Password: "abcdef", TemplateID: "1", Invite: &on},
			"InitialCredit": {Name: "Acme", Username: "4592099999", Email: "a@b.co", Password: "abcdef", TemplateID: "1", InitialCredit: &ten},
		} {
			if p.Name() == "Woodpecker" {
				in.Username, in.Email, in.Password, in.TemplateID = "", "", "", ""
			}
			if p.Name() == "VoiceTel" {
				in.Password, in.TemplateID = "", ""
			}
			_, err := c.SubAccounts.Create(context.Background(), in)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != field {
				t.Errorf("%s %s: err = %v", p.Name(), field, err)
			}
		}
	}
}
