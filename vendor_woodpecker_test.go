package multiaccount

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const wpKey = "woodpecker-agency-key"

// woodpeckerModes are the two ways to authenticate and the header each
// sends for a given key.
var woodpeckerModes = []struct {
	name   string
	auth   func(key string) Authenticator
	header func(s seen) string
	want   func(key string) string
}{
	{"x-api-key", func(k string) Authenticator { return APIKeyAuth(k) }, func(s seen) string { return s.Header.Get("x-api-key") }, func(k string) string { return k }},
	{"legacy basic", func(k string) Authenticator { return KeyPair(k, "X") }, func(s seen) string { return s.Header.Get("Authorization") },
		func(k string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(k+":X")) }},
}

func woodpeckerClient(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return mockClient(t, Woodpecker(), append([]Option{WithAuth(APIKeyAuth(wpKey))}, opts...)...)
}

func TestWoodpeckerOperationsInBothAuthModes(t *testing.T) {
	for _, mode := range woodpeckerModes {
		t.Run(mode.name, func(t *testing.T) {
			c, mt := mockClient(t, Woodpecker(), WithAuth(mode.auth(wpKey)))
			list := respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
			add := respond(t, c, mt, "POST", "rest/v1/agency/companies/add", 200, fixture(t, "woodpecker", "company_add.json"))
			key := respond(t, c, mt, "POST", "rest/v1/agency/companies/api/add", 200, fixture(t, "woodpecker", "key_add.json"))
			pros := respond(t, c, mt, "POST", "rest/v1/add_prospects_list", 200, fixture(t, "woodpecker", "prospects_ok.json"))
			ctx := context.Background()

			page, err := c.SubAccounts.List(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 3 || page.NextCursor != "" || page.Items[1].ID != "391891372" || page.Items[1].Name != "Bachmanity" ||
				len(page.Items[1].APIKeys) != 2 || page.Items[1].APIKeys[1].Label != "md52" || page.Items[1].APIKeys[1].Key.Reveal() != "439a55ddf21ba3a3ed67fafa0552c578" {
				t.Fatalf("page = %+v", page)
			}
			assertRawRedacted(t, page.Items[1].Raw, "439a55ddf21ba3a3ed67fafa0552c578")
			s := list.last(t)
			if s.Method != "GET" || s.Path != "/rest/v1/agency/companies" || mode.header(s) != mode.want(wpKey) {
				t.Errorf("list request = %s %s, auth %q", s.Method, s.Path, mode.header(s))
			}

			co, err := c.SubAccounts.Get(ctx, "2125556342")
			if err != nil || co.Name != "Aviato" {
				t.Fatalf("get = %+v, %v", co, err)
			}

			sa, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "Bachmanity Infinite"})
			if err != nil {
				t.Fatal(err)
			}
			s = add.last(t)
			assertJSONBody(t, s.Body, `{"name":"Bachmanity Infinite"}`)
			if mode.header(s) != mode.want(wpKey) || s.Header.Get("Content-Type") != "application/json" {
				t.Errorf("create headers = %v", s.Header)
			}
			if sa.ID != "1111119" || sa.APIKeys[0].Key.Reveal() != "newly_generated_api_key" {
				t.Errorf("created = %+v", sa)
			}

			keys, err := c.Keys.List(ctx, "391891372")
			if err != nil || len(keys) != 2 || keys[0].Label != "sha1" {
				t.Fatalf("keys = %+v, %v", keys, err)
			}
			k, err := c.Keys.Create(ctx, "11111111", "key's label")
			if err != nil || k.Key.Reveal() != "generated_api_key" || k.Label != "key's label" {
				t.Fatalf("key = %+v, %v", k, err)
			}
			assertJSONBody(t, key.last(t).Body, `{"company_id":11111111,"name":"key's label"}`)

			// Prospects go with the company's own key, found in the list.
			err = c.Agency.AddProspects(ctx, "391891372", []Prospect{
				{Email: "jared@piedpiper.example", FirstName: "Jared", LastName: "Dunn", Company: "Pied Piper", Fields: map[string]string{"website": "piedpiper.example"}},
			}, ProspectOptions{Update: true})
			if err != nil {
				t.Fatal(err)
			}
			s = pros.last(t)
			if got := mode.header(s); got != mode.want("CD9316D89B0B2405917292F1565F537803AF4867") {
				t.Errorf("prospects sent with %q, want the company's key", got)
			}
			assertJSONBody(t, s.Body, `{"update":true,"prospects":[{"email":"jared@piedpiper.example","first_name":"Jared","last_name":"Dunn","company":"Pied Piper","website":"piedpiper.example"}]}`)
		})
	}
}

