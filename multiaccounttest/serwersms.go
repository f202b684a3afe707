package multiaccounttest

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// SerwerSMS HTTPS API v2 emulation.
//
// Routes (all POST, body form-encoded or JSON):
//
//	/subaccounts/index.json    → {"items":[{"id","username"},…]}
//	/subaccounts/view.json     id → {"id","username","name","phone","email"}
//	/subaccounts/add.json      subaccount_username, subaccount_password, subaccount_id, name?, phone?, email? → {"success":true,"id":…}
//	/subaccounts/limit.json    id, type (eco|full|voice|mms|hlr), value ≥ 0 → {"success":true,"id":…}
//	/subaccounts/delete.json   id → {"success":true}
//
// Authentication is "Authorization: Bearer <token>" or username and
// password body fields. Failures are HTTP 200 with
// {"error":{"code":…,"type":…,"message":…}}: 1000 InvalidAction (unknown
// action or not POST), 1001 InvalidUser (login and password), 1012
// InvalidToken (a wrong Bearer token), 1004 InvalidID (view of an unknown
// sub-account, an unknown template), 1006 InvalidData (a field's format),
// 4502 (login taken), 2000 ValidationRequiredError (a required field
// missing). limit and delete of an unknown id answer {"success":false} with
// no error object, as the vendor's official clients' tests show. add answers
// {"success":true,"id":…} (the seed's sample), or {"success":true} alone
// (what the vendor's official Java client documents) on a Server made with
// WithSerwerSMSAddWithoutID. The vendor's 1010 (temporarily unavailable)
// can be played with Server.Fail: Fault{Status: 200, Body: `{"error":{"code":1010,…}}`}.
// Emulator choice: a body that is not valid JSON (with a JSON content
// type) is 1006.

type ssState struct {
	subs   []*ssSub // by id, ascending
	nextID int
}

type ssSub struct {
	ID       int
	Username string
	Password string
	Name     string
	Phone    string
	Email    string
	Limits   map[string]int
}

var (
	ssUsernameRE = regexp.MustCompile(`^[a-zA-Z0-9_@.]{3,20}$`)
	ssLimitTypes = map[string]bool{"eco": true, "full": true, "voice": true, "mms": true, "hlr": true}
)

func ssError(w http.ResponseWriter, code int, typ, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"error": map[string]any{"code": code, "type": typ, "message": msg}})
}

func ssRequired(w http.ResponseWriter, field string) {
	ssError(w, 2000, "ValidationRequiredError", "Field "+field+" is required")
}

func ssInvalid(w http.ResponseWriter, msg string) { ssError(w, 1006, "InvalidData", msg) }

func (s *Server) serveSerwerSMS(w http.ResponseWriter, r *http.Request) {
	actions := map[string]func(http.ResponseWriter, url.Values){
		"/subaccounts/index.json":  s.ssIndex,
		"/subaccounts/view.json":   s.ssView,
		"/subaccounts/add.json":    s.ssAdd,
		"/subaccounts/limit.json":  s.ssLimit,
		"/subaccounts/delete.json": s.ssDelete,
	}
	h := actions[r.URL.Path]
	if h == nil || r.Method != http.MethodPost {
		ssError(w, 1000, "InvalidAction", "Invalid action")
		return
	}
	form, ok := ssParams(r)
	if !ok {
		ssInvalid(w, "Invalid request body")
		return
	}
	if tok := bearer(r); tok != "" {
		if tok != SerwerSMSToken {
			ssError(w, 1012, "InvalidToken", "Invalid token")
			return
		}
	} else if form.Get("username") == "" || form.Get("password") == "" {
		ssError(w, 1001, "InvalidUser", "Authorization required")
		return
	} else if form.Get("username") != SerwerSMSUsername || form.Get("password") != SerwerSMSPassword {
		ssError(w, 1001, "InvalidUser", "Invalid username or password")
		return
	}
	h(w, form)
}

// ssParams reads the body as JSON (when so labelled) or as a form, and
// merges the query string under it.
func ssParams(r *http.Request) (url.Values, bool) {
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json") {
		m, err := readJSONObject(r)
		if err != nil {
			return nil, false
		}
		v := url.Values{}
		for k := range m {
			v.Set(k, str(m, k))
		}
		for k, vs := range r.URL.Query() {
			if !v.Has(k) {
				v[k] = vs
			}
		}
		return v, true
	}
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	return r.Form, true
}

// ssFind returns the sub-account with the given id. The caller holds s.mu.
func (s *Server) ssFind(id int) *ssSub {
	for _, x := range s.ss.subs {
		if x.ID == id {
			return x
		}
	}
	return nil
}

