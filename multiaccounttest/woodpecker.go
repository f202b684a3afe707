package multiaccounttest

import (
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// Woodpecker emulation.
//
// Routes:
//
//	GET  /rest/v1/agency/companies           agency key; bare array, 204 when empty
//	POST /rest/v1/agency/companies/add       agency key; {"name"} → company with its first key
//	POST /rest/v1/agency/companies/api/add   agency key; {"company_id","name"} → {"api_key"}
//	POST /rest/v1/add_prospects_list         company key; {"update","prospects":[…]}
//
// and v2 under /rest/v2/ (see woodpecker_v2.go).
//
// The key travels in the x-api-key header, or (older documents) as the user
// name of HTTP Basic credentials with any password ("X" by convention).
// Every failure is HTTP 400 {"status":{"status":"ERROR","code":"E_…","msg":"…"}}
// (an unknown path is HTTP 404 with the same shape). Emulator choices where
// the documents are silent: a company key on an agency route, or the agency
// key on add_prospects_list, gets E_SESSION; company names and a company's
// key labels must be unique (E_DUPLICATE). add_prospects_list answers as the
// vendor does, a top-level OK and a status per prospect:
// {"status":{"status":"OK",…},"prospects":[{"id","email","status":"OK"}]}
// for each prospect added, updated or (without update) left as it was, and
// {"email","status":"ERROR","code","msg"} for each refused one: an invalid
// address (E_EMAIL, the emulator's choice of code) or one on the company's
// blacklist (E_BLACKLISTED, see Server.Blacklist; the code is the
// emulator's choice).

type wpState struct {
	companies  []*wpCompany // in creation order
	nextID     int64
	nextProsID int64
	nextUserID int64
}

type wpCompany struct {
	ID        int64
	Name      string
	Campaigns int
	Owner     string
	Keys      []wpKey
	Users     []wpUser
	Inactive  bool             // v2's active flag, inverted so that a company starts active
	Prospects []map[string]any // each with "id" and "email"
	byEmail   map[string]map[string]any
	blacklist map[string]bool // lower-case addresses refused per prospect
}

type wpKey struct{ Key, Label string }

const wpMaxProspects = 20000

// woodpeckerKey returns the key a request presents, or "".
func woodpeckerKey(r *http.Request) string {
	if k := r.Header.Get("x-api-key"); k != "" {
		return k
	}
	if user, _, ok := r.BasicAuth(); ok {
		return user
	}
	return ""
}

// wpText reads the required text field k of a request body: its value, or
// the vendor's code and a message when it is missing, blank or not a
// string.
func wpText(m map[string]any, k string) (v, code, msg string) {
	v, isStr := m[k].(string)
	if _, present := m[k]; present && !isStr {
		return "", "E_WRONG_PARAM", k + " must be a string"
	}
	if strings.TrimSpace(v) == "" {
		return "", "E_REQUIRED_ELEMENT", k + " is required"
	}
	return v, "", ""
}

func wpError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"status": map[string]any{"status": "ERROR", "code": code, "msg": msg}})
}

func (s *Server) serveWoodpecker(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/rest/v2/") {
		s.serveWoodpeckerV2(w, r)
		return
	}
	routes := map[string]struct {
		method string
		agency bool
		h      func(http.ResponseWriter, *http.Request, *wpCompany)
	}{
		"/rest/v1/agency/companies":         {http.MethodGet, true, s.wpCompanies},
		"/rest/v1/agency/companies/add":     {http.MethodPost, true, s.wpAddCompany},
		"/rest/v1/agency/companies/api/add": {http.MethodPost, true, s.wpAddKey},
		"/rest/v1/add_prospects_list":       {http.MethodPost, false, s.wpAddProspects},
	}
	rt, ok := routes[r.URL.Path]
	if !ok {
		wpError(w, http.StatusNotFound, "E_WRONG_PARAM", "unknown endpoint")
		return
	}
	key := woodpeckerKey(r)
	if key == "" {
		wpError(w, http.StatusBadRequest, "E_SESSION", "missing API key")
		return
	}
	s.mu.Lock()
	company := s.wpCompanyByKey(key)
	s.mu.Unlock()
	isAgency := key == WoodpeckerAgencyKey
	switch {
	case !isAgency && company == nil:
		wpError(w, http.StatusBadRequest, "E_SESSION", "invalid API key")
		return
	case rt.agency && !isAgency:
		wpError(w, http.StatusBadRequest, "E_SESSION", "this endpoint needs the agency API key")
		return
	case !rt.agency && isAgency:
		wpError(w, http.StatusBadRequest, "E_SESSION", "this endpoint needs a company API key")
		return
	}
	if r.Method != rt.method {
		wpError(w, http.StatusMethodNotAllowed, "E_WRONG_PARAM", "method not allowed")
		return
	}
	rt.h(w, r, company)
}

