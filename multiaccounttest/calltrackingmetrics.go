package multiaccounttest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CallTrackingMetrics emulation.
//
// Routes:
//
//	POST /api/v1/authentication              form token, secret → session token
//	GET  /api/v1/accounts.json               page, per_page (≤ 150)
//	GET  /api/v1/accounts/{id}.json
//	GET  /api/v1/accounts/{id}/calls.json    page, per_page, start_date, end_date
//	POST /api/v1/accounts                    JSON {"account":{"name","timezone_hint"},"billing_type":"existing"}
//	                                         → {"status":"success","id","name"}
//
// Every other route needs the key pair as HTTP Basic credentials or a live
// session token as the auth_token query parameter (or, on writes, body
// field). Emulator choices where the vendor's documents are silent: refused
// credentials get HTTP 401 {"status":"error","message":…} (the
// authentication endpoint adds "success":false); the default page size is
// 10; calls come newest first; start_date and end_date are UTC dates, both
// included; each account's "timezone" is an IANA name (the form the
// vendor's account creation takes in timezone_hint). called_at is, as the
// vendor documents it, the account's local time without a zone,
// "2006-01-02 03:04 PM"; a Server made with WithCTMCalledAtOnly leaves out
// unix_time, so that clients must read called_at in the account's zone.
// Account creation (emulator choices): HTTP 200; a missing name, a
// timezone_hint that is not an IANA zone, or a billing_type other than
// "existing" (the one value documented) is HTTP 400 {"status":"error",
// "message":…}; the new account is active, with a zero balance, and gets
// the next id.

type ctmState struct {
	accounts []*ctmAccount // by id, ascending
	calls    map[int][]*ctmCall
	tokens   map[string]time.Time // session token → expiry
}

type ctmAccount struct {
	ID           int
	Name         string
	Status       string
	UserRole     string
	BalanceCents int
	Timezone     string
	UTCOffset    int // seconds east of UTC
	Created      time.Time
}

type ctmCall struct {
	ID        int
	AccountID int
	Start     time.Time
	Duration  int // seconds
	Caller    string
	Tracking  string
	Source    string
	Status    string
}

const (
	ctmDefaultPerPage = 10
	ctmMaxPerPage     = 150
)

func (s *Server) serveCTM(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/api/v1/authentication" {
		if r.Method != http.MethodPost {
			ctmError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		s.ctmAuthenticate(w, r)
		return
	}
	if !strings.HasPrefix(p, "/api/v1/accounts") {
		ctmError(w, http.StatusNotFound, "not found")
		return
	}
	var body []byte
	if r.Method != http.MethodGet {
		// Kept for the handler: the auth check may read a token from it.
		body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if msg, ok := s.ctmAuthorized(r); !ok {
		ctmError(w, http.StatusUnauthorized, msg)
		return
	}
	if p == "/api/v1/accounts" && r.Method == http.MethodPost {
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.ctmCreate(w, r)
		return
	}
	if r.Method != http.MethodGet {
		ctmError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	if p == "/api/v1/accounts.json" {
		s.ctmAccounts(w, r)
		return
	}
	rest := strings.TrimPrefix(p, "/api/v1/accounts/")
	if id, ok := strings.CutSuffix(rest, "/calls.json"); ok {
		s.ctmCalls(w, r, id)
		return
	}
	if id, ok := strings.CutSuffix(rest, ".json"); ok && !strings.Contains(id, "/") {
		s.ctmAccount(w, id)
		return
	}
	ctmError(w, http.StatusNotFound, "not found")
}

func ctmError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": "error", "message": msg})
}

func (s *Server) ctmAuthenticate(w http.ResponseWriter, r *http.Request) {
	token, secret := ctmFormValue(r, "token"), ctmFormValue(r, "secret")
	if token != CTMAccessKey || secret != CTMSecretKey {
		writeJSON(w, http.StatusUnauthorized, map[string]any{
			"success": false, "status": "error", "message": "Invalid access key or secret key",
		})
		return
	}
	now := s.cfg.now()
	tok := randomHex(20)
	exp := now.Add(s.cfg.tokenTTL)
	s.mu.Lock()
	s.ctm.tokens[tok] = exp
	first := s.ctm.accounts[0].ID
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"success":       true,
		"token":         tok,
		"expires":       exp.UTC().Format(time.RFC3339),
		"first_account": map[string]any{"id": first},
	})
}

