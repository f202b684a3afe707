package multiaccounttest

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func vt22Do(t *testing.T, srv *Server, method, p string, body any, headers ...string) reply {
	t.Helper()
	return do(t, method, srv.URL(VoiceTel)+"/v2.2/"+p, body, headers...)
}

func wantVT22OK(t *testing.T, r reply, status int) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.JSON(t)
	wantEq(t, "status", m["status"], "success")
	data, ok := m["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object: %s", r.Body)
	}
	return data
}

func wantVT22Error(t *testing.T, r reply, status int) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.JSON(t)
	wantEq(t, "status", m["status"], "error")
	wantEq(t, "error.code", path(t, m, "error", "code"), float64(status))
	if msg, _ := path(t, m, "error", "message").(string); msg == "" {
		t.Errorf("no message: %s", r.Body)
	}
	return m
}

func TestVoiceTel22AuthRoutesAndEnvelope(t *testing.T) {
	srv, _ := start(t)
	auth := bearerH(VoiceTelAPIKey)
	data := wantVT22OK(t, vt22Do(t, srv, "GET", "account/registration", nil, auth...), http.StatusOK)
	wantEq(t, "uri", data["uri"], "sip:4592086960@192.0.2.10:5060")
	// Only the header carries the key: a missing or wrong one is 401.
	wantVT22Error(t, vt22Do(t, srv, "GET", "account/registration", nil), http.StatusUnauthorized)
	wantVT22Error(t, vt22Do(t, srv, "GET", "account/registration", nil, bearerH("wrong")...), http.StatusUnauthorized)
	wantVT22Error(t, vt22Do(t, srv, "GET", "account/registration", nil, bearerH(VoiceTelUnregisteredKey)...), http.StatusNotFound)
	wantVT22Error(t, vt22Do(t, srv, "POST", "account/registration", map[string]any{}, auth...), http.StatusMethodNotAllowed)
	wantVT22Error(t, vt22Do(t, srv, "GET", "account/info", nil, auth...), http.StatusNotFound)

	data = wantVT22OK(t, vt22Do(t, srv, "GET", "account", nil, auth...), http.StatusOK)
	wantEq(t, "username is a string", data["username"], "4592086960")
	wantEq(t, "timezone", data["timezone"], "America/Chicago")
	wantEq(t, "services.sms", path(t, data, "services", "sms"), true)

	data = wantVT22OK(t, vt22Do(t, srv, "GET", "account/recurring-charges", nil, auth...), http.StatusOK)
	charges := data["charges"].([]any)
	sum := 0.0
	for _, c := range charges {
		sum += path(t, c, "amount").(float64)
	}
	if int(sum*100+0.5) != int(data["total"].(float64)*100+0.5) || len(charges) != 4 {
		t.Errorf("charges %v total %v", charges, data["total"])
	}

	data = wantVT22OK(t, vt22Do(t, srv, "POST", "account/api-key", map[string]any{"username": VoiceTelUsername, "password": VoiceTelPassword}), http.StatusOK)
	wantEq(t, "apikey", data["apikey"], VoiceTelAPIKey)
	wantVT22Error(t, vt22Do(t, srv, "POST", "account/api-key", map[string]any{"username": VoiceTelUsername, "password": "nope"}), http.StatusUnauthorized)
	wantVT22Error(t, vt22Do(t, srv, "POST", "account/api-key", map[string]any{"username": VoiceTelUsername}), http.StatusBadRequest)
}

