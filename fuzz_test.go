package multiaccount

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// Fuzz targets feed hostile answers to every operation of a vendor and
// check the SDK's promises: no panic, a bounded error or a complete value
// (never both, never neither), and a typed error for every failure.

// fuzzCall is one operation run against the fuzzed answer.
type fuzzCall struct {
	name string
	call func(ctx context.Context, c *Client) (any, error)
}

// seedFromTestdata adds every fixture of a vendor (a folder under
// testdata, e.g. "voicetel/v2.2") to the corpus under each status.
func seedFromTestdata(f *testing.F, vendor string, statuses ...int) {
	files, _ := filepath.Glob(filepath.Join("testdata", vendor, "*"))
	for _, name := range files {
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range statuses {
			f.Add(s, b)
		}
	}
	f.Add(200, []byte(``))
	f.Add(200, []byte(`null`))
	f.Add(502, []byte(`<html><body>Bad gateway</body></html>`))
}

// fuzzClient answers every request with status and body.
func fuzzClient(t *testing.T, p Provider, auth Authenticator, status int, body []byte) *Client {
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		r := httpmock.NewBytesResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		return r, nil
	})
	c, err := NewClient(p, WithAuth(auth), WithBaseURL("https://fuzz.example.test"),
		WithHTTPClient(&http.Client{Transport: mt}), WithRetry(RetryPolicy{MaxRetries: 0}),
		WithMaxResponseBytes(1<<20), WithClock(newFakeClock()), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkFuzzResult asserts the invariants for one operation's outcome.
func checkFuzzResult(t *testing.T, name string, v any, err error) {
	t.Helper()
	if err != nil {
		var apiErr *APIError
		var rl *RateLimitError
		var de *DecodeError
		var ve *ValidationError
		var ne *NetworkError
		if !errors.As(err, &apiErr) && !errors.As(err, &rl) && !errors.As(err, &de) && !errors.As(err, &ve) && !errors.As(err, &ne) && !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: untyped error %T: %v", name, err, err)
		}
		if n := len(err.Error()); n > 4*maxMessageLen {
			t.Errorf("%s: error of %d bytes: unbounded", name, n)
		}
		return
	}
	if isNilValue(v) {
		t.Errorf("%s: neither a value nor an error", name)
	}
}

func isNilValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case *SubAccountPage:
		return v == nil
	case *SubAccount:
		return v == nil
	case *APIKey:
		return v == nil
	case *Account:
		return v == nil
	case *Charges:
		return v == nil
	case *SIPRegistration:
		return v == nil
	case *NewAccount:
		return v == nil
	case *Session:
		return v == nil
	case *Recharge:
		return v == nil
	case *UserPage:
		return v == nil
	case []*SubAccount:
		return v == nil
	case *SettingsUpdate:
		return v == nil
	case []*Credit:
		return v == nil
	case []*Payment:
		return v == nil
	}
	return false
}

// collectCalls drains a call iterator into a value for checkFuzzResult.
func collectCalls(ctx context.Context, c *Client, q *CallQuery) (any, error) {
	var out []*CallRecord
	for r, err := range c.Records.Calls(ctx, q) {
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, errors.New("nil record yielded without an error")
		}
		out = append(out, r)
	}
	return out, nil
}

// voiceTelFuzzCalls are the operations both VoiceTel versions offer.
func voiceTelFuzzCalls() []fuzzCall {
	return []fuzzCall{
		{"SubAccounts.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Username: "1234567890", Email: "a@example.com"})
		}},
		{"Keys.Exchange", func(ctx context.Context, c *Client) (any, error) { return c.Keys.Exchange(ctx, "1234567890", "pw") }},
		{"Records.Calls", func(ctx context.Context, c *Client) (any, error) {
			return collectCalls(ctx, c, &CallQuery{Start: time.Unix(1, 0), End: time.Unix(2, 0)})
		}},
		{"Agency.Account", func(ctx context.Context, c *Client) (any, error) { return c.Agency.Account(ctx) }},
		{"Records.RecurringCharges", func(ctx context.Context, c *Client) (any, error) { return c.Records.RecurringCharges(ctx) }},
		{"Agency.SIPRegistration", func(ctx context.Context, c *Client) (any, error) { return c.Agency.SIPRegistration(ctx) }},
		{"Agency.Signup", func(ctx context.Context, c *Client) (any, error) {
			return c.Agency.Signup(ctx, &Signup{Name: "J", Email: "j@example.com"})
		}},
		{"Agency.Recover", func(ctx context.Context, c *Client) (any, error) {
			return struct{}{}, c.Agency.Recover(ctx, "j@example.com")
		}},
	}
}

