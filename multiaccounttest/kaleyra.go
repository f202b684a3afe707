package multiaccounttest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Kaleyra emulation.
//
// Routes, for the parent SID KaleyraSID with header "api-key: KaleyraAPIKey":
//
//	GET    /api/v1/{sid}/subaccounts             limit (default 25), offset (default 0)
//	GET    /api/v1/{sid}/subaccounts/{sub_sid}   data is an array of one
//	POST   /api/v1/{sid}/subaccounts             JSON; HTTP 201
//	PATCH  /api/v1/{sid}/subaccounts/{sub_sid}   partial JSON; data is an array of one
//	DELETE /api/v1/{sid}/subaccounts/{sub_sid}   code RBC2347
//	POST   /api/v1/{sid}/subaccounts/{sub_sid}/recharges   {"amount":<number>}; adds to the balance
//
// Every answer is {"code","message","data","error","status"}; the list adds
// "total" (a number) and echoes "limit" and "offset" as strings. A missing
// or wrong key, or a SID the key does not own, is HTTP 401 RBC422.
// Emulator choices where the documents are silent: validation failures are
// HTTP 400 RBC2301 with the offending fields under "error" (RBC2302 when the
// e-mail address is already used by another sub-account); an unknown
// sub-account SID is HTTP 404 RBC2304 "Subaccount not found!"; an unknown
// route is HTTP 404 RBC404; a wrong method HTTP 405 RBC405; the create answer's
// data is one object. As the vendor documents: create requires is_invited (a
// boolean); an "assigned" sub-account without credit_amount is HTTP 400
// RBC2345, its credit becoming the balance; a parent made with
// WithKaleyraSharedRefused gets HTTP 400 RBC2348 for a "shared" one. An
// update takes only account_name, credit_amount (assigned sub-accounts) and
// low_balance_alert; any other field (email, status, ...) is HTTP 400
// RBC2301 naming it. A recharge (emulator choices: the vendor documents
// only the request) needs a positive number amount and an "assigned"
// sub-account, else HTTP 400 RBC2301 naming the field; it answers HTTP 200
// RBC103 with data {"sid","amount","balance"}, balance being the new one.

type kyState struct {
	subs []*kySub // in creation order
	next int
}

type kySub struct {
	SID             string
	AccountName     string
	Email           string
	Status          string
	APIKey          string
	Channels        []string
	CreditType      string
	Country         string
	LowBalanceAlert bool
	Balance         float64
	MonthlyLimit    *int
	IPConfigName    string
}

// kyUpdatable are the fields the vendor documents for an update; others
// (email, status, ...) are refused.
var kyUpdatable = map[string]bool{"account_name": true, "credit_amount": true, "low_balance_alert": true}

var (
	kyChannels = map[string]bool{"sms": true, "whatsapp": true, "voice": true, "rcs": true, "email": true}
	kyCountry  = regexp.MustCompile(`^[A-Z]{2}$`)
)

// kyEnvelope is every answer, its fields in the vendor's order.
type kyEnvelope struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    any            `json:"data"`
	Error   map[string]any `json:"error"`
	Total   *int           `json:"total,omitempty"`
	Limit   string         `json:"limit,omitempty"`
	Offset  string         `json:"offset,omitempty"`
	Status  int            `json:"status"`
}

func kyReply(w http.ResponseWriter, status int, code, msg string, data any, errs map[string]any) {
	if errs == nil {
		errs = map[string]any{}
	}
	if data == nil {
		data = map[string]any{}
	}
	writeJSON(w, status, kyEnvelope{Code: code, Message: msg, Data: data, Error: errs, Status: status})
}

func kyInvalid(w http.ResponseWriter, errs map[string]any) {
	kyReply(w, http.StatusBadRequest, "RBC2301", "Invalid request parameters", nil, errs)
}

