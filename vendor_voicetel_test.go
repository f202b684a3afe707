package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const vtKey = "vt-test-key"

func voiceTelClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	c, mt := mockClient(t, VoiceTel(), append([]Option{WithAuth(Bearer(vtKey))}, opts...)...)
	return c, mt
}

// assertVoiceTelRequest checks what every VoiceTel call sends: POST, JSON,
// the Bearer header exactly when keyed, and the body.
func assertVoiceTelRequest(t *testing.T, s seen, path string, keyed bool, body string) {
	t.Helper()
	if s.Method != http.MethodPost || s.Path != path {
		t.Errorf("request = %s %s, want POST %s", s.Method, s.Path, path)
	}
	if s.Query != "" {
		t.Errorf("query = %q, want none", s.Query)
	}
	if ct := s.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	auth := s.Header.Get("Authorization")
	if keyed && auth != "Bearer "+vtKey {
		t.Errorf("Authorization = %q, want the Bearer key", auth)
	}
	if !keyed && auth != "" {
		t.Errorf("Authorization = %q, want none: this operation takes no key", auth)
	}
	assertJSONBody(t, s.Body, body)
}

func TestVoiceTelCreateSubAccount(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/add/", 200, fixture(t, "voicetel", "add.json"))
	sa, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{
		Name: "Acme Corp", Username: "4592086960", Email: "billing@example.com", MasterAccount: "4592086960",
	})
	if err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/add/", true,
		`{"name":"Acme Corp","username":4592086960,"email":"billing@example.com","masterAccount":4592086960,"apikey":"`+vtKey+`"}`)
	if sa.ID != "4592086960" || sa.Username != "4592086960" || sa.Name != "Acme Corp" || sa.Email != "billing@example.com" {
		t.Errorf("sub-account = %+v", sa)
	}
	if sa.Password.Reveal() != "abc1234567" {
		t.Errorf("generated password not returned")
	}
	assertRawRedacted(t, sa.Raw, "abc1234567")
}

func TestVoiceTelCreateOmitsOptionalMasterAccount(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/add/", 200, fixture(t, "voicetel", "add.json"))
	if _, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@b.co"}); err != nil {
		t.Fatal(err)
	}
	assertJSONBody(t, rec.last(t).Body, `{"name":"A","username":1234567890,"email":"a@b.co","apikey":"`+vtKey+`"}`)
}

func TestVoiceTelExchangeKey(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/apikey/", 200, fixture(t, "voicetel", "apikey.json"))
	k, err := c.Keys.Exchange(context.Background(), "1234567890", "abc1234567")
	if err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/apikey/", false, `{"username":1234567890,"password":"abc1234567"}`)
	if k.Key.Reveal() != "dec759ed81963fd9a4b8a9c8f3e22b1a" {
		t.Errorf("key not decoded")
	}
	assertRawRedacted(t, k.Raw, "dec759ed81963fd9a4b8a9c8f3e22b1a")
}