func TestVoiceTel22CDRIsNewestFirstWithStartTheLaterBound(t *testing.T) {
	srv, clk := start(t)
	auth := bearerH(VoiceTelAPIKey)
	now := clk.Now().Unix()
	data := wantVT22OK(t, vt22Do(t, srv, "GET", "account/cdr", nil, auth...), http.StatusOK)
	wantEq(t, "default start", data["start"], float64(now))
	wantEq(t, "default end", data["end"], float64(now-86400))
	day := data["cdr"].([]any)
	last := int64(1 << 62)
	for _, c := range day {
		st, _ := strconv.ParseInt(path(t, c, "key", 1).(string), 10, 64)
		if st > last || st < now-86400 || st > now {
			t.Errorf("CDR at %d: out of the window or not newest first", st)
		}
		last = st
	}
	three := wantVT22OK(t, vt22Do(t, srv, "GET", "account/cdr?start="+strconv.FormatInt(now, 10)+"&end="+strconv.FormatInt(now-3*86400, 10), nil, auth...), http.StatusOK)
	if n := len(three["cdr"].([]any)); n <= len(day) {
		t.Errorf("3 days give %d CDRs, 1 day %d", n, len(day))
	}
	// Only end, three days back: start is now.
	older := wantVT22OK(t, vt22Do(t, srv, "GET", "account/cdr?end="+strconv.FormatInt(now-3*86400, 10), nil, auth...), http.StatusOK)
	wantEq(t, "end only", len(older["cdr"].([]any)), len(three["cdr"].([]any)))
}

func TestVoiceTel22SettingsAreSharedWithV21(t *testing.T) {
	srv, _ := start(t)
	auth := bearerH(VoiceTelAPIKey)
	data := wantVT22OK(t, vt22Do(t, srv, "PUT", "account", map[string]any{"notifyThreshold": 12, "callerId": "3125550100", "timezone": "America/Denver"}, auth...), http.StatusOK)
	wantEq(t, "updated", string(mustJSON(t, data["updated"])), `["timezone","callerId","notifyThreshold"]`)
	// v2.1's info/ reads the same account.
	m := wantVTOK(t, vtDo(t, srv, "info", nil, auth...))
	wantEq(t, "notify_threshold", path(t, m, "account", 0, "notify_threshold"), float64(12))
	wantEq(t, "caller_id", path(t, m, "account", 0, "caller_id"), "3125550100")
	wantVT22Error(t, vt22Do(t, srv, "PUT", "account", map[string]any{"sms": false}, auth...), http.StatusBadRequest) // admin only
	wantVT22Error(t, vt22Do(t, srv, "PUT", "account", map[string]any{"callerId": "1125550100"}, auth...), http.StatusBadRequest)
	wantVT22Error(t, vt22Do(t, srv, "PUT", "account", map[string]any{"color": "red"}, auth...), http.StatusBadRequest)
	data = wantVT22OK(t, vt22Do(t, srv, "PUT", "account", map[string]any{"sms": false, "ccs": 3}, bearerH(VoiceTelAdminKey)...), http.StatusOK)
	wantEq(t, "admin updated", string(mustJSON(t, data["updated"])), `["ccs","sms"]`)
}

func TestVoiceTel22CreateSignupRecovery(t *testing.T) {
	srv, _ := start(t)
	body := map[string]any{"name": "Acme Branch", "username": "4592086970", "email": "branch@acme.example", "masterAccount": "4592086960"}
	wantVT22Error(t, vt22Do(t, srv, "POST", "account", body, bearerH(VoiceTelAPIKey)...), http.StatusForbidden)
	data := wantVT22OK(t, vt22Do(t, srv, "POST", "account", body, bearerH(VoiceTelAdminKey)...), http.StatusCreated)
	wantEq(t, "username", data["username"], "4592086970")
	wantEq(t, "masterAccount", data["masterAccount"], "4592086960")
	wantVT22Error(t, vt22Do(t, srv, "POST", "account", body, bearerH(VoiceTelAdminKey)...), http.StatusConflict)
	// The new account logs in through v2.1 too.
	user, _ := strconv.ParseInt("4592086970", 10, 64)
	wantVTOK(t, vtDo(t, srv, "apikey", map[string]any{"username": user, "password": data["password"]}))

	data = wantVT22OK(t, vt22Do(t, srv, "POST", "accounts", map[string]any{"name": "John Smith", "email": "john@example.com"}), http.StatusCreated)
	if data["username"] == "" || data["password"] == "" {
		t.Errorf("signup = %v", data)
	}
	wantVT22Error(t, vt22Do(t, srv, "POST", "accounts", map[string]any{"name": "John Smith", "email": "john@example.com"}), http.StatusConflict)
	wantVT22Error(t, vt22Do(t, srv, "POST", "accounts", map[string]any{"email": "j@example.com"}), http.StatusBadRequest)

	wantVT22OK(t, vt22Do(t, srv, "POST", "account/recovery", map[string]any{"email": "john@example.com"}), http.StatusOK)
	wantVT22Error(t, vt22Do(t, srv, "POST", "account/recovery", map[string]any{"email": "nobody@example.com"}), http.StatusNotFound)
	m := wantVT22Error(t, vt22Do(t, srv, "POST", "account/recovery", map[string]any{"email": "nope"}), http.StatusBadRequest)
	wantEq(t, "requirement", path(t, m, "error", "requirement"), "Must be valid")
}