func (s *Server) serveKaleyra(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/")
	parts := strings.Split(rest, "/")
	recharge := len(parts) == 4 && parts[3] == "recharges"
	if recharge {
		parts = parts[:3]
	}
	if !ok || len(parts) < 2 || len(parts) > 3 || parts[1] != "subaccounts" || (len(parts) == 3 && parts[2] == "") {
		kyReply(w, http.StatusNotFound, "RBC404", "Resource not found!", nil, nil)
		return
	}
	if parts[0] != KaleyraSID || r.Header.Get("api-key") != KaleyraAPIKey {
		kyReply(w, http.StatusUnauthorized, "RBC422", "Access Denied! Unauthorized action!", nil, nil)
		return
	}
	if len(parts) == 2 {
		switch r.Method {
		case http.MethodGet:
			s.kyList(w, r)
		case http.MethodPost:
			s.kyCreate(w, r)
		default:
			kyReply(w, http.StatusMethodNotAllowed, "RBC405", "Method not allowed!", nil, nil)
		}
		return
	}
	sub := parts[2]
	if recharge {
		if r.Method != http.MethodPost {
			kyReply(w, http.StatusMethodNotAllowed, "RBC405", "Method not allowed!", nil, nil)
			return
		}
		s.kyRecharge(w, r, sub)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodPatch, http.MethodDelete:
	default:
		kyReply(w, http.StatusMethodNotAllowed, "RBC405", "Method not allowed!", nil, nil)
		return
	}
	s.mu.Lock()
	i := s.kyIndex(sub)
	s.mu.Unlock()
	if i < 0 {
		kyReply(w, http.StatusNotFound, "RBC2304", "Subaccount not found!", nil, nil)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		data := []any{s.ky.subs[i].json()}
		s.mu.Unlock()
		kyReply(w, http.StatusOK, "RBC103", "Request successfully executed!", data, nil)
	case http.MethodPatch:
		s.kyUpdate(w, r, sub)
	case http.MethodDelete:
		s.mu.Lock()
		if i = s.kyIndex(sub); i >= 0 {
			s.ky.subs = append(s.ky.subs[:i:i], s.ky.subs[i+1:]...)
		}
		s.mu.Unlock()
		if i < 0 {
			kyReply(w, http.StatusNotFound, "RBC2304", "Subaccount not found!", nil, nil)
			return
		}
		kyReply(w, http.StatusOK, "RBC2347", "Subaccount deleted successfully!", nil, nil)
	}
}

// kyFound is kyIndex that answers the vendor's 404 when there is no such
// sub-account. The caller holds s.mu.
func (s *Server) kyFound(w http.ResponseWriter, sid string) int {
	i := s.kyIndex(sid)
	if i < 0 {
		kyReply(w, http.StatusNotFound, "RBC2304", "Subaccount not found!", nil, nil)
	}
	return i
}

// kyIndex finds a sub-account by SID. The caller holds s.mu.
func (s *Server) kyIndex(sid string) int {
	for i, x := range s.ky.subs {
		if x.SID == sid {
			return i
		}
	}
	return -1
}

func (x *kySub) json() map[string]any {
	m := map[string]any{
		"account_name": x.AccountName, "email": x.Email, "status": x.Status, "sid": x.SID,
		"api_key": x.APIKey, "channels": append([]string{}, x.Channels...),
		"low_balance_alert": x.LowBalanceAlert, "subaccount_credit_type": x.CreditType,
		"balance": x.Balance, "country_iso_code": x.Country,
	}
	if x.MonthlyLimit != nil {
		m["monthly_limit"] = *x.MonthlyLimit
	}
	if x.IPConfigName != "" {
		m["ip_config_name"] = x.IPConfigName
	}
	return m
}

