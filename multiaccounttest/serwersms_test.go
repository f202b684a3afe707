package multiaccounttest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

func ssDo(t *testing.T, srv *Server, action string, body any, headers ...string) map[string]any {
	t.Helper()
	r := do(t, http.MethodPost, srv.URL(SerwerSMS)+"/subaccounts/"+action+".json", body, headers...)
	wantStatus(t, r, http.StatusOK) // failures too are HTTP 200
	return r.JSON(t)
}

func wantSSError(t *testing.T, m map[string]any, code int, typ string) {
	t.Helper()
	wantEq(t, "error.code", path(t, m, "error", "code"), float64(code))
	wantEq(t, "error.type", path(t, m, "error", "type"), typ)
	if msg, _ := path(t, m, "error", "message").(string); msg == "" {
		t.Errorf("no message: %v", m)
	}
}

func TestSerwerSMSAuth(t *testing.T) {
	srv, _ := start(t)
	tok := bearerH(SerwerSMSToken)
	for name, m := range map[string]map[string]any{
		"bearer":    ssDo(t, srv, "index", nil, tok...),
		"form":      ssDo(t, srv, "index", url.Values{"username": {SerwerSMSUsername}, "password": {SerwerSMSPassword}}),
		"json":      ssDo(t, srv, "index", map[string]any{"username": SerwerSMSUsername, "password": SerwerSMSPassword}),
		"bearer+js": ssDo(t, srv, "index", map[string]any{}, tok...),
	} {
		if items, _ := m["items"].([]any); len(items) < 3 {
			t.Errorf("%s: %v", name, m)
		}
	}
	wantSSError(t, ssDo(t, srv, "index", nil, bearerH("wrong")...), 1012, "InvalidToken")
	wantSSError(t, ssDo(t, srv, "index", nil), 1001, "InvalidUser")
	wantSSError(t, ssDo(t, srv, "index", url.Values{"username": {SerwerSMSUsername}, "password": {"nope"}}), 1001, "InvalidUser")
	wantSSError(t, ssDo(t, srv, "rename", nil, tok...), 1000, "InvalidAction")
	r := do(t, http.MethodGet, srv.URL(SerwerSMS)+"/subaccounts/index.json", nil, tok...)
	wantStatus(t, r, http.StatusOK)
	wantSSError(t, r.JSON(t), 1000, "InvalidAction")
}

