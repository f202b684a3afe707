package multiaccount

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Each list and records benchmark runs the SDK and a hand-written net/http
// + encoding/json client side by side (sub-benchmarks "SDK" and
// "baseline") against one loopback server answering the same page, so a
// ratio comes from one run. The baseline decodes the fields the SDK
// normalises into plain structs; it keeps no Raw. Reproduce with:
//
//	go test -run '^$' -bench 'Page|AllPages|Pipeline|Reserve' -benchmem -count 10 . > new.txt
//	benchstat new.txt

// benchServer answers every request with page(r), from loopback.
func benchServer(b *testing.B, page func(*http.Request) []byte) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page(r))
	}))
	b.Cleanup(srv.Close)
	return srv
}

// benchPair runs sdk and base as the sub-benchmarks SDK and baseline; each
// returns the number of items it read, which must be want. A third,
// "interleaved", alternates the two call by call and reports the ratio
// of their total times as sdk/baseline: load on a shared machine shifts
// both alike, where the separate sub-benchmarks run seconds apart.
func benchPair(b *testing.B, want int, sdk, base func() (int, error)) {
	defer b.Run("interleaved", func(b *testing.B) {
		var sdkTime, baseTime time.Duration
		for i := 0; i < b.N; i++ {
			for _, s := range []struct {
				f func() (int, error)
				d *time.Duration
			}{{sdk, &sdkTime}, {base, &baseTime}} {
				start := time.Now()
				n, err := s.f()
				*s.d += time.Since(start)
				if err != nil || n != want {
					b.Fatalf("%d items, err %v", n, err)
				}
			}
		}
		if baseTime > 0 {
			b.ReportMetric(float64(sdkTime)/float64(baseTime), "sdk/baseline")
		}
	})
	for _, s := range []struct {
		name string
		f    func() (int, error)
	}{{"SDK", sdk}, {"baseline", base}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n, err := s.f()
				if err != nil || n != want {
					b.Fatalf("%d items, err %v", n, err)
				}
			}
		})
	}
}