func TestVoiceTelCalls(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/cdr/", 200, fixture(t, "voicetel", "cdr.json"))
	start := time.Unix(1699913600, 0)
	end := time.Unix(1700000000, 0)
	var got []*CallRecord
	for r, err := range c.Records.Calls(context.Background(), &CallQuery{Start: start, End: end}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	// start is the earlier bound, whatever the vendor's docs say.
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/cdr/", true, `{"start":1699913600,"end":1700000000,"apikey":"`+vtKey+`"}`)
	if rec.count() != 1 {
		t.Errorf("requests = %d, want 1", rec.count())
	}
	if len(got) != 2 {
		t.Fatalf("records = %d, want 2", len(got))
	}
	r := got[0]
	if r.ID != "f2ce9c3091697619f27f7e4280bf2747" || r.From != "8666326621" || r.To != "8008786160" ||
		r.Duration != 40*time.Second || !r.Start.Equal(time.Unix(1699990000, 0)) || len(r.Raw) == 0 {
		t.Errorf("record 0 = %+v", r)
	}
	if got[1].Duration != 125*time.Second || !got[1].Start.Equal(time.Unix(1699995000, 0)) {
		t.Errorf("record 1 = %+v", got[1])
	}
}

func TestVoiceTelCallsWithoutWindowSendsNoBounds(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/cdr/", 200, fixture(t, "voicetel", "cdr.json"))
	for _, err := range c.Records.Calls(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
	}
	assertJSONBody(t, rec.last(t).Body, `{"apikey":"`+vtKey+`"}`)
}

func TestVoiceTelAccount(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	a, err := c.Agency.Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/info/", true, `{"apikey":"`+vtKey+`"}`)
	if a.Name != "Acme Corp" || a.Username != "4592086960" || a.Email != "billing@example.com" || !a.Enabled ||
		a.Balance == nil || *a.Balance != 25.5 || !a.Created.Equal(time.Date(2020, 1, 15, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("account = %+v", a)
	}
}

func TestVoiceTelRecurringCharges(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/mrc/", 200, fixture(t, "voicetel", "mrc.json"))
	ch, err := c.Records.RecurringCharges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/mrc/", true, `{"apikey":"`+vtKey+`"}`)
	want := []Charge{{"Hosted PBX", 19.99}, {"E911", 1.5}, {"did", 4.25}}
	if len(ch.Items) != len(want) {
		t.Fatalf("items = %+v", ch.Items)
	}
	for i := range want {
		if ch.Items[i] != want[i] {
			t.Errorf("item %d = %+v, want %+v", i, ch.Items[i], want[i])
		}
	}
	if ch.Total != 25.74 {
		t.Errorf("total = %v", ch.Total)
	}
}

func TestVoiceTelRecurringChargesWithoutTotalSums(t *testing.T) {
	c, mt := voiceTelClient(t)
	respond(t, c, mt, "POST", "v2.1/account/mrc/", 200, []byte(`{"mrc":[{"a":"1.5"},{"did":2}],"statusCode":"200","status":"Success"}`))
	ch, err := c.Records.RecurringCharges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ch.Total != 3.5 || len(ch.Items) != 2 {
		t.Errorf("charges = %+v", ch)
	}
}

func TestVoiceTelSIPRegistration(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/registration/", 200, fixture(t, "voicetel", "registration.json"))
	reg, err := c.Agency.SIPRegistration(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/registration/", true, `{"apikey":"`+vtKey+`"}`)
	if reg.URI != "sip:4592086960@192.0.2.1:5060" || reg.Agent != "Zoiper rv2.8.97/" || len(reg.Raw) == 0 {
		t.Errorf("registration = %+v", reg)
	}
}

func TestVoiceTelSIPRegistrationNotRegistered(t *testing.T) {
	c, mt := voiceTelClient(t)
	respond(t, c, mt, "POST", "v2.1/account/registration/", 404, fixture(t, "voicetel", "error_404.json"))
	_, err := c.Agency.SIPRegistration(context.Background())
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestVoiceTelSignup(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/signup/", 200, fixture(t, "voicetel", "signup.json"))
	acct, err := c.Agency.Signup(context.Background(), &Signup{Name: "John Doe", Email: "john@example.com", Promo: "PROMO2024"})
	if err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/signup/", false, `{"name":"John Doe","email":"john@example.com","promo":"PROMO2024"}`)
	if acct.Username != "4592086960" || acct.Password.Reveal() != "abc1234567" {
		t.Errorf("new account = %+v", acct)
	}
	assertRawRedacted(t, acct.Raw, "abc1234567")
}

func TestVoiceTelRecover(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/recover/", 200, fixture(t, "voicetel", "recover.json"))
	if err := c.Agency.Recover(context.Background(), "john@example.com"); err != nil {
		t.Fatal(err)
	}
	assertVoiceTelRequest(t, rec.last(t), "/v2.1/account/recover/", false, `{"email":"john@example.com"}`)
}

func TestVoiceTelErrors(t *testing.T) {
	cases := []struct {
		name     string
		path     string
		status   int
		fixture  string
		call     func(*Client) error
		sentinel error
		code     string
		message  string
	}{
		{"add 400", "v2.1/account/add/", 400, "error_400.json", createAcme, ErrInvalidInput, "400", "Field Required: apikey"},
		{"add 401", "v2.1/account/add/", 401, "error_401.json", createAcme, ErrUnauthorized, "401", "Invalid API Key"},
		{"add 409", "v2.1/account/add/", 409, "error_409.json", createAcme, ErrConflict, "409", "Account already exists"},
		{"info 401", "v2.1/account/info/", 401, "error_401.json", getAccount, ErrUnauthorized, "401", "Invalid API Key"},
		{"info failure under 200", "v2.1/account/info/", 200, "error_in_200.json", getAccount, ErrUnauthorized, "401", "Invalid API Key"},
		{"registration 404", "v2.1/account/registration/", 404, "error_404.json", getRegistration, ErrNotFound, "404", "No registration found"},
		{"recover 400", "v2.1/account/recover/", 400, "error_400_recover.json", recoverJohn, ErrInvalidInput, "400", "Field: email: Must be valid"},
		{"signup 409", "v2.1/account/signup/", 409, "error_409.json", signupJohn, ErrConflict, "409", "Account already exists"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := voiceTelClient(t)
			rec := respond(t, c, mt, "POST", tc.path, tc.status, fixture(t, "voicetel", tc.fixture))
			err := tc.call(c)
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err %T is not *APIError", err)
			}
			if apiErr.Code != tc.code || apiErr.Message != tc.message || apiErr.Provider != "VoiceTel" || apiErr.StatusCode != tc.status {
				t.Errorf("APIError = %+v", apiErr)
			}
			if rec.count() != 1 {
				t.Errorf("attempts = %d, want 1 (client errors are not retried)", rec.count())
			}
		})
	}
}

func createAcme(c *Client) error {
	_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "Acme", Username: "4592086960", Email: "a@example.com"})
	return err
}
func getAccount(c *Client) error { _, err := c.Agency.Account(context.Background()); return err }
func getRegistration(c *Client) error {
	_, err := c.Agency.SIPRegistration(context.Background())
	return err
}
func recoverJohn(c *Client) error { return c.Agency.Recover(context.Background(), "john@example.com") }
func signupJohn(c *Client) error {
	_, err := c.Agency.Signup(context.Background(), &Signup{Name: "John", Email: "john@example.com"})
	return err
}