func FuzzVoiceTelResponses(f *testing.F) {
	seedFromTestdata(f, "voicetel", 200, 400, 429)
	calls := voiceTelFuzzCalls()
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		c := fuzzClient(t, VoiceTel(), Bearer("fuzz-key"), status, body)
		for _, fc := range calls {
			v, err := fc.call(context.Background(), c)
			checkFuzzResult(t, fc.name, v, err)
		}
	})
}

// FuzzVoiceTelV22Responses runs every v2.2 operation, the shared ones and
// those only v2.2 has, against the fuzzed answer.
func FuzzVoiceTelV22Responses(f *testing.F) {
	calls := append(voiceTelFuzzCalls(),
		fuzzCall{"Agency.UpdateSettings", func(ctx context.Context, c *Client) (any, error) {
			return c.Agency.UpdateSettings(ctx, &AccountSettings{Notify: Ptr(true)})
		}},
		fuzzCall{"Records.Credits", func(ctx context.Context, c *Client) (any, error) { return c.Records.Credits(ctx, nil) }},
		fuzzCall{"Records.Payments", func(ctx context.Context, c *Client) (any, error) { return c.Records.Payments(ctx) }},
	)
	fuzzVendor(f, "voicetel/v2.2", VoiceTel(InVersion(VoiceTelV22)), Bearer("fuzz-key"), calls)
}

// fuzzVendor runs every operation of a vendor against the fuzzed answer.
func fuzzVendor(f *testing.F, vendor string, p Provider, auth Authenticator, calls []fuzzCall) {
	seedFromTestdata(f, vendor, 200, 400)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		c := fuzzClient(t, p, auth, status, body)
		for _, fc := range calls {
			v, err := fc.call(context.Background(), c)
			checkFuzzResult(t, fc.name, v, err)
		}
	})
}

func FuzzKaleyraResponses(f *testing.F) {
	on := true
	fuzzVendor(f, "kaleyra", Kaleyra("HSID"), APIKeyAuth("k"), []fuzzCall{
		{"SubAccounts.List", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.List(ctx, &ListOptions{PageSize: 5})
		}},
		{"SubAccounts.Get", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Get(ctx, "S") }},
		{"SubAccounts.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "A", Email: "a@b.co", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
		}},
		{"SubAccounts.Update", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Update(ctx, "S", &SubAccountUpdate{LowBalanceAlert: &on})
		}},
		{"SubAccounts.Delete", func(ctx context.Context, c *Client) (any, error) { return struct{}{}, c.SubAccounts.Delete(ctx, "S") }},
		{"SubAccounts.Recharge", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Recharge(ctx, "S", 5) }},
	})
}

func FuzzSerwerSMSResponses(f *testing.F) {
	fuzzVendor(f, "serwersms", SerwerSMS(), KeyPair("u", "p"), []fuzzCall{
		{"SubAccounts.List", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) }},
		{"SubAccounts.Get", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Get(ctx, "1") }},
		{"SubAccounts.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Create(ctx, &SubAccountCreate{Username: "abc", Password: "secret", TemplateID: "1"})
		}},
		{"SubAccounts.SetLimit", func(ctx context.Context, c *Client) (any, error) {
			return struct{}{}, c.SubAccounts.SetLimit(ctx, "1", MessageLimit{"eco", 1})
		}},
		{"SubAccounts.Delete", func(ctx context.Context, c *Client) (any, error) { return struct{}{}, c.SubAccounts.Delete(ctx, "1") }},
	})
}