// ctmFormValue reads a form field from the query or a form-encoded body, or
// from a JSON body (accepted too: the vendor documents form fields only).
func ctmFormValue(r *http.Request, k string) string {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if r.Form == nil {
			m, err := readJSONObject(r)
			r.Form = url.Values{}
			if err == nil {
				for key := range m {
					r.Form.Set(key, str(m, key))
				}
			}
			for key, vs := range r.URL.Query() {
				if !r.Form.Has(key) {
					r.Form[key] = vs
				}
			}
		}
		return r.Form.Get(k)
	}
	return r.FormValue(k)
}

// ctmAuthorized checks Basic credentials or the auth_token parameter.
func (s *Server) ctmAuthorized(r *http.Request) (string, bool) {
	if user, pass, ok := r.BasicAuth(); ok {
		if user == CTMAccessKey && pass == CTMSecretKey {
			return "", true
		}
		return "Invalid access key or secret key", false
	}
	tok := r.URL.Query().Get("auth_token")
	if tok == "" && r.Method != http.MethodGet {
		tok = ctmFormValue(r, "auth_token")
	}
	if tok == "" {
		return "Authentication required", false
	}
	s.mu.Lock()
	exp, ok := s.ctm.tokens[tok]
	s.mu.Unlock()
	switch {
	case !ok:
		return "Invalid session token", false
	case !s.cfg.now().Before(exp):
		return "Session token expired", false
	}
	return "", true
}

// ctmPaging reads page and per_page; a bad value gives the vendor's error.
func ctmPaging(w http.ResponseWriter, q url.Values) (page, perPage int, ok bool) {
	page, perPage = 1, ctmDefaultPerPage
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "page must be a positive integer"})
			return 0, 0, false
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "per_page must be a positive integer"})
			return 0, 0, false
		}
		if n > ctmMaxPerPage {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "per_page limit is 150"})
			return 0, 0, false
		}
		perPage = n
	}
	return page, perPage, true
}

// ctmPage computes the page fields of a listing of total items, with
// next_page an absolute URL on the request's own host (query kept, minus
// auth_token; page replaced).
func ctmPage(r *http.Request, page, perPage, total int) map[string]any {
	pages := (total + perPage - 1) / perPage
	out := map[string]any{
		"page": page, "per_page": perPage, "total_entries": total, "total_pages": pages,
		"next_page": nil, "previous_page": nil,
	}
	link := func(n int) string {
		q := r.URL.Query()
		q.Del("auth_token")
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(perPage))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		return scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	if page < pages {
		out["next_page"] = link(page + 1)
	}
	if page > 1 {
		out["previous_page"] = link(min(page-1, max(pages, 1)))
	}
	return out
}

func pageBounds(page, perPage, total int) (lo, hi int) {
	lo = min((page-1)*perPage, total)
	hi = min(lo+perPage, total)
	return lo, hi
}

func (s *Server) ctmAccounts(w http.ResponseWriter, r *http.Request) {
	page, perPage, ok := ctmPaging(w, r.URL.Query())
	if !ok {
		return
	}
	s.mu.Lock()
	total := len(s.ctm.accounts)
	lo, hi := pageBounds(page, perPage, total)
	items := make([]any, 0, hi-lo)
	for _, a := range s.ctm.accounts[lo:hi] {
		items = append(items, a.json())
	}
	s.mu.Unlock()
	out := ctmPage(r, page, perPage, total)
	out["accounts"] = items
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) ctmFind(id string) *ctmAccount {
	n, err := strconv.Atoi(id)
	if err != nil {
		return nil
	}
	for _, a := range s.ctm.accounts {
		if a.ID == n {
			return a
		}
	}
	return nil
}

