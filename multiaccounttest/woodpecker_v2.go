package multiaccounttest

import (
	"net/http"
	"strconv"
	"strings"
)

// Woodpecker agency API v2 emulation, on the same server as v1 and over
// the same companies (a company made through either API shows in both).
//
// Routes, all with the agency key in x-api-key:
//
//	GET  /rest/v2/agency/companies                    active (true|false), page (1-based); 50 a page
//	POST /rest/v2/agency/companies                    {"companies":[{"name"}]}, 1 to 10, all or none → 201 {"companies":[…]}
//	GET  /rest/v2/agency/companies/{id}/api_keys      page → {"content":[{"api_key","label"}],"pagination_data":{…}}
//	POST /rest/v2/agency/companies/{id}/api_keys      {"label"} (required) → 201 {"api_key"}
//	GET  /rest/v2/agency/companies/{id}/users         page → {"content":[{"id","name","email","role","status"}],…}
//
// Lists answer {"content":[…],"pagination_data":{"total_elements",
// "total_pages","current_page_number" (1-based),"page_size":50}}.
// Emulator choices where the vendor's documents are silent: a failure is
// the HTTP status with {"code":"E_…","message":"…"} (400 E_WRONG_PARAM or
// E_REQUIRED_ELEMENT for bad input, 401 E_SESSION for a missing or
// non-agency key, 404 E_RECORD_NOT_FOUND for an unknown company or route,
// 409 E_DUPLICATE for a company name already taken, case-insensitively,
// or repeated in the batch); the concurrency refusal is v1's (HTTP 400
// E_TOO_MANY_REQUESTS, v1's shape), as one limit covers both APIs; every
// key of a company is listed (the vendor lists only those the caller
// created); a company created on v2 has no key yet and one user, the
// agency's owner; user objects carry id, name, email, role and status.

const (
	wpV2PageSize = 50
	wpV2MaxBatch = 10
)

// wpUser is one user of a company.
type wpUser struct {
	ID                        int64
	Name, Email, Role, Status string
}

func wpV2Error(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

func (s *Server) serveWoodpeckerV2(w http.ResponseWriter, r *http.Request) {
	if woodpeckerKey(r) != WoodpeckerAgencyKey {
		wpV2Error(w, http.StatusUnauthorized, "E_SESSION", "the agency API key is required")
		return
	}
	rest, _ := strings.CutPrefix(r.URL.Path, "/rest/v2/agency/companies")
	if rest == "" {
		switch r.Method {
		case http.MethodGet:
			s.wpV2Companies(w, r)
		case http.MethodPost:
			s.wpV2Create(w, r)
		default:
			wpV2Error(w, http.StatusMethodNotAllowed, "E_WRONG_PARAM", "method not allowed")
		}
		return
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	if !strings.HasPrefix(rest, "/") || len(parts) != 2 || (parts[1] != "api_keys" && parts[1] != "users") {
		wpV2Error(w, http.StatusNotFound, "E_RECORD_NOT_FOUND", "unknown endpoint")
		return
	}
	s.mu.Lock()
	c := s.wpCompanyByID(parts[0])
	s.mu.Unlock()
	if c == nil {
		wpV2Error(w, http.StatusNotFound, "E_RECORD_NOT_FOUND", "company not found")
		return
	}
	switch {
	case parts[1] == "api_keys" && r.Method == http.MethodGet:
		s.mu.Lock()
		items := make([]any, 0, len(c.Keys))
		for _, k := range c.Keys {
			items = append(items, map[string]any{"api_key": k.Key, "label": k.Label})
		}
		s.mu.Unlock()
		wpV2List(w, r, items)
	case parts[1] == "api_keys" && r.Method == http.MethodPost:
		s.wpV2AddKey(w, r, c)
	case parts[1] == "users" && r.Method == http.MethodGet:
		s.mu.Lock()
		items := make([]any, 0, len(c.Users))
		for _, u := range c.Users {
			items = append(items, map[string]any{"id": u.ID, "name": u.Name, "email": u.Email, "role": u.Role, "status": u.Status})
		}
		s.mu.Unlock()
		wpV2List(w, r, items)
	default:
		wpV2Error(w, http.StatusMethodNotAllowed, "E_WRONG_PARAM", "method not allowed")
	}
}

// wpV2List answers one page of items.
func wpV2List(w http.ResponseWriter, r *http.Request, items []any) {
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			wpV2Error(w, http.StatusBadRequest, "E_WRONG_PARAM", "page must be a positive integer")
			return
		}
		page = n
	}
	pages := (len(items) + wpV2PageSize - 1) / wpV2PageSize
	lo := min((page-1)*wpV2PageSize, len(items))
	hi := min(lo+wpV2PageSize, len(items))
	writeJSON(w, http.StatusOK, map[string]any{
		"content": items[lo:hi],
		"pagination_data": map[string]any{
			"total_elements": len(items), "total_pages": pages, "current_page_number": page, "page_size": wpV2PageSize,
		},
	})
}