func (s *Server) kyList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := 25, 0
	errs := map[string]any{}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs["limit"] = "limit must be a positive integer"
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs["offset"] = "offset must be a non-negative integer"
		}
		offset = n
	}
	if len(errs) > 0 {
		kyInvalid(w, errs)
		return
	}
	s.mu.Lock()
	total := len(s.ky.subs)
	lo := min(offset, total)
	hi := min(lo+limit, total)
	data := make([]any, 0, hi-lo)
	for _, x := range s.ky.subs[lo:hi] {
		data = append(data, x.json())
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, kyEnvelope{
		Code: "RBC103", Message: "Request successfully executed!", Data: data, Error: map[string]any{},
		Total: &total, Limit: strconv.Itoa(limit), Offset: strconv.Itoa(offset), Status: http.StatusOK,
	})
}

// kyFields validates the writable fields present in body into x, recording
// problems in errs. Absent fields are left alone.
func kyFields(body map[string]any, x *kySub, errs map[string]any) {
	if v, ok := body["account_name"]; ok {
		if s, isStr := v.(string); isStr && strings.TrimSpace(s) != "" {
			x.AccountName = s
		} else {
			errs["account_name"] = "account_name must be a non-empty string"
		}
	}
	if v, ok := body["email"]; ok {
		if s, isStr := v.(string); isStr && validEmail(s) {
			x.Email = s
		} else {
			errs["email"] = "email is invalid"
		}
	}
	if v, ok := body["country_iso_code"]; ok {
		if s, isStr := v.(string); isStr && kyCountry.MatchString(s) {
			x.Country = s
		} else {
			errs["country_iso_code"] = "country_iso_code must be a two-letter ISO 3166 code"
		}
	}
	if v, ok := body["channels"]; ok {
		list, isList := v.([]any)
		var chans []string
		for _, c := range list {
			if s, isStr := c.(string); isStr && kyChannels[s] {
				chans = append(chans, s)
			} else {
				isList = false
			}
		}
		if isList && len(chans) > 0 {
			x.Channels = chans
		} else {
			errs["channels"] = "channels must be a non-empty array of sms, whatsapp, voice, rcs, email"
		}
	}
	if v, ok := body["subaccount_credit_type"]; ok {
		if s, _ := v.(string); s == "assigned" || s == "shared" {
			x.CreditType = s
		} else {
			errs["subaccount_credit_type"] = "subaccount_credit_type must be assigned or shared"
		}
	}
	if v, ok := body["low_balance_alert"]; ok {
		if b, isBool := v.(bool); isBool {
			x.LowBalanceAlert = b
		} else {
			errs["low_balance_alert"] = "low_balance_alert must be a boolean"
		}
	}
	if _, ok := body["monthly_limit"]; ok {
		if n, isInt := jsonInt(body, "monthly_limit"); isInt && n >= 0 {
			m := int(n)
			x.MonthlyLimit = &m
		} else {
			errs["monthly_limit"] = "monthly_limit must be a non-negative integer"
		}
	}
	if v, ok := body["ip_config_name"]; ok {
		if s, isStr := v.(string); isStr {
			x.IPConfigName = s
		} else {
			errs["ip_config_name"] = "ip_config_name must be a string"
		}
	}
	if v, ok := body["status"]; ok {
		if s, _ := v.(string); s == "active" || s == "inactive" {
			x.Status = s
		} else {
			errs["status"] = "status must be active or inactive"
		}
	}
	for _, ro := range []string{"sid", "api_key", "balance"} {
		if _, ok := body[ro]; ok {
			errs[ro] = ro + " cannot be set"
		}
	}
}

