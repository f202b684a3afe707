package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Woodpecker is Woodpecker.co's agency API v1 (https://api.woodpecker.co).
// Authenticate with APIKeyAuth(agencyKey), sent as the x-api-key header; the
// vendor's older form, HTTP Basic with the key as user name and "X" as
// password, is KeyPair(agencyKey, "X").
//
// Companies are the agency's sub-accounts. Offered: SubAccounts.List, All
// and Get (the companies list; the vendor does not page), SubAccounts.Create
// (a new company: billed, never sent twice), Keys.List and Keys.Create (a
// company's API keys) and Agency.AddProspects (a company's global prospect
// list, sent with that company's own key; prospects the vendor refuses one
// by one come back in a *ProspectError).
//
// The vendor serves only one or two requests at a time per key: the Client
// keeps at most one in flight per key and host (WithMaxInFlight changes
// it), queueing calls within their context. E_TOO_MANY_REQUESTS means the
// request was not processed; it is retried with backoff for every
// operation, creates included.
//
// Woodpecker() speaks the agency API v1 (WoodpeckerV1), so existing code
// keeps its behaviour. Woodpecker(InVersion(WoodpeckerV2)) speaks v2 under
// /rest/v2, the only version the vendor's developer site documents: choose
// it for new code. On v2, SubAccounts.List and All page 50 companies at a
// time (the cursor is a page number; PageSize must stay 0; ListOptions.Active
// filters active or inactive ones) and Get searches them; Create and CreateBatch send one billed request of up to 10
// companies, all or none, never sent twice, and a failure after it may have
// reached the vendor is a *CreateBatchError naming the companies that
// exist; Keys.List and Keys.Create use a company's api_keys (a label is
// required, and the list holds only keys created through the API);
// SubAccounts.Users and AllUsers list a company's users. AddProspects on v2
// takes the company's key from its v2 key list and still posts to v1's
// add_prospects_list, which the vendor calls legacy but documents no v2
// replacement for. The one-request-at-a-time rule is kept on v2.
func Woodpecker(opts ...ProviderOption) Provider {
	pc, err := applyProviderOptions(providerConfig{vendor: "Woodpecker", versions: []APIVersion{WoodpeckerV1, WoodpeckerV2}}, opts)
	if err != nil {
		return Provider{v: woodpecker{notOffered: notOffered{"Woodpecker"}}, err: err}
	}
	w := woodpecker{notOffered: notOffered{"Woodpecker"}, version: pc.chosenVersion()}
	if w.version == WoodpeckerV2 {
		return Provider{v: woodpeckerV2{w}}
	}
	return Provider{v: w}
}

type woodpecker struct {
	notOffered
	version APIVersion
}

// woodpeckerProspectsPerRequest is the vendor's cap on prospects per
// add_prospects_list request.
const woodpeckerProspectsPerRequest = 20000

func (woodpecker) defaultBaseURL() string { return "https://api.woodpecker.co" }

func (woodpecker) maxInFlight() int { return 1 }

func (w woodpecker) bindAuth(_ *Client, a Authenticator) (Authenticator, error) {
	// KeyPair is the legacy form KeyPair(apiKey, "X"), sent as HTTP Basic.
	cr, err := acceptAuth(w.name(), a, kindAPIKey, kindKeyPair)
	if err != nil || cr == nil {
		return a, err
	}
	return inHeader(cr, "x-api-key"), nil
}

// woodpeckerKinds maps the vendor's codes to sentinels.
var woodpeckerKinds = map[string]error{
	"E_SESSION":           ErrUnauthorized,
	"E_RECORD_NOT_FOUND":  ErrNotFound,
	"E_DUPLICATE":         ErrConflict,
	"E_REQUIRED_ELEMENT":  ErrInvalidInput,
	"E_WRONG_PARAM":       ErrInvalidInput,
	"E_EMAIL":             ErrInvalidInput,
	"E_INV_STATUS":        ErrInvalidInput,
	"E_TOO_MANY_REQUESTS": ErrRateLimited,
}