func (c *wpCompany) v2JSON() map[string]any {
	return map[string]any{"id": c.ID, "name": c.Name, "owner": c.Owner, "active": !c.Inactive,
		"running_campaigns": c.Campaigns, "email_slots": 1, "linkedin_slots": 0}
}

func (s *Server) wpV2Companies(w http.ResponseWriter, r *http.Request) {
	filter := r.URL.Query().Get("active")
	if filter != "" && filter != "true" && filter != "false" {
		wpV2Error(w, http.StatusBadRequest, "E_WRONG_PARAM", "active must be true or false")
		return
	}
	s.mu.Lock()
	items := make([]any, 0, len(s.wp.companies))
	for _, c := range s.wp.companies {
		if filter == "" || (filter == "true") == !c.Inactive {
			items = append(items, c.v2JSON())
		}
	}
	s.mu.Unlock()
	wpV2List(w, r, items)
}

func (s *Server) wpV2Create(w http.ResponseWriter, r *http.Request) {
	m, err := readJSONObject(r)
	if err != nil {
		wpV2Error(w, http.StatusBadRequest, "E_WRONG_PARAM", err.Error())
		return
	}
	list, ok := m["companies"].([]any)
	switch {
	case m["companies"] == nil:
		wpV2Error(w, http.StatusBadRequest, "E_REQUIRED_ELEMENT", "companies is required")
		return
	case !ok:
		wpV2Error(w, http.StatusBadRequest, "E_WRONG_PARAM", "companies must be an array")
		return
	case len(list) == 0:
		wpV2Error(w, http.StatusBadRequest, "E_REQUIRED_ELEMENT", "companies is empty")
		return
	case len(list) > wpV2MaxBatch:
		wpV2Error(w, http.StatusBadRequest, "E_WRONG_PARAM", "at most 10 companies per request")
		return
	}
	names := make([]string, len(list))
	for i, x := range list {
		obj, _ := x.(map[string]any)
		name, _ := obj["name"].(string)
		if name = strings.TrimSpace(name); name == "" {
			wpV2Error(w, http.StatusBadRequest, "E_REQUIRED_ELEMENT", "companies["+strconv.Itoa(i)+"].name is required")
			return
		}
		names[i] = name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// All or none: every name is checked before any company is made.
	seen := map[string]bool{}
	for _, c := range s.wp.companies {
		seen[strings.ToLower(c.Name)] = true
	}
	for _, n := range names {
		if seen[strings.ToLower(n)] {
			wpV2Error(w, http.StatusConflict, "E_DUPLICATE", "a company named "+strconv.Quote(n)+" already exists")
			return
		}
		seen[strings.ToLower(n)] = true
	}
	out := make([]any, len(names))
	for i, n := range names {
		s.wp.companies = append(s.wp.companies, s.wpNewCompany(n, false))
		c := s.wp.companies[len(s.wp.companies)-1]
		out[i] = map[string]any{"id": c.ID, "name": c.Name, "owner": c.Owner, "active": true}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"companies": out})
}

// wpNewCompany makes a company named name, with its first key when
// withKey (v1's create) and the agency's owner as its one user. The caller
// holds s.mu.
func (s *Server) wpNewCompany(name string, withKey bool) *wpCompany {
	s.wp.nextID++
	c := &wpCompany{ID: s.wp.nextID, Name: name, Owner: woodpeckerOwner}
	if withKey {
		c.Keys = []wpKey{{Key: randomHex(16), Label: name}}
	}
	s.wp.nextUserID++
	c.Users = []wpUser{{ID: s.wp.nextUserID, Name: woodpeckerOwner, Email: woodpeckerOwnerEmail, Role: "OWNER", Status: "ACTIVE"}}
	return c
}

func (s *Server) wpV2AddKey(w http.ResponseWriter, r *http.Request, c *wpCompany) {
	m, err := readJSONObject(r)
	if err != nil {
		wpV2Error(w, http.StatusBadRequest, "E_WRONG_PARAM", err.Error())
		return
	}
	label, code, msg := wpText(m, "label")
	if code != "" {
		wpV2Error(w, http.StatusBadRequest, code, msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := wpKey{Key: randomHex(16), Label: label}
	c.Keys = append(c.Keys, k)
	writeJSON(w, http.StatusCreated, map[string]any{"api_key": k.Key})
}