func (s *Server) kyCreate(w http.ResponseWriter, r *http.Request) {
	body, err := readJSONObject(r)
	if err != nil {
		kyInvalid(w, map[string]any{"body": err.Error()})
		return
	}
	x := &kySub{Status: "active"}
	errs := map[string]any{}
	for _, f := range []string{"account_name", "email", "country_iso_code", "channels", "subaccount_credit_type", "is_invited"} {
		if _, ok := body[f]; !ok {
			errs[f] = f + " is required"
		}
	}
	if v, ok := body["is_invited"]; ok {
		if _, isBool := v.(bool); !isBool {
			errs["is_invited"] = "is_invited must be a boolean"
		}
	}
	kyFields(body, x, errs)
	if _, ok := body["credit_amount"]; ok {
		if n, isNum := body["credit_amount"].(json.Number); isNum {
			if f, err := n.Float64(); err == nil && f > 0 {
				x.Balance = f
			} else {
				errs["credit_amount"] = "credit_amount must be a positive number"
			}
		} else {
			errs["credit_amount"] = "credit_amount must be a positive number"
		}
	}
	if len(errs) > 0 {
		kyInvalid(w, errs)
		return
	}
	switch {
	case x.CreditType == "assigned" && body["credit_amount"] == nil:
		kyReply(w, http.StatusBadRequest, "RBC2345", "Initial credit amount has to be specified when credit type is Assigned", nil, nil)
		return
	case x.CreditType == "shared" && s.cfg.kyNoShared:
		kyReply(w, http.StatusBadRequest, "RBC2348", "Parent account is not allowed to create shared sub-accounts", nil, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, y := range s.ky.subs {
		if strings.EqualFold(y.Email, x.Email) {
			kyReply(w, http.StatusBadRequest, "RBC2302", "Subaccount with this email already exists!", nil,
				map[string]any{"email": "email is already in use"})
			return
		}
	}
	s.ky.next++
	x.SID = KaleyraSID + "_" + strconv.Itoa(s.ky.next)
	x.APIKey = "A" + randomHex(16)
	s.ky.subs = append(s.ky.subs, x)
	kyReply(w, http.StatusCreated, "RBC103", "Request successfully executed!", x.json(), nil)
}

func (s *Server) kyUpdate(w http.ResponseWriter, r *http.Request, sid string) {
	body, err := readJSONObject(r)
	if err != nil {
		kyInvalid(w, map[string]any{"body": err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.kyFound(w, sid)
	if i < 0 {
		return
	}
	x := *s.ky.subs[i] // validate on a copy: a refused update changes nothing
	errs := map[string]any{}
	for f := range body {
		if !kyUpdatable[f] {
			errs[f] = f + " cannot be updated"
		}
	}
	kyFields(body, &x, errs)
	if v, ok := body["credit_amount"]; ok {
		n, isNum := v.(json.Number)
		if f, err := n.Float64(); isNum && err == nil && f >= 0 && x.CreditType == "assigned" {
			x.Balance = f
		} else {
			errs["credit_amount"] = "credit_amount must be a non-negative number, for an assigned sub-account"
		}
	}
	if len(errs) > 0 {
		kyInvalid(w, errs)
		return
	}
	for _, y := range s.ky.subs {
		if y.SID != sid && strings.EqualFold(y.Email, x.Email) {
			kyReply(w, http.StatusBadRequest, "RBC2302", "Subaccount with this email already exists!", nil,
				map[string]any{"email": "email is already in use"})
			return
		}
	}
	s.ky.subs[i] = &x
	kyReply(w, http.StatusOK, "RBC103", "Request successfully executed!", []any{x.json()}, nil)
}

func (s *Server) kyRecharge(w http.ResponseWriter, r *http.Request, sid string) {
	m, err := readJSONObject(r)
	if err != nil {
		kyInvalid(w, map[string]any{"body": err.Error()})
		return
	}
	n, isNum := m["amount"].(json.Number)
	amount, ferr := n.Float64()
	if !isNum || ferr != nil || !(amount > 0) {
		kyInvalid(w, map[string]any{"amount": "must be a positive number"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.kyFound(w, sid)
	if i < 0 {
		return
	}
	x := s.ky.subs[i]
	if x.CreditType != "assigned" {
		kyInvalid(w, map[string]any{"subaccount_credit_type": "only assigned sub-accounts can be recharged"})
		return
	}
	x.Balance += amount
	kyReply(w, http.StatusOK, "RBC103", "Request successfully executed!",
		map[string]any{"sid": x.SID, "amount": amount, "balance": x.Balance}, nil)
}