func (s *Server) ctmAccount(w http.ResponseWriter, id string) {
	s.mu.Lock()
	a := s.ctmFind(id)
	var body map[string]any
	if a != nil {
		body = a.json()
	}
	s.mu.Unlock()
	if a == nil {
		ctmError(w, http.StatusNotFound, "Account not found")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) ctmCalls(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	page, perPage, ok := ctmPaging(w, q)
	if !ok {
		return
	}
	var from, to time.Time // to is exclusive
	if v := q.Get("start_date"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			ctmError(w, http.StatusBadRequest, "start_date must be YYYY-MM-DD")
			return
		}
		from = d
	}
	if v := q.Get("end_date"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			ctmError(w, http.StatusBadRequest, "end_date must be YYYY-MM-DD")
			return
		}
		to = d.AddDate(0, 0, 1)
	}
	s.mu.Lock()
	a := s.ctmFind(id)
	if a == nil {
		s.mu.Unlock()
		ctmError(w, http.StatusNotFound, "Account not found")
		return
	}
	var match []*ctmCall
	for _, c := range s.ctm.calls[a.ID] {
		if (!from.IsZero() && c.Start.Before(from)) || (!to.IsZero() && !c.Start.Before(to)) {
			continue
		}
		match = append(match, c)
	}
	lo, hi := pageBounds(page, perPage, len(match))
	items := make([]any, 0, hi-lo)
	for _, c := range match[lo:hi] {
		items = append(items, c.json(a, s.cfg.ctmCalledAtOnly))
	}
	s.mu.Unlock()
	out := ctmPage(r, page, perPage, len(match))
	out["calls"] = items
	writeJSON(w, http.StatusOK, out)
}

func (a *ctmAccount) json() map[string]any {
	return map[string]any{
		"id":         a.ID,
		"name":       a.Name,
		"status":     a.Status,
		"user_role":  a.UserRole,
		"agency_id":  ctmAgencyID,
		"timezone":   a.Timezone,
		"created_at": a.Created.UTC().Format(time.RFC3339),
		"balance":    map[string]any{"cents": a.BalanceCents, "precision": 2},
	}
}

func (c *ctmCall) json(a *ctmAccount, calledAtOnly bool) map[string]any {
	loc, err := time.LoadLocation(a.Timezone)
	if err != nil { // no time zone database: the zone's standard offset
		loc = time.FixedZone(a.Timezone, a.UTCOffset)
	}
	m := map[string]any{
		"id":              c.ID,
		"account_id":      c.AccountID,
		"unix_time":       c.Start.Unix(),
		"called_at":       c.Start.In(loc).Format("2006-01-02 03:04 PM"),
		"duration":        c.Duration,
		"talk_time":       max(c.Duration-8, 0),
		"caller_number":   c.Caller,
		"tracking_number": c.Tracking,
		"source":          c.Source,
		"direction":       "inbound",
		"call_status":     c.Status,
	}
	if calledAtOnly {
		delete(m, "unix_time")
	}
	return m
}

func (s *Server) ctmCreate(w http.ResponseWriter, r *http.Request) {
	m, err := readJSONObject(r)
	if err != nil {
		ctmError(w, http.StatusBadRequest, err.Error())
		return
	}
	acct, _ := m["account"].(map[string]any)
	name := strings.TrimSpace(str(acct, "name"))
	zone := str(acct, "timezone_hint")
	if name == "" {
		ctmError(w, http.StatusBadRequest, "account[name] is required")
		return
	}
	loc, err := time.LoadLocation(zone)
	if zone == "" || zone == "Local" || err != nil {
		ctmError(w, http.StatusBadRequest, "account[timezone_hint] must be a time zone such as America/New_York")
		return
	}
	if bt := str(m, "billing_type"); bt != "existing" {
		ctmError(w, http.StatusBadRequest, "billing_type must be existing")
		return
	}
	now := s.cfg.now()
	_, offset := now.In(loc).Zone()
	s.mu.Lock()
	id := ctmFirstAccountID
	if n := len(s.ctm.accounts); n > 0 {
		id = s.ctm.accounts[n-1].ID + 1
	}
	s.ctm.accounts = append(s.ctm.accounts, &ctmAccount{ID: id, Name: name, Status: "active", UserRole: "admin",
		Timezone: zone, UTCOffset: offset, Created: now})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "id": id, "name": name})
}