// ssID reads the id field, answering a missing or malformed one itself.
func ssID(w http.ResponseWriter, form url.Values, field string) (int, bool) {
	v := form.Get(field)
	if v == "" {
		ssRequired(w, field)
		return 0, false
	}
	id, err := strconv.Atoi(v)
	if err != nil || id < 1 {
		ssInvalid(w, "Field "+field+" must be an integer")
		return 0, false
	}
	return id, true
}

func (s *Server) ssIndex(w http.ResponseWriter, _ url.Values) {
	s.mu.Lock()
	items := make([]any, 0, len(s.ss.subs))
	for _, x := range s.ss.subs {
		items = append(items, map[string]any{"id": x.ID, "username": x.Username})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) ssView(w http.ResponseWriter, form url.Values) {
	id, ok := ssID(w, form, "id")
	if !ok {
		return
	}
	s.mu.Lock()
	x := s.ssFind(id)
	var out map[string]any
	if x != nil {
		out = map[string]any{"id": x.ID, "username": x.Username, "name": x.Name, "phone": x.Phone, "email": x.Email}
	}
	s.mu.Unlock()
	if out == nil {
		ssError(w, 1004, "InvalidID", "Subaccount not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) ssAdd(w http.ResponseWriter, form url.Values) {
	user, pass := form.Get("subaccount_username"), form.Get("subaccount_password")
	switch {
	case user == "":
		ssRequired(w, "subaccount_username")
		return
	case pass == "":
		ssRequired(w, "subaccount_password")
		return
	case form.Get("subaccount_id") == "":
		ssRequired(w, "subaccount_id")
		return
	case !ssUsernameRE.MatchString(user):
		ssInvalid(w, "Field subaccount_username must be 3-20 characters: a-z, A-Z, 0-9, _ @ .")
		return
	case len([]rune(pass)) < 3 || len([]rune(pass)) > 20:
		ssInvalid(w, "Field subaccount_password must be 3-20 characters")
		return
	}
	tpl, ok := ssID(w, form, "subaccount_id")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ssFind(tpl) == nil {
		ssError(w, 1004, "InvalidID", "Template subaccount not found")
		return
	}
	for _, x := range s.ss.subs {
		if strings.EqualFold(x.Username, user) {
			ssError(w, 4502, "InvalidData", "Login is already taken")
			return
		}
	}
	s.ss.nextID++
	x := &ssSub{ID: s.ss.nextID, Username: user, Password: pass, Name: form.Get("name"),
		Phone: form.Get("phone"), Email: form.Get("email"), Limits: map[string]int{}}
	s.ss.subs = append(s.ss.subs, x)
	if s.cfg.ssAddWithoutID {
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "id": x.ID})
}

func (s *Server) ssLimit(w http.ResponseWriter, form url.Values) {
	id, ok := ssID(w, form, "id")
	if !ok {
		return
	}
	typ, val := form.Get("type"), form.Get("value")
	switch {
	case typ == "":
		ssRequired(w, "type")
		return
	case val == "":
		ssRequired(w, "value")
		return
	case !ssLimitTypes[typ]:
		ssInvalid(w, "Field type must be one of eco, full, voice, mms, hlr")
		return
	}
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 {
		ssInvalid(w, "Field value must be a non-negative integer")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.ssFind(id)
	if x == nil {
		ssNoSuchID(w)
		return
	}
	x.Limits[typ] = n
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "id": x.ID})
}

func (s *Server) ssDelete(w http.ResponseWriter, form url.Values) {
	id, ok := ssID(w, form, "id")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.ss.subs {
		if x.ID == id {
			s.ss.subs = append(s.ss.subs[:i:i], s.ss.subs[i+1:]...)
			writeJSON(w, http.StatusOK, map[string]any{"success": true})
			return
		}
	}
	ssNoSuchID(w)
}

// ssNoSuchID is limit's and delete's answer for an unknown id: no error
// object, as the vendor's official PHP and Ruby clients' tests show.
func ssNoSuchID(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{"success": false})
}

// SerwerSMSLimit returns the message limit of the given type set on the
// SerwerSMS sub-account id (the SDK's SubAccount.ID) by subaccounts/limit,
// and whether one is set.
func (s *Server) SerwerSMSLimit(id string, typ string) (int, bool) {
	if s == nil {
		return 0, false
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.ssFind(n); x != nil {
		v, ok := x.Limits[typ]
		return v, ok
	}
	return 0, false
}
