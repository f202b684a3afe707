package multiaccount

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
)

// TestAllAsksForLargestPage: an iteration with no page size asks each
// vendor for the largest page it documents (Kaleyra: the SDK's 100, the
// vendor naming no maximum; CallTrackingMetrics: 150), and sends no page
// size where the vendor fixes it (Woodpecker v2: 50) or does not page
// (SerwerSMS, VoiceTel).
func TestAllAsksForLargestPage(t *testing.T) {
	cases := []struct {
		name    string
		p       Provider
		auth    Authenticator
		fixture [2]string
		iterate func(c *Client) error
		want    url.Values // the first request's query
		noBody  []string   // body texts that must not be sent
	}{
		{"Kaleyra", Kaleyra("HXSID"), APIKeyAuth("kaleyra-key-1234"), [2]string{"kaleyra", "list.json"},
			subAccountsAll, url.Values{"limit": {"100"}, "offset": {"0"}}, nil},
		{"CallTrackingMetrics accounts", CallTrackingMetrics(), KeyPair("ctm-key-1234", "ctm-secret-1234"), [2]string{"calltrackingmetrics", "accounts_page1.json"},
			subAccountsAll, url.Values{"page": {"1"}, "per_page": {"150"}}, nil},
		{"CallTrackingMetrics calls", CallTrackingMetrics(), KeyPair("ctm-key-1234", "ctm-secret-1234"), [2]string{"calltrackingmetrics", "calls.json"},
			func(c *Client) error {
				return firstOf(c.Records.Calls(context.Background(), &CallQuery{AccountID: "1001"}))
			},
			url.Values{"page": {"1"}, "per_page": {"150"}}, nil},
		{"Woodpecker v2", Woodpecker(InVersion(WoodpeckerV2)), APIKeyAuth("wp-key-1234"), [2]string{"woodpecker_v2", "companies.json"},
			subAccountsAll, url.Values{"page": {"1"}}, nil},
		{"SerwerSMS", SerwerSMS(), Bearer("serwer-token-1234"), [2]string{"serwersms", "index.json"},
			subAccountsAll, url.Values{}, []string{"limit", "page"}},
		{"VoiceTel", VoiceTel(), Bearer("voicetel-key-1234"), [2]string{"voicetel", "cdr.json"},
			func(c *Client) error { return firstOf(c.Records.Calls(context.Background(), nil)) },
			url.Values{}, []string{"limit", "page"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mockClient(t, tc.p, WithAuth(tc.auth))
			var queries []url.Values
			var bodies []string
			body := fixture(t, tc.fixture[0], tc.fixture[1])
			mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				queries = append(queries, req.URL.Query())
				if req.Body != nil {
					b, _ := io.ReadAll(req.Body)
					bodies = append(bodies, string(b))
				}
				return httpmock.NewBytesResponse(200, body), nil
			})
			if err := tc.iterate(c); err != nil {
				t.Fatal(err)
			}
			if len(queries) != 1 {
				t.Fatalf("%d requests, want 1", len(queries))
			}
			if got := queries[0].Encode(); got != tc.want.Encode() {
				t.Errorf("query %q, want %q", got, tc.want.Encode())
			}
			for _, b := range bodies {
				for _, no := range tc.noBody {
					if contains(b, no) {
						t.Errorf("body %q sends %q", b, no)
					}
				}
			}
		})
	}
}

func subAccountsAll(c *Client) error { return firstOf(c.SubAccounts.All(context.Background(), nil)) }

// firstOf reads the first element of seq and stops.
func firstOf[T any](seq func(func(T, error) bool)) error {
	var err error
	seq(func(_ T, e error) bool { err = e; return false })
	return err
}
