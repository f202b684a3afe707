package multiaccount

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// TestREADMEOperationsMatrix parses README.md's "## Operations" table and
// checks every cell against the code: "–" must answer ErrUnsupported
// before any I/O, any other cell must not. Each operation runs with empty
// arguments over a transport that fails every request, so a supported one
// fails on validation or the network, never with ErrUnsupported.
func TestREADMEOperationsMatrix(t *testing.T) {
	providers := map[string]struct {
		p    Provider
		auth Authenticator
	}{
		"VoiceTel": {VoiceTel(), Bearer("k")}, "VoiceTel v2.1": {VoiceTel(InVersion(VoiceTelV21)), Bearer("k")},
		"VoiceTel v2.2": {VoiceTel(InVersion(VoiceTelV22)), Bearer("k")},
		"Kaleyra":       {Kaleyra("sid"), APIKeyAuth("k")},
		"SerwerSMS":     {SerwerSMS(), Bearer("k")}, "CallTrackingMetrics": {CallTrackingMetrics(), KeyPair("a", "b")},
		"Woodpecker": {Woodpecker(), APIKeyAuth("k")}, "Woodpecker v2": {Woodpecker(InVersion(WoodpeckerV2)), APIKeyAuth("k")},
	}
	ops := map[string][]func(context.Context, *Client) error{
		"SubAccounts.List": {
			func(ctx context.Context, c *Client) error { _, err := c.SubAccounts.List(ctx, nil); return err },
			func(ctx context.Context, c *Client) error { return firstErr(c.SubAccounts.All(ctx, nil)) },
		},
		"SubAccounts.Get": {func(ctx context.Context, c *Client) error { _, err := c.SubAccounts.Get(ctx, ""); return err }},
		"SubAccounts.Create": {func(ctx context.Context, c *Client) error {
			_, err := c.SubAccounts.Create(ctx, &SubAccountCreate{})
			return err
		}},
		"SubAccounts.CreateBatch": {func(ctx context.Context, c *Client) error {
			_, err := c.SubAccounts.CreateBatch(ctx, []*SubAccountCreate{{}})
			return err
		}},
		"SubAccounts.Recharge": {func(ctx context.Context, c *Client) error { _, err := c.SubAccounts.Recharge(ctx, "", 0); return err }},
		"SubAccounts.Users": {
			func(ctx context.Context, c *Client) error { _, err := c.SubAccounts.Users(ctx, "", nil); return err },
			func(ctx context.Context, c *Client) error { return firstErr(c.SubAccounts.AllUsers(ctx, "", nil)) },
		},
		"SubAccounts.Update": {func(ctx context.Context, c *Client) error {
			_, err := c.SubAccounts.Update(ctx, "", &SubAccountUpdate{})
			return err
		}},
		"SubAccounts.Delete":   {func(ctx context.Context, c *Client) error { return c.SubAccounts.Delete(ctx, "") }},
		"SubAccounts.SetLimit": {func(ctx context.Context, c *Client) error { return c.SubAccounts.SetLimit(ctx, "", MessageLimit{}) }},
		"Keys.List":            {func(ctx context.Context, c *Client) error { _, err := c.Keys.List(ctx, ""); return err }},
		"Keys.Create":          {func(ctx context.Context, c *Client) error { _, err := c.Keys.Create(ctx, "", ""); return err }},
		"Keys.Exchange":        {func(ctx context.Context, c *Client) error { _, err := c.Keys.Exchange(ctx, "", ""); return err }},
		"Records.Calls": {
			func(ctx context.Context, c *Client) error { return firstErr(c.Records.Calls(ctx, &CallQuery{})) },
			func(ctx context.Context, c *Client) error {
				_, err := c.Records.CallsPage(ctx, &CallQuery{})
				return err
			},
		},
		"Records.RecurringCharges": {func(ctx context.Context, c *Client) error { _, err := c.Records.RecurringCharges(ctx); return err }},
		"Agency.Account":           {func(ctx context.Context, c *Client) error { _, err := c.Agency.Account(ctx); return err }},
		"Agency.SIPRegistration":   {func(ctx context.Context, c *Client) error { _, err := c.Agency.SIPRegistration(ctx); return err }},
		"Agency.Signup":            {func(ctx context.Context, c *Client) error { _, err := c.Agency.Signup(ctx, &Signup{}); return err }},
		"Agency.Recover":           {func(ctx context.Context, c *Client) error { return c.Agency.Recover(ctx, "") }},
		"Agency.Session":           {func(ctx context.Context, c *Client) error { _, err := c.Agency.Session(ctx); return err }},
		"Agency.AddProspects": {func(ctx context.Context, c *Client) error {
			return c.Agency.AddProspects(ctx, "", nil, ProspectOptions{})
		}},
		"Agency.UpdateSettings": {func(ctx context.Context, c *Client) error {
			_, err := c.Agency.UpdateSettings(ctx, &AccountSettings{})
			return err
		}},
		"Records.Credits":  {func(ctx context.Context, c *Client) error { _, err := c.Records.Credits(ctx, nil); return err }},
		"Records.Payments": {func(ctx context.Context, c *Client) error { _, err := c.Records.Payments(ctx); return err }},
	}
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Operations\n")
	if !ok {
		t.Fatal("README.md has no ## Operations section")
	}
	var header []string
	checked := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			if header != nil {
				break // the end of the first table
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if header == nil {
			header = cells
			continue
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		name := strings.Trim(strings.Fields(cells[0])[0], "`")
		calls, ok := ops[name]
		if !ok {
			t.Errorf("README row %q names no operation this test knows", cells[0])
			continue
		}
		checked[name] = true
		for i, vendor := range header[1:] {
			pv, ok := providers[vendor]
			if !ok {
				t.Fatalf("README column %q is no vendor this test knows", vendor)
			}
			var sent atomic.Int32
			c, err := NewClient(pv.p, WithAuth(pv.auth), WithBaseURL(testBaseURL(t)), WithRetry(fastRetry), withPrivateLimiters(),
				WithHTTPClient(&http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
					sent.Add(1)
					return nil, errors.New("no network in this test")
				})}))
			if err != nil {
				t.Fatal(err)
			}
			want := cells[i+1] == "–"
			for _, call := range calls {
				sent.Store(0)
				err := call(context.Background(), c)
				got := errors.Is(err, ErrUnsupported)
				switch {
				case got != want:
					t.Errorf("%s on %s: README says %q, the code answers %v", name, vendor, cells[i+1], err)
				case got && sent.Load() != 0:
					t.Errorf("%s on %s: ErrUnsupported after %d requests", name, vendor, sent.Load())
				}
			}
		}
	}
	for name := range ops {
		if !checked[name] {
			t.Errorf("README's table has no row for %s", name)
		}
	}
}

// firstErr returns the first error an iterator yields, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