func TestVoiceTelServer429IsRateLimitError(t *testing.T) {
	c, mt := voiceTelClient(t)
	rec := respond(t, c, mt, "POST", "v2.1/account/add/", 429, fixture(t, "voicetel", "error_429.json"), "Retry-After", "3600")
	err := createAcme(c)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Local || rl.RetryAfter != time.Hour {
		t.Fatalf("err = %v, want a server *RateLimitError with RetryAfter 1h", err)
	}
	var apiErr *APIError
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.Code != "429" {
		t.Errorf("err should be ErrRateLimited and unwrap to the *APIError, got %v", err)
	}
	if rec.count() != 1 {
		t.Errorf("attempts = %d, want 1 (Retry-After beyond the cap is not slept on)", rec.count())
	}
}

func TestVoiceTelUnsupportedOperations(t *testing.T) {
	c, _ := voiceTelClient(t) // any request would fail the test
	ctx := context.Background()
	calls := map[string]func() error{
		"SubAccounts.List":     func() error { _, err := c.SubAccounts.List(ctx, nil); return err },
		"SubAccounts.Get":      func() error { _, err := c.SubAccounts.Get(ctx, "1"); return err },
		"SubAccounts.Update":   func() error { _, err := c.SubAccounts.Update(ctx, "1", &SubAccountUpdate{}); return err },
		"SubAccounts.Delete":   func() error { return c.SubAccounts.Delete(ctx, "1") },
		"SubAccounts.SetLimit": func() error { return c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"eco", 1}) },
		"Keys.List":            func() error { _, err := c.Keys.List(ctx, "1"); return err },
		"Keys.Create":          func() error { _, err := c.Keys.Create(ctx, "1", "x"); return err },
		"Agency.Session":       func() error { _, err := c.Agency.Session(ctx); return err },
		"Agency.AddProspects":  func() error { return c.Agency.AddProspects(ctx, "1", nil, ProspectOptions{}) },
		"SubAccounts.All": func() error {
			for _, err := range c.SubAccounts.All(ctx, nil) {
				return err
			}
			return nil
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, ErrUnsupported) || !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
		}
	}
}