// woodpeckerCode reads the error code and message from any of the shapes
// the vendor is known or suspected to use (the exact shape is unconfirmed):
// {"status":{"status":"ERROR","code","msg"}}, {"code","message"} and
// {"error": "…" | {"code","msg"}}; and, for v2, whose error body is
// unconfirmed too, a message alone ({"message"} or a problem document's
// {"title","detail"}), which parseError reads only under an error status.
func woodpeckerCode(body []byte) (code, msg string) {
	var env woodpeckerError
	if unmarshalJSON(body, &env) != nil {
		return "", ""
	}
	type inner struct {
		Status  string `json:"status"`
		Code    string `json:"code"`
		Msg     string `json:"msg"`
		Message string `json:"message"`
	}
	var st inner
	if len(env.Status) > 0 && env.Status[0] == '{' && unmarshalJSON(env.Status, &st) == nil && (st.Code != "" || strings.EqualFold(st.Status, "error")) {
		if strings.EqualFold(st.Status, "ok") || st.Code == "OK" {
			return "", ""
		}
		return st.Code, st.Msg + st.Message
	}
	if len(env.Error) > 0 {
		var s string
		if unmarshalJSON(env.Error, &s) == nil && s != "" {
			if strings.HasPrefix(s, "E_") {
				return s, ""
			}
			return "", s
		}
		var e inner
		if unmarshalJSON(env.Error, &e) == nil && (e.Code != "" || e.Msg != "" || e.Message != "") {
			return e.Code, e.Msg + e.Message
		}
	}
	if strings.HasPrefix(env.Code, "E_") {
		return env.Code, env.Message + env.Msg
	}
	if m := env.Message + env.Msg; m != "" {
		return "", m
	}
	return "", strings.TrimSpace(env.Title + " " + env.Detail)
}

