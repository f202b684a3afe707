package multiaccount

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

const (
	ssToken = "serwersms-token"
	ssUser  = "apiuser"
	ssPass  = "apipass"
)

// serwerSMSModes are the two ways to authenticate, and what each puts on
// the wire.
var serwerSMSModes = []struct {
	name       string
	auth       func() Authenticator
	header     string // expected Authorization
	bodyFields string // expected credential fields, as JSON members
}{
	{"bearer", func() Authenticator { return Bearer(ssToken) }, "Bearer " + ssToken, ""},
	{"keypair", func() Authenticator { return KeyPair(ssUser, ssPass) }, "", `"username":"` + ssUser + `","password":"` + ssPass + `"`},
}

func serwerSMSClient(t *testing.T, a Authenticator, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return mockClient(t, SerwerSMS(), append([]Option{WithAuth(a)}, opts...)...)
}

// withCreds adds the mode's credential fields to an expected body.
func withCreds(body, creds string) string {
	if creds == "" {
		return body
	}
	if body == "{}" {
		return "{" + creds + "}"
	}
	return strings.TrimSuffix(body, "}") + "," + creds + "}"
}

func TestSerwerSMSOperationsInBothAuthModes(t *testing.T) {
	ops := []struct {
		name, action, fixture, body string
		call                        func(*testing.T, *Client)
	}{
		{"List", "index", "index.json", `{}`, func(t *testing.T, c *Client) {
			p, err := c.SubAccounts.List(context.Background(), &ListOptions{PageSize: 10})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 3 || p.NextCursor != "" || len(p.Items) != 3 || p.Items[1].ID != "456" || p.Items[1].Username != "login2" {
				t.Errorf("page = %+v", p)
			}
		}},
		{"Get", "view", "view.json", `{"id":1194}`, func(t *testing.T, c *Client) {
			sa, err := c.SubAccounts.Get(context.Background(), "1194")
			if err != nil {
				t.Fatal(err)
			}
			if sa.ID != "1194" || sa.Username != "wojtek" || sa.Name != "Wojciech" || sa.Phone != "+48730856000" || sa.Email != "wojtek@mail.com" {
				t.Errorf("sub-account = %+v", sa)
			}
		}},
		{"Create", "add", "add.json", `{"subaccount_username":"login1","subaccount_password":"testABC","subaccount_id":123,"name":"testowe subkonto","phone":"500600700","email":"test@test.pl"}`, func(t *testing.T, c *Client) {
			sa, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Username: "login1", Password: "testABC", TemplateID: "123",
				Name: "testowe subkonto", Phone: "500600700", Email: "test@test.pl"})
			if err != nil {
				t.Fatal(err)
			}
			if sa.ID != "1485" || sa.Username != "login1" || sa.Name != "testowe subkonto" {
				t.Errorf("sub-account = %+v", sa)
			}
		}},
		{"SetLimit", "limit", "limit.json", `{"id":123,"type":"eco","value":100}`, func(t *testing.T, c *Client) {
			if err := c.SubAccounts.SetLimit(context.Background(), "123", MessageLimit{Type: "eco", Value: 100}); err != nil {
				t.Fatal(err)
			}
		}},
		{"SetLimit zero", "limit", "limit.json", `{"id":123,"type":"hlr","value":0}`, func(t *testing.T, c *Client) {
			if err := c.SubAccounts.SetLimit(context.Background(), "123", MessageLimit{Type: "hlr"}); err != nil {
				t.Fatal(err)
			}
		}},
		{"Delete", "delete", "delete.json", `{"id":123}`, func(t *testing.T, c *Client) {
			if err := c.SubAccounts.Delete(context.Background(), "123"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, mode := range serwerSMSModes {
		for _, op := range ops {
			t.Run(mode.name+"/"+op.name, func(t *testing.T) {
				c, mt := serwerSMSClient(t, mode.auth())
				rec := respond(t, c, mt, "POST", "subaccounts/"+op.action+".json", 200, fixture(t, "serwersms", op.fixture))
				op.call(t, c)
				s := rec.last(t)
				if s.Method != "POST" || s.Path != "/subaccounts/"+op.action+".json" || s.Query != "" {
					t.Errorf("request = %s %s?%s", s.Method, s.Path, s.Query)
				}
				if s.Header.Get("Content-Type") != "application/json" {
					t.Errorf("Content-Type = %q", s.Header.Get("Content-Type"))
				}
				if got := s.Header.Get("Authorization"); got != mode.header {
					t.Errorf("Authorization = %q, want %q", got, mode.header)
				}
				assertJSONBody(t, s.Body, withCreds(op.body, mode.bodyFields))
			})
		}
	}
}

func TestSerwerSMSEmptyList(t *testing.T) {
	c, mt := serwerSMSClient(t, Bearer(ssToken))
	respond(t, c, mt, "POST", "subaccounts/index.json", 200, fixture(t, "serwersms", "index_empty.json"))
	p, err := c.SubAccounts.List(context.Background(), nil)
	if err != nil || p.Total != 0 || len(p.Items) != 0 {
		t.Fatalf("page = %+v, err = %v", p, err)
	}
}

func TestSerwerSMSErrorCodes(t *testing.T) {
	cases := []struct {
		code     string
		sentinel error
		message  string
	}{
		{"1000", nil, "InvalidAction: Invalid action"},
		{"1001", ErrUnauthorized, "InvalidUser: Invalid username or password"},
		{"1002", ErrForbidden, "InvalidRole: No access to this action"},
		{"1003", ErrForbidden, "this IP address is not allowed for the API user (InvalidIP: Access from this IP address is not allowed)"},
		{"1004", ErrNotFound, "InvalidID: Subaccount not found"},
		{"1005", ErrForbidden, "InvalidRole: Account is not a main account"},
		{"1006", ErrInvalidInput, "InvalidData: Invalid value of parameter type"},
		{"1007", ErrForbidden, "InvalidRole: Account is blocked"},
		{"1008", ErrForbidden, "InvalidRole: Account is not active"},
		{"2000", ErrInvalidInput, "ValidationRequiredError: Field subaccount_username is required"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			c, mt := serwerSMSClient(t, Bearer(ssToken))
			// Under HTTP 200, as the vendor answers.
			rec := respond(t, c, mt, "POST", "subaccounts/view.json", 200, fixture(t, "serwersms", "error_"+tc.code+".json"))
			_, err := c.SubAccounts.Get(context.Background(), "1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Message != tc.message || apiErr.StatusCode != 200 || apiErr.Operation != "SubAccounts.Get" {
				t.Fatalf("err = %#v", err)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want %v", err, tc.sentinel)
			}
			for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrInvalidInput} {
				if other != tc.sentinel && errors.Is(err, other) {
					t.Errorf("err also matches %v", other)
				}
			}
			if rec.count() != 1 {
				t.Errorf("attempts = %d", rec.count())
			}
		})
	}
}