func FuzzCallTrackingMetricsResponses(f *testing.F) {
	fuzzVendor(f, "calltrackingmetrics", CallTrackingMetrics(), KeyPair("a", "s"), []fuzzCall{
		{"Agency.Session", func(ctx context.Context, c *Client) (any, error) { return c.Agency.Session(ctx) }},
		{"SubAccounts.List", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) }},
		{"SubAccounts.Get", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Get(ctx, "1") }},
		{"SubAccounts.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N", TimeZone: "UTC"})
		}},
		{"Records.Calls", func(ctx context.Context, c *Client) (any, error) {
			// A hostile next-page claim must not loop: the iteration is
			// bounded by paginate's no-progress check and by this cap.
			var out []*CallRecord
			for r, err := range c.Records.Calls(ctx, &CallQuery{AccountID: "1"}) {
				if err != nil {
					return nil, err
				}
				if out = append(out, r); len(out) > 10000 {
					return nil, errors.New("unbounded iteration")
				}
			}
			return out, nil
		}},
	})
}

func FuzzWoodpeckerResponses(f *testing.F) {
	fuzzVendor(f, "woodpecker", Woodpecker(), APIKeyAuth("k"), []fuzzCall{
		{"SubAccounts.List", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) }},
		{"SubAccounts.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N"})
		}},
		{"Keys.List", func(ctx context.Context, c *Client) (any, error) { return c.Keys.List(ctx, "2125556342") }},
		{"Keys.Create", func(ctx context.Context, c *Client) (any, error) { return c.Keys.Create(ctx, "5", "l") }},
		{"Agency.AddProspects", func(ctx context.Context, c *Client) (any, error) {
			return struct{}{}, c.Agency.AddProspects(ctx, "2125556342", []Prospect{{Email: "a@b.co"}}, ProspectOptions{})
		}},
	})
}

func FuzzWoodpeckerV2Responses(f *testing.F) {
	fuzzVendor(f, "woodpecker_v2", Woodpecker(InVersion(WoodpeckerV2)), APIKeyAuth("k"), []fuzzCall{
		{"SubAccounts.List", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.List(ctx, nil) }},
		{"SubAccounts.Get", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Get(ctx, "2100000001") }},
		{"SubAccounts.Create", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.Create(ctx, &SubAccountCreate{Name: "N"})
		}},
		{"SubAccounts.CreateBatch", func(ctx context.Context, c *Client) (any, error) {
			return c.SubAccounts.CreateBatch(ctx, []*SubAccountCreate{{Name: "N"}, {Name: "M"}})
		}},
		{"SubAccounts.Users", func(ctx context.Context, c *Client) (any, error) { return c.SubAccounts.Users(ctx, "5", nil) }},
		{"Keys.List", func(ctx context.Context, c *Client) (any, error) { return c.Keys.List(ctx, "5") }},
		{"Keys.Create", func(ctx context.Context, c *Client) (any, error) { return c.Keys.Create(ctx, "5", "l") }},
		{"Agency.AddProspects", func(ctx context.Context, c *Client) (any, error) {
			return struct{}{}, c.Agency.AddProspects(ctx, "5", []Prospect{{Email: "a@b.co"}}, ProspectOptions{})
		}},
	})
}

// FuzzErrorParsers feeds every vendor's error parser the same bytes. The
// parsers do not cut messages (the pipeline scrubs, then cuts, in check);
// what reaches a caller is bounded as check bounds it.
func FuzzErrorParsers(f *testing.F) {
	for _, v := range []string{"voicetel", "kaleyra", "serwersms", "calltrackingmetrics", "woodpecker", "woodpecker_v2"} {
		files, _ := filepath.Glob(filepath.Join("testdata", v, "*"))
		for _, name := range files {
			b, _ := os.ReadFile(name)
			f.Add(200, b)
			f.Add(400, b)
		}
	}
	parsers := []vendor{voiceTel{}, kaleyra{}, serwerSMS{}, callTrackingMetrics{}, woodpecker{}}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, p := range parsers {
			if e := p.parseError(status, body); e != nil && len(outsideText(e.Message, nil, maxMessageLen)) > maxMessageLen+4 {
				t.Errorf("%T: message of %d bytes", p, len(e.Message))
			}
		}
	})
}