// benchClient is a Client of p on srv with a private limit store.
func benchClient(b *testing.B, p Provider, srv *httptest.Server, opts ...Option) *Client {
	b.Helper()
	c, err := NewClient(p, append([]Option{WithBaseURL(srv.URL), WithLimitStore(NewMemoryLimitStore())}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// baseGet is the hand-written client: one request, the body read whole,
// one json.Unmarshal into out.
func baseGet(hc *http.Client, method, url, header, value string, body string, out any) error {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set(header, value)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.Unmarshal(b, out)
}

// kaleyraPage is a list answer of n sub-accounts from offset of total.
func kaleyraPage(offset, n, total int) []byte {
	var b strings.Builder
	b.WriteString(`{"code":"RBC103","message":"Request successfully executed!","data":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		k := offset + i
		fmt.Fprintf(&b, `{"account_name":"Customer %d","email":"customer%d@example.com","status":"active","sid":"HX%08dIN_%d","api_key":"A%030d","channels":["sms"],"low_balance_alert":false,"subaccount_credit_type":"assigned","balance":%d.5,"ip_config_name":"Test1"}`, k, k, k, k, k, k%100)
	}
	fmt.Fprintf(&b, `],"error":{},"total":%d,"limit":"%d","offset":"%d","status":200}`, total, n, offset)
	return []byte(b.String())
}

type baseKaleyraPage struct {
	Data []struct {
		SID         string   `json:"sid"`
		AccountName string   `json:"account_name"`
		Email       string   `json:"email"`
		Status      string   `json:"status"`
		APIKey      string   `json:"api_key"`
		Balance     *float64 `json:"balance"`
	} `json:"data"`
	Total int `json:"total"`
}

// BenchmarkKaleyraListPage: SubAccounts.List of one page of 25.
func BenchmarkKaleyraListPage(b *testing.B) {
	body := kaleyraPage(0, 25, 25)
	srv := benchServer(b, func(*http.Request) []byte { return body })
	c := benchClient(b, Kaleyra("HXSID"), srv, WithAuth(APIKeyAuth("parent-key-123456")))
	ctx := context.Background()
	benchPair(b, 25, func() (int, error) {
		p, err := c.SubAccounts.List(ctx, nil)
		if err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}, func() (int, error) {
		var out baseKaleyraPage
		err := baseGet(http.DefaultClient, "GET", srv.URL+"/api/v1/HXSID/subaccounts", "api-key", "parent-key-123456", "", &out)
		return len(out.Data), err
	})
}

// BenchmarkKaleyraAllPages: All over 100,000 sub-accounts with no page
// size set, against a hand-written loop paging with the SDK's page size
// (kaleyraAllPageSize) on the same server. B/op is allocation over the
// whole walk; live memory stays at one page (items are dropped as read).
func BenchmarkKaleyraAllPages(b *testing.B) {
	const total = 100_000
	srv := benchServer(b, func(r *http.Request) []byte {
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, _ := strconv.Atoi(q.Get("limit"))
		if lim == 0 {
			lim = 25
		}
		n := min(lim, total-off)
		return kaleyraPage(off, max(n, 0), total)
	})
	c := benchClient(b, Kaleyra("HXSID"), srv, WithAuth(APIKeyAuth("parent-key-123456")))
	ctx := context.Background()
	benchPair(b, total, func() (int, error) {
		n := 0
		for sa, err := range c.SubAccounts.All(ctx, nil) {
			if err != nil {
				return n, err
			}
			_ = sa
			n++
		}
		return n, nil
	}, func() (int, error) {
		n, size := 0, benchKaleyraPageSize
		for off := 0; ; {
			var out baseKaleyraPage
			u := fmt.Sprintf("%s/api/v1/HXSID/subaccounts?limit=%d&offset=%d", srv.URL, size, off)
			if err := baseGet(http.DefaultClient, "GET", u, "api-key", "parent-key-123456", "", &out); err != nil {
				return n, err
			}
			n += len(out.Data)
			off += len(out.Data)
			if len(out.Data) == 0 || off >= out.Total {
				return n, nil
			}
		}
	})
}

// BenchmarkSerwerSMSListPage: SubAccounts.List of 100 sub-accounts (the
// vendor does not page).
func BenchmarkSerwerSMSListPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"username":"login%d"}`, 1000+i, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	srv := benchServer(b, func(*http.Request) []byte { return body })
	c := benchClient(b, SerwerSMS(), srv, WithAuth(Bearer("serwer-token-123456")))
	ctx := context.Background()
	benchPair(b, 100, func() (int, error) {
		p, err := c.SubAccounts.List(ctx, nil)
		if err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}, func() (int, error) {
		var out struct {
			Items []struct {
				ID       json.Number `json:"id"`
				Username string      `json:"username"`
			} `json:"items"`
		}
		err := baseGet(http.DefaultClient, "POST", srv.URL+"/subaccounts/index.json", "Authorization", "Bearer serwer-token-123456", "{}", &out)
		return len(out.Items), err
	})
}

// ctmAccountsPage is an accounts answer of n accounts.
func ctmAccountsPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"accounts":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"Client %d","status":"active","user_role":"admin","agency_id":9,"balance":{"cents":%d}}`, 1000+i, i, i*25)
	}
	fmt.Fprintf(&b, `],"page":1,"per_page":%d,"total_entries":%d,"total_pages":1,"next_page":null}`, n, n)
	return []byte(b.String())
}

// BenchmarkCTMAccountsPage: SubAccounts.List of one page of 100 accounts.
func BenchmarkCTMAccountsPage(b *testing.B) {
	body := ctmAccountsPage(100)
	srv := benchServer(b, func(*http.Request) []byte { return body })
	c := benchClient(b, CallTrackingMetrics(), srv, WithAuth(KeyPair("ctm-key-123456", "ctm-secret-123456")))
	ctx := context.Background()
	benchPair(b, 100, func() (int, error) {
		p, err := c.SubAccounts.List(ctx, &ListOptions{PageSize: 100})
		if err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}, func() (int, error) {
		var out struct {
			Accounts []struct {
				ID      json.Number `json:"id"`
				Name    string      `json:"name"`
				Status  string      `json:"status"`
				Balance struct {
					Cents float64 `json:"cents"`
				} `json:"balance"`
			} `json:"accounts"`
			TotalEntries int `json:"total_entries"`
		}
		err := baseGet(http.DefaultClient, "GET", srv.URL+"/api/v1/accounts.json?page=1&per_page=100", "Authorization", "Basic Y3RtLWtleS0xMjM0NTY6Y3RtLXNlY3JldC0xMjM0NTY=", "", &out)
		return len(out.Accounts), err
	})
}

// BenchmarkCTMCallsPage: Records.CallsPage of one page of 100 calls.
func BenchmarkCTMCallsPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"calls":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"account_id":1001,"unix_time":%d,"called_at":"2025-11-22 08:26 AM -05:00","duration":%d,"caller_number":"+1555555%04d","tracking_number":"+15555550199","source":"Google Ads"}`, 555000+i, 1763800000+i*60, i%300, i)
	}
	sb.WriteString(`],"page":1,"per_page":100,"total_entries":100,"total_pages":1,"next_page":null}`)
	body := []byte(sb.String())
	srv := benchServer(b, func(*http.Request) []byte { return body })
	c := benchClient(b, CallTrackingMetrics(), srv, WithAuth(KeyPair("ctm-key-123456", "ctm-secret-123456")))
	ctx := context.Background()
	benchPair(b, 100, func() (int, error) {
		p, err := c.Records.CallsPage(ctx, &CallQuery{AccountID: "1001", PageSize: 100})
		if err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}, func() (int, error) {
		var out struct {
			Calls []struct {
				ID             json.Number `json:"id"`
				AccountID      json.Number `json:"account_id"`
				UnixTime       int64       `json:"unix_time"`
				CalledAt       string      `json:"called_at"`
				Duration       float64     `json:"duration"`
				CallerNumber   string      `json:"caller_number"`
				TrackingNumber string      `json:"tracking_number"`
			} `json:"calls"`
		}
		err := baseGet(http.DefaultClient, "GET", srv.URL+"/api/v1/accounts/1001/calls.json?page=1&per_page=100", "Authorization", "Basic Y3RtLWtleS0xMjM0NTY6Y3RtLXNlY3JldC0xMjM0NTY=", "", &out)
		for _, c := range out.Calls {
			_ = time.Unix(c.UnixTime, 0)
		}
		return len(out.Calls), err
	})
}

