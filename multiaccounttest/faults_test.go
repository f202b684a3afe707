package multiaccounttest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestFaultStatus(t *testing.T) {
	srv, _ := start(t)
	const p = "/v2.1/account/registration/"
	srv.Fail(VoiceTel, p, Fault{Times: 2, Status: http.StatusServiceUnavailable, RetryAfter: 1500 * time.Millisecond})
	for i := range 2 {
		r := vtDo(t, srv, "registration", nil, bearerH(VoiceTelAPIKey)...)
		wantStatus(t, r, http.StatusServiceUnavailable)
		wantEq(t, fmt.Sprint("Retry-After ", i), r.Header.Get("Retry-After"), "2")
		wantEq(t, "body", string(r.Body), "Service Unavailable")
	}
	wantVTOK(t, vtDo(t, srv, "registration", nil, bearerH(VoiceTelAPIKey)...))
	wantEq(t, "requests", srv.Requests(VoiceTel, p), 3)
	wantEq(t, "vendor total", srv.Requests(VoiceTel, ""), 3)
	wantEq(t, "other vendor", srv.Requests(Kaleyra, ""), 0)

	// A custom body; the limited endpoints' window is not touched by a fault.
	srv.Fail(VoiceTel, "/v2.1/account/info/", Fault{Status: http.StatusBadGateway, Body: "<html>bad gateway</html>"})
	r := vtDo(t, srv, "info", nil, bearerH(VoiceTelAPIKey)...)
	wantStatus(t, r, http.StatusBadGateway)
	wantEq(t, "custom body", string(r.Body), "<html>bad gateway</html>")
	for range 6 {
		wantVTOK(t, vtDo(t, srv, "info", nil, bearerH(VoiceTelAPIKey)...))
	}
}

func TestFaultOrder(t *testing.T) {
	srv, _ := start(t)
	srv.Fail(Kaleyra, "", Fault{Status: 500})
	srv.Fail(Kaleyra, "/api/v1/"+KaleyraSID+"/subaccounts", Fault{Status: 502})
	srv.Fail(Kaleyra, "/api/v1/"+KaleyraSID+"/subaccounts", Fault{Status: 503})
	got := []int{}
	for range 4 {
		got = append(got, kyDo(t, srv, http.MethodGet, "", nil).Status)
	}
	if fmt.Sprint(got) != "[502 503 500 200]" {
		t.Errorf("statuses %v", got)
	}
}

func TestFaultDrop(t *testing.T) {
	srv, _ := start(t)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	srv.Fail(SerwerSMS, "/subaccounts/index.json", Fault{Drop: true})
	req, _ := http.NewRequest(http.MethodPost, srv.URL(SerwerSMS)+"/subaccounts/index.json", nil)
	req.Header.Set("Authorization", "Bearer "+SerwerSMSToken)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request answered HTTP %d", resp.StatusCode)
	}
	wantEq(t, "requests", srv.Requests(SerwerSMS, "/subaccounts/index.json"), 1)
	if items := ssDo(t, srv, "index", nil, bearerH(SerwerSMSToken)...)["items"]; items == nil {
		t.Error("not served after the drop")
	}
}

func TestFaultDelay(t *testing.T) {
	srv, _ := start(t)
	srv.Fail(CallTrackingMetrics, "", Fault{Delay: 30 * time.Millisecond})
	t0 := time.Now()
	r := ctmGet(t, srv, "/api/v1/accounts.json", true)
	if el := time.Since(t0); el < 30*time.Millisecond {
		t.Errorf("answered after %v", el)
	}
	wantStatus(t, r, http.StatusOK) // served normally, late
	wantEq(t, "total_entries", r.JSON(t)["total_entries"], float64(CTMAccounts))
}

func TestCloseEndsHeldRequests(t *testing.T) {
	clk := newFakeClock()
	srv := NewServer(WithClock(clk))
	defer srv.Close()
	srv.Fail(Kaleyra, "", Fault{Wait: make(chan struct{})}) // never released
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, kyURL(srv, ""), nil)
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	for srv.Requests(Kaleyra, "") < 1 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs on a held request")
	}
	if err := <-errc; err == nil {
		t.Error("the held request was answered")
	}
	srv.Close() // twice is fine
	wantEq(t, "unknown vendor URL", srv.URL("acme"), "")
}

// TestConcurrentUse drives every vendor from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	srv, _ := start(t)
	type call struct {
		method, url string
		body        any
		headers     []string
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 8 {
		calls := []call{
			{http.MethodGet, srv.URL(CallTrackingMetrics) + "/api/v1/accounts.json?page=2", nil,
				[]string{"Authorization", basic(CTMAccessKey, CTMSecretKey)}},
			{http.MethodPost, kyURL(srv, ""), map[string]any{"account_name": "C", "email": fmt.Sprintf("c%d@x.example", g),
				"country_iso_code": "IN", "channels": []string{"sms"}, "subaccount_credit_type": "shared", "is_invited": false},
				[]string{"api-key", KaleyraAPIKey}},
			{http.MethodGet, kyURL(srv, ""), nil, []string{"api-key", KaleyraAPIKey}},
			{http.MethodPost, srv.URL(SerwerSMS) + "/subaccounts/add.json", map[string]any{"subaccount_username": fmt.Sprintf("user_%d", g),
				"subaccount_password": "secret1", "subaccount_id": ssTemplateID}, bearerH(SerwerSMSToken)},
			{http.MethodPost, srv.URL(VoiceTel) + "/v2.1/account/signup/", map[string]any{"name": "N", "email": fmt.Sprintf("n%d@x.example", g)}, nil},
			{http.MethodPost, srv.URL(Woodpecker) + "/rest/v1/add_prospects_list", map[string]any{}, []string{"x-api-key", fmt.Sprint(g)}},
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range calls {
				if _, err := send(c.method, c.url, c.body, c.headers...); err != nil {
					errs <- err
				}
			}
			srv.Requests(Woodpecker, "")
			srv.Fail(CallTrackingMetrics, "/nowhere", Fault{})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	m := wantKY(t, kyDo(t, srv, http.MethodGet, "?limit=100", nil), http.StatusOK, "RBC103")
	if n := len(m["data"].([]any)); n != 12+8 {
		t.Errorf("%d Kaleyra sub-accounts after 8 creates", n)
	}
	if n := len(ssDo(t, srv, "index", nil, bearerH(SerwerSMSToken)...)["items"].([]any)); n != 5+8 {
		t.Errorf("%d SerwerSMS sub-accounts after 8 adds", n)
	}
}
