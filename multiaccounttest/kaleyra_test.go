package multiaccounttest

import (
	"net/http"
	"strings"
	"testing"
)

func kyURL(srv *Server, rest string) string {
	return srv.URL(Kaleyra) + "/api/v1/" + KaleyraSID + "/subaccounts" + rest
}

func kyDo(t *testing.T, srv *Server, method, rest string, body any) reply {
	t.Helper()
	return do(t, method, kyURL(srv, rest), body, "api-key", KaleyraAPIKey)
}

func wantKY(t *testing.T, r reply, status int, code string) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.JSON(t)
	wantEq(t, "code", m["code"], code)
	wantEq(t, "status", m["status"], float64(status))
	if _, ok := m["error"].(map[string]any); !ok {
		t.Errorf("error is not an object: %s", r.Body)
	}
	return m
}

func TestKaleyraAuth(t *testing.T) {
	srv, _ := start(t)
	const want = `{"code":"RBC422","message":"Access Denied! Unauthorized action!","data":{},"error":{},"status":401}`
	for name, r := range map[string]reply{
		"no key":    do(t, http.MethodGet, kyURL(srv, ""), nil),
		"wrong key": do(t, http.MethodGet, kyURL(srv, ""), nil, "api-key", "Awrong"),
		"other sid": do(t, http.MethodGet, srv.URL(Kaleyra)+"/api/v1/HOTHER071IN/subaccounts", nil, "api-key", KaleyraAPIKey),
	} {
		wantStatus(t, r, http.StatusUnauthorized)
		if got := strings.TrimSpace(string(r.Body)); got != want {
			t.Errorf("%s: %s", name, got)
		}
	}
}

func TestKaleyraList(t *testing.T) {
	srv, _ := start(t)
	m := wantKY(t, kyDo(t, srv, http.MethodGet, "", nil), http.StatusOK, "RBC103")
	wantEq(t, "limit", m["limit"], "25")
	wantEq(t, "offset", m["offset"], "0")
	total := m["total"].(float64)
	if total < 5 || total > 30 {
		t.Errorf("total %v", total)
	}
	if n := len(m["data"].([]any)); float64(n) != total {
		t.Errorf("%d items of %v", n, total)
	}
	wantEq(t, "sid", path(t, m, "data", 0, "sid"), KaleyraSID+"_1")

	seen := map[string]bool{}
	for off := 0; off < int(total); off += 5 {
		m := wantKY(t, kyDo(t, srv, http.MethodGet, "?limit=5&offset="+itoa(off), nil), http.StatusOK, "RBC103")
		wantEq(t, "limit echo", m["limit"], "5")
		wantEq(t, "offset echo", m["offset"], itoa(off))
		for _, x := range m["data"].([]any) {
			seen[path(t, x, "sid").(string)] = true
		}
	}
	if float64(len(seen)) != total {
		t.Errorf("paged through %d of %v", len(seen), total)
	}
	m = wantKY(t, kyDo(t, srv, http.MethodGet, "?offset=1000", nil), http.StatusOK, "RBC103")
	if n := len(m["data"].([]any)); n != 0 {
		t.Errorf("past the end: %d", n)
	}
	wantKY(t, kyDo(t, srv, http.MethodGet, "?limit=zero", nil), http.StatusBadRequest, "RBC2301")
	wantKY(t, kyDo(t, srv, http.MethodGet, "?offset=-1", nil), http.StatusBadRequest, "RBC2301")
}