func TestWoodpeckerProspectsWithoutUpdateOmitIt(t *testing.T) {
	c, mt := woodpeckerClient(t)
	respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
	rec := respond(t, c, mt, "POST", "rest/v1/add_prospects_list", 200, fixture(t, "woodpecker", "prospects_ok.json"))
	if err := c.Agency.AddProspects(context.Background(), "2125556342", []Prospect{{Email: "a@b.co"}}, ProspectOptions{}); err != nil {
		t.Fatal(err)
	}
	assertJSONBody(t, rec.last(t).Body, `{"prospects":[{"email":"a@b.co"}]}`)
}

func TestWoodpecker204IsAnEmptyList(t *testing.T) {
	c, mt := woodpeckerClient(t)
	respond(t, c, mt, "GET", "rest/v1/agency/companies", 204, nil)
	page, err := c.SubAccounts.List(context.Background(), nil)
	if err != nil || page.Total != 0 || len(page.Items) != 0 {
		t.Fatalf("page = %+v, err = %v", page, err)
	}
	if _, err := c.SubAccounts.Get(context.Background(), "1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get in an empty list: err = %v", err)
	}
}

func TestWoodpeckerProspectsNeedACompanyKey(t *testing.T) {
	c, mt := woodpeckerClient(t)
	respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
	err := c.Agency.AddProspects(context.Background(), "1111120", []Prospect{{Email: "a@b.co"}}, ProspectOptions{})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "Keys.Create") {
		t.Fatalf("err = %v, want a pointer to Keys.Create", err)
	}
	if err := c.Agency.AddProspects(context.Background(), "999", []Prospect{{Email: "a@b.co"}}, ProspectOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown company: err = %v", err)
	}
}

func TestWoodpeckerProspectsInChunks(t *testing.T) {
	c, mt := woodpeckerClient(t)
	respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
	var sizes []int
	var mu sync.Mutex
	mt.RegisterResponder("POST", c.BaseURL()+"rest/v1/add_prospects_list", func(req *http.Request) (*http.Response, error) {
		var body struct{ Prospects []map[string]string }
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			t.Error(err)
		}
		mu.Lock()
		sizes = append(sizes, len(body.Prospects))
		mu.Unlock()
		return httpmock.NewBytesResponse(200, fixture(t, "woodpecker", "prospects_ok.json")), nil
	})
	ps := make([]Prospect, 45000)
	for i := range ps {
		ps[i] = Prospect{Email: fmt.Sprintf("p%d@example.com", i)}
	}
	if err := c.Agency.AddProspects(context.Background(), "2125556342", ps, ProspectOptions{}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[20000 20000 5000]" {
		t.Fatalf("requests carried %v, want [20000 20000 5000]", sizes)
	}
}