func TestVoiceTelValidation(t *testing.T) {
	c, _ := voiceTelClient(t) // any request would fail the test
	ctx := context.Background()
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"username short", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "123", Email: "a@b.co"})
			return err
		}, "Username"},
		{"username letters", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "12345abcde", Email: "a@b.co"})
			return err
		}, "Username"},
		{"name empty", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Username: "1234567890", Email: "a@b.co"})
			return err
		}, "Name"},
		{"email bad", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "nope"})
			return err
		}, "Email"},
		{"master account", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@b.co", MasterAccount: "12"})
			return err
		}, "MasterAccount"},
		{"field VoiceTel has no place for", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@b.co", Password: "pw"})
			return err
		}, "Password"},
		{"nil create", func() error { _, err := c.SubAccounts.Create(ctx, nil); return err }, "in"},
		{"exchange username", func() error { _, err := c.Keys.Exchange(ctx, "abc", "pw"); return err }, "username"},
		{"exchange password", func() error { _, err := c.Keys.Exchange(ctx, "1234567890", ""); return err }, "password"},
		{"calls window", func() error {
			for _, err := range c.Records.Calls(ctx, &CallQuery{Start: time.Unix(200, 0), End: time.Unix(100, 0)}) {
				return err
			}
			return nil
		}, "Start"},
		{"calls account", func() error {
			for _, err := range c.Records.Calls(ctx, &CallQuery{AccountID: "1"}) {
				return err
			}
			return nil
		}, "AccountID"},
		{"signup email", func() error { _, err := c.Agency.Signup(ctx, &Signup{Name: "J", Email: "j@"}); return err }, "Email"},
		{"signup name control char", func() error {
			_, err := c.Agency.Signup(ctx, &Signup{Name: "J\r\nX-Injected: 1", Email: "j@example.com"})
			return err
		}, "Name"},
		{"recover email", func() error { return c.Agency.Recover(ctx, "") }, "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if ve.Field != tc.field {
				t.Errorf("field = %q, want %q", ve.Field, tc.field)
			}
		})
	}
}

func TestVoiceTelKeyedCallWithoutAuth(t *testing.T) {
	c, _ := mockClient(t, VoiceTel())
	_, err := c.Agency.Account(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized before any request", err)
	}
}

func TestVoiceTelRefusesOtherAuthenticators(t *testing.T) {
	for _, a := range []Authenticator{KeyPair("a", "b"), APIKeyAuth("k"), NewSessionToken("a", "b")} {
		_, err := NewClient(VoiceTel(), WithAuth(a))
		if err == nil || !contains(err.Error(), "Bearer") {
			t.Errorf("%s: err = %v, want a refusal naming Bearer", authName(a), err)
		}
	}
}

func TestEchoedCredentialsAreScrubbed(t *testing.T) {
	const password = "CANARY-ECHOED-PW-77"
	c, mt := voiceTelClient(t)
	respond(t, c, mt, "POST", "v2.1/account/apikey/", 400,
		[]byte(`{"statusCode":"400","status":"Error","message":"bad login 1234567890/`+password+` via /v2.1/account/apikey/?apikey=`+vtKey+`"}`))
	_, err := c.Keys.Exchange(context.Background(), "1234567890", password)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	assertNoCanary(t, []string{password, vtKey}, "", []error{err})
	if !contains(apiErr.Message, "bad login 1234567890/[REDACTED]") {
		t.Errorf("message = %q: the rest of the vendor's message should survive", apiErr.Message)
	}
}

