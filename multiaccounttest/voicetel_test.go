package multiaccounttest

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func vtDo(t *testing.T, srv *Server, op string, body any, headers ...string) reply {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	return do(t, http.MethodPost, srv.URL(VoiceTel)+"/v2.1/account/"+op+"/", body, headers...)
}

func wantVTOK(t *testing.T, r reply) map[string]any {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	m := r.JSON(t)
	wantEq(t, "statusCode", m["statusCode"], "200")
	wantEq(t, "status", m["status"], "Success")
	return m
}

func wantVTError(t *testing.T, r reply, status int) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	m := r.JSON(t)
	wantEq(t, "statusCode", m["statusCode"], strconv.Itoa(status))
	wantEq(t, "status", m["status"], "Error")
	if msg, _ := m["message"].(string); msg == "" {
		t.Errorf("no message: %s", r.Body)
	}
	return m
}

func TestVoiceTelAuth(t *testing.T) {
	srv, _ := start(t)
	m := wantVTOK(t, vtDo(t, srv, "registration", nil, bearerH(VoiceTelAPIKey)...))
	wantEq(t, "uri", path(t, m, "account", "uri"), "sip:4592086960@192.0.2.10:5060")
	wantVTOK(t, vtDo(t, srv, "registration", map[string]any{"apikey": VoiceTelAPIKey}))
	// The header wins over the body field.
	wantVTOK(t, vtDo(t, srv, "registration", map[string]any{"apikey": "wrong"}, bearerH(VoiceTelAPIKey)...))
	wantVTError(t, vtDo(t, srv, "registration", map[string]any{"apikey": VoiceTelAPIKey}, bearerH("wrong")...), http.StatusUnauthorized)
	m = wantVTError(t, vtDo(t, srv, "registration", nil), http.StatusBadRequest)
	wantEq(t, "missing key", m["message"], "Field Required: apikey")
	wantVTError(t, vtDo(t, srv, "registration", "{oops", bearerH(VoiceTelAPIKey)...), http.StatusBadRequest)
	// Paths end in a slash, and every operation is a POST.
	wantVTError(t, do(t, http.MethodPost, srv.URL(VoiceTel)+"/v2.1/account/info", "{}", bearerH(VoiceTelAPIKey)...), http.StatusNotFound)
	wantVTError(t, do(t, http.MethodGet, srv.URL(VoiceTel)+"/v2.1/account/registration/", nil, bearerH(VoiceTelAPIKey)...), http.StatusMethodNotAllowed)
	wantVTError(t, vtDo(t, srv, "registration", nil, bearerH(VoiceTelUnregisteredKey)...), http.StatusNotFound)
}