func TestSerwerSMSSuccessFalseIsAFailure(t *testing.T) {
	c, mt := serwerSMSClient(t, Bearer(ssToken))
	respond(t, c, mt, "POST", "subaccounts/delete.json", 200, fixture(t, "serwersms", "success_false.json"))
	var apiErr *APIError
	if err := c.SubAccounts.Delete(context.Background(), "5"); !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
}

func TestSerwerSMSRetryClasses(t *testing.T) {
	cases := []struct {
		name, action, fixture string
		call                  func(*Client) error
		attempts              int
	}{
		{"index is a read", "index", "index.json", func(c *Client) error { _, err := c.SubAccounts.List(context.Background(), nil); return err }, 2},
		{"view is a read", "view", "view.json", func(c *Client) error { _, err := c.SubAccounts.Get(context.Background(), "1"); return err }, 2},
		{"limit is repeatable", "limit", "limit.json", func(c *Client) error {
			return c.SubAccounts.SetLimit(context.Background(), "1", MessageLimit{"eco", 1})
		}, 2},
		{"add is sent once", "add", "add.json", func(c *Client) error {
			_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Username: "abc", Password: "secret", TemplateID: "1"})
			return err
		}, 1},
		{"delete is sent once", "delete", "delete.json", func(c *Client) error { return c.SubAccounts.Delete(context.Background(), "1") }, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := serwerSMSClient(t, Bearer(ssToken))
			rec := respondSeq(t, c, mt, "POST", "subaccounts/"+tc.action+".json", answer(503, []byte(`{}`)), answer(200, fixture(t, "serwersms", tc.fixture)))
			err := tc.call(c)
			if rec.count() != tc.attempts {
				t.Errorf("attempts = %d, want %d (err %v)", rec.count(), tc.attempts, err)
			}
		})
	}
}