// BenchmarkWoodpeckerCompaniesPage: SubAccounts.List of 50 companies with
// their API keys (which Raw redacts).
func BenchmarkWoodpeckerCompaniesPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`[`)
	for i := 0; i < 50; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"name":"Company %d","campaigns":%d,"owner":"Erlich Bachman","api_keys":[{"api_key":"%032x","name":"main"}]}`, 2125556000+i, i, i%20, i*7919)
	}
	sb.WriteString(`]`)
	body := []byte(sb.String())
	srv := benchServer(b, func(*http.Request) []byte { return body })
	c := benchClient(b, Woodpecker(), srv, WithAuth(APIKeyAuth("woodpecker-key-123456")))
	ctx := context.Background()
	benchPair(b, 50, func() (int, error) {
		p, err := c.SubAccounts.List(ctx, nil)
		if err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}, func() (int, error) {
		var out []struct {
			ID      json.Number `json:"id"`
			Name    string      `json:"name"`
			Owner   string      `json:"owner"`
			APIKeys []struct {
				APIKey string `json:"api_key"`
				Name   string `json:"name"`
			} `json:"api_keys"`
		}
		err := baseGet(http.DefaultClient, "GET", srv.URL+"/rest/v1/agency/companies", "Authorization", "Basic d29vZHBlY2tlci1rZXktMTIzNDU2Olg=", "", &out)
		return len(out), err
	})
}

// benchKaleyraPageSize is the page size the SDK asks for in All, which
// the hand-written loop uses too.
const benchKaleyraPageSize = kaleyraAllPageSize

// unlimitedStore is the memory store with every window's period cut to a
// nanosecond: each reserve runs the real store code, and the window has
// always emptied by the next attempt. VoiceTel's cdr/ allows a few calls
// an hour; the benchmark measures the call, not the wait.
type unlimitedStore struct{ LimitStore }

func (s unlimitedStore) Reserve(ctx context.Context, w Window, now time.Time, maxWait, lease time.Duration) (Slot, bool, error) {
	w.Per = time.Nanosecond
	return s.LimitStore.Reserve(ctx, w, now, maxWait, lease)
}

func (s unlimitedStore) Confirm(ctx context.Context, w Window, sl Slot, end time.Time) error {
	w.Per = time.Nanosecond
	return s.LimitStore.Confirm(ctx, w, sl, end)
}

func (s unlimitedStore) Cancel(ctx context.Context, w Window, sl Slot) error {
	w.Per = time.Nanosecond
	return s.LimitStore.Cancel(ctx, w, sl)
}

// BenchmarkVoiceTelCDRPage: Records.CallsPage of 100 records from cdr/.
func BenchmarkVoiceTelCDRPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"cdr":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"key":["4592086960","%d"],"value":{"ip":"104.225.13.77","cn":"TOLL%%20FREE%%20CALL","nr":"0.025","dst":"8008786160","dur":"%d","ba":"0.017500","cid":"8666326621","start":%d},"id":"%032x"}`, 1699990000+i*60, 40+i, 1699990000+i*60, i*104729)
	}
	sb.WriteString(`],"statusCode":"200","status":"Success"}`)
	body := []byte(sb.String())
	srv := benchServer(b, func(*http.Request) []byte { return body })
	c := benchClient(b, VoiceTel(), srv, WithAuth(Bearer("voicetel-key-123456")), WithLimitStore(unlimitedStore{NewMemoryLimitStore()}))
	ctx := context.Background()
	benchPair(b, 100, func() (int, error) {
		p, err := c.Records.CallsPage(ctx, nil)
		if err != nil {
			return 0, err
		}
		return len(p.Items), nil
	}, func() (int, error) {
		var out struct {
			CDR []struct {
				Key   []string `json:"key"`
				ID    string   `json:"id"`
				Value struct {
					CID string      `json:"cid"`
					Dst string      `json:"dst"`
					Dur string      `json:"dur"`
					NR  string      `json:"nr"`
					St  json.Number `json:"start"`
				} `json:"value"`
			} `json:"cdr"`
		}
		err := baseGet(http.DefaultClient, "POST", srv.URL+"/v2.1/account/cdr/", "Authorization", "Bearer voicetel-key-123456", "{}", &out)
		return len(out.CDR), err
	})
}