func TestSerwerSMSViewAddLimitDelete(t *testing.T) {
	srv, _ := start(t)
	tok := bearerH(SerwerSMSToken)
	m := ssDo(t, srv, "view", url.Values{"id": {"1194"}}, tok...)
	wantEq(t, "username", m["username"], "marketing")
	wantEq(t, "id", m["id"], 1194.0)
	wantEq(t, "phone", m["phone"], "+48730856000")
	wantSSError(t, ssDo(t, srv, "view", url.Values{"id": {"999999"}}, tok...), 1004, "InvalidID")
	wantSSError(t, ssDo(t, srv, "view", nil, tok...), 2000, "ValidationRequiredError")
	wantSSError(t, ssDo(t, srv, "view", url.Values{"id": {"abc"}}, tok...), 1006, "InvalidData")

	good := func() url.Values {
		return url.Values{"subaccount_username": {"nowy.login@1"}, "subaccount_password": {"testABC"},
			"subaccount_id": {"123"}, "name": {"Nowe subkonto"}, "phone": {"500600700"}, "email": {"nowy@sklep.example"}}
	}
	cases := []struct {
		name string
		edit func(url.Values)
		code int
		typ  string
	}{
		{"no username", func(v url.Values) { v.Del("subaccount_username") }, 2000, "ValidationRequiredError"},
		{"no password", func(v url.Values) { v.Del("subaccount_password") }, 2000, "ValidationRequiredError"},
		{"no template", func(v url.Values) { v.Del("subaccount_id") }, 2000, "ValidationRequiredError"},
		{"short username", func(v url.Values) { v.Set("subaccount_username", "ab") }, 1006, "InvalidData"},
		{"long username", func(v url.Values) { v.Set("subaccount_username", "abcdefghijklmnopqrstu") }, 1006, "InvalidData"},
		{"bad character", func(v url.Values) { v.Set("subaccount_username", "no-dash") }, 1006, "InvalidData"},
		{"short password", func(v url.Values) { v.Set("subaccount_password", "ab") }, 1006, "InvalidData"},
		{"long password", func(v url.Values) { v.Set("subaccount_password", "123456789012345678901") }, 1006, "InvalidData"},
		{"unknown template", func(v url.Values) { v.Set("subaccount_id", "4") }, 1004, "InvalidID"},
		{"taken username", func(v url.Values) { v.Set("subaccount_username", "Marketing") }, 4502, "InvalidData"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := good()
			c.edit(v)
			wantSSError(t, ssDo(t, srv, "add", v, tok...), c.code, c.typ)
		})
	}
	m = ssDo(t, srv, "add", good(), tok...)
	wantEq(t, "success", m["success"], true)
	id := int(m["id"].(float64))
	m = ssDo(t, srv, "view", map[string]any{"id": id}, tok...) // JSON body, numeric id
	wantEq(t, "new username", m["username"], "nowy.login@1")
	wantEq(t, "new email", m["email"], "nowy@sklep.example")

	m = ssDo(t, srv, "limit", map[string]any{"id": id, "type": "eco", "value": 100}, tok...)
	wantEq(t, "limit success", m["success"], true)
	wantEq(t, "limit id", m["id"], float64(id))
	if n, ok := srv.SerwerSMSLimit(strconv.Itoa(id), "eco"); !ok || n != 100 {
		t.Errorf("eco limit %d %v", n, ok)
	}
	wantSSError(t, ssDo(t, srv, "limit", map[string]any{"id": id, "type": "sms", "value": 1}, tok...), 1006, "InvalidData")
	wantSSError(t, ssDo(t, srv, "limit", map[string]any{"id": id, "type": "full", "value": -1}, tok...), 1006, "InvalidData")
	wantSSError(t, ssDo(t, srv, "limit", map[string]any{"id": id, "type": "full"}, tok...), 2000, "ValidationRequiredError")
	wantSSNoSuchID(t, ssDo(t, srv, "limit", map[string]any{"id": 5, "type": "full", "value": 0}, tok...))
	for _, typ := range []string{"eco", "full", "voice", "mms", "hlr"} {
		wantEq(t, typ, ssDo(t, srv, "limit", url.Values{"id": {itoa(id)}, "type": {typ}, "value": {"0"}}, tok...)["success"], true)
	}

	m = ssDo(t, srv, "delete", url.Values{"id": {itoa(id)}}, tok...)
	wantEq(t, "delete", m["success"], true)
	wantSSError(t, ssDo(t, srv, "view", url.Values{"id": {itoa(id)}}, tok...), 1004, "InvalidID")
	wantSSNoSuchID(t, ssDo(t, srv, "delete", url.Values{"id": {itoa(id)}}, tok...))
}

// wantSSNoSuchID checks limit's and delete's answer for an unknown id:
// success false and no error object, as the vendor answers.
func wantSSNoSuchID(t *testing.T, m map[string]any) {
	t.Helper()
	if _, has := m["error"]; has || m["success"] != false || len(m) != 1 {
		t.Errorf("answer = %v, want {\"success\":false}", m)
	}
}

func TestSerwerSMSAddWithoutID(t *testing.T) {
	srv, _ := start(t, WithSerwerSMSAddWithoutID())
	tok := bearerH(SerwerSMSToken)
	m := ssDo(t, srv, "add", url.Values{"subaccount_username": {"newlogin"}, "subaccount_password": {"pw12345"},
		"subaccount_id": {fmt.Sprint(SerwerSMSTemplateID)}}, tok...)
	if _, has := m["id"]; has || m["success"] != true {
		t.Errorf("add = %v, want {\"success\":true}", m)
	}
	found := false
	for _, it := range ssDo(t, srv, "index", nil, tok...)["items"].([]any) {
		found = found || it.(map[string]any)["username"] == "newlogin"
	}
	if !found {
		t.Error("created sub-account not in index")
	}
}
