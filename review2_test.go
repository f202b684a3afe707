package multiaccount

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A secret the answer itself carries (a key just exchanged or listed) is
// scrubbed from Raw by value, whatever field echoes it.
func TestRawScrubsTheSecretsItCarries(t *testing.T) {
	const key = "FreshlyMintedKey0042"
	cases := []struct {
		name string
		p    Provider
		auth Authenticator
		body string
		call func(c *Client) ([]APIKey, error)
	}{
		{"VoiceTel exchange", VoiceTel(), nil,
			`{"apikey":"` + key + `","note":"your key is ` + key + `","api_key":"` + key + `"}`,
			func(c *Client) ([]APIKey, error) {
				k, err := c.Keys.Exchange(context.Background(), "4592086960", "pass1234")
				if err != nil {
					return nil, err
				}
				return []APIKey{*k}, nil
			}},
		{"Woodpecker v2 keys", Woodpecker(InVersion(WoodpeckerV2)), APIKeyAuth("agencykey1"),
			`{"content":[{"api_key":"` + key + `","label":"` + key + `"}],"pagination_data":{"total_elements":1,"total_pages":1,"current_page_number":1,"page_size":50}}`,
			func(c *Client) ([]APIKey, error) { return c.Keys.List(context.Background(), "5") }},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(tc.body))
		}))
		opts := []Option{WithBaseURL(srv.URL), WithLimitStore(NewMemoryLimitStore())}
		if tc.auth != nil {
			opts = append(opts, WithAuth(tc.auth))
		}
		c, err := NewClient(tc.p, opts...)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := tc.call(c)
		srv.Close()
		if err != nil || len(keys) != 1 {
			t.Fatalf("%s: %v, %v", tc.name, keys, err)
		}
		if keys[0].Key.Reveal() != key {
			t.Errorf("%s: key = %q", tc.name, keys[0].Key.Reveal())
		}
		if strings.Contains(string(keys[0].Raw), key) {
			t.Errorf("%s: Raw carries the key: %s", tc.name, keys[0].Raw)
		}
	}
}

// Woodpecker v2's page walks (the follow-up list after a failed create,
// Keys.List, the key lookup of AddProspects) end on a server cycling
// through pages that bring nothing new.
func TestWoodpeckerV2PageWalkEndsOnACycle(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		page := "A"
		if r.URL.Query().Get("page") != "" && r.URL.Query().Get("page")[len(r.URL.Query().Get("page"))-1]%2 == 0 {
			page = "B"
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"content":[{"api_key":"key` + page + `value","label":"` + page + `"}],"pagination_data":{"total_elements":99999999,"total_pages":99999999,"current_page_number":1,"page_size":1}}`))
	}))
	defer srv.Close()
	c, err := NewClient(Woodpecker(InVersion(WoodpeckerV2)), WithBaseURL(srv.URL), WithAuth(APIKeyAuth("agencykey1")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Keys.List(context.Background(), "5")
	var de *DecodeError
	if !errors.As(err, &de) || n.Load() > 4 {
		t.Fatalf("err = %v after %d requests, want a *DecodeError within a few pages", err, n.Load())
	}
}

// A limits file that parses as JSON but is not this store's state (no
// version: {}, null, another program's file) fails closed, as a corrupt
// one does: reading it as empty would forget the slots already used.
func TestFileLimitStoreRefusesForeignJSON(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `{"name":"my-package","version":"1.0.0"}`, `[]`} {
		path := filepath.Join(t.TempDir(), "limits.json")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := NewFileLimitStore(path)
		if err == nil {
			s.Close()
			t.Errorf("%s: accepted", body)
			continue
		}
		if !errors.Is(err, ErrCorruptLimitStore) {
			t.Errorf("%s: err = %v, want ErrCorruptLimitStore", body, err)
		}
		if got, _ := os.ReadFile(path); string(got) != body {
			t.Errorf("%s: file changed to %s", body, got)
		}
	}
	// A new, empty file is a fresh store.
	path := filepath.Join(t.TempDir(), "new.json")
	s, err := NewFileLimitStore(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestLimitStatusAndNilStoresDoNotPanic(t *testing.T) {
	ctx := context.Background()
	if _, err := (&Client{}).LimitStatus(ctx); err == nil {
		t.Error("zero Client: no error")
	}
	if _, err := (*Client)(nil).LimitStatus(ctx); err == nil {
		t.Error("nil Client: no error")
	}
	var fs *FileLimitStore
	if err := fs.Close(); err == nil {
		t.Error("nil FileLimitStore.Close: no error")
	}
}
