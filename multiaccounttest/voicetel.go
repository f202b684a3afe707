package multiaccounttest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VoiceTel Account API v2.1 emulation (v2.2, on the same server and
// accounts, is in voicetel22.go).
//
// Every operation is POST /v2.1/account/<op>/ with a JSON body (the trailing
// slash is part of the path; without it the answer is 404). Keyed operations
// take "Authorization: Bearer <key>" or an "apikey" body field; the header
// wins when both are present. apikey/, recover/ and signup/ take no key.
// Answers carry {"statusCode":"200","status":"Success",…}; failures
// {"statusCode":"<code>","status":"Error","message":…} with the same HTTP
// status (recover/'s invalid email adds "requirement").
//
// Each of apikey/, cdr/, info/ and mrc/ accepts 6 requests (see
// WithVoiceTelHourlyLimit) per rolling hour per client address, measured on
// the emulator clock; past that it answers 429 with Retry-After (seconds
// until the oldest request in the window is an hour old). Requests count
// whether or not they succeed; refused ones do not.
//
// Emulator choices where the documents are silent: a missing key is 400
// "Field Required: apikey", a wrong one 401; cdr/ treats start as the
// earlier bound (the documents describe the defaults the other way round;
// reversed bounds are swapped) and defaults to the last 24 hours; CDR items
// follow the vendor's v2.2 schema ({"id","key":[username,start],"value":
// {"ip","cn","nr","dst","dur","ba","cid"}}): the account username and the
// start (Unix seconds) are strings in key, and only there.

type vtState struct {
	accounts map[int64]*vtAccount
	windows  map[vtWindowKey][]time.Time // accepted request times
}

type vtWindowKey struct{ op, client string }

type vtAccount struct {
	Username        int64
	Name            string
	Email           string
	Password        string
	APIKey          string
	Admin           bool
	MasterAccount   int64
	Rate            float64
	Enabled         bool
	NotifyThreshold int
	Notify          bool
	CallerID        string
	Created         time.Time
	Cash            float64
	Registration    *vtRegistration
	CDRs            []vtCDR // by start, ascending
	MRC             []vtCharge
	DIDCharges      float64

	// Settings and history that only v2.2 shows (v2.1's info/ shows the
	// shared ones above).
	Timezone             string
	CCS                  int
	SMS, MMS, Intl, E911 bool
	Credits              []vtCredit  // newest first
	Payments             []vtPayment // newest first
}

type vtRegistration struct{ URI, Agent string }

type vtCDR struct {
	ID       string
	Start    time.Time
	Caller   string
	Dest     string
	Duration int // seconds
	Rate     float64
	Name     string // caller name, URL-encoded as the vendor sends it
	IP       string
}

type vtCharge struct {
	Service string
	Amount  float64
}

// vtLimited lists the operations under the hourly limit.
var vtLimited = map[string]bool{"apikey": true, "cdr": true, "info": true, "mrc": true}

func vtError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"statusCode": strconv.Itoa(status), "status": "Error", "message": msg})
}

