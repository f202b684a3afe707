package multiaccounttest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

func wpDo(t *testing.T, srv *Server, method, p, key string, body any) reply {
	t.Helper()
	return do(t, method, srv.URL(Woodpecker)+p, body, "x-api-key", key)
}

func wantWPError(t *testing.T, r reply, code string) {
	t.Helper()
	wantStatus(t, r, http.StatusBadRequest)
	m := r.JSON(t)
	wantEq(t, "status.status", path(t, m, "status", "status"), "ERROR")
	wantEq(t, "status.code", path(t, m, "status", "code"), code)
	if msg, _ := path(t, m, "status", "msg").(string); msg == "" {
		t.Errorf("no msg: %s", r.Body)
	}
}

func TestWoodpeckerAuth(t *testing.T) {
	srv, _ := start(t)
	r := wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", WoodpeckerAgencyKey, nil)
	wantStatus(t, r, http.StatusOK)
	// Legacy Basic: key as user name, X as password.
	r = do(t, http.MethodGet, srv.URL(Woodpecker)+"/rest/v1/agency/companies", nil, "Authorization", basic(WoodpeckerAgencyKey, "X"))
	wantStatus(t, r, http.StatusOK)

	wantWPError(t, wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", "bogus", nil), "E_SESSION")
	wantWPError(t, do(t, http.MethodGet, srv.URL(Woodpecker)+"/rest/v1/agency/companies", nil), "E_SESSION")
	// A company key cannot use agency routes, nor the agency key company ones.
	wantWPError(t, wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", WoodpeckerCompanyKey, nil), "E_SESSION")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/add_prospects_list", WoodpeckerAgencyKey,
		map[string]any{"prospects": []any{map[string]any{"email": "a@b.co"}}}), "E_SESSION")
}

func TestWoodpeckerCompanies(t *testing.T) {
	srv, _ := start(t)
	var list []any
	r := wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", WoodpeckerAgencyKey, nil)
	if err := jsonUnmarshal(r.Body, &list); err != nil {
		t.Fatalf("not a bare array: %v: %s", err, r.Body)
	}
	if len(list) < 3 {
		t.Fatalf("%d companies", len(list))
	}
	wantEq(t, "first id", path(t, list, 0, "id"), float64(wpCompanyID))
	wantEq(t, "first key", path(t, list, 0, "api_keys", 0, "api_key"), WoodpeckerCompanyKey)

	r = wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/add", WoodpeckerAgencyKey, map[string]any{"name": "Fresh Leads Ltd"})
	wantStatus(t, r, http.StatusOK)
	c := r.JSON(t)
	wantEq(t, "name", c["name"], "Fresh Leads Ltd")
	wantEq(t, "key label", path(t, c, "api_keys", 0, "name"), "Fresh Leads Ltd")
	newKey := path(t, c, "api_keys", 0, "api_key").(string)
	newID := int64(c["id"].(float64))

	r = wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", WoodpeckerAgencyKey, nil)
	var after []any
	jsonUnmarshal(r.Body, &after)
	if len(after) != len(list)+1 {
		t.Errorf("after add: %d companies, want %d", len(after), len(list)+1)
	}

	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/add", WoodpeckerAgencyKey, map[string]any{"name": "fresh leads ltd"}), "E_DUPLICATE")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/add", WoodpeckerAgencyKey, map[string]any{}), "E_REQUIRED_ELEMENT")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/add", WoodpeckerAgencyKey, map[string]any{"name": 7}), "E_WRONG_PARAM")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/add", WoodpeckerAgencyKey, "{not json"), "E_WRONG_PARAM")

	// New keys, then use one.
	r = wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/api/add", WoodpeckerAgencyKey, map[string]any{"company_id": newID, "name": "zapier"})
	wantStatus(t, r, http.StatusOK)
	key2, _ := r.JSON(t)["api_key"].(string)
	if key2 == "" || key2 == newKey {
		t.Fatalf("api/add gave %q", key2)
	}
	r = wpDo(t, srv, http.MethodPost, "/rest/v1/add_prospects_list", key2, map[string]any{"prospects": []any{map[string]any{"email": "x@y.io"}}})
	wantStatus(t, r, http.StatusOK)

	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/api/add", WoodpeckerAgencyKey, map[string]any{"company_id": newID, "name": "zapier"}), "E_DUPLICATE")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/api/add", WoodpeckerAgencyKey, map[string]any{"company_id": 42, "name": "x"}), "E_RECORD_NOT_FOUND")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/api/add", WoodpeckerAgencyKey, map[string]any{"company_id": fmt.Sprint(newID), "name": "x"}), "E_WRONG_PARAM")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/api/add", WoodpeckerAgencyKey, map[string]any{"name": "x"}), "E_REQUIRED_ELEMENT")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/agency/companies/api/add", WoodpeckerAgencyKey, map[string]any{"company_id": newID}), "E_REQUIRED_ELEMENT")

	// No companies: 204 with an empty body.
	srv.mu.Lock()
	srv.wp.companies = nil
	srv.mu.Unlock()
	r = wpDo(t, srv, http.MethodGet, "/rest/v1/agency/companies", WoodpeckerAgencyKey, nil)
	wantStatus(t, r, http.StatusNoContent)
	if len(r.Body) != 0 {
		t.Errorf("204 with body %q", r.Body)
	}
}

