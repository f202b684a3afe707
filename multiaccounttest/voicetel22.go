package multiaccounttest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// VoiceTel API v2.2 emulation (the account family of document 2.2.10), on
// the same server and over the same accounts as v2.1.
//
//	POST /v2.2/account                   create a sub-account (administrator key), 201
//	PUT  /v2.2/account                   update the key's account settings
//	GET  /v2.2/account                   account info
//	POST /v2.2/account/api-key           username + password → key, no key
//	GET  /v2.2/account/cdr               ?start&end (Unix seconds, start the newer)
//	GET  /v2.2/account/recurring-charges
//	GET  /v2.2/account/registration      404 when not registered
//	POST /v2.2/account/recovery          no key
//	POST /v2.2/accounts                  signup, no key, 201
//	GET  /v2.2/account/credits           ?status=paid|unpaid
//	GET  /v2.2/account/payments
//
// Keyed operations take only "Authorization: Bearer <key>"; a missing or
// wrong one is 401. Answers are {"status":"success","data":{…}}, failures
// {"status":"error","error":{"code":<HTTP status>,"message":…}} (recovery's
// invalid e-mail adds "requirement"). GET /v2.2/account, GET
// /v2.2/account/cdr, GET /v2.2/account/recurring-charges and POST
// /v2.2/account/api-key each accept 6 requests (WithVoiceTelHourlyLimit)
// per rolling hour per client address, as v2.1's limited operations do,
// each in its own window; the other operations have no limit.
//
// Emulator choices where the document is silent: an invalid create body is
// 409 "Creation failed" (the only failure the document gives the create
// besides 401 and 403); a customer's key setting an administrator-only
// setting, an unknown setting or a value of the wrong type is 400; the CDR
// range is [end, start] and reversed bounds are swapped, as v2.1's are;
// credit and payment history come newest first.

type vtCredit struct {
	Amount float64
	Date   time.Time
	Paid   bool
}

type vtPayment struct {
	Amount        float64
	Date          time.Time
	TransactionID string
	Status        string
	PayerEmail    string
}

// vt22Limited lists the v2.2 operations under the hourly limit.
var vt22Limited = map[string]bool{
	"GET /v2.2/account": true, "GET /v2.2/account/cdr": true,
	"GET /v2.2/account/recurring-charges": true, "POST /v2.2/account/api-key": true,
}

func vt22Error(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": "error", "error": map[string]any{"code": status, "message": msg}})
}

func vt22OK(w http.ResponseWriter, status int, data map[string]any) {
	writeJSON(w, status, map[string]any{"status": "success", "data": data})
}

