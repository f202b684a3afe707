package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Kaleyra is Kaleyra.io's parent-account API for the parent account sid.
// Authenticate with APIKeyAuth(key), sent as the "api-key" header.
//
// Hosts: Kaleyra(sid) talks to https://api.kaleyra.io, the seed's host.
// InRegion picks the vendor's regional sub-account host instead:
// RegionIndia (https://podapi.in.kaleyra.io), RegionSingapore, the vendor's
// default region (https://podapi.kaleyra.io), RegionEurope
// (https://podapi.eu.kaleyra.io) and RegionNorthAmerica
// (https://podapi.na.kaleyra.ai). WithBaseURL still overrides either.
//
// Offered: SubAccounts.List, All, Get, Create, Update, Delete and Recharge. List pages
// with limit and offset; Create is never sent twice. Create always sends
// is_invited, which the vendor marks mandatory (SubAccountCreate.Invite,
// false by default) and, for an "assigned" sub-account, the initial credit
// (SubAccountCreate.InitialCredit, required). Update sends only the fields
// the vendor documents (account_name, credit_amount, low_balance_alert):
// SubAccountUpdate.Email and Status are refused, as the vendor does not let
// the e-mail change and does not document a status. SubAccounts.Recharge
// adds credit to an "assigned" sub-account (POST …/recharges); it moves
// money and is never sent twice. Kaleyra publishes no rate limit for these
// endpoints.
func Kaleyra(sid string, opts ...ProviderOption) Provider {
	p := Provider{v: kaleyra{notOffered: notOffered{"Kaleyra"}}}
	pc, err := applyProviderOptions(providerConfig{vendor: "Kaleyra", regions: kaleyraRegions}, opts)
	if err != nil {
		p.err = err
		return p
	}
	seg, err := pathSegment("Kaleyra", "sid", sid)
	if err != nil {
		p.err = err
		return p
	}
	p.v = kaleyra{notOffered: notOffered{"Kaleyra"}, sid: seg, base: pc.base}
	return p
}

// kaleyraRegions are the hosts the vendor's sub-account pages list, one per
// region. (api.in.kaleyra.io and api.eu.kaleyra.io serve other Kaleyra
// APIs.)
var kaleyraRegions = map[Region]string{
	RegionIndia:        "https://podapi.in.kaleyra.io",
	RegionSingapore:    "https://podapi.kaleyra.io",
	RegionEurope:       "https://podapi.eu.kaleyra.io",
	RegionNorthAmerica: "https://podapi.na.kaleyra.ai",
}

type kaleyra struct {
	notOffered
	sid  string // escaped for the path
	base string // the region's host; "" for the seed's default
}

func (k kaleyra) defaultBaseURL() string {
	if k.base != "" {
		return k.base
	}
	return "https://api.kaleyra.io"
}

func (k kaleyra) bindAuth(_ *Client, a Authenticator) (Authenticator, error) {
	cr, err := acceptAuth(k.name(), a, kindAPIKey)
	if err != nil || cr == nil {
		return a, err
	}
	return inHeader(cr, "api-key"), nil
}

// kaleyraEnvelope wraps every answer. The vendor echoes numbers as strings
// in places (limit, offset), so every number is read flexibly.
type kaleyraEnvelope struct {
	kaleyraStatus
	Data   json.RawMessage `json:"data"`
	Total  *flexInt        `json:"total"`
	Limit  flexInt         `json:"limit"`
	Offset *flexInt        `json:"offset"`
}

// kaleyraStatus is the part of the envelope that says whether a call
// failed: the error check reads only it, so a page's data is skipped, not
// copied.
type kaleyraStatus struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Error   json.RawMessage `json:"error"`
	Status  flexInt         `json:"status"`
}

var kaleyraErrorMembers = errorMembersOf[kaleyraStatus]()

func (kaleyra) errorMembers() []string { return kaleyraErrorMembers }

func (kaleyra) parseError(status int, body []byte) *APIError {
	var env kaleyraStatus
	if unmarshalJSON(body, &env) != nil {
		return nil
	}
	failed := status >= 400 || env.Status >= 400 || env.Code == "RBC422"
	if !failed {
		return nil
	}
	e := &APIError{StatusCode: status, Code: env.Code, Message: env.Message + kaleyraDetails(env.Error)}
	if hint, ok := kaleyraHints[env.Code]; ok {
		e.Message = hint + " (" + e.Message + ")"
	}
	switch {
	case env.Code == "RBC422":
		e.kind = ErrUnauthorized
	case env.Code == "RBC2348":
		// The credentials are good; this parent lacks the right.
		e.kind = ErrForbidden
	case strings.HasPrefix(env.Code, "RBC23") && (status == http.StatusBadRequest || env.Status == http.StatusBadRequest):
		// RBC23xx under 400 is a validation failure; under another status
		// (404 for an unknown sub-account) the status decides.
		e.kind = ErrInvalidInput
	case status < 400:
		e.kind = kindForStatus(int(env.Status))
	}
	return e
}

