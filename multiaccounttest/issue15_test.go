package multiaccounttest

import (
	"net/http"
	"testing"
)

// The emulator's Woodpecker v2, CallTrackingMetrics account creation and
// Kaleyra recharges, over raw HTTP.

func wpV2Do(t *testing.T, srv *Server, method, p string, body any) reply {
	t.Helper()
	return wpDo(t, srv, method, "/rest/v2/agency/companies"+p, WoodpeckerAgencyKey, body)
}

func wantWPV2Error(t *testing.T, r reply, status int, code string) {
	t.Helper()
	wantStatus(t, r, status)
	m := r.JSON(t)
	wantEq(t, "code", m["code"], code)
	if msg, _ := m["message"].(string); msg == "" {
		t.Errorf("no message: %s", r.Body)
	}
}

func TestWoodpeckerV2Companies(t *testing.T) {
	srv, _ := start(t)
	m := wpV2Do(t, srv, http.MethodGet, "", nil).JSON(t)
	wantEq(t, "total", path(t, m, "pagination_data", "total_elements"), float64(4))
	wantEq(t, "page size", path(t, m, "pagination_data", "page_size"), float64(50))
	wantEq(t, "current", path(t, m, "pagination_data", "current_page_number"), float64(1))
	wantEq(t, "first id", path(t, m, "content", 0, "id"), float64(wpCompanyID))
	wantEq(t, "active", path(t, m, "content", 0, "active"), true)
	if _, ok := path(t, m, "content", 0).(map[string]any)["api_keys"]; ok {
		t.Error("v2 companies carry no keys")
	}
	m = wpV2Do(t, srv, http.MethodGet, "?active=false", nil).JSON(t)
	wantEq(t, "inactive", path(t, m, "pagination_data", "total_elements"), float64(1))

	// All or none: a batch with a taken name creates nothing.
	r := wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": []any{map[string]any{"name": "New A"}, map[string]any{"name": "bluebird growth"}}})
	wantWPV2Error(t, r, http.StatusConflict, "E_DUPLICATE")
	r = wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": []any{map[string]any{"name": "New A"}, map[string]any{"name": ""}}})
	wantWPV2Error(t, r, http.StatusBadRequest, "E_REQUIRED_ELEMENT")
	eleven := make([]any, 11)
	for i := range eleven {
		eleven[i] = map[string]any{"name": "C" + itoa(i)}
	}
	wantWPV2Error(t, wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": eleven}), http.StatusBadRequest, "E_WRONG_PARAM")
	m = wpV2Do(t, srv, http.MethodGet, "", nil).JSON(t)
	wantEq(t, "after refusals", path(t, m, "pagination_data", "total_elements"), float64(4))

	r = wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": []any{map[string]any{"name": "New A"}, map[string]any{"name": "New B"}}})
	wantStatus(t, r, http.StatusCreated)
	m = r.JSON(t)
	wantEq(t, "second", path(t, m, "companies", 1, "name"), "New B")
	// v1 lists it too: one set of companies.
	var v1 []any
	if err := jsonUnmarshal(wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", WoodpeckerAgencyKey, nil).Body, &v1); err != nil || len(v1) != 6 {
		t.Errorf("v1 sees %d companies (%v)", len(v1), err)
	}

	// Paging: 56 companies are two pages.
	for b := 0; b < 5; b++ {
		batch := make([]any, 10)
		for i := range batch {
			batch[i] = map[string]any{"name": "P" + itoa(b) + "-" + itoa(i)}
		}
		wantStatus(t, wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": batch}), http.StatusCreated)
	}
	m = wpV2Do(t, srv, http.MethodGet, "?page=2", nil).JSON(t)
	wantEq(t, "pages", path(t, m, "pagination_data", "total_pages"), float64(2))
	if n := len(m["content"].([]any)); n != 6 {
		t.Errorf("page 2 has %d", n)
	}
	wantWPV2Error(t, wpV2Do(t, srv, http.MethodGet, "?page=0", nil), http.StatusBadRequest, "E_WRONG_PARAM")
}

func TestWoodpeckerV2KeysAndUsers(t *testing.T) {
	srv, _ := start(t)
	id := "/" + WoodpeckerCompanyID
	m := wpV2Do(t, srv, http.MethodGet, id+"/api_keys", nil).JSON(t)
	wantEq(t, "key", path(t, m, "content", 0, "api_key"), WoodpeckerCompanyKey)
	wantEq(t, "label", path(t, m, "content", 0, "label"), "main")
	wantWPV2Error(t, wpV2Do(t, srv, http.MethodPost, id+"/api_keys", map[string]any{}), http.StatusBadRequest, "E_REQUIRED_ELEMENT")
	r := wpV2Do(t, srv, http.MethodPost, id+"/api_keys", map[string]any{"label": "crm"})
	wantStatus(t, r, http.StatusCreated)
	if k, _ := r.JSON(t)["api_key"].(string); k == "" {
		t.Errorf("no key: %s", r.Body)
	}
	m = wpV2Do(t, srv, http.MethodGet, id+"/users", nil).JSON(t)
	wantEq(t, "users", path(t, m, "pagination_data", "total_elements"), float64(3))
	wantEq(t, "owner", path(t, m, "content", 0, "role"), "OWNER")
	wantWPV2Error(t, wpV2Do(t, srv, http.MethodGet, "/999/users", nil), http.StatusNotFound, "E_RECORD_NOT_FOUND")
	wantWPV2Error(t, wpV2Do(t, srv, http.MethodGet, id+"/other", nil), http.StatusNotFound, "E_RECORD_NOT_FOUND")
	wantWPV2Error(t, wpDo(t, srv, http.MethodGet, "/rest/v2/agency/companies", WoodpeckerCompanyKey, nil), http.StatusUnauthorized, "E_SESSION")
}

func TestCTMCreateAccount(t *testing.T) {
	srv, _ := start(t)
	post := func(body any) reply {
		return do(t, http.MethodPost, srv.URL(CallTrackingMetrics)+"/api/v1/accounts", body, "Authorization", basic(CTMAccessKey, CTMSecretKey))
	}
	r := post(map[string]any{"account": map[string]any{"name": "Tulsa HVAC", "timezone_hint": "America/Chicago"}, "billing_type": "existing"})
	wantStatus(t, r, http.StatusOK)
	m := r.JSON(t)
	wantEq(t, "status", m["status"], "success")
	wantEq(t, "name", m["name"], "Tulsa HVAC")
	id := int(m["id"].(float64))
	got := ctmGet(t, srv, "/api/v1/accounts/"+itoa(id)+".json", true).JSON(t)
	wantEq(t, "timezone", got["timezone"], "America/Chicago")
	for name, body := range map[string]any{
		"no name":      map[string]any{"account": map[string]any{"timezone_hint": "UTC"}, "billing_type": "existing"},
		"bad zone":     map[string]any{"account": map[string]any{"name": "X", "timezone_hint": "Nowhere/Land"}, "billing_type": "existing"},
		"billing type": map[string]any{"account": map[string]any{"name": "X", "timezone_hint": "UTC"}, "billing_type": "new"},
	} {
		r := post(body)
		wantStatus(t, r, http.StatusBadRequest)
		wantEq(t, name, r.JSON(t)["status"], "error")
	}
	r = do(t, http.MethodPost, srv.URL(CallTrackingMetrics)+"/api/v1/accounts", map[string]any{}, "Authorization", basic(CTMAccessKey, "nope"))
	wantStatus(t, r, http.StatusUnauthorized)
}

func TestKaleyraRecharge(t *testing.T) {
	srv, _ := start(t)
	list := wantKY(t, kyDo(t, srv, http.MethodGet, "?limit=100", nil), http.StatusOK, "RBC103")
	var assigned, shared string
	var balance float64
	for _, x := range list["data"].([]any) {
		s := x.(map[string]any)
		switch s["subaccount_credit_type"] {
		case "assigned":
			if assigned == "" {
				assigned, balance = s["sid"].(string), s["balance"].(float64)
			}
		case "shared":
			shared = s["sid"].(string)
		}
	}
	m := wantKY(t, kyDo(t, srv, http.MethodPost, "/"+assigned+"/recharges", map[string]any{"amount": 12.5}), http.StatusOK, "RBC103")
	wantEq(t, "balance", path(t, m, "data", "balance"), balance+12.5)
	m = wantKY(t, kyDo(t, srv, http.MethodGet, "/"+assigned, nil), http.StatusOK, "RBC103")
	wantEq(t, "balance after", path(t, m, "data", 0, "balance"), balance+12.5)
	wantKY(t, kyDo(t, srv, http.MethodPost, "/"+assigned+"/recharges", map[string]any{"amount": 0}), http.StatusBadRequest, "RBC2301")
	wantKY(t, kyDo(t, srv, http.MethodPost, "/"+assigned+"/recharges", map[string]any{"amount": "5"}), http.StatusBadRequest, "RBC2301")
	wantKY(t, kyDo(t, srv, http.MethodPost, "/"+shared+"/recharges", map[string]any{"amount": 5}), http.StatusBadRequest, "RBC2301")
	wantKY(t, kyDo(t, srv, http.MethodPost, "/NOPE/recharges", map[string]any{"amount": 5}), http.StatusNotFound, "RBC2304")
	wantKY(t, kyDo(t, srv, http.MethodGet, "/"+assigned+"/recharges", nil), http.StatusMethodNotAllowed, "RBC405")
}

// Fault.Applied lets the vendor act before the answer is lost.
func TestFaultApplied(t *testing.T) {
	srv, _ := start(t)
	srv.Fail(Woodpecker, "/rest/v2/agency/companies", Fault{Status: http.StatusBadGateway, Applied: true})
	r := wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": []any{map[string]any{"name": "Ghost"}}})
	wantStatus(t, r, http.StatusBadGateway)
	m := wpV2Do(t, srv, http.MethodGet, "", nil).JSON(t)
	wantEq(t, "created anyway", path(t, m, "pagination_data", "total_elements"), float64(5))
	// Without Status or Drop, Applied serves once, normally.
	srv.Fail(Woodpecker, "/rest/v2/agency/companies", Fault{Applied: true})
	wantStatus(t, wpV2Do(t, srv, http.MethodPost, "", map[string]any{"companies": []any{map[string]any{"name": "Once"}}}), http.StatusCreated)
	m = wpV2Do(t, srv, http.MethodGet, "", nil).JSON(t)
	wantEq(t, "served once", path(t, m, "pagination_data", "total_elements"), float64(6))
}
