package multiaccount

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// v22Case is one SDK operation and the v2.2 operation it must send.
type v22Case struct {
	fixture, method, path string
	call                  func(c *Client) error
}

func v22Cases() []v22Case {
	ctx := context.Background()
	return []v22Case{
		{"add.json", "POST", "/v2.2/account", func(c *Client) error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "Acme Branch", Username: "4592086970", Email: "branch@acme.example", MasterAccount: "4592086960"})
			return err
		}},
		{"apikey.json", "POST", "/v2.2/account/api-key", func(c *Client) error {
			_, err := c.Keys.Exchange(ctx, "4592086960", "abc1234567")
			return err
		}},
		{"cdr.json", "GET", "/v2.2/account/cdr", func(c *Client) error {
			_, err := collectCalls(ctx, c, &CallQuery{Start: time.Unix(1699913600, 0), End: time.Unix(1700000000, 0)})
			return err
		}},
		{"info.json", "GET", "/v2.2/account", func(c *Client) error { _, err := c.Agency.Account(ctx); return err }},
		{"mrc.json", "GET", "/v2.2/account/recurring-charges", func(c *Client) error { _, err := c.Records.RecurringCharges(ctx); return err }},
		{"recover.json", "POST", "/v2.2/account/recovery", func(c *Client) error { return c.Agency.Recover(ctx, "john@example.com") }},
		{"registration.json", "GET", "/v2.2/account/registration", func(c *Client) error { _, err := c.Agency.SIPRegistration(ctx); return err }},
		{"signup.json", "POST", "/v2.2/accounts", func(c *Client) error {
			_, err := c.Agency.Signup(ctx, &Signup{Name: "John Smith", Email: "john@example.com", Promo: "SPRING"})
			return err
		}},
		{"settings.json", "PUT", "/v2.2/account", func(c *Client) error {
			// Every field, so that every property the SDK can send is checked.
			_, err := c.Agency.UpdateSettings(ctx, &AccountSettings{
				Timezone: Ptr("America/Chicago"), Notify: Ptr(false), NotifyThreshold: Ptr(0), CallerID: Ptr("2015551234"),
				CCS: Ptr(4), SMS: Ptr(true), MMS: Ptr(false), International: Ptr(true), E911: Ptr(true),
			})
			return err
		}},
		{"credits.json", "GET", "/v2.2/account/credits", func(c *Client) error { _, err := c.Records.Credits(ctx, &CreditQuery{Paid: Ptr(false)}); return err }},
		{"payments.json", "GET", "/v2.2/account/payments", func(c *Client) error { _, err := c.Records.Payments(ctx); return err }},
	}
}

// v22ErrorFixture is the fixture an operation answers with status.
func v22ErrorFixture(path string, status string) string {
	if path == "/v2.2/account/recovery" && status == "400" {
		return "error_400_recover.json"
	}
	return "error_" + status + ".json"
}