func TestVoiceTelInfoMRCCDR(t *testing.T) {
	srv, clk := start(t)
	auth := bearerH(VoiceTelAPIKey)
	m := wantVTOK(t, vtDo(t, srv, "info", nil, auth...))
	acc := m["account"].([]any)
	if len(acc) != 1 {
		t.Fatalf("info account has %d items", len(acc))
	}
	wantEq(t, "username is a string", path(t, acc, 0, "username"), "4592086960")
	for _, f := range []string{"name", "rate", "enabled", "notify_threshold", "caller_id", "notify", "email", "created", "cash"} {
		if path(t, acc, 0, f) == nil {
			t.Errorf("info lacks %s", f)
		}
	}

	m = wantVTOK(t, vtDo(t, srv, "mrc", nil, auth...))
	items := m["mrc"].([]any)
	sum, total, did := 0.0, -1.0, false
	for _, it := range items {
		for k, v := range it.(map[string]any) {
			switch k {
			case "total":
				total = v.(float64)
			case "did":
				did = true
				sum += v.(float64)
			default:
				sum += v.(float64)
			}
		}
	}
	if !did || total < 0 || int(sum*100+0.5) != int(total*100+0.5) {
		t.Errorf("mrc %v: sum %.2f, total %.2f, did %v", items, sum, total, did)
	}
	if _, ok := items[len(items)-1].(map[string]any)["total"]; !ok {
		t.Errorf("total is not last: %v", items)
	}

	// Default window: the last 24 hours.
	now := clk.Now().Unix()
	m = wantVTOK(t, vtDo(t, srv, "cdr", nil, auth...))
	day := m["cdr"].([]any)
	if len(day) == 0 {
		t.Fatal("no CDRs in the last day")
	}
	for _, c := range day {
		// The start is key[1] (a string), as the vendor sends it; value
		// has no start.
		st, err := strconv.ParseInt(path(t, c, "key", 1).(string), 10, 64)
		if err != nil {
			t.Fatalf("key[1] = %v", path(t, c, "key", 1))
		}
		if _, has := c.(map[string]any)["value"].(map[string]any)["start"]; has {
			t.Errorf("value carries a start the vendor does not send: %v", c)
		}
		if st < now-86400 || st > now {
			t.Errorf("CDR at %d outside the last day", st)
		}
		if path(t, c, "id") == nil || path(t, c, "value", "dur") == nil || path(t, c, "key", 0) != "4592086960" {
			t.Errorf("CDR shape: %v", c)
		}
	}
	// start is the earlier bound; reversed bounds are swapped.
	m = wantVTOK(t, vtDo(t, srv, "cdr", map[string]any{"start": now - 3*86400, "end": now}, auth...))
	three := len(m["cdr"].([]any))
	if three <= len(day) {
		t.Errorf("3 days give %d CDRs, 1 day %d", three, len(day))
	}
	m = wantVTOK(t, vtDo(t, srv, "cdr", map[string]any{"start": now, "end": now - 3*86400}, auth...))
	wantEq(t, "swapped bounds", len(m["cdr"].([]any)), three)
	wantVTError(t, vtDo(t, srv, "cdr", map[string]any{"start": "yesterday"}, auth...), http.StatusBadRequest)
	m = wantVTOK(t, vtDo(t, srv, "cdr", nil, bearerH(VoiceTelUnregisteredKey)...))
	if string(mustJSON(t, m["cdr"])) != "[]" {
		t.Errorf("empty cdr is %s, want []", mustJSON(t, m["cdr"]))
	}
}

func TestVoiceTelAPIKeyAndAdd(t *testing.T) {
	srv, _ := start(t)
	m := wantVTOK(t, vtDo(t, srv, "apikey", map[string]any{"username": vtUsername, "password": VoiceTelPassword}))
	wantEq(t, "apikey", m["apikey"], VoiceTelAPIKey)
	wantVTError(t, vtDo(t, srv, "apikey", map[string]any{"username": vtUsername, "password": "nope"}), http.StatusUnauthorized)
	wantVTError(t, vtDo(t, srv, "apikey", map[string]any{"username": vtUsername}), http.StatusBadRequest)
	wantVTError(t, vtDo(t, srv, "apikey", map[string]any{"username": "4592086960", "password": VoiceTelPassword}), http.StatusBadRequest)

	body := map[string]any{"name": "Branch Office", "username": 4592099999, "email": "branch@acme-field.example", "masterAccount": vtUsername}
	wantVTError(t, vtDo(t, srv, "add", body, bearerH(VoiceTelAPIKey)...), http.StatusUnauthorized)
	wantVTError(t, vtDo(t, srv, "add", body), http.StatusBadRequest)
	m = wantVTOK(t, vtDo(t, srv, "add", body, bearerH(VoiceTelAdminKey)...))
	wantEq(t, "message", m["message"], "Account Information")
	wantEq(t, "username", path(t, m, "account", "username"), 4592099999.0)
	wantEq(t, "masterAccount", path(t, m, "account", "masterAccount"), float64(vtUsername))
	pw, _ := path(t, m, "account", "password").(string)
	if len(pw) != 10 {
		t.Errorf("generated password %q is not 10 characters", pw)
	}
	wantVTError(t, vtDo(t, srv, "add", body, bearerH(VoiceTelAdminKey)...), http.StatusConflict)

	// The new account's credentials work.
	m = wantVTOK(t, vtDo(t, srv, "apikey", map[string]any{"username": 4592099999, "password": pw}))
	newKey := m["apikey"].(string)
	wantVTError(t, vtDo(t, srv, "registration", nil, bearerH(newKey)...), http.StatusNotFound)

	for name, b := range map[string]map[string]any{
		"no name":         {"username": 4592099998, "email": "a@b.co"},
		"no email":        {"name": "x", "username": 4592099998},
		"short username":  {"name": "x", "username": 12345, "email": "a@b.co"},
		"string username": {"name": "x", "username": "4592099998", "email": "a@b.co"},
		"bad email":       {"name": "x", "username": 4592099998, "email": "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			wantVTError(t, vtDo(t, srv, "add", b, bearerH(VoiceTelAdminKey)...), http.StatusBadRequest)
		})
	}
}