func (s *Server) serveVoiceTel22(w http.ResponseWriter, r *http.Request) {
	type handler func(http.ResponseWriter, *http.Request, map[string]any)
	routes := map[string]map[string]handler{
		"/v2.2/account": {
			http.MethodPost: s.vt22Create, http.MethodPut: s.vt22Settings, http.MethodGet: s.vt22Info,
		},
		"/v2.2/account/api-key":           {http.MethodPost: s.vt22APIKey},
		"/v2.2/account/cdr":               {http.MethodGet: s.vt22CDR},
		"/v2.2/account/recurring-charges": {http.MethodGet: s.vt22Charges},
		"/v2.2/account/registration":      {http.MethodGet: s.vt22Registration},
		"/v2.2/account/recovery":          {http.MethodPost: s.vt22Recovery},
		"/v2.2/accounts":                  {http.MethodPost: s.vt22Signup},
		"/v2.2/account/credits":           {http.MethodGet: s.vt22Credits},
		"/v2.2/account/payments":          {http.MethodGet: s.vt22Payments},
	}
	methods, ok := routes[r.URL.Path]
	if !ok {
		vt22Error(w, http.StatusNotFound, "Not Found")
		return
	}
	h := methods[r.Method]
	if h == nil {
		vt22Error(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	op := r.Method + " " + r.URL.Path
	if vt22Limited[op] {
		if wait, ok := s.vtAdmit(op, clientHost(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
			vt22Error(w, http.StatusTooManyRequests, "Rate limit exceeded: "+strconv.Itoa(s.cfg.voiceTelHourly)+" requests per hour")
			return
		}
	}
	body := map[string]any{}
	if r.Method != http.MethodGet {
		var err error
		if body, err = readJSONObject(r); err != nil {
			vt22Error(w, http.StatusBadRequest, "Invalid JSON body")
			return
		}
	}
	h(w, r, body)
}

// vt22Account authenticates a keyed operation by its Bearer header,
// answering the failure itself. The caller must not hold s.mu.
func (s *Server) vt22Account(w http.ResponseWriter, r *http.Request) *vtAccount {
	if a := s.vtByKey(bearer(r)); a != nil {
		return a
	}
	vt22Error(w, http.StatusUnauthorized, "Missing or invalid bearer token")
	return nil
}

// vt22Digits matches the document's numeric usernames (strings in v2.2).
var vt22Digits = regexp.MustCompile(`^[0-9]{10}$`)

func (s *Server) vt22Create(w http.ResponseWriter, r *http.Request, body map[string]any) {
	admin := s.vt22Account(w, r)
	if admin == nil {
		return
	}
	if !admin.Admin {
		vt22Error(w, http.StatusForbidden, "Forbidden: administrator access required")
		return
	}
	name, _ := body["name"].(string)
	email, _ := body["email"].(string)
	user, _ := body["username"].(string)
	switch {
	case strings.TrimSpace(name) == "":
		vt22Error(w, http.StatusConflict, "Creation failed: Field Required: name")
		return
	case !vt22Digits.MatchString(user):
		vt22Error(w, http.StatusConflict, "Creation failed: username must be a string of 10 digits")
		return
	case !validEmail(email):
		vt22Error(w, http.StatusConflict, "Creation failed: email must be valid")
		return
	}
	username, _ := strconv.ParseInt(user, 10, 64)
	master := username
	if m, present := body["masterAccount"]; present {
		ms, _ := m.(string)
		if !vt22Digits.MatchString(ms) {
			vt22Error(w, http.StatusConflict, "Creation failed: masterAccount must be a string of 10 digits")
			return
		}
		master, _ = strconv.ParseInt(ms, 10, 64)
	}
	a, conflict := s.vtAddAccount(username, name, email, master)
	if conflict != "" {
		vt22Error(w, http.StatusConflict, conflict)
		return
	}
	vt22OK(w, http.StatusCreated, map[string]any{
		"username": user, "password": a.Password, "name": a.Name, "email": a.Email,
		"masterAccount": strconv.FormatInt(a.MasterAccount, 10),
	})
}

// vt22CallerID is the document's caller ID pattern.
var vt22CallerID = regexp.MustCompile(`^[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$`)

// vt22Customer and vt22Admin are the settings each kind of key may set.
var (
	vt22Customer = map[string]bool{"timezone": true, "notify": true, "notifyThreshold": true, "callerId": true}
	vt22Admin    = map[string]bool{"ccs": true, "sms": true, "mms": true, "intl": true, "e911": true}
)

func (s *Server) vt22Settings(w http.ResponseWriter, r *http.Request, body map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	for k, v := range body {
		switch {
		case vt22Admin[k] && !a.Admin:
			vt22Error(w, http.StatusBadRequest, "Field "+k+" may be set by administrators only")
			return
		case !vt22Customer[k] && !vt22Admin[k]:
			vt22Error(w, http.StatusBadRequest, "Unknown field: "+k)
			return
		}
		var ok bool
		switch k {
		case "timezone":
			var tz string
			// An IANA name: Area/Location, or UTC (no tz database needed).
			tz, ok = v.(string)
			ok = ok && (tz == "UTC" || strings.Count(tz, "/") >= 1 && !strings.ContainsAny(tz, " \t\r\n"))
		case "callerId":
			var id string
			id, ok = v.(string)
			ok = ok && vt22CallerID.MatchString(id)
		case "notifyThreshold", "ccs":
			var n int64
			n, ok = jsonInt(body, k)
			ok = ok && n >= 0
		default:
			_, ok = v.(bool)
		}
		if !ok {
			vt22Error(w, http.StatusBadRequest, "Field "+k+" is invalid")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	updated := []string{}
	for _, k := range []string{"timezone", "callerId", "notify", "notifyThreshold", "ccs", "sms", "mms", "intl", "e911"} {
		v, present := body[k]
		if !present {
			continue
		}
		switch k {
		case "timezone":
			a.Timezone = v.(string)
		case "callerId":
			a.CallerID = v.(string)
		case "notify":
			a.Notify = v.(bool)
		case "notifyThreshold":
			n, _ := jsonInt(body, k)
			a.NotifyThreshold = int(n)
		case "ccs":
			n, _ := jsonInt(body, k)
			a.CCS = int(n)
		case "sms":
			a.SMS = v.(bool)
		case "mms":
			a.MMS = v.(bool)
		case "intl":
			a.Intl = v.(bool)
		case "e911":
			a.E911 = v.(bool)
		}
		updated = append(updated, k)
	}
	vt22OK(w, http.StatusOK, map[string]any{"updated": updated})
}

func (s *Server) vt22Info(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	s.mu.Lock()
	data := map[string]any{
		"username": strconv.FormatInt(a.Username, 10), "name": a.Name, "email": a.Email,
		"enabled": a.Enabled, "created": a.Created.Format(time.RFC3339), "cash": a.Cash,
		"callerId": a.CallerID, "notify": a.Notify, "notifyThreshold": a.NotifyThreshold,
		"timezone": a.Timezone, "ccs": a.CCS, "authType": 0,
		"services": map[string]any{
			"sms": a.SMS, "mms": a.MMS, "intl": a.Intl, "e911": a.E911,
			"rcid": false, "bypassMedia": false, "cnam": false, "dialer": false,
		},
		"rates": map[string]any{"nibble": a.Rate, "sms": 0.0075, "mms": 0.02, "did": 1.0},
	}
	s.mu.Unlock()
	vt22OK(w, http.StatusOK, data)
}

func (s *Server) vt22APIKey(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	user, okUser := body["username"].(string)
	password, okPass := body["password"].(string)
	if !okUser || !okPass || user == "" || password == "" {
		vt22Error(w, http.StatusBadRequest, "Fields Required: username, password")
		return
	}
	username, _ := strconv.ParseInt(user, 10, 64)
	key := s.vtKeyFor(username, password)
	if key == "" {
		vt22Error(w, http.StatusUnauthorized, "Invalid username or password")
		return
	}
	vt22OK(w, http.StatusOK, map[string]any{"apikey": key})
}

func (s *Server) vt22CDR(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	now := s.cfg.now().Unix()
	start, end := now, now-24*3600 // newest first: start is the later bound
	q := r.URL.Query()
	for _, f := range []string{"start", "end"} {
		v := q.Get(f)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			vt22Error(w, http.StatusBadRequest, "Query "+f+" must be a Unix timestamp")
			return
		}
		if f == "start" {
			start = n
		} else {
			end = n
		}
	}
	if start < end {
		start, end = end, start
	}
	s.mu.Lock()
	out := []any{}
	for i := len(a.CDRs) - 1; i >= 0; i-- {
		c := a.CDRs[i]
		if t := c.Start.Unix(); t <= start && t >= end {
			out = append(out, c.json(a.Username))
		}
	}
	s.mu.Unlock()
	vt22OK(w, http.StatusOK, map[string]any{"start": start, "end": end, "cdr": out})
}

func (s *Server) vt22Charges(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	s.mu.Lock()
	charges := []any{}
	total := a.DIDCharges
	for _, c := range a.MRC {
		charges = append(charges, map[string]any{"description": c.Service, "amount": c.Amount})
		total += c.Amount
	}
	charges = append(charges, map[string]any{"description": "did", "amount": a.DIDCharges})
	s.mu.Unlock()
	vt22OK(w, http.StatusOK, map[string]any{"charges": charges, "total": roundCents(total)})
}

func (s *Server) vt22Registration(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	s.mu.Lock()
	reg := a.Registration
	s.mu.Unlock()
	if reg == nil {
		vt22Error(w, http.StatusNotFound, "Not registered")
		return
	}
	vt22OK(w, http.StatusOK, map[string]any{"uri": reg.URI, "agent": reg.Agent})
}

func (s *Server) vt22Recovery(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	email, _ := body["email"].(string)
	if !validEmail(email) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "error", "error": map[string]any{
			"code": http.StatusBadRequest, "message": "Invalid email address", "requirement": "Must be valid",
		}})
		return
	}
	s.mu.Lock()
	found := s.vtByEmail(email) != nil
	s.mu.Unlock()
	if !found {
		vt22Error(w, http.StatusNotFound, "Email not found")
		return
	}
	vt22OK(w, http.StatusOK, map[string]any{"message": "Operation completed."})
}

func (s *Server) vt22Signup(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	a, status, msg := s.vtSignupFrom(body)
	if status != 0 {
		vt22Error(w, status, msg)
		return
	}
	vt22OK(w, http.StatusCreated, map[string]any{
		"username": strconv.FormatInt(a.Username, 10), "password": a.Password, "name": a.Name, "email": a.Email,
	})
}

func (s *Server) vt22Credits(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	status, filtered := r.URL.Query()["status"]
	if filtered && (len(status) != 1 || status[0] != "paid" && status[0] != "unpaid") {
		vt22Error(w, http.StatusBadRequest, "Invalid status filter (must be 'paid' or 'unpaid')")
		return
	}
	s.mu.Lock()
	out := []any{}
	for _, c := range a.Credits {
		if filtered && c.Paid != (status[0] == "paid") {
			continue
		}
		out = append(out, map[string]any{"amount": json.Number(strconv.FormatFloat(c.Amount, 'f', 2, 64)), "date": c.Date.Format("2006-01-02T15:04:05-07:00"), "paid": c.Paid})
	}
	s.mu.Unlock()
	vt22OK(w, http.StatusOK, map[string]any{"credits": out})
}

func (s *Server) vt22Payments(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	a := s.vt22Account(w, r)
	if a == nil {
		return
	}
	s.mu.Lock()
	out := []any{}
	for _, p := range a.Payments {
		out = append(out, map[string]any{
			"amount": json.Number(strconv.FormatFloat(p.Amount, 'f', 2, 64)), "date": p.Date.Format("2006-01-02T15:04:05-07:00"),
			"transactionId": p.TransactionID, "status": p.Status, "payerEmail": p.PayerEmail,
		})
	}
	s.mu.Unlock()
	vt22OK(w, http.StatusOK, map[string]any{"payments": out})
}