func TestVoiceTel22CreditsAndPayments(t *testing.T) {
	srv, _ := start(t)
	auth := bearerH(VoiceTelAPIKey)
	all := wantVT22OK(t, vt22Do(t, srv, "GET", "account/credits", nil, auth...), http.StatusOK)["credits"].([]any)
	paid := wantVT22OK(t, vt22Do(t, srv, "GET", "account/credits?status=paid", nil, auth...), http.StatusOK)["credits"].([]any)
	unpaid := wantVT22OK(t, vt22Do(t, srv, "GET", "account/credits?status=unpaid", nil, auth...), http.StatusOK)["credits"].([]any)
	if len(all) != 3 || len(paid) != 2 || len(unpaid) != 1 || path(t, unpaid, 0, "paid") != false {
		t.Errorf("credits: all %v, paid %v, unpaid %v", all, paid, unpaid)
	}
	wantVT22Error(t, vt22Do(t, srv, "GET", "account/credits?status=open", nil, auth...), http.StatusBadRequest)
	pays := wantVT22OK(t, vt22Do(t, srv, "GET", "account/payments", nil, auth...), http.StatusOK)["payments"].([]any)
	if len(pays) != 2 || path(t, pays, 0, "transactionId") != "2N045992R140725E3" || path(t, pays, 1, "status") != "Refunded" {
		t.Errorf("payments = %v", pays)
	}
	empty := wantVT22OK(t, vt22Do(t, srv, "GET", "account/payments", nil, bearerH(VoiceTelUnregisteredKey)...), http.StatusOK)
	wantEq(t, "no payments", string(mustJSON(t, empty["payments"])), "[]")
}

// The four limited operations each have their own hourly window; the
// writes on the limited GET's path have none.
func TestVoiceTel22HourlyLimit(t *testing.T) {
	srv, clk := start(t)
	auth := bearerH(VoiceTelAPIKey)
	for _, op := range [][2]string{{"GET", "account"}, {"GET", "account/cdr"}, {"GET", "account/recurring-charges"}} {
		for i := 0; i < 6; i++ {
			wantVT22OK(t, vt22Do(t, srv, op[0], op[1], nil, auth...), http.StatusOK)
		}
		r := vt22Do(t, srv, op[0], op[1], nil, auth...)
		wantVT22Error(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 429 without Retry-After", op[0], op[1])
		}
	}
	login := map[string]any{"username": VoiceTelUsername, "password": VoiceTelPassword}
	for i := 0; i < 6; i++ {
		wantVT22OK(t, vt22Do(t, srv, "POST", "account/api-key", login), http.StatusOK)
	}
	wantVT22Error(t, vt22Do(t, srv, "POST", "account/api-key", login), http.StatusTooManyRequests)
	for i := 0; i < 10; i++ {
		wantVT22OK(t, vt22Do(t, srv, "PUT", "account", map[string]any{"notify": true}, auth...), http.StatusOK)
		wantVT22OK(t, vt22Do(t, srv, "GET", "account/payments", nil, auth...), http.StatusOK)
	}
	clk.Advance(time.Hour)
	wantVT22OK(t, vt22Do(t, srv, "GET", "account", nil, auth...), http.StatusOK)
}