func vtOK(w http.ResponseWriter, body map[string]any) {
	body["statusCode"] = "200"
	body["status"] = "Success"
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) serveVoiceTel(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/v2.2/") {
		s.serveVoiceTel22(w, r)
		return
	}
	op, ok := strings.CutPrefix(r.URL.Path, "/v2.1/account/")
	op, slash := strings.CutSuffix(op, "/")
	handlers := map[string]func(http.ResponseWriter, *http.Request, map[string]any){
		"add": s.vtAdd, "apikey": s.vtAPIKey, "cdr": s.vtCDR, "info": s.vtInfo,
		"mrc": s.vtMRC, "recover": s.vtRecover, "registration": s.vtRegistration, "signup": s.vtSignup,
	}
	h := handlers[op]
	if !ok || !slash || h == nil {
		vtError(w, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodPost {
		vtError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	if vtLimited[op] {
		if wait, ok := s.vtAdmit(op, clientHost(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
			vtError(w, http.StatusTooManyRequests, "Rate limit exceeded: "+strconv.Itoa(s.cfg.voiceTelHourly)+" requests per hour")
			return
		}
	}
	body, err := readJSONObject(r)
	if err != nil {
		vtError(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	h(w, r, body)
}

// vtAdmit records a request to op from client in its rolling hour, or
// refuses it and says how long until a slot opens.
func (s *Server) vtAdmit(op, client string) (time.Duration, bool) {
	now := s.cfg.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	k := vtWindowKey{op, client}
	times := s.vt.windows[k]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= time.Hour {
		i++
	}
	times = times[i:]
	if len(times) >= s.cfg.voiceTelHourly {
		s.vt.windows[k] = times
		return times[0].Add(time.Hour).Sub(now), false
	}
	s.vt.windows[k] = append(times, now)
	return 0, true
}

// vtAccountFor authenticates a keyed operation, answering the failure
// itself. The caller must not hold s.mu.
func (s *Server) vtAccountFor(w http.ResponseWriter, r *http.Request, body map[string]any) *vtAccount {
	key := bearer(r)
	if key == "" {
		key = str(body, "apikey")
	}
	if key == "" {
		vtError(w, http.StatusBadRequest, "Field Required: apikey")
		return nil
	}
	if a := s.vtByKey(key); a != nil {
		return a
	}
	vtError(w, http.StatusUnauthorized, "Invalid API key")
	return nil
}

// vtByKey finds the account an API key belongs to (both versions).
func (s *Server) vtByKey(key string) *vtAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.vt.accounts {
		if key != "" && a.APIKey == key {
			return a
		}
	}
	return nil
}

func (s *Server) vtAdd(w http.ResponseWriter, r *http.Request, body map[string]any) {
	admin := s.vtAccountFor(w, r, body)
	if admin == nil {
		return
	}
	if !admin.Admin {
		vtError(w, http.StatusUnauthorized, "Unauthorized: administrator access required")
		return
	}
	for _, f := range []string{"name", "username", "email"} {
		if _, ok := body[f]; !ok {
			vtError(w, http.StatusBadRequest, "Field Required: "+f)
			return
		}
	}
	name, email := str(body, "name"), str(body, "email")
	username, ok := jsonInt(body, "username")
	switch {
	case strings.TrimSpace(name) == "":
		vtError(w, http.StatusBadRequest, "Field Required: name")
		return
	case !ok || username < 1_000_000_000 || username > 9_999_999_999:
		vtError(w, http.StatusBadRequest, "Field: username must be a 10-digit integer")
		return
	case !validEmail(email):
		vtError(w, http.StatusBadRequest, "Field: email must be valid")
		return
	}
	master := username
	if _, present := body["masterAccount"]; present {
		m, ok := jsonInt(body, "masterAccount")
		if !ok {
			vtError(w, http.StatusBadRequest, "Field: masterAccount must be an integer")
			return
		}
		master = m
	}
	a, conflict := s.vtAddAccount(username, name, email, master)
	if conflict != "" {
		vtError(w, http.StatusConflict, conflict)
		return
	}
	vtOK(w, map[string]any{"message": "Account Information", "account": map[string]any{
		"name": a.Name, "username": a.Username, "password": a.Password, "email": a.Email, "masterAccount": a.MasterAccount,
	}})
}

// vtAddAccount creates an administrator's sub-account (both versions): a
// copy of it, or why it conflicts.
func (s *Server) vtAddAccount(username int64, name, email string, master int64) (vtAccount, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.vt.accounts[username]; taken {
		return vtAccount{}, "Account creation failed: username already exists"
	}
	if _, known := s.vt.accounts[master]; !known && master != username {
		return vtAccount{}, "Account creation failed: unknown masterAccount"
	}
	return *s.vtNewAccount(username, name, email, master), ""
}

// vtNewAccount creates an account with fresh credentials. The caller holds
// s.mu.
func (s *Server) vtNewAccount(username int64, name, email string, master int64) *vtAccount {
	a := &vtAccount{
		Username: username, Name: name, Email: email, MasterAccount: master,
		Password: randomAlnum(10), APIKey: randomHex(16),
		Rate: 0.0075, Enabled: true, NotifyThreshold: 5, Notify: true,
		Created: s.cfg.now().UTC().Truncate(time.Second),
	}
	s.vt.accounts[username] = a
	return a
}

func (s *Server) vtAPIKey(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	_, hasUser := body["username"]
	password, hasPass := body["password"].(string)
	if !hasUser || !hasPass || password == "" {
		vtError(w, http.StatusBadRequest, "Field Required: username or password")
		return
	}
	username, ok := jsonInt(body, "username")
	if !ok {
		vtError(w, http.StatusBadRequest, "Field: username must be an integer")
		return
	}
	key := s.vtKeyFor(username, password)
	if key == "" {
		vtError(w, http.StatusUnauthorized, "Invalid username or password")
		return
	}
	vtOK(w, map[string]any{"apikey": key})
}

func (s *Server) vtCDR(w http.ResponseWriter, r *http.Request, body map[string]any) {
	a := s.vtAccountFor(w, r, body)
	if a == nil {
		return
	}
	now := s.cfg.now().Unix()
	start, end := now-24*3600, now
	for _, f := range []string{"start", "end"} {
		if _, present := body[f]; !present {
			continue
		}
		n, ok := jsonInt(body, f)
		if !ok || n < 0 {
			vtError(w, http.StatusBadRequest, "Field: "+f+" must be a Unix timestamp")
			return
		}
		if f == "start" {
			start = n
		} else {
			end = n
		}
	}
	if start > end {
		start, end = end, start
	}
	s.mu.Lock()
	out := []any{}
	for _, c := range a.CDRs {
		if t := c.Start.Unix(); t >= start && t <= end {
			out = append(out, c.json(a.Username))
		}
	}
	s.mu.Unlock()
	vtOK(w, map[string]any{"cdr": out})
}

func (c vtCDR) json(username int64) map[string]any {
	return map[string]any{
		"id":  c.ID,
		"key": []string{strconv.FormatInt(username, 10), strconv.FormatInt(c.Start.Unix(), 10)},
		"value": map[string]any{
			"ip":  c.IP,
			"cn":  c.Name,
			"nr":  strconv.FormatFloat(c.Rate, 'f', 3, 64),
			"dst": c.Dest,
			"dur": strconv.Itoa(c.Duration),
			"ba":  strconv.FormatFloat(c.Rate*float64(c.Duration)/60, 'f', 6, 64),
			"cid": c.Caller,
		},
	}
}

func (s *Server) vtInfo(w http.ResponseWriter, r *http.Request, body map[string]any) {
	a := s.vtAccountFor(w, r, body)
	if a == nil {
		return
	}
	s.mu.Lock()
	rec := map[string]any{
		"name": a.Name, "rate": a.Rate, "enabled": a.Enabled, "notify_threshold": a.NotifyThreshold,
		"username": strconv.FormatInt(a.Username, 10), "caller_id": a.CallerID, "notify": a.Notify,
		"email": a.Email, "created": a.Created.Format("2006-01-02T15:04:05-07:00"), "cash": a.Cash,
	}
	s.mu.Unlock()
	vtOK(w, map[string]any{"account": []any{rec}})
}

func (s *Server) vtMRC(w http.ResponseWriter, r *http.Request, body map[string]any) {
	a := s.vtAccountFor(w, r, body)
	if a == nil {
		return
	}
	s.mu.Lock()
	out := []any{}
	total := a.DIDCharges
	for _, c := range a.MRC {
		out = append(out, map[string]any{c.Service: c.Amount})
		total += c.Amount
	}
	out = append(out, map[string]any{"did": a.DIDCharges}, map[string]any{"total": roundCents(total)})
	s.mu.Unlock()
	vtOK(w, map[string]any{"mrc": out})
}

func (s *Server) vtRecover(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	email := str(body, "email")
	if !validEmail(email) {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"statusCode": "400", "status": "Error", "message": "Field: email", "requirement": "Must be valid",
		})
		return
	}
	s.mu.Lock()
	found := s.vtByEmail(email) != nil
	s.mu.Unlock()
	if !found {
		vtError(w, http.StatusNotFound, "Email address not found")
		return
	}
	vtOK(w, map[string]any{"message": "Please check your email (" + email + ") for details"})
}

// vtByEmail finds an account by e-mail address. The caller holds s.mu.
func (s *Server) vtByEmail(email string) *vtAccount {
	for _, a := range s.vt.accounts {
		if strings.EqualFold(a.Email, email) {
			return a
		}
	}
	return nil
}

func (s *Server) vtRegistration(w http.ResponseWriter, r *http.Request, body map[string]any) {
	a := s.vtAccountFor(w, r, body)
	if a == nil {
		return
	}
	s.mu.Lock()
	reg := a.Registration
	s.mu.Unlock()
	if reg == nil {
		vtError(w, http.StatusNotFound, "Not registered")
		return
	}
	vtOK(w, map[string]any{"account": map[string]any{"uri": reg.URI, "agent": reg.Agent}})
}

func (s *Server) vtSignup(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	a, status, msg := s.vtSignupFrom(body)
	if status != 0 {
		vtError(w, status, msg)
		return
	}
	vtOK(w, map[string]any{"message": "Account Information", "account": map[string]any{
		"name": a.Name, "masterAccount": a.MasterAccount, "username": a.Username, "password": a.Password, "email": a.Email,
	}})
}

// vtSignupFrom checks a signup body (both versions take the same fields)
// and creates the account under the next free username, its own master
// account. It returns a copy of the account, or the failure's status and
// message.
func (s *Server) vtSignupFrom(body map[string]any) (vtAccount, int, string) {
	name, email := strings.TrimSpace(str(body, "name")), str(body, "email")
	switch {
	case name == "":
		return vtAccount{}, http.StatusBadRequest, "Field Required: name"
	case email == "":
		return vtAccount{}, http.StatusBadRequest, "Field Required: email"
	case !validEmail(email):
		return vtAccount{}, http.StatusBadRequest, "Field: email must be valid"
	}
	if p, present := body["promo"]; present {
		if _, ok := p.(string); !ok {
			return vtAccount{}, http.StatusBadRequest, "Field: promo must be a string"
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vtByEmail(email) != nil {
		return vtAccount{}, http.StatusConflict, "Account creation failed: email already registered"
	}
	username := int64(4592087000)
	for s.vt.accounts[username] != nil {
		username++
	}
	return *s.vtNewAccount(username, name, email, username), 0, ""
}

// validEmail is a loose syntax check: something@something.something.
func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t\r\n")
}

func roundCents(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// vtKeyFor is the API key of the account with that username and password
// ("" when none matches), for apikey/ in every API version.
func (s *Server) vtKeyFor(username int64, password string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.vt.accounts[username]; a != nil && a.Password == password {
		return a.APIKey
	}
	return ""
}