// kaleyraHints explain the create codes a caller can act on.
var kaleyraHints = map[string]string{
	"RBC2345": "an \"assigned\" sub-account needs an initial credit: set SubAccountCreate.InitialCredit",
	"RBC2348": "this parent account may not create \"shared\" sub-accounts: use CreditType \"assigned\" with an InitialCredit",
}

// kaleyraDetails renders the envelope's error object ({"email": "is
// invalid"}) as "; email: is invalid", sorted by field.
func kaleyraDetails(raw json.RawMessage) string {
	var m map[string]any
	if unmarshalJSON(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("; ")
		b.WriteString(k)
		if s, ok := m[k].(string); ok {
			b.WriteString(": ")
			b.WriteString(s)
		}
	}
	return b.String()
}

// kaleyraSubAccount is one sub-account as the vendor sends it.
type kaleyraSubAccount struct {
	SID         string   `json:"sid"`
	AccountName string   `json:"account_name"`
	Email       string   `json:"email"`
	Status      string   `json:"status"`
	APIKey      string   `json:"api_key"`
	Balance     optFloat `json:"balance"`
}

// normalize returns a value: a page's sub-accounts share one allocation.
func (s kaleyraSubAccount) normalize(resp *response, raw json.RawMessage) SubAccount {
	sa := SubAccount{ID: s.SID, Name: s.AccountName, Email: s.Email, Status: s.Status, Raw: resp.redactRawCarrying(raw, []string{s.APIKey}, "api_key")}
	if s.APIKey != "" {
		sa.APIKeys = []APIKey{{Key: Secret(s.APIKey), Label: "api_key"}}
	}
	if s.Balance.ok {
		b := s.Balance.v
		sa.Balance = &b
	}
	return sa
}

// envelope decodes the answer's envelope.
func (k kaleyra) envelope(c *Client, op string, resp *response) (*kaleyraEnvelope, error) {
	var env kaleyraEnvelope
	if err := c.decode(op, resp, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// single returns the one object in data, which the vendor sends as an
// object or as an array of one (unconfirmed for create and update: both
// are accepted). ok is false when data holds nothing.
func single(data json.RawMessage) (json.RawMessage, bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] == 'n' {
		return nil, false
	}
	if data[0] == '[' {
		var arr []json.RawMessage
		if unmarshalJSON(data, &arr) != nil || len(arr) == 0 {
			return nil, false
		}
		return arr[0], true
	}
	if data[0] == '{' && !bytes.Equal(bytes.Join(bytes.Fields(data), nil), []byte("{}")) {
		return data, true
	}
	return nil, false
}

func (k kaleyra) path(id string) string {
	p := "api/v1/" + k.sid + "/subaccounts"
	if id != "" {
		p += "/" + id
	}
	return p
}

// kaleyraAllPageSize is what SubAccounts.All asks for when the caller sets
// no page size. The vendor documents no maximum (its default is 25): 100
// cuts the round trips fourfold, and a vendor that answers fewer still
// pages correctly (the next offset counts the items received).
const kaleyraAllPageSize = 100

func (kaleyra) allPageSize(string) int { return kaleyraAllPageSize }

func (k kaleyra) listSubAccounts(ctx context.Context, c *Client, o ListOptions) (*SubAccountPage, error) {
	const op = "SubAccounts.List"
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	offset := 0
	if o.Cursor != "" {
		n, err := strconv.Atoi(o.Cursor)
		if err != nil || n < 0 {
			return nil, invalid(op, "Cursor", "is not a cursor from a previous Kaleyra page")
		}
		offset = n
	}
	q := url.Values{}
	if o.PageSize > 0 {
		q.Set("limit", strconv.Itoa(o.PageSize))
	}
	if offset > 0 || o.PageSize > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	r := &request{op: op, method: http.MethodGet, path: k.path(""), query: q, repeatable: true}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var answer struct {
		kaleyraEnvelope
		Data itemList[kaleyraSubAccount] `json:"data"` // shadows the envelope's raw Data: decoded in the same pass
	}
	items, err := decodeList(c, resp, "sub-account", &answer, &answer.Data, false, checked(withResponse(resp, kaleyraSubAccount.normalize)))
	if err != nil {
		return nil, err
	}
	env := &answer.kaleyraEnvelope
	if env.Offset != nil && int(*env.Offset) != offset {
		return nil, resp.malformed("the vendor answered offset "+strconv.Itoa(int(*env.Offset))+" for offset "+strconv.Itoa(offset)+": paging would not progress", nil)
	}
	page := &SubAccountPage{Items: pointers(items), Total: -1}
	if env.Total != nil {
		page.Total = int(*env.Total)
		// An empty page while the total claims more yields a cursor with
		// no items, which All reports as stalled paging.
		if next := offset + len(items); next < page.Total {
			page.NextCursor = strconv.Itoa(next)
		}
	}
	return page, nil
}

func (k kaleyra) getSubAccount(ctx context.Context, c *Client, id string) (*SubAccount, error) {
	const op = "SubAccounts.Get"
	seg, err := pathSegment(op, "id", id)
	if err != nil {
		return nil, err
	}
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, &request{op: op, method: http.MethodGet, path: k.path(seg), repeatable: true})
	if err != nil {
		return nil, err
	}
	env, err := k.envelope(c, op, resp)
	if err != nil {
		return nil, err
	}
	raw, ok := single(env.Data)
	if !ok {
		return nil, &APIError{StatusCode: resp.status, Code: env.Code, Message: "no sub-account with that sid",
			Operation: op, Provider: k.name(), kind: ErrNotFound}
	}
	return decodeItem(resp, "sub-account", raw, addr(withResponse(resp, kaleyraSubAccount.normalize)))
}