func TestSerwerSMSValidation(t *testing.T) {
	c, _ := serwerSMSClient(t, Bearer(ssToken))
	ctx := context.Background()
	good := SubAccountCreate{Username: "abc", Password: "secret", TemplateID: "1"}
	mod := func(f func(*SubAccountCreate)) *SubAccountCreate { in := good; f(&in); return &in }
	create := func(f func(*SubAccountCreate)) func() error {
		return func() error { _, err := c.SubAccounts.Create(ctx, mod(f)); return err }
	}
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"username short", create(func(s *SubAccountCreate) { s.Username = "ab" }), "Username"},
		{"username long", create(func(s *SubAccountCreate) { s.Username = strings.Repeat("a", 21) }), "Username"},
		{"username chars", create(func(s *SubAccountCreate) { s.Username = "bad name" }), "Username"},
		{"password short", create(func(s *SubAccountCreate) { s.Password = "ab" }), "Password"},
		{"password long", create(func(s *SubAccountCreate) { s.Password = Secret(strings.Repeat("p", 21)) }), "Password"},
		{"template", create(func(s *SubAccountCreate) { s.TemplateID = "" }), "TemplateID"},
		{"template not a number", create(func(s *SubAccountCreate) { s.TemplateID = "x1" }), "TemplateID"},
		{"email", create(func(s *SubAccountCreate) { s.Email = "no" }), "Email"},
		{"unused", create(func(s *SubAccountCreate) { s.Country = "PL" }), "Country"},
		{"limit type", func() error { return c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"sms", 1}) }, "Type"},
		{"limit value", func() error { return c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"eco", -1}) }, "Value"},
		{"id", func() error { return c.SubAccounts.Delete(ctx, "../1") }, "id"},
		{"id zero", func() error { _, err := c.SubAccounts.Get(ctx, "0"); return err }, "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ve *ValidationError
			err := tc.call()
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("err = %v, want *ValidationError on %s", err, tc.field)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the password reached the error: %v", err)
			}
		})
	}
}

func TestSerwerSMSAuth(t *testing.T) {
	for _, a := range []Authenticator{APIKeyAuth("k"), NewSessionToken("a", "b")} {
		if _, err := NewClient(SerwerSMS(), WithAuth(a)); err == nil || !contains(err.Error(), "Bearer, KeyPair") {
			t.Errorf("%s: err = %v", authName(a), err)
		}
	}
	c, _ := mockClient(t, SerwerSMS())
	if _, err := c.SubAccounts.List(context.Background(), nil); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("no auth: err = %v", err)
	}
}

func TestSerwerSMSUnsupported(t *testing.T) {
	c, _ := serwerSMSClient(t, Bearer(ssToken))
	ctx := context.Background()
	for name, err := range map[string]error{
		"Update":        func() error { _, err := c.SubAccounts.Update(ctx, "1", &SubAccountUpdate{}); return err }(),
		"Keys.List":     func() error { _, err := c.Keys.List(ctx, "1"); return err }(),
		"Keys.Create":   func() error { _, err := c.Keys.Create(ctx, "1", "l"); return err }(),
		"Keys.Exchange": func() error { _, err := c.Keys.Exchange(ctx, "1", "p"); return err }(),
		"Records.Calls": func() error {
			for _, err := range c.Records.Calls(ctx, nil) {
				return err
			}
			return nil
		}(),
		"Agency.Recover": c.Agency.Recover(ctx, "a@b.co"),
	} {
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestSerwerSMSCanarySecrets(t *testing.T) {
	const (
		token   = "CANARY-SS-TOKEN-1a"
		user    = "CANARY-SS-USER-2b"
		pass    = "CANARY-SS-PASS-3c"
		subPass = "CANARY-SUBPW-4d"
	)
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any
	for _, a := range []Authenticator{Bearer(token), KeyPair(user, pass)} {
		for _, fx := range []string{"", "error_1001.json", "error_2000.json"} {
			c, mt := mockClient(t, SerwerSMS(), WithAuth(a), WithLogger(logger), WithBaseURL(testBaseURL(t)+"-"+authName(a)+strings.TrimSuffix(fx, ".json")))
			for action, ok := range map[string]string{"index": "index.json", "view": "view.json", "add": "add.json", "limit": "limit.json", "delete": "delete.json"} {
				body := fixture(t, "serwersms", ok)
				if fx != "" {
					body = fixture(t, "serwersms", fx)
				}
				respond(t, c, mt, "POST", "subaccounts/"+action+".json", 200, body)
			}
			p, err := c.SubAccounts.List(ctx, nil)
			errs, values = append(errs, err), append(values, p)
			sa, err := c.SubAccounts.Get(ctx, "1")
			errs, values = append(errs, err), append(values, sa)
			sa, err = c.SubAccounts.Create(ctx, &SubAccountCreate{Username: "abc", Password: subPass, TemplateID: "1"})
			errs, values = append(errs, err), append(values, sa)
			errs = append(errs, c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"eco", 5}), c.SubAccounts.Delete(ctx, "1"))
			values = append(values, c, a)
		}
	}
	// A password that fails validation is not echoed either.
	c, _ := serwerSMSClient(t, KeyPair(user, pass))
	_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Username: "abc", Password: Secret(subPass + strings.Repeat("x", 30)), TemplateID: "1"})
	errs = append(errs, err)
	assertNoCanary(t, []string{token, user, pass, subPass}, logs.String(), errs, values...)
}