func TestWoodpeckerChunkFailureSaysWhere(t *testing.T) {
	c, mt := woodpeckerClient(t)
	respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
	rec := respondSeq(t, c, mt, "POST", "rest/v1/add_prospects_list",
		answer(200, fixture(t, "woodpecker", "prospects_ok.json")),
		answer(400, fixture(t, "woodpecker", "error_E_EMAIL.json")))
	ps := make([]Prospect, 45000)
	for i := range ps {
		ps[i] = Prospect{Email: fmt.Sprintf("p%d@example.com", i)}
	}
	err := c.Agency.AddProspects(context.Background(), "2125556342", ps, ProspectOptions{})
	var ce *ChunkError
	if !errors.As(err, &ce) || ce.Chunk != 2 || ce.Chunks != 3 || ce.Accepted != 20000 || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "chunk 2 of 3") || !strings.Contains(err.Error(), "20000 accepted") {
		t.Errorf("message = %q", err.Error())
	}
	if rec.count() != 2 {
		t.Errorf("requests = %d: chunk 3 must not be sent", rec.count())
	}
}

func TestWoodpeckerErrorCodes(t *testing.T) {
	cases := map[string]error{
		"E_SESSION": ErrUnauthorized, "E_RECORD_NOT_FOUND": ErrNotFound, "E_DUPLICATE": ErrConflict,
		"E_REQUIRED_ELEMENT": ErrInvalidInput, "E_WRONG_PARAM": ErrInvalidInput, "E_EMAIL": ErrInvalidInput, "E_INV_STATUS": ErrInvalidInput,
	}
	for code, sentinel := range cases {
		t.Run(code, func(t *testing.T) {
			c, mt := woodpeckerClient(t)
			rec := respond(t, c, mt, "POST", "rest/v1/agency/companies/api/add", 400, fixture(t, "woodpecker", "error_"+code+".json"))
			_, err := c.Keys.Create(context.Background(), "5", "label")
			var apiErr *APIError
			if !errors.Is(err, sentinel) || !errors.As(err, &apiErr) || apiErr.Code != code || apiErr.Message == "" || apiErr.Operation != "Keys.Create" {
				t.Fatalf("err = %v", err)
			}
			if rec.count() != 1 {
				t.Errorf("attempts = %d", rec.count())
			}
		})
	}
	t.Run("flat shape", func(t *testing.T) {
		c, mt := woodpeckerClient(t)
		respond(t, c, mt, "GET", "rest/v1/agency/companies", 400, fixture(t, "woodpecker", "error_flat.json"))
		if _, err := c.SubAccounts.List(context.Background(), nil); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("string shape", func(t *testing.T) {
		c, mt := woodpeckerClient(t)
		respond(t, c, mt, "GET", "rest/v1/agency/companies", 400, fixture(t, "woodpecker", "error_string.json"))
		if _, err := c.SubAccounts.List(context.Background(), nil); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown shape", func(t *testing.T) {
		c, mt := woodpeckerClient(t)
		respond(t, c, mt, "GET", "rest/v1/agency/companies", 400, []byte(strings.Repeat("oops ", 300)))
		_, err := c.SubAccounts.List(context.Background(), nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(apiErr.Message) > maxMessageLen+4 {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestWoodpeckerTooManyRequestsIsRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		path   string
		call   func(*Client) error
		ok     string
	}{
		{"list", "GET", "rest/v1/agency/companies", func(c *Client) error { _, err := c.SubAccounts.List(context.Background(), nil); return err }, "companies.json"},
		{"create", "POST", "rest/v1/agency/companies/add", func(c *Client) error {
			_, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "N"})
			return err
		}, "company_add.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := woodpeckerClient(t)
			rec := respondSeq(t, c, mt, tc.method, tc.path,
				answer(400, fixture(t, "woodpecker", "error_E_TOO_MANY_REQUESTS.json")),
				answer(200, fixture(t, "woodpecker", tc.ok)))
			if err := tc.call(c); err != nil {
				t.Fatal(err)
			}
			if rec.count() != 2 {
				t.Errorf("attempts = %d, want 2", rec.count())
			}
		})
	}
	t.Run("persisting", func(t *testing.T) {
		c, mt := woodpeckerClient(t)
		rec := respond(t, c, mt, "GET", "rest/v1/agency/companies", 400, fixture(t, "woodpecker", "error_E_TOO_MANY_REQUESTS.json"))
		_, err := c.SubAccounts.List(context.Background(), nil)
		var rl *RateLimitError
		if !errors.As(err, &rl) || rl.Local || rec.count() != 4 {
			t.Fatalf("err = %v, attempts = %d", err, rec.count())
		}
	})
}

func TestWoodpeckerCreateNotRetriedOnServerError(t *testing.T) {
	c, mt := woodpeckerClient(t)
	rec := respond(t, c, mt, "POST", "rest/v1/agency/companies/add", 503, []byte(`{}`))
	if _, err := c.SubAccounts.Create(context.Background(), &SubAccountCreate{Name: "N"}); err == nil || rec.count() != 1 {
		t.Fatalf("err = %v, attempts = %d: a billed create is sent once", err, rec.count())
	}
}

// inFlightProbe answers after a gate opens and records the peak number of
// requests in flight at the server.
type inFlightProbe struct {
	now, peak atomic.Int32
	arrived   chan struct{}
	release   chan struct{}
}

func (p *inFlightProbe) responder(body []byte) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		n := p.now.Add(1)
		for {
			old := p.peak.Load()
			if n <= old || p.peak.CompareAndSwap(old, n) {
				break
			}
		}
		p.arrived <- struct{}{}
		<-p.release
		p.now.Add(-1)
		return httpmock.NewBytesResponse(200, body), nil
	}
}