// kaleyraCreditTypes are the vendor's subaccount_credit_type values.
var kaleyraCreditTypes = map[string]bool{"assigned": true, "shared": true}

// kaleyraCreateFields are the SubAccountCreate fields Kaleyra sends; the others are
// refused when set.
var kaleyraCreateFields = []string{"Name", "Email", "Country", "Channels", "CreditType", "Invite", "InitialCredit"}

func (k kaleyra) createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error) {
	const op = "SubAccounts.Create"
	if err := requiredText(op, "Name", in.Name, "(Kaleyra account_name)", 100); err != nil {
		return nil, err
	}
	if err := checkEmail(op, "Email", in.Email); err != nil {
		return nil, err
	}
	if len(in.Country) != 2 || strings.ToUpper(in.Country) != in.Country || strings.ContainsFunc(in.Country, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return nil, invalid(op, "Country", "must be a two-letter upper-case ISO 3166 code such as \"IN\"")
	}
	if len(in.Channels) == 0 {
		return nil, invalid(op, "Channels", "is empty; name at least one channel, e.g. \"sms\"")
	}
	for i, ch := range in.Channels {
		if ch == "" {
			return nil, invalid(op, "Channels["+strconv.Itoa(i)+"]", "is empty")
		}
		if err := checkText(op, "Channels["+strconv.Itoa(i)+"]", ch, 32); err != nil {
			return nil, err
		}
	}
	if !kaleyraCreditTypes[in.CreditType] {
		return nil, invalid(op, "CreditType", "must be \"assigned\" or \"shared\"")
	}
	switch {
	case in.CreditType == "assigned" && in.InitialCredit == nil:
		return nil, invalid(op, "InitialCredit", "is required for an \"assigned\" Kaleyra sub-account (the vendor answers RBC2345 without it)")
	case in.CreditType == "shared" && in.InitialCredit != nil:
		return nil, invalid(op, "InitialCredit", "applies only to \"assigned\" sub-accounts; a \"shared\" one draws on the parent's credit")
	}
	if in.InitialCredit != nil {
		if err := checkAmount(op, "InitialCredit", *in.InitialCredit, false); err != nil {
			return nil, err
		}
	}
	if err := unusedCreateFields(op, k.name(), in, kaleyraCreateFields); err != nil {
		return nil, err
	}
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	body := map[string]any{
		"account_name": in.Name, "email": in.Email, "country_iso_code": in.Country,
		"channels": in.Channels, "subaccount_credit_type": in.CreditType,
		// Mandatory at the vendor: always sent, false unless asked.
		"is_invited": in.Invite != nil && *in.Invite,
	}
	if in.InitialCredit != nil {
		// The create field's name is unconfirmed; the update call's
		// credit_amount is the name the vendor documents.
		body["credit_amount"] = *in.InitialCredit
	}
	r, err := newJSONRequest(op, http.MethodPost, k.path(""), body)
	if err != nil {
		return nil, err
	}
	return k.one(ctx, c, r)
}