// countingListener counts the connections a server accepts.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// TestDefaultTransportReusesConnections: 16 goroutines × 40 calls through
// one Client on the default transport open at most 20 connections
// (http.DefaultTransport, 2 idle per host, opened 134-163).
func TestDefaultTransportReusesConnections(t *testing.T) {
	if n := connectionsFor16x40(t, nil); n > 20 {
		t.Errorf("16 goroutines x 40 calls opened %d connections, want at most 20", n)
	}
}

// The measure sees every connection: without keep-alives each of the
// 640 calls dials its own.
func TestConnectionCountSeesEveryDial(t *testing.T) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	if n := connectionsFor16x40(t, &http.Client{Transport: tr}); n != 16*40 {
		t.Errorf("without keep-alives 16 goroutines x 40 calls opened %d connections, want %d", n, 16*40)
	}
}

// connectionsFor16x40 counts the connections that 16 goroutines × 40
// calls through one Client (on hc's transport, nil for the default) open.
// The server holds the first 16 requests until all have arrived: the 16
// first calls are in flight together, on 16 connections, before any
// ends. Without that, how many open is a race in net/http, not a matter
// of reuse: a call that waits for a dial takes a connection another call
// has just freed, and the dial, when it completes, adds one more (up to
// 26 in 1 run of 40, every extra one opened in the first calls).
func connectionsFor16x40(t *testing.T, hc *http.Client) int64 {
	body := kaleyraPage(0, 25, 25)
	var arrived atomic.Int64
	all := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n := arrived.Add(1); {
		case n < 16:
			<-all
		case n == 16:
			close(all)
		}
		_, _ = w.Write(body)
	}))
	ln := &countingListener{Listener: srv.Listener}
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	opts := []Option{WithBaseURL(srv.URL), WithAuth(APIKeyAuth("parent-key-123456")), withPrivateLimiters()}
	if hc != nil {
		opts = append(opts, WithHTTPClient(hc))
	}
	c, err := NewClient(Kaleyra("HXSID"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16*40)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				if _, err := c.SubAccounts.List(context.Background(), nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ln.n.Load()
}