// wpCompanyByKey finds the company owning key. The caller holds s.mu.
func (s *Server) wpCompanyByKey(key string) *wpCompany {
	for _, c := range s.wp.companies {
		for _, k := range c.Keys {
			if k.Key == key {
				return c
			}
		}
	}
	return nil
}

func (c *wpCompany) json() map[string]any {
	keys := make([]any, 0, len(c.Keys))
	for _, k := range c.Keys {
		keys = append(keys, map[string]any{"api_key": k.Key, "name": k.Label})
	}
	return map[string]any{"id": c.ID, "name": c.Name, "campaigns": c.Campaigns, "owner": c.Owner, "api_keys": keys}
}

func (s *Server) wpCompanies(w http.ResponseWriter, _ *http.Request, _ *wpCompany) {
	s.mu.Lock()
	out := make([]any, 0, len(s.wp.companies))
	for _, c := range s.wp.companies {
		out = append(out, c.json())
	}
	s.mu.Unlock()
	if len(out) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) wpAddCompany(w http.ResponseWriter, r *http.Request, _ *wpCompany) {
	m, err := readJSONObject(r)
	if err != nil {
		wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", err.Error())
		return
	}
	name, code, msg := wpText(m, "name")
	if code != "" {
		wpError(w, http.StatusBadRequest, code, msg)
		return
	}
	name = strings.TrimSpace(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.wp.companies {
		if strings.EqualFold(c.Name, name) {
			wpError(w, http.StatusBadRequest, "E_DUPLICATE", "a company with this name already exists")
			return
		}
	}
	c := s.wpNewCompany(name, true)
	s.wp.companies = append(s.wp.companies, c)
	writeJSON(w, http.StatusOK, c.json())
}

func (s *Server) wpAddKey(w http.ResponseWriter, r *http.Request, _ *wpCompany) {
	m, err := readJSONObject(r)
	if err != nil {
		wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", err.Error())
		return
	}
	if _, ok := m["company_id"]; !ok {
		wpError(w, http.StatusBadRequest, "E_REQUIRED_ELEMENT", "company_id is required")
		return
	}
	id, ok := jsonInt(m, "company_id")
	if !ok {
		wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", "company_id must be a number")
		return
	}
	label, code, msg := wpText(m, "name")
	if code != "" {
		wpError(w, http.StatusBadRequest, code, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var c *wpCompany
	for _, x := range s.wp.companies {
		if x.ID == id {
			c = x
		}
	}
	if c == nil {
		wpError(w, http.StatusBadRequest, "E_RECORD_NOT_FOUND", "company not found")
		return
	}
	for _, k := range c.Keys {
		if k.Label == label {
			wpError(w, http.StatusBadRequest, "E_DUPLICATE", "this company already has a key with this name")
			return
		}
	}
	k := wpKey{Key: randomHex(16), Label: label}
	c.Keys = append(c.Keys, k)
	writeJSON(w, http.StatusOK, map[string]any{"api_key": k.Key})
}

func (s *Server) wpAddProspects(w http.ResponseWriter, r *http.Request, c *wpCompany) {
	m, err := readJSONObject(r)
	if err != nil {
		wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", err.Error())
		return
	}
	update := false
	if v, ok := m["update"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", "update must be true or false")
			return
		}
		update = b
	}
	raw := m["prospects"]
	if raw == nil {
		wpError(w, http.StatusBadRequest, "E_REQUIRED_ELEMENT", "prospects is required")
		return
	}
	list, ok := raw.([]any)
	switch {
	case !ok:
		wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", "prospects must be an array")
		return
	case len(list) == 0:
		wpError(w, http.StatusBadRequest, "E_REQUIRED_ELEMENT", "prospects is empty")
		return
	case len(list) > wpMaxProspects:
		wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", "at most 20000 prospects per request")
		return
	}
	in := make([]map[string]any, len(list))
	for i, p := range list {
		obj, ok := p.(map[string]any)
		if !ok {
			wpError(w, http.StatusBadRequest, "E_WRONG_PARAM", "each prospect must be an object")
			return
		}
		in[i] = obj
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]any, 0, len(in))
	for _, p := range in {
		// A prospect the vendor refuses is reported in its own entry, under
		// a top-level OK; the others are taken.
		sent, _ := p["email"].(string)
		email := strings.ToLower(sent)
		switch {
		case !validEmail(sent):
			out = append(out, map[string]any{"email": sent, "status": "ERROR", "code": "E_EMAIL", "msg": "Invalid e-mail"})
			continue
		case c.blacklist[email]:
			out = append(out, map[string]any{"email": sent, "status": "ERROR", "code": "E_BLACKLISTED", "msg": "Prospect is on the blacklist"})
			continue
		}
		if c.byEmail == nil {
			c.byEmail = make(map[string]map[string]any, len(c.Prospects))
			for _, e := range c.Prospects {
				c.byEmail[e["email"].(string)] = e
			}
		}
		existing := c.byEmail[email]
		switch {
		case existing != nil && update:
			for k, v := range p {
				if k != "id" {
					existing[k] = v
				}
			}
			existing["email"] = email
		case existing != nil:
			// Left as it is: without update, not an error.
		default:
			s.wp.nextProsID++
			existing = map[string]any{}
			for k, v := range p {
				existing[k] = v
			}
			existing["id"] = s.wp.nextProsID
			existing["email"] = email
			c.Prospects = append(c.Prospects, existing)
			c.byEmail[email] = existing
		}
		out = append(out, map[string]any{"id": existing["id"], "email": email, "status": "OK"})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":    map[string]any{"status": "OK", "code": "OK", "msg": "Prospects processed"},
		"prospects": out,
	})
}