// A record's start and account come from its key, as the vendor sends
// them: the value carries no start.
func TestVoiceTelCallsStartAndAccountFromKey(t *testing.T) {
	c, mt := voiceTelClient(t)
	respond(t, c, mt, "POST", "v2.1/account/cdr/", 200, fixture(t, "voicetel", "cdr_key_only.json"))
	var got []*CallRecord
	for r, err := range c.Records.Calls(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 1 {
		t.Fatalf("records = %d", len(got))
	}
	if r := got[0]; !r.Start.Equal(time.Unix(1700001234, 0)) || r.AccountID != "4592086960" || r.Duration != 61*time.Second {
		t.Errorf("record = %+v", r)
	}
}

// A record without a usable key is a decode error naming the record, not a
// call at the zero time.
func TestVoiceTelCallsBadKeyIsDecodeError(t *testing.T) {
	for file, want := range map[string][2]string{
		"cdr_key_missing.json":   {"record 1", `id "rec-without-key": no key`},
		"cdr_key_malformed.json": {"record 0", `id "rec-bad-key": key[1] is not a start`},
	} {
		c, mt := voiceTelClient(t)
		respond(t, c, mt, "POST", "v2.1/account/cdr/", 200, fixture(t, "voicetel", file))
		var last error
		n := 0
		for r, err := range c.Records.Calls(context.Background(), nil) {
			if err != nil {
				last = err
				break
			}
			n++
			_ = r
		}
		var de *DecodeError
		if !errors.As(last, &de) || de.Reason != want[0] || !strings.Contains(last.Error(), want[1]) || de.Operation != "Records.Calls" || n != 0 {
			t.Errorf("%s: %d records, err = %v", file, n, last)
		}
	}
}

// payload's struct decode finds what a map decode finds: names matched
// exactly (no case folding), the last of duplicates, null kept as null,
// and the same refusal of an answer that is not an object.
func TestVoiceTelAnswerDecodesAsAMap(t *testing.T) {
	for _, body := range []string{
		`{"account":{"uri":"a"},"data":{"d":1}}`,
		`{"Account":{"uri":"folded"},"DATA":{"d":1}}`,
		`{"account":{"uri":"first"},"account":{"uri":"last"}}`,
		`{"account":null,"data":null}`,
		`{"account":"text","data":[1,2]}`,
		`{"other":{"account":{"uri":"nested"}}}`,
		`{}`, `null`, `[]`, `"account"`, `12`, `{"account":`,
	} {
		var m map[string]json.RawMessage
		mErr := unmarshalJSON([]byte(body), &m)
		var a voiceTelAnswer
		aErr := unmarshalJSON([]byte(body), &a)
		if (mErr == nil) != (aErr == nil) {
			t.Errorf("%s: map err %v, struct err %v", body, mErr, aErr)
			continue
		}
		if mErr != nil {
			continue
		}
		if string(m["account"]) != string(a.Account) || string(m["data"]) != string(a.Data) {
			t.Errorf("%s: map %q %q, struct %q %q", body, m["account"], m["data"], a.Account, a.Data)
		}
	}
}

// The key's scan reads it as decoding it into a []flexString does.
func TestVoiceTelCDRKeyReadsAsAList(t *testing.T) {
	for _, raw := range []string{
		`["4592086960","1699990000"]`, ` [ "acct" , 1699990000 ] `, `["a\u0062c","16999"]`, `["a","1","2"]`, `["a"]`, `[]`,
		`[null,"1"]`, `["a",null]`, `[{"x":1},"1"]`, `["a",true]`, `["a",[1]]`, `{"0":"a","1":"1"}`, `"a,1"`, `12`,
		`["a","-5"]`, `["a","1.5"]`, `["a",1e3]`, `["a","0x10"]`, `["a,b","1"]`, `["a\"]","1"]`,
	} {
		acct, start, err := voiceTelCDRKey(json.RawMessage(raw))
		var key []flexString
		if uerr := json.Unmarshal([]byte(raw), &key); uerr != nil || len(key) != 2 {
			if err == nil || !strings.Contains(err.Error(), "not a pair") {
				t.Errorf("%s: err = %v, want not a pair", raw, err)
			}
			continue
		}
		if err != nil {
			if key[0] != "" && !strings.Contains(err.Error(), "key[1]") {
				t.Errorf("%s: err = %v for the pair %q", raw, err, key)
			}
			continue
		}
		if acct != string(key[0]) || strconv.FormatInt(start.Unix(), 10) != string(key[1]) {
			t.Errorf("%s: %q %v, want %q", raw, acct, start, key)
		}
	}
}