func TestVoiceTelV22RequestsAndFixturesMatchTheDocument(t *testing.T) {
	spec := loadOpenAPI(t, "v2.2.json")
	spec.strict = true
	covered := map[string]bool{}
	for _, tc := range v22Cases() {
		key := tc.method + " " + tc.path
		covered[key] = true
		op, ok := spec.Paths[tc.path][strings.ToLower(tc.method)]
		if !ok {
			t.Errorf("%s: not in the document", key)
			continue
		}
		statuses := make([]string, 0, len(op.Responses))
		for st := range op.Responses {
			statuses = append(statuses, st)
		}
		sort.Strings(statuses)
		// Every documented answer: the SDK sends the documented request,
		// and reads the documented success and failures.
		for _, st := range statuses {
			status, _ := strconv.Atoi(st)
			name := tc.fixture
			if status >= 300 {
				name = v22ErrorFixture(tc.path, st)
			}
			body := fixture(t, "voicetel", "v2.2/"+name)
			for _, e := range spec.validate("response", op.Responses[st].Content["application/json"].Schema, jsonAny(t, body)) {
				t.Errorf("%s %s fixture %s: %s", key, st, name, e)
			}
			c, mt := mockClient(t, VoiceTel(InVersion(VoiceTelV22)), WithAuth(Bearer(vtKey)), WithClock(newFakeClock()), withPrivateLimiters())
			rec := respond(t, c, mt, tc.method, strings.TrimPrefix(tc.path, "/"), status, body)
			err := tc.call(c)
			if rec.count() != 1 {
				t.Errorf("%s answering %s: %d requests, want 1", key, st, rec.count())
				continue
			}
			checkV22Request(t, spec, key, op, rec.last(t))
			var apiErr *APIError
			switch {
			case status < 300 && err != nil:
				t.Errorf("%s answering %s (%s): %v", key, st, name, err)
			case status >= 300 && (!errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Message == ""):
				t.Errorf("%s answering %s: err = %v, want the vendor's *APIError", key, st, err)
			case status == http.StatusTooManyRequests && !errors.Is(err, ErrRateLimited):
				t.Errorf("%s answering 429: err = %v, want ErrRateLimited", key, err)
			}
		}
	}
	// The account family is covered whole: every operation of the
	// document's account paths has a case.
	for path, ops := range spec.Paths {
		if path != "/v2.2/accounts" && path != "/v2.2/account" && !strings.HasPrefix(path, "/v2.2/account/") {
			continue
		}
		for m := range ops {
			if key := strings.ToUpper(m) + " " + path; !covered[key] {
				t.Errorf("%s: an account operation of the document the SDK does not send", key)
			}
		}
	}
	// The checks can fail: a body with a numeric username, no email and an
	// unknown field breaks the create schema three times; a caller ID off
	// the pattern and a list of the wrong length break theirs.
	add := spec.Paths["/v2.2/account"]["post"].RequestBody.Content["application/json"].Schema
	if bad := spec.validate("request", add, jsonAny(t, []byte(`{"name":"A","username":4592086960,"apikey":"k"}`))); len(bad) != 3 {
		t.Errorf("validator found %v in a body with three faults", bad)
	}
	put := spec.Paths["/v2.2/account"]["put"].RequestBody.Content["application/json"].Schema
	if bad := spec.validate("request", put, jsonAny(t, []byte(`{"callerId":"1015551234"}`))); len(bad) != 1 {
		t.Errorf("validator found %v in a caller ID off the pattern", bad)
	}
	cdr := spec.Paths["/v2.2/account/cdr"]["get"].Responses["200"].Content["application/json"].Schema
	if bad := spec.validate("response", cdr, jsonAny(t, []byte(`{"status":"success","data":{"cdr":[{"id":"x","key":["1"],"value":{}}]}}`))); len(bad) != 1 {
		t.Errorf("validator found %v in a one-element key", bad)
	}
}

// checkV22Request checks one sent request against its operation: method
// and path, the query parameters, the body and where the key goes.
func checkV22Request(t *testing.T, spec *oaDoc, key string, op oaOperation, s seen) {
	t.Helper()
	checkV22Shape(t, spec, key, op, s)
	// security [] takes no key (the api-key exchange refuses one); the
	// rest take the Bearer header, and nowhere else.
	auth := s.Header.Get("Authorization")
	keyed := op.Security == nil || len(*op.Security) > 0
	if keyed && auth != "Bearer "+vtKey {
		t.Errorf("%s: Authorization = %q, want the Bearer key", key, auth)
	}
	if !keyed && auth != "" {
		t.Errorf("%s: Authorization = %q, want none", key, auth)
	}
	if strings.Contains(string(s.Body), vtKey) || strings.Contains(s.Query, vtKey) {
		t.Errorf("%s: the key is in the body or query; v2.2 takes it only in the header", key)
	}
}

// checkV22Shape checks a request's method and path, query parameters and
// body against its operation.
func checkV22Shape(t *testing.T, spec *oaDoc, key string, op oaOperation, s seen) {
	t.Helper()
	if s.Method+" "+s.Path != key {
		t.Errorf("sent %s %s, want %s", s.Method, s.Path, key)
	}
	q, err := url.ParseQuery(s.Query)
	if err != nil {
		t.Errorf("%s: query %q: %v", key, s.Query, err)
	}
	documented := map[string]bool{}
	for _, p := range op.Parameters {
		if p.In != "query" {
			continue
		}
		documented[p.Name] = true
		vals, sent := q[p.Name]
		if !sent {
			if p.Required {
				t.Errorf("%s: required query parameter %s not sent", key, p.Name)
			}
			continue
		}
		for _, v := range vals {
			var asJSON any = v
			if typ := spec.resolve(p.Schema).Type; len(typ) > 0 && (typ[0] == "integer" || typ[0] == "number") {
				asJSON = jsonAny(t, []byte(v))
			}
			for _, e := range spec.validate("query."+p.Name, p.Schema, asJSON) {
				t.Errorf("%s: %s", key, e)
			}
		}
	}
	for name := range q {
		if !documented[name] {
			t.Errorf("%s: query parameter %s is not in the document", key, name)
		}
	}
	if op.RequestBody == nil {
		if len(s.Body) != 0 {
			t.Errorf("%s: sent a body the operation does not take: %s", key, s.Body)
		}
	} else {
		if ct := s.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type = %q", key, ct)
		}
		for _, e := range spec.validate("request", op.RequestBody.Content["application/json"].Schema, jsonAny(t, s.Body)) {
			t.Errorf("%s: %s", key, e)
		}
	}
}