// Blacklist puts addresses on the blacklist of the Woodpecker company with
// the given id, so that add_prospects_list refuses them one by one (status
// "ERROR", code "E_BLACKLISTED") while it takes the others. It reports
// whether the company exists. companyID is the SDK's SubAccount.ID, as for
// Prospects.
func (s *Server) Blacklist(companyID string, emails ...string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.wpCompanyByID(companyID)
	if c == nil {
		return false
	}
	if c.blacklist == nil {
		c.blacklist = map[string]bool{}
	}
	for _, e := range emails {
		c.blacklist[strings.ToLower(e)] = true
	}
	return true
}

// Prospects returns a copy of the prospects on the global list of the
// Woodpecker company with the given id (the SDK's SubAccount.ID; nil if
// there is none), each as the JSON object last sent for it plus its "id".
// Tests use it to check what add_prospects_list stored.
func (s *Server) Prospects(companyID string) []map[string]any {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.wpCompanyByID(companyID)
	if c == nil {
		return nil
	}
	out := make([]map[string]any, 0, len(c.Prospects))
	for _, p := range c.Prospects {
		out = append(out, maps.Clone(p))
	}
	return out
}

// wpCompanyByID finds a company by the SDK's string id, or nil. The caller
// holds s.mu.
func (s *Server) wpCompanyByID(companyID string) *wpCompany {
	id, err := strconv.ParseInt(companyID, 10, 64)
	if err != nil {
		return nil
	}
	for _, c := range s.wp.companies {
		if c.ID == id {
			return c
		}
	}
	return nil
}