func TestKaleyraCRUD(t *testing.T) {
	srv, _ := start(t)
	m := wantKY(t, kyDo(t, srv, http.MethodGet, "/"+KaleyraSID+"_3", nil), http.StatusOK, "RBC103")
	if d := m["data"].([]any); len(d) != 1 {
		t.Fatalf("get data has %d items", len(d))
	}
	wantKY(t, kyDo(t, srv, http.MethodGet, "/"+KaleyraSID+"_999", nil), http.StatusNotFound, "RBC2304")

	create := map[string]any{"account_name": "Acme Retail", "email": "ops@acme.example", "country_iso_code": "IN",
		"channels": []string{"sms"}, "subaccount_credit_type": "assigned", "low_balance_alert": true,
		"is_invited": false, "credit_amount": 50}
	m = wantKY(t, kyDo(t, srv, http.MethodPost, "", create), http.StatusCreated, "RBC103")
	sid := path(t, m, "data", "sid").(string)
	wantEq(t, "name", path(t, m, "data", "account_name"), "Acme Retail")
	wantEq(t, "alert", path(t, m, "data", "low_balance_alert"), true)
	if k, _ := path(t, m, "data", "api_key").(string); k == "" {
		t.Error("no api_key")
	}
	wantKY(t, kyDo(t, srv, http.MethodPost, "", create), http.StatusBadRequest, "RBC2302")

	for _, f := range []string{"account_name", "email", "country_iso_code", "channels", "subaccount_credit_type", "is_invited"} {
		b := map[string]any{}
		for k, v := range create {
			b[k] = v
		}
		b["email"] = "other-" + f + "@acme.example"
		delete(b, f)
		m := wantKY(t, kyDo(t, srv, http.MethodPost, "", b), http.StatusBadRequest, "RBC2301")
		if path(t, m, "error", f) == nil {
			t.Errorf("missing %s not named: %v", f, m)
		}
	}
	for f, bad := range map[string]any{"subaccount_credit_type": "prepaid", "channels": []string{}, "country_iso_code": "India", "email": "nope"} {
		b := map[string]any{}
		for k, v := range create {
			b[k] = v
		}
		b["email"] = "bad-" + f + "@acme.example"
		b[f] = bad
		wantKY(t, kyDo(t, srv, http.MethodPost, "", b), http.StatusBadRequest, "RBC2301")
	}
	wantKY(t, kyDo(t, srv, http.MethodPost, "", `{"account_name": "x" "email": "y"}`), http.StatusBadRequest, "RBC2301")

	m = wantKY(t, kyDo(t, srv, http.MethodPatch, "/"+sid, map[string]any{"account_name": "Acme Renamed"}), http.StatusOK, "RBC103")
	wantEq(t, "renamed", path(t, m, "data", 0, "account_name"), "Acme Renamed")
	wantEq(t, "email kept", path(t, m, "data", 0, "email"), "ops@acme.example")
	wantEq(t, "alert kept", path(t, m, "data", 0, "low_balance_alert"), true)
	wantKY(t, kyDo(t, srv, http.MethodPatch, "/"+sid, map[string]any{"low_balance_alert": false, "email": "nope"}), http.StatusBadRequest, "RBC2301")
	m = wantKY(t, kyDo(t, srv, http.MethodGet, "/"+sid, nil), http.StatusOK, "RBC103")
	wantEq(t, "refused update changed nothing", path(t, m, "data", 0, "low_balance_alert"), true)
	wantKY(t, kyDo(t, srv, http.MethodPatch, "/"+sid, map[string]any{"api_key": "Amine"}), http.StatusBadRequest, "RBC2301")
	wantKY(t, kyDo(t, srv, http.MethodPatch, "/"+KaleyraSID+"_999", map[string]any{"account_name": "x"}), http.StatusNotFound, "RBC2304")

	wantKY(t, kyDo(t, srv, http.MethodDelete, "/"+sid, nil), http.StatusOK, "RBC2347")
	wantKY(t, kyDo(t, srv, http.MethodGet, "/"+sid, nil), http.StatusNotFound, "RBC2304")
	wantKY(t, kyDo(t, srv, http.MethodDelete, "/"+sid, nil), http.StatusNotFound, "RBC2304")
	wantKY(t, kyDo(t, srv, http.MethodPut, "/"+KaleyraSID+"_3", nil), http.StatusMethodNotAllowed, "RBC405")
}

// The vendor's documented create and update rules: is_invited mandatory,
// an assigned sub-account's initial credit (RBC2345), a parent barred from
// shared ones (RBC2348), and updates limited to the documented fields.
func TestKaleyraDocumentedCreateAndUpdate(t *testing.T) {
	srv, _ := start(t)
	base := func(credit string, extra map[string]any) map[string]any {
		m := map[string]any{"account_name": "Acme", "email": "a-" + credit + "@acme.example", "country_iso_code": "IN",
			"channels": []string{"sms"}, "subaccount_credit_type": credit, "is_invited": true}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	wantKY(t, kyDo(t, srv, http.MethodPost, "", base("assigned", nil)), http.StatusBadRequest, "RBC2345")
	m := wantKY(t, kyDo(t, srv, http.MethodPost, "", base("assigned", map[string]any{"credit_amount": 25})), http.StatusCreated, "RBC103")
	wantEq(t, "initial credit is the balance", path(t, m, "data", "balance"), float64(25))
	sid := path(t, m, "data", "sid").(string)
	m = wantKY(t, kyDo(t, srv, http.MethodPost, "", base("shared", map[string]any{"is_invited": "yes"})), http.StatusBadRequest, "RBC2301")
	if path(t, m, "error", "is_invited") == nil {
		t.Errorf("non-boolean is_invited not named: %v", m)
	}
	for _, f := range []string{"email", "status"} {
		m := wantKY(t, kyDo(t, srv, http.MethodPatch, "/"+sid, map[string]any{f: "x"}), http.StatusBadRequest, "RBC2301")
		if path(t, m, "error", f) == nil {
			t.Errorf("undocumented %s not named: %v", f, m)
		}
	}
	m = wantKY(t, kyDo(t, srv, http.MethodPatch, "/"+sid, map[string]any{"credit_amount": 40}), http.StatusOK, "RBC103")
	wantEq(t, "credit updated", path(t, m, "data", 0, "balance"), float64(40))

	barred, _ := start(t, WithKaleyraSharedRefused())
	wantKY(t, kyDo(t, barred, http.MethodPost, "", base("shared", nil)), http.StatusBadRequest, "RBC2348")
}