func TestWoodpeckerInFlightCap(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		cap  int
	}{{"default 1", nil, 1}, {"configured 3", []Option{WithMaxInFlight(3)}, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := woodpeckerClient(t, tc.opts...)
			p := &inFlightProbe{arrived: make(chan struct{}, 20), release: make(chan struct{})}
			mt.RegisterResponder("GET", c.BaseURL()+"rest/v1/agency/companies", p.responder(fixture(t, "woodpecker", "companies.json")))
			const calls = 20
			errs := make(chan error, calls)
			for i := 0; i < calls; i++ {
				go func() { _, err := c.SubAccounts.List(context.Background(), nil); errs <- err }()
			}
			for remaining := calls; remaining > 0; {
				// Wait until as many requests as the cap allows have arrived;
				// if the cap leaked, more would arrive in that time.
				k := min(tc.cap, remaining)
				for j := 0; j < k; j++ {
					<-p.arrived
				}
				select {
				case <-p.arrived:
					t.Fatalf("more than %d requests in flight", tc.cap)
				case <-time.After(20 * time.Millisecond):
				}
				for j := 0; j < k; j++ {
					p.release <- struct{}{}
				}
				remaining -= k
			}
			for i := 0; i < calls; i++ {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if int(p.peak.Load()) != tc.cap {
				t.Errorf("peak in flight = %d, want %d", p.peak.Load(), tc.cap)
			}
		})
	}
}

func TestWoodpeckerValidation(t *testing.T) {
	c, _ := woodpeckerClient(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"create name", func() error { _, err := c.SubAccounts.Create(ctx, &SubAccountCreate{}); return err }(), "Name"},
		{"create unused", func() error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N", Email: "a@b.co"})
			return err
		}(), "Email"},
		{"get id", func() error { _, err := c.SubAccounts.Get(ctx, "abc"); return err }(), "companyID"},
		{"keys id", func() error { _, err := c.Keys.List(ctx, "../x"); return err }(), "companyID"},
		{"key label", func() error { _, err := c.Keys.Create(ctx, "5", ""); return err }(), "label"},
		{"no prospects", c.Agency.AddProspects(ctx, "5", nil, ProspectOptions{}), "prospects"},
		{"prospect email", c.Agency.AddProspects(ctx, "5", []Prospect{{Email: "a@b.co"}, {Email: "nope"}}, ProspectOptions{}), "prospects[1].Email"},
		{"prospect field clash", c.Agency.AddProspects(ctx, "5", []Prospect{{Email: "a@b.co", Fields: map[string]string{"email": "x@y.co"}}}, ProspectOptions{}), `prospects[0].Fields["email"]`},
		{"prospect control char", c.Agency.AddProspects(ctx, "5", []Prospect{{Email: "a@b.co", FirstName: "A\nB"}}, ProspectOptions{}), "prospects[0].first_name"},
	}
	for _, tc := range cases {
		var ve *ValidationError
		if !errors.As(tc.err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v, want *ValidationError on %s", tc.name, tc.err, tc.field)
		}
	}
	for _, a := range []Authenticator{Bearer("k"), NewSessionToken("a", "b")} {
		if _, err := NewClient(Woodpecker(), WithAuth(a)); err == nil || !contains(err.Error(), "APIKeyAuth") {
			t.Errorf("%s: err = %v", authName(a), err)
		}
	}
}