func TestVoiceTelSignupRecover(t *testing.T) {
	srv, _ := start(t)
	m := wantVTOK(t, vtDo(t, srv, "signup", map[string]any{"name": "Jo Park", "email": "jo@park.example", "promo": "PROMO2024"}))
	acc := m["account"].(map[string]any)
	wantEq(t, "name", acc["name"], "Jo Park")
	if u, _ := acc["username"].(float64); u < 1e9 || u >= 1e10 || acc["masterAccount"] != acc["username"] {
		t.Errorf("signup account %v", acc)
	}
	wantVTError(t, vtDo(t, srv, "signup", map[string]any{"name": "Jo Park", "email": "JO@park.example"}), http.StatusConflict)
	wantVTError(t, vtDo(t, srv, "signup", map[string]any{"name": "Jo"}), http.StatusBadRequest)
	wantVTError(t, vtDo(t, srv, "signup", map[string]any{"name": "Jo", "email": "nope"}), http.StatusBadRequest)

	m = wantVTOK(t, vtDo(t, srv, "recover", map[string]any{"email": "jo@park.example"}))
	wantEq(t, "message", m["message"], "Please check your email (jo@park.example) for details")
	wantVTError(t, vtDo(t, srv, "recover", map[string]any{"email": "ghost@nowhere.example"}), http.StatusNotFound)
	m = wantVTError(t, vtDo(t, srv, "recover", map[string]any{"email": "nope"}), http.StatusBadRequest)
	wantEq(t, "requirement", m["requirement"], "Must be valid")
}

func TestVoiceTelHourlyLimit(t *testing.T) {
	srv, clk := start(t)
	auth := bearerH(VoiceTelAPIKey)
	t0 := clk.Now()
	for i := range 6 {
		wantVTOK(t, vtDo(t, srv, "info", nil, auth...))
		if i < 5 {
			clk.Advance(time.Minute)
		}
	}
	// Other operations have their own windows; registration/ is not limited.
	wantVTOK(t, vtDo(t, srv, "mrc", nil, auth...))
	for range 10 {
		wantVTOK(t, vtDo(t, srv, "registration", nil, auth...))
	}

	clk.Advance(54 * time.Minute) // t0+59m
	r := vtDo(t, srv, "info", nil, auth...)
	wantVTError(t, r, http.StatusTooManyRequests)
	wantEq(t, "Retry-After", r.Header.Get("Retry-After"), "60")
	// Requests with a wrong key are limited too.
	wantVTError(t, vtDo(t, srv, "info", nil, bearerH("wrong")...), http.StatusTooManyRequests)

	clk.Advance(time.Minute) // t0+60m: the first request is an hour old
	if !clk.Now().Equal(t0.Add(time.Hour)) {
		t.Fatal("clock arithmetic")
	}
	wantVTOK(t, vtDo(t, srv, "info", nil, auth...))
	r = vtDo(t, srv, "info", nil, auth...)
	wantVTError(t, r, http.StatusTooManyRequests)
	wantEq(t, "Retry-After", r.Header.Get("Retry-After"), "60") // the second is at t0+1m
	wantEq(t, "requests counted", srv.Requests(VoiceTel, "/v2.1/account/info/"), 10)
}

func TestVoiceTelLimitOption(t *testing.T) {
	srv, _ := start(t, WithVoiceTelHourlyLimit(2))
	for range 2 {
		wantVTOK(t, vtDo(t, srv, "apikey", map[string]any{"username": vtUsername, "password": VoiceTelPassword}))
	}
	r := vtDo(t, srv, "apikey", map[string]any{"username": vtUsername, "password": VoiceTelPassword})
	wantVTError(t, r, http.StatusTooManyRequests)
	wantEq(t, "Retry-After", r.Header.Get("Retry-After"), "3600")
}