func TestWoodpeckerProspects(t *testing.T) {
	srv, _ := start(t)
	add := func(update *bool, ps ...map[string]any) reply {
		body := map[string]any{"prospects": ps}
		if update != nil {
			body["update"] = *update
		}
		return wpDo(t, srv, http.MethodPost, "/rest/v1/add_prospects_list", WoodpeckerCompanyKey, body)
	}
	before := len(srv.Prospects(WoodpeckerCompanyID))
	r := add(nil, map[string]any{"email": "new.one@example.net", "first_name": "New"},
		map[string]any{"email": "jordan.lee@example.com", "first_name": "Changed"})
	wantStatus(t, r, http.StatusOK)
	// The vendor's statuses: OK per prospect taken (added, or left as it
	// was without update), under a top-level OK.
	wantEq(t, "top level", path(t, r.JSON(t), "status", "status"), "OK")
	wantEq(t, "new", path(t, r.JSON(t), "prospects", 0, "status"), "OK")
	wantEq(t, "existing", path(t, r.JSON(t), "prospects", 1, "status"), "OK")
	ps := srv.Prospects(WoodpeckerCompanyID)
	if len(ps) != before+1 {
		t.Fatalf("%d prospects, want %d", len(ps), before+1)
	}
	find := func(email string) map[string]any {
		for _, p := range srv.Prospects(WoodpeckerCompanyID) {
			if p["email"] == email {
				return p
			}
		}
		return nil
	}
	wantEq(t, "left alone", find("jordan.lee@example.com")["first_name"], "Jordan")

	yes := true
	r = add(&yes, map[string]any{"email": "Jordan.Lee@example.com", "first_name": "Jordy"})
	wantStatus(t, r, http.StatusOK)
	wantEq(t, "updated", path(t, r.JSON(t), "prospects", 0, "status"), "OK")
	wantEq(t, "edited", find("jordan.lee@example.com")["first_name"], "Jordy")
	wantEq(t, "kept", find("jordan.lee@example.com")["last_name"], "Lee")

	wantWPError(t, add(nil), "E_REQUIRED_ELEMENT")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/add_prospects_list", WoodpeckerCompanyKey, map[string]any{"update": "yes", "prospects": []any{map[string]any{"email": "a@b.co"}}}), "E_WRONG_PARAM")
	wantWPError(t, wpDo(t, srv, http.MethodPost, "/rest/v1/add_prospects_list", WoodpeckerCompanyKey, map[string]any{}), "E_REQUIRED_ELEMENT")

	many := make([]map[string]any, 20001)
	for i := range many {
		many[i] = map[string]any{"email": fmt.Sprintf("p%d@bulk.example", i)}
	}
	wantWPError(t, add(nil, many...), "E_WRONG_PARAM")
	r = add(nil, many[:20000]...)
	wantStatus(t, r, http.StatusOK)
	if n := len(srv.Prospects(WoodpeckerCompanyID)); n != before+1+20000 {
		t.Errorf("%d prospects after a full batch", n)
	}
	// A prospect without a valid address is refused on its own, the
	// others are taken.
	r = add(nil, map[string]any{"first_name": "No Email"}, map[string]any{"email": "taken.too@example.net"})
	wantStatus(t, r, http.StatusOK)
	wantEq(t, "refused", path(t, r.JSON(t), "prospects", 0, "status"), "ERROR")
	wantEq(t, "refused code", path(t, r.JSON(t), "prospects", 0, "code"), "E_EMAIL")
	wantEq(t, "taken", path(t, r.JSON(t), "prospects", 1, "status"), "OK")
	if find("taken.too@example.net") == nil {
		t.Error("the valid prospect beside a refused one was not stored")
	}
	if !srv.Blacklist(WoodpeckerCompanyID, "Blocked@Example.net") || srv.Blacklist("999999", "x@y.co") {
		t.Fatal("Blacklist: wrong company result")
	}
	r = add(nil, map[string]any{"email": "blocked@example.net"})
	wantEq(t, "blacklisted", path(t, r.JSON(t), "prospects", 0, "code"), "E_BLACKLISTED")
	if find("blocked@example.net") != nil {
		t.Error("blacklisted prospect stored")
	}
}