func TestWoodpeckerUnsupported(t *testing.T) {
	c, _ := woodpeckerClient(t)
	ctx := context.Background()
	for name, err := range map[string]error{
		"Update":   func() error { _, err := c.SubAccounts.Update(ctx, "1", &SubAccountUpdate{}); return err }(),
		"Delete":   c.SubAccounts.Delete(ctx, "1"),
		"SetLimit": c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"eco", 1}),
		"Exchange": func() error { _, err := c.Keys.Exchange(ctx, "1", "p"); return err }(),
		"Calls": func() error {
			for _, err := range c.Records.Calls(ctx, nil) {
				return err
			}
			return nil
		}(),
		"Session": func() error { _, err := c.Agency.Session(ctx); return err }(),
	} {
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestWoodpeckerCanarySecrets(t *testing.T) {
	const agency = "CANARY-WP-AGENCY-9f"
	companyKeys := []string{"18bd0a013d360ed3ea8a5d529bf4c98e", "CD9316D89B0B2405917292F1565F537803AF4867", "439a55ddf21ba3a3ed67fafa0552c578", "newly_generated_api_key", "generated_api_key"}
	logger, logs := debugLogger()
	ctx := context.Background()
	var errs []error
	var values []any
	for _, mode := range woodpeckerModes {
		for _, fail := range []string{"", "error_E_SESSION.json"} {
			c, mt := mockClient(t, Woodpecker(), WithAuth(mode.auth(agency)), WithLogger(logger), WithBaseURL(testBaseURL(t)+"-"+strings.ReplaceAll(mode.name, " ", "")+fmt.Sprint(len(fail))))
			respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
			for path, ok := range map[string]string{"rest/v1/agency/companies/add": "company_add.json", "rest/v1/agency/companies/api/add": "key_add.json", "rest/v1/add_prospects_list": "prospects_ok.json"} {
				status, body := 200, fixture(t, "woodpecker", ok)
				if fail != "" {
					status, body = 400, fixture(t, "woodpecker", fail)
				}
				respond(t, c, mt, "POST", path, status, body)
			}
			p, err := c.SubAccounts.List(ctx, nil)
			errs, values = append(errs, err), append(values, p)
			sa, err := c.SubAccounts.Get(ctx, "391891372")
			errs, values = append(errs, err), append(values, sa)
			sa, err = c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N"})
			errs, values = append(errs, err), append(values, sa)
			ks, err := c.Keys.List(ctx, "391891372")
			errs, values = append(errs, err), append(values, ks)
			k, err := c.Keys.Create(ctx, "391891372", "l")
			errs, values = append(errs, err), append(values, k)
			errs = append(errs, c.Agency.AddProspects(ctx, "391891372", []Prospect{{Email: "a@b.co"}}, ProspectOptions{}))
			values = append(values, c)
		}
	}
	assertNoCanary(t, append([]string{agency}, companyKeys...), logs.String(), errs, values...)
}

// A prospect refused under a top-level OK is reported, which and why; the
// others were added.
func TestWoodpeckerProspectsRefusedOneByOne(t *testing.T) {
	c, mt := woodpeckerClient(t)
	respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
	rec := respond(t, c, mt, "POST", "rest/v1/add_prospects_list", 200, fixture(t, "woodpecker", "prospects_partial.json"))
	err := c.Agency.AddProspects(context.Background(), "2125556342", []Prospect{
		{Email: "ann@shop.example"}, {Email: "bob@disposable.example"}, {Email: "cid@shop.example"},
	}, ProspectOptions{})
	var pe *ProspectError
	if !errors.As(err, &pe) || pe.Sent != 3 || len(pe.Refused) != 1 {
		t.Fatalf("err = %v", err)
	}
	if r := pe.Refused[0]; r.Index != 1 || r.Email != "bob@disposable.example" || r.Status != "ERROR" || r.Code != "E_EMAIL" || r.Message != "Invalid e-mail" {
		t.Errorf("refused = %+v", r)
	}
	if !strings.Contains(err.Error(), "1 of 3 prospects refused") || !strings.Contains(err.Error(), "E_EMAIL") {
		t.Errorf("message = %q", err.Error())
	}
	for _, s := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrInvalidInput, ErrRateLimited} {
		if errors.Is(err, s) {
			t.Errorf("a partial success matches %v", s)
		}
	}
	if rec.count() != 1 {
		t.Errorf("requests = %d: a refusal is not retried", rec.count())
	}
}