// send sends r and decodes the answer's envelope.
func (k kaleyra) send(ctx context.Context, c *Client, r *request) (*response, *kaleyraEnvelope, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	env, err := k.envelope(c, r.op, resp)
	if err != nil {
		return nil, nil, err
	}
	return resp, env, nil
}

// one sends r and decodes the single sub-account in the answer.
func (k kaleyra) one(ctx context.Context, c *Client, r *request) (*SubAccount, error) {
	resp, env, err := k.send(ctx, c, r)
	if err != nil {
		return nil, err
	}
	raw, ok := single(env.Data)
	if !ok {
		return nil, resp.malformed("no sub-account in data", nil)
	}
	return decodeItem(resp, "sub-account", raw, addr(withResponse(resp, kaleyraSubAccount.normalize)))
}

func (k kaleyra) updateSubAccount(ctx context.Context, c *Client, id string, u *SubAccountUpdate) (*SubAccount, error) {
	const op = "SubAccounts.Update"
	seg, err := pathSegment(op, "id", id)
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if u.Name != nil {
		if *u.Name == "" {
			return nil, invalid(op, "Name", "is empty")
		}
		if err := checkText(op, "Name", *u.Name, 100); err != nil {
			return nil, err
		}
		body["account_name"] = *u.Name
	}
	if u.Email != nil {
		return nil, invalid(op, "Email", "cannot be changed at Kaleyra (its update documents account_name, credit_amount and low_balance_alert only)")
	}
	if u.Status != nil {
		return nil, invalid(op, "Status", "is not a field Kaleyra's update documents (account_name, credit_amount and low_balance_alert only)")
	}
	if u.LowBalanceAlert != nil {
		body["low_balance_alert"] = *u.LowBalanceAlert
	}
	if u.CreditAmount != nil {
		if err := checkAmount(op, "CreditAmount", *u.CreditAmount, true); err != nil {
			return nil, err
		}
		body["credit_amount"] = *u.CreditAmount
	}
	if len(body) == 0 {
		return nil, invalid(op, "u", "sets no field")
	}
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	r, err := newJSONRequest(op, http.MethodPatch, k.path(seg), body)
	if err != nil {
		return nil, err
	}
	// Setting the same fields again leaves the same state.
	r.repeatable = true
	return k.one(ctx, c, r)
}

func (k kaleyra) deleteSubAccount(ctx context.Context, c *Client, id string) error {
	const op = "SubAccounts.Delete"
	seg, err := pathSegment(op, "id", id)
	if err != nil {
		return err
	}
	if err := c.requireAuth(op); err != nil {
		return err
	}
	// Not repeated: a retry after a lost answer would report the deleted
	// sub-account as an error.
	_, err = c.do(ctx, &request{op: op, method: http.MethodDelete, path: k.path(seg)})
	return err
}

func (k kaleyra) recharge(ctx context.Context, c *Client, id string, amount float64) (*Recharge, error) {
	const op = "SubAccounts.Recharge"
	seg, err := pathSegment(op, "id", id)
	if err != nil {
		return nil, err
	}
	if err := checkAmount(op, "amount", amount, false); err != nil {
		return nil, err
	}
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	r, err := newJSONRequest(op, http.MethodPost, k.path(seg)+"/recharges", map[string]any{"amount": amount})
	if err != nil {
		return nil, err
	}
	// Not repeatable: it moves money. No retry after a 5xx, a dropped
	// connection or a timeout, when the vendor may have acted.
	resp, env, err := k.send(ctx, c, r)
	if err != nil {
		return nil, err
	}
	out := &Recharge{SubAccountID: id, Amount: amount, Raw: resp.redactRaw(resp.body, "api_key")}
	// The answer's data is undocumented: an object (or an array of one)
	// whose balance, when present, is the new balance.
	if raw, ok := single(env.Data); ok {
		out.Raw = resp.redactRaw(raw, "api_key")
		var d struct {
			Balance *flexFloat `json:"balance"`
		}
		if unmarshalJSON(raw, &d) == nil && d.Balance != nil {
			b := float64(*d.Balance)
			out.Balance = &b
		}
	}
	return out, nil
}