func TestWoodpeckerConcurrency(t *testing.T) {
	srv, _ := start(t)
	const p = "/rest/v1/agency/companies"
	release := make(chan struct{})
	srv.Fail(Woodpecker, p, Fault{Times: 2, Wait: release})

	var wg sync.WaitGroup
	results := make([]int, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := send(http.MethodGet, srv.URL(Woodpecker)+p, nil, "x-api-key", WoodpeckerAgencyKey)
			if err != nil {
				t.Error(err)
			}
			results[i] = r.Status
		}()
	}
	// Requests counts a request only once it holds (or was refused) a slot.
	for deadline := time.Now().Add(5 * time.Second); srv.Requests(Woodpecker, p) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("held requests never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	wantWPError(t, wpDo(t, srv, http.MethodGet, p, WoodpeckerAgencyKey, nil), "E_TOO_MANY_REQUESTS")
	// The limit is per key: a company key is still served.
	wantStatus(t, wpDo(t, srv, http.MethodPost, "/rest/v1/add_prospects_list", WoodpeckerCompanyKey,
		map[string]any{"prospects": []any{map[string]any{"email": "c@d.co"}}}), http.StatusOK)
	close(release)
	wg.Wait()
	for i, s := range results {
		if s != http.StatusOK {
			t.Errorf("held request %d: HTTP %d", i, s)
		}
	}
	wantStatus(t, wpDo(t, srv, http.MethodGet, p, WoodpeckerAgencyKey, nil), http.StatusOK)
	wantEq(t, "requests seen", srv.Requests(Woodpecker, p), 4)
}

func TestWoodpeckerConcurrencyOption(t *testing.T) {
	srv, _ := start(t, WithWoodpeckerConcurrency(1))
	const p = "/rest/v1/agency/companies"
	release := make(chan struct{})
	srv.Fail(Woodpecker, p, Fault{Wait: release})
	done := make(chan int)
	go func() {
		r, _ := send(http.MethodGet, srv.URL(Woodpecker)+p, nil, "x-api-key", WoodpeckerAgencyKey)
		done <- r.Status
	}()
	for srv.Requests(Woodpecker, p) < 1 {
		time.Sleep(time.Millisecond)
	}
	wantWPError(t, wpDo(t, srv, http.MethodGet, p, WoodpeckerAgencyKey, nil), "E_TOO_MANY_REQUESTS")
	close(release)
	wantEq(t, "held", <-done, http.StatusOK)
}