// {"success":true} without an id (what the vendor's official Java client
// documents) is a created sub-account, sent once, not a failure.
func TestSerwerSMSCreateWithoutIDSucceeds(t *testing.T) {
	c, mt := serwerSMSClient(t, Bearer(ssToken))
	rec := respond(t, c, mt, "POST", "subaccounts/add.json", 200, fixture(t, "serwersms", "add_no_id.json"))
	sa, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Username: "login1", Password: "testABC", TemplateID: "123", Email: "test@test.pl"})
	if err != nil {
		t.Fatal(err)
	}
	if sa.ID != "" || sa.Username != "login1" || sa.Email != "test@test.pl" || rec.count() != 1 {
		t.Errorf("sub-account = %+v, attempts = %d", sa, rec.count())
	}
	// Neither success nor an id: not a sub-account the SDK can vouch for.
	c, mt = serwerSMSClient(t, Bearer(ssToken))
	respond(t, c, mt, "POST", "subaccounts/add.json", 200, []byte(`{}`))
	_, err = c.SubAccounts.Create(context.Background(), &SubAccountCreate{Username: "login1", Password: "testABC", TemplateID: "123"})
	if !errors.As(err, new(*DecodeError)) {
		t.Errorf("empty answer: err = %v", err)
	}
}

// The codes beyond the seed's table, from the vendor's general page and its
// official Java client: each matches its sentinel (and only that one).
func TestSerwerSMSMoreErrorCodes(t *testing.T) {
	for code, want := range map[string]error{
		"1009": ErrForbidden, "1011": ErrUnauthorized, "1012": ErrUnauthorized,
		"4500": ErrForbidden, "4501": ErrForbidden, "4502": ErrConflict, "4503": ErrInvalidInput, "4504": ErrInvalidInput,
	} {
		c, mt := serwerSMSClient(t, Bearer(ssToken))
		respond(t, c, mt, "POST", "subaccounts/add.json", 200, fixture(t, "serwersms", "error_"+code+".json"))
		_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Username: "login1", Password: "testABC", TemplateID: "123"})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != code || !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", code, err, want)
		}
		for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrInvalidInput} {
			if other != want && errors.Is(err, other) {
				t.Errorf("%s also matches %v", code, other)
			}
		}
	}
}

func TestSerwerSMSSuccessFalseIsNotFound(t *testing.T) {
	c, mt := serwerSMSClient(t, Bearer(ssToken))
	respond(t, c, mt, "POST", "subaccounts/limit.json", 200, fixture(t, "serwersms", "success_false.json"))
	err := c.SubAccounts.SetLimit(context.Background(), "5", MessageLimit{Type: "eco", Value: 1})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

// 1010 (temporarily unavailable, under HTTP 200) is retried for the actions
// that may be sent again, never for add or delete.
func TestSerwerSMSUnavailableRetriedForReadsOnly(t *testing.T) {
	cases := []struct {
		action, fixture string
		call            func(*Client) error
		attempts        int
	}{
		{"index", "index.json", func(c *Client) error { _, err := c.SubAccounts.List(context.Background(), nil); return err }, 2},
		{"view", "view.json", func(c *Client) error { _, err := c.SubAccounts.Get(context.Background(), "1"); return err }, 2},
		{"limit", "limit.json", func(c *Client) error {
			return c.SubAccounts.SetLimit(context.Background(), "1", MessageLimit{"eco", 1})
		}, 2},
		{"add", "add.json", func(c *Client) error {
			_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Username: "abc", Password: "secret", TemplateID: "1"})
			return err
		}, 1},
		{"delete", "delete.json", func(c *Client) error { return c.SubAccounts.Delete(context.Background(), "1") }, 1},
	}
	for _, tc := range cases {
		c, mt := serwerSMSClient(t, Bearer(ssToken))
		rec := respondSeq(t, c, mt, "POST", "subaccounts/"+tc.action+".json",
			answer(200, fixture(t, "serwersms", "error_1010.json")), answer(200, fixture(t, "serwersms", tc.fixture)))
		err := tc.call(c)
		if rec.count() != tc.attempts {
			t.Errorf("%s: attempts = %d, want %d", tc.action, rec.count(), tc.attempts)
		}
		var apiErr *APIError
		if tc.attempts == 1 && (!errors.As(err, &apiErr) || apiErr.Code != "1010") {
			t.Errorf("%s: err = %v, want the 1010", tc.action, err)
		}
		if tc.attempts == 2 && err != nil {
			t.Errorf("%s: err = %v", tc.action, err)
		}
	}
}
