package multiaccounttest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func ctmGet(t *testing.T, srv *Server, p string, auth bool) reply {
	t.Helper()
	u := srv.URL(CallTrackingMetrics) + p
	if !auth {
		return do(t, http.MethodGet, u, nil)
	}
	return do(t, http.MethodGet, u, nil, "Authorization", basic(CTMAccessKey, CTMSecretKey))
}

func basic(user, pass string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

func TestCTMAuth(t *testing.T) {
	srv, _ := start(t)
	base := srv.URL(CallTrackingMetrics)

	wantStatus(t, ctmGet(t, srv, "/api/v1/accounts.json", true), http.StatusOK)

	for name, hdr := range map[string][]string{
		"none":         nil,
		"wrong secret": {"Authorization", basic(CTMAccessKey, "nope")},
		"wrong key":    {"Authorization", basic("nope", CTMSecretKey)},
	} {
		r := do(t, http.MethodGet, base+"/api/v1/accounts.json", nil, hdr...)
		wantStatus(t, r, http.StatusUnauthorized)
		m := r.JSON(t)
		wantEq(t, name+" status", m["status"], "error")
		if msg, _ := m["message"].(string); msg == "" {
			t.Errorf("%s: no message: %s", name, r.Body)
		}
		if strings.Contains(string(r.Body), CTMSecretKey) {
			t.Errorf("%s: the secret is echoed", name)
		}
	}
	r := do(t, http.MethodGet, base+"/api/v1/accounts.json?auth_token=forged", nil)
	wantStatus(t, r, http.StatusUnauthorized)
}

func TestCTMSessionToken(t *testing.T) {
	srv, clk := start(t)
	base := srv.URL(CallTrackingMetrics)

	bad := do(t, http.MethodPost, base+"/api/v1/authentication", url.Values{"token": {CTMAccessKey}, "secret": {"wrong"}})
	wantStatus(t, bad, http.StatusUnauthorized)
	wantEq(t, "refused success", bad.JSON(t)["success"], false)
	wantEq(t, "refused status", bad.JSON(t)["status"], "error")

	r := do(t, http.MethodPost, base+"/api/v1/authentication", url.Values{"token": {CTMAccessKey}, "secret": {CTMSecretKey}})
	wantStatus(t, r, http.StatusOK)
	m := r.JSON(t)
	wantEq(t, "success", m["success"], true)
	wantEq(t, "first_account.id", path(t, m, "first_account", "id"), float64(ctmFirstAccountID))
	tok, _ := m["token"].(string)
	if tok == "" {
		t.Fatalf("no token: %s", r.Body)
	}
	exp, err := time.Parse(time.RFC3339, m["expires"].(string))
	if err != nil {
		t.Fatalf("expires: %v", err)
	}
	if want := clk.Now().Add(30 * 24 * time.Hour); !exp.Equal(want) {
		t.Errorf("expires %v, want %v", exp, want)
	}

	acc := base + "/api/v1/accounts.json?auth_token=" + url.QueryEscape(tok)
	wantStatus(t, do(t, http.MethodGet, acc, nil), http.StatusOK)
	// next_page never carries the token.
	if next := do(t, http.MethodGet, acc, nil).JSON(t)["next_page"].(string); strings.Contains(next, tok) {
		t.Errorf("next_page carries the token: %s", next)
	}

	clk.Advance(30*24*time.Hour - time.Second)
	wantStatus(t, do(t, http.MethodGet, acc, nil), http.StatusOK)
	clk.Advance(time.Second)
	r = do(t, http.MethodGet, acc, nil)
	wantStatus(t, r, http.StatusUnauthorized)
	wantEq(t, "expired message", r.JSON(t)["message"], "Session token expired")

	// JSON bodies are accepted by the exchange too.
	r = do(t, http.MethodPost, base+"/api/v1/authentication", map[string]string{"token": CTMAccessKey, "secret": CTMSecretKey})
	wantStatus(t, r, http.StatusOK)
}

func TestCTMTokenTTL(t *testing.T) {
	srv, clk := start(t, WithTokenTTL(time.Hour))
	base := srv.URL(CallTrackingMetrics)
	r := do(t, http.MethodPost, base+"/api/v1/authentication", url.Values{"token": {CTMAccessKey}, "secret": {CTMSecretKey}})
	tok := r.JSON(t)["token"].(string)
	clk.Advance(time.Hour)
	wantStatus(t, do(t, http.MethodGet, base+"/api/v1/accounts/"+CTMFirstAccountID+".json?auth_token="+tok, nil), http.StatusUnauthorized)
}

func TestCTMAccountsPaging(t *testing.T) {
	srv, _ := start(t)
	r := ctmGet(t, srv, "/api/v1/accounts.json", true)
	wantStatus(t, r, http.StatusOK)
	m := r.JSON(t)
	wantEq(t, "page", m["page"], 1.0)
	wantEq(t, "per_page", m["per_page"], 10.0)
	wantEq(t, "total_entries", m["total_entries"], float64(CTMAccounts))
	wantEq(t, "total_pages", m["total_pages"], 4.0)
	next, _ := m["next_page"].(string)
	if !strings.HasPrefix(next, srv.URL(CallTrackingMetrics)+"/api/v1/accounts.json?") {
		t.Fatalf("next_page %q is not an absolute URL on the emulator", next)
	}

	seen := map[float64]bool{}
	u := srv.URL(CallTrackingMetrics) + "/api/v1/accounts.json?per_page=7"
	pages := 0
	for u != "" {
		pages++
		m := do(t, http.MethodGet, u, nil, "Authorization", basic(CTMAccessKey, CTMSecretKey)).JSON(t)
		for _, a := range m["accounts"].([]any) {
			id := path(t, a, "id").(float64)
			if seen[id] {
				t.Fatalf("account %v twice", id)
			}
			seen[id] = true
			wantEq(t, "agency_id", path(t, a, "agency_id"), float64(ctmAgencyID))
			if _, ok := path(t, a, "balance", "cents").(float64); !ok {
				t.Errorf("no balance.cents in %v", a)
			}
		}
		u, _ = m["next_page"].(string)
	}
	if len(seen) != CTMAccounts || pages != 5 {
		t.Errorf("saw %d accounts on %d pages, want %d on 5", len(seen), pages, CTMAccounts)
	}

	r = ctmGet(t, srv, "/api/v1/accounts.json?per_page=150", true)
	wantStatus(t, r, http.StatusOK)
	wantEq(t, "next_page at 150", r.JSON(t)["next_page"], nil)

	r = ctmGet(t, srv, "/api/v1/accounts.json?per_page=151", true)
	wantStatus(t, r, http.StatusBadRequest)
	if got := strings.TrimSpace(string(r.Body)); got != `{"error":"per_page limit is 150"}` {
		t.Errorf("per_page 151: %s", got)
	}
	r = ctmGet(t, srv, "/api/v1/accounts.json?page=9", true)
	wantStatus(t, r, http.StatusOK)
	if n := len(r.JSON(t)["accounts"].([]any)); n != 0 {
		t.Errorf("page past the end has %d accounts", n)
	}
}

func TestCTMAccount(t *testing.T) {
	srv, _ := start(t)
	r := ctmGet(t, srv, fmt.Sprintf("/api/v1/accounts/%d.json", ctmFirstAccountID+2), true)
	wantStatus(t, r, http.StatusOK)
	wantEq(t, "id", r.JSON(t)["id"], float64(ctmFirstAccountID+2))
	wantStatus(t, ctmGet(t, srv, "/api/v1/accounts/1.json", true), http.StatusNotFound)
	wantStatus(t, ctmGet(t, srv, "/api/v1/accounts/1.json", false), http.StatusUnauthorized)
}

func TestCTMCalls(t *testing.T) {
	srv, clk := start(t)
	id := ctmFirstAccountID + 4
	all := ctmGet(t, srv, fmt.Sprintf("/api/v1/accounts/%d/calls.json?per_page=150", id), true)
	wantStatus(t, all, http.StatusOK)
	calls := all.JSON(t)["calls"].([]any)
	if len(calls) < 5 {
		t.Fatalf("only %d seeded calls", len(calls))
	}
	last := float64(1 << 62)
	for _, c := range calls {
		for _, f := range []string{"id", "unix_time", "duration", "caller_number", "tracking_number", "called_at"} {
			if path(t, c, f) == nil {
				t.Fatalf("call lacks %s: %v", f, c)
			}
		}
		u := path(t, c, "unix_time").(float64)
		if u > last {
			t.Errorf("calls not newest first")
		}
		if u > float64(clk.Now().Unix()) {
			t.Errorf("a call in the future")
		}
		last = u
	}

	// A two-day window, end date included.
	end := clk.Now().UTC().AddDate(0, 0, -2)
	startD := end.AddDate(0, 0, -1)
	q := fmt.Sprintf("/api/v1/accounts/%d/calls.json?per_page=3&start_date=%s&end_date=%s", id,
		startD.Format(time.DateOnly), end.Format(time.DateOnly))
	lo := time.Date(startD.Year(), startD.Month(), startD.Day(), 0, 0, 0, 0, time.UTC).Unix()
	hi := lo + 2*86400
	want := 0
	for _, c := range calls {
		if u := int64(path(t, c, "unix_time").(float64)); u >= lo && u < hi {
			want++
		}
	}
	got := 0
	u := srv.URL(CallTrackingMetrics) + q
	for u != "" {
		m := do(t, http.MethodGet, u, nil, "Authorization", basic(CTMAccessKey, CTMSecretKey)).JSON(t)
		wantEq(t, "total_entries", m["total_entries"], float64(want))
		for _, c := range m["calls"].([]any) {
			if u := int64(path(t, c, "unix_time").(float64)); u < lo || u >= hi {
				t.Errorf("call at %d outside [%d,%d)", u, lo, hi)
			}
			got++
		}
		u, _ = m["next_page"].(string)
		if u != "" && !strings.Contains(u, "start_date=") {
			t.Errorf("next_page lost the date filter: %s", u)
		}
	}
	if got != want {
		t.Errorf("paged through %d calls, want %d", got, want)
	}

	wantStatus(t, ctmGet(t, srv, fmt.Sprintf("/api/v1/accounts/%d/calls.json?start_date=22-11-2025", id), true), http.StatusBadRequest)
	wantStatus(t, ctmGet(t, srv, "/api/v1/accounts/77/calls.json", true), http.StatusNotFound)
	wantStatus(t, ctmGet(t, srv, fmt.Sprintf("/api/v1/accounts/%d/calls.json?per_page=500", id), true), http.StatusBadRequest)
}

// called_at is the account's local time without a zone, as the vendor
// documents it; WithCTMCalledAtOnly leaves unix_time out.
func TestCTMCalledAtOnly(t *testing.T) {
	withUnix, _ := start(t)
	bare, _ := start(t, WithCTMCalledAtOnly())
	first, _ := strconv.Atoi(CTMFirstAccountID)
	id := first + 1 // the second seeded account
	acct := ctmGet(t, bare, fmt.Sprintf("/api/v1/accounts/%d.json", id), true).JSON(t)
	loc, err := time.LoadLocation(acct["timezone"].(string))
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	p := fmt.Sprintf("/api/v1/accounts/%d/calls.json?per_page=20", id)
	want := ctmGet(t, withUnix, p, true).JSON(t)["calls"].([]any)
	got := ctmGet(t, bare, p, true).JSON(t)["calls"].([]any)
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("%d calls, want %d", len(got), len(want))
	}
	for i, c := range got {
		if _, has := c.(map[string]any)["unix_time"]; has {
			t.Fatalf("unix_time present: %v", c)
		}
		at, err := time.ParseInLocation("2006-01-02 03:04 PM", path(t, c, "called_at").(string), loc)
		u := time.Unix(int64(path(t, want[i], "unix_time").(float64)), 0)
		if err != nil || !at.Equal(u.Truncate(time.Minute)) {
			t.Errorf("called_at %v (%v) is not %v in %v", path(t, c, "called_at"), err, u, loc)
		}
	}
}