// Per-prospect refusals across chunks keep their index in the caller's
// slice; a later chunk's failure still says where, and keeps the earlier
// refusals.
func TestWoodpeckerProspectsRefusedAcrossChunks(t *testing.T) {
	refusedIn := func(prospects []map[string]string, bad map[string]bool) []byte {
		entries := make([]map[string]any, len(prospects))
		for i, p := range prospects {
			entries[i] = map[string]any{"email": p["email"], "status": "OK"}
			if bad[p["email"]] {
				entries[i] = map[string]any{"email": p["email"], "status": "ERROR", "code": "E_WRONG_PARAM", "msg": "refused"}
			}
		}
		b, _ := json.Marshal(map[string]any{"status": map[string]any{"status": "OK"}, "prospects": entries})
		return b
	}
	ps := make([]Prospect, 45000)
	for i := range ps {
		ps[i] = Prospect{Email: fmt.Sprintf("p%d@example.com", i)}
	}
	bad := map[string]bool{"p5@example.com": true, "p20007@example.com": true, "p44999@example.com": true}
	for _, failThird := range []bool{false, true} {
		c, mt := woodpeckerClient(t)
		respond(t, c, mt, "GET", "rest/v1/agency/companies", 200, fixture(t, "woodpecker", "companies.json"))
		var mu sync.Mutex
		n := 0
		mt.RegisterResponder("POST", c.BaseURL()+"rest/v1/add_prospects_list", func(req *http.Request) (*http.Response, error) {
			var body struct{ Prospects []map[string]string }
			if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
				t.Error(err)
			}
			mu.Lock()
			n++
			third := n == 3
			mu.Unlock()
			if third && failThird {
				return httpmock.NewBytesResponse(400, fixture(t, "woodpecker", "error_E_WRONG_PARAM.json")), nil
			}
			return httpmock.NewBytesResponse(200, refusedIn(body.Prospects, bad)), nil
		})
		err := c.Agency.AddProspects(context.Background(), "2125556342", ps, ProspectOptions{})
		var got []int
		if failThird {
			var ce *ChunkError
			if !errors.As(err, &ce) || ce.Chunk != 3 || ce.Accepted != 40000 {
				t.Fatalf("err = %v", err)
			}
			for _, r := range ce.Refused {
				got = append(got, r.Index)
			}
			if fmt.Sprint(got) != "[5 20007]" {
				t.Errorf("refused before the failed chunk = %v", got)
			}
			continue
		}
		var pe *ProspectError
		if !errors.As(err, &pe) || pe.Sent != 45000 {
			t.Fatalf("err = %v", err)
		}
		for _, r := range pe.Refused {
			got = append(got, r.Index)
		}
		if fmt.Sprint(got) != "[5 20007 44999]" {
			t.Errorf("refused = %v", got)
		}
	}
}