// woodpeckerError is what Woodpecker's failures carry, in one of their
// shapes (woodpeckerCode).
type woodpeckerError struct {
	Status  json.RawMessage `json:"status"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Msg     string          `json:"msg"`
	Error   json.RawMessage `json:"error"`
	Title   string          `json:"title"`
	Detail  string          `json:"detail"`
}

var woodpeckerErrorMembers = errorMembersOf[woodpeckerError]()

func (woodpecker) errorMembers() []string { return woodpeckerErrorMembers }

func (woodpecker) parseError(status int, body []byte) *APIError {
	code, msg := woodpeckerCode(body)
	if code == "" && (status < 400 || msg == "") {
		return nil
	}
	return &APIError{StatusCode: status, Code: code, Message: msg, kind: woodpeckerKinds[code]}
}

// woodpeckerBusy reports the vendor's "not processed, too busy" answer.
func woodpeckerBusy(_ *callState, status int, body []byte) bool {
	if !bytes.Contains(body, []byte("E_TOO_MANY_REQUESTS")) {
		return false // every success passes here: skip decoding it twice
	}
	code, _ := woodpeckerCode(body)
	return code == "E_TOO_MANY_REQUESTS"
}

// request builds a Woodpecker request; every one may be retried when the
// vendor says it was too busy to process it.
func (w woodpecker) request(c *Client, op, method, path string, body any) (*request, error) {
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	r, err := newJSONRequest(op, method, path, body)
	if err != nil {
		return nil, err
	}
	r.retryOn = woodpeckerBusy
	return r, nil
}

type woodpeckerCompany struct {
	ID      flexString `json:"id"`
	Name    string     `json:"name"`
	APIKeys []struct {
		APIKey string `json:"api_key"`
		Name   string `json:"name"`
	} `json:"api_keys"`
}

func (co woodpeckerCompany) normalize(resp *response, raw json.RawMessage) *SubAccount {
	keys := make([]string, len(co.APIKeys))
	for i, k := range co.APIKeys {
		keys[i] = k.APIKey
	}
	sa := &SubAccount{ID: string(co.ID), Name: co.Name, Raw: resp.redactRawCarrying(raw, keys, "api_key")}
	for _, k := range co.APIKeys {
		sa.APIKeys = append(sa.APIKeys, APIKey{Key: Secret(k.APIKey), Label: k.Name})
	}
	return sa
}

// companies fetches the agency's companies: a bare array, or HTTP 204 with
// no body for none.
func (w woodpecker) companies(ctx context.Context, c *Client, op string) ([]*SubAccount, error) {
	r, err := w.request(c, op, http.MethodGet, "rest/v1/agency/companies", nil)
	if err != nil {
		return nil, err
	}
	r.repeatable = true
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusNoContent {
		// The vendor's empty list. An empty body under 200 is not: it
		// fails to decode below.
		return []*SubAccount{}, nil
	}
	norm := withResponse(resp, woodpeckerCompany.normalize)
	var list itemList[woodpeckerCompany] // the answer is the list
	if items, err, ok := decodePageOnce(resp, "company", &list, &list, false, checked(norm)); ok {
		return items, err
	}
	var raws []json.RawMessage
	if err := c.decode(op, resp, &raws); err != nil {
		return nil, err
	}
	return decodeItems(resp, "company", raws, norm)
}

// company finds one company in the list.
func (w woodpecker) company(ctx context.Context, c *Client, op, id string) (*SubAccount, error) {
	if _, err := woodpeckerID(op, id); err != nil {
		return nil, err
	}
	all, err := w.companies(ctx, c, op)
	if err != nil {
		return nil, err
	}
	for _, co := range all {
		if co.ID == id {
			return co, nil
		}
	}
	return nil, &APIError{StatusCode: http.StatusOK, Message: "no company " + id + " in the agency's companies",
		Operation: op, Provider: w.name(), kind: ErrNotFound}
}

// woodpeckerID validates a company id: the vendor's ids are numbers.
func woodpeckerID(op, id string) (json.Number, error) {
	n, err := strconv.ParseUint(id, 10, 63)
	if err != nil || n == 0 {
		return "", invalid(op, "companyID", "must be a positive integer (Woodpecker company ids are numbers)")
	}
	return json.Number(strconv.FormatUint(n, 10)), nil
}

func (w woodpecker) listSubAccounts(ctx context.Context, c *Client, _ ListOptions) (*SubAccountPage, error) {
	all, err := w.companies(ctx, c, "SubAccounts.List")
	if err != nil {
		return nil, err
	}
	return &SubAccountPage{Items: all, Total: len(all)}, nil
}

func (w woodpecker) getSubAccount(ctx context.Context, c *Client, id string) (*SubAccount, error) {
	return w.company(ctx, c, "SubAccounts.Get", id)
}

// woodpeckerCreateFields are the SubAccountCreate fields Woodpecker sends; the others are
// refused when set.
var woodpeckerCreateFields = []string{"Name"}

func (w woodpecker) createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error) {
	const op = "SubAccounts.Create"
	if err := requiredText(op, "Name", in.Name, "(the company name)", 200); err != nil {
		return nil, err
	}
	if err := unusedCreateFields(op, w.name(), in, woodpeckerCreateFields); err != nil {
		return nil, err
	}
	r, err := w.request(c, op, http.MethodPost, "rest/v1/agency/companies/add", map[string]any{"name": in.Name})
	if err != nil {
		return nil, err
	}
	var co woodpeckerCompany
	resp, err := c.call(ctx, r, &co)
	if err != nil {
		return nil, err
	}
	if co.ID == "" {
		return nil, resp.malformed("no company id in the answer", nil)
	}
	return co.normalize(resp, resp.body), nil
}

func (w woodpecker) listKeys(ctx context.Context, c *Client, companyID string) ([]APIKey, error) {
	co, err := w.company(ctx, c, "Keys.List", companyID)
	if err != nil {
		return nil, err
	}
	if co.APIKeys == nil {
		return []APIKey{}, nil
	}
	return co.APIKeys, nil
}

func (w woodpecker) createKey(ctx context.Context, c *Client, companyID, label string) (*APIKey, error) {
	const op = "Keys.Create"
	id, err := woodpeckerID(op, companyID)
	if err != nil {
		return nil, err
	}
	if err := requiredText(op, "label", label, "", 200); err != nil {
		return nil, err
	}
	r, err := w.request(c, op, http.MethodPost, "rest/v1/agency/companies/api/add", map[string]any{"company_id": id, "name": label})
	if err != nil {
		return nil, err
	}
	return c.callKey(ctx, r, "api_key", label, "api_key")
}

// woodpeckerProspectFields are the named prospect fields that Fields may
// not repeat.
var woodpeckerProspectFields = map[string]bool{"email": true, "first_name": true, "last_name": true, "company": true}

func (w woodpecker) addProspects(ctx context.Context, c *Client, companyID string, ps []Prospect, o ProspectOptions) error {
	return w.sendProspects(ctx, c, companyID, ps, o, func(ctx context.Context, op string) (Secret, error) {
		co, err := w.company(ctx, c, op, companyID)
		if err != nil {
			return "", err
		}
		if len(co.APIKeys) == 0 {
			return "", &APIError{StatusCode: http.StatusOK, Message: "company " + companyID + " has no API key; create one with Keys.Create first",
				Operation: op, Provider: w.name(), kind: ErrNotFound}
		}
		return co.APIKeys[0].Key, nil
	})
}

// sendProspects checks the prospects, finds the company's key with keyOf
// (after the checks, so that bad input costs no request) and sends them to
// add_prospects_list in chunks.
func (w woodpecker) sendProspects(ctx context.Context, c *Client, companyID string, ps []Prospect, o ProspectOptions,
	keyOf func(ctx context.Context, op string) (Secret, error)) error {
	const op = "Agency.AddProspects"
	if _, err := woodpeckerID(op, companyID); err != nil {
		return err
	}
	if len(ps) == 0 {
		return invalid(op, "prospects", "is empty")
	}
	wire := make([]map[string]string, len(ps))
	for i, p := range ps {
		field := func(name string) string { return fmt.Sprintf("prospects[%d].%s", i, name) }
		if err := checkEmail(op, field("Email"), p.Email); err != nil {
			return err
		}
		m := map[string]string{"email": p.Email}
		for name, v := range map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "company": p.Company} {
			if v == "" {
				continue
			}
			if err := checkText(op, field(name), v, 500); err != nil {
				return err
			}
			m[name] = v
		}
		for k, v := range p.Fields {
			// Keys follow the rule values follow; the error names no key
			// that failed it.
			if k == "" {
				return invalid(op, field("Fields"), "has an empty key")
			}
			if err := checkText(op, field("Fields key"), k, 100); err != nil {
				return err
			}
			if woodpeckerProspectFields[k] {
				return invalid(op, field("Fields["+strconv.Quote(k)+"]"), "must not repeat a named field")
			}
			if err := checkText(op, field("Fields["+strconv.Quote(k)+"]"), v, 5000); err != nil {
				return err
			}
			m[k] = v
		}
		wire[i] = m
	}
	key, err := keyOf(ctx, op)
	if err != nil {
		return err
	}
	auth := w.companyAuth(c, key)
	chunks := (len(wire) + woodpeckerProspectsPerRequest - 1) / woodpeckerProspectsPerRequest
	var refused []RefusedProspect
	for i := 0; i < chunks; i++ {
		lo, hi := i*woodpeckerProspectsPerRequest, min((i+1)*woodpeckerProspectsPerRequest, len(wire))
		body := map[string]any{"prospects": wire[lo:hi]}
		if o.Update {
			body["update"] = true
		}
		r, err := w.request(c, op, http.MethodPost, "rest/v1/add_prospects_list", body)
		var resp *response
		if err == nil {
			r.auth = auth
			// Repeatable: without update, prospects already on the list are
			// left as they are; with it, the same values are set again.
			r.repeatable = true
			resp, err = c.do(ctx, r)
		}
		if err == nil {
			var chunkRefused []RefusedProspect
			chunkRefused, err = w.refusedProspects(op, resp, ps, lo, hi)
			refused = append(refused, chunkRefused...)
		}
		if err != nil {
			return &ChunkError{Operation: op, Provider: w.name(), Chunk: i + 1, Chunks: chunks, Accepted: lo, Refused: refused, Err: err}
		}
	}
	if len(refused) > 0 {
		return &ProspectError{Operation: op, Provider: w.name(), Sent: len(ps), Refused: refused}
	}
	return nil
}

// woodpeckerProspectStatus is one prospect's entry in add_prospects_list's
// answer, {"prospects":[{"email","status":"OK"|"ERROR","code","msg"}]} (as
// the vendor's own WordPress plugin reads it).
type woodpeckerProspectStatus struct {
	Email   string     `json:"email"`
	Status  string     `json:"status"`
	Code    flexString `json:"code"`
	Msg     string     `json:"msg"`
	Message string     `json:"message"`
}

// refusedProspects reads the per-prospect statuses of the chunk ps[lo:hi].
// An entry whose status is anything but OK is a refusal; one without a
// status is not evidence of one. An answer without per-prospect entries
// (only the top-level status) accepted them all.
func (w woodpecker) refusedProspects(op string, resp *response, ps []Prospect, lo, hi int) ([]RefusedProspect, error) {
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return nil, nil
	}
	var out struct {
		Prospects json.RawMessage `json:"prospects"`
	}
	if err := unmarshalJSON(resp.body, &out); err != nil {
		return nil, &DecodeError{Operation: op, Provider: w.name(), StatusCode: resp.status, Reason: "per-prospect statuses: invalid JSON"}
	}
	if len(out.Prospects) == 0 || string(out.Prospects) == "null" {
		return nil, nil
	}
	var entries []woodpeckerProspectStatus
	if err := unmarshalJSON(out.Prospects, &entries); err != nil {
		return nil, &DecodeError{Operation: op, Provider: w.name(), StatusCode: resp.status, Reason: "per-prospect statuses are not a list of objects"}
	}
	var refused []RefusedProspect
	var byEmail map[string][]int // unmatched indexes by address, built on demand
	for j, e := range entries {
		if e.Status == "" || strings.EqualFold(e.Status, "OK") {
			continue
		}
		// The entries follow the order sent; an address decides when they
		// do not.
		idx := -1
		if lo+j < hi && strings.EqualFold(ps[lo+j].Email, e.Email) {
			idx = lo + j
		} else {
			if byEmail == nil {
				byEmail = make(map[string][]int)
				for k := lo; k < hi; k++ {
					key := strings.ToLower(ps[k].Email)
					byEmail[key] = append(byEmail[key], k)
				}
			}
			if q := byEmail[strings.ToLower(e.Email)]; len(q) > 0 {
				idx, byEmail[strings.ToLower(e.Email)] = q[0], q[1:]
			}
		}
		refused = append(refused, RefusedProspect{Index: idx, Email: e.Email, Status: e.Status, Code: string(e.Code),
			Message: excerpt(scrubText(e.Msg+e.Message, resp.c.secrets(resp.req)))})
	}
	return refused, nil
}

// companyAuth authenticates as a company, the way the client authenticates
// as the agency.
func (woodpecker) companyAuth(c *Client, key Secret) Authenticator {
	if cr := credentialOf(c.auth); cr != nil {
		if a := cr.withKey(key); a != nil {
			return a
		}
	}
	return APIKeyHeader("x-api-key", key.Reveal())
}
