package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// CallTrackingMetrics is CallTrackingMetrics' agency API
// (https://api.calltrackingmetrics.com). Authenticate with
// KeyPair(accessKey, secretKey), sent as HTTP Basic on every request, or
// with NewSessionToken(accessKey, secretKey), which exchanges the pair once
// for a session token (good for 30 days) sent as the auth_token query
// parameter; every URL the SDK could surface has it redacted.
//
// Offered: Agency.Session, SubAccounts.List, All and Get (the agency's
// accounts, up to 150 per page), SubAccounts.Create (a new account of the
// agency: Name and TimeZone, an IANA zone sent as timezone_hint, both
// required; billed through the agency's existing billing, billing_type
// "existing", the one value the vendor documents) and Records.Calls (one
// account's calls; CallQuery.AccountID is required). The reads are retried
// on transient faults; the token exchange and the create are not sent
// twice. The vendor publishes no rate limit.
//
// A call's start is its unix_time. A call without one has only called_at,
// the account's local time without a zone ("2012-08-17 10:24 AM"): it is
// read in CallQuery.Location when set, else in the zone of the account's
// "timezone" field (one extra GET of the account per page that needs it; an
// IANA name such as "America/New_York", the form the vendor's account
// creation takes, or one of the US and Canadian Rails-style names such as
// "Eastern Time (US & Canada)"), else, when the account names no zone the
// SDK knows, in UTC. A call with neither a unix_time nor a readable
// called_at is a *DecodeError naming it.
func CallTrackingMetrics() Provider {
	return Provider{v: callTrackingMetrics{notOffered{"CallTrackingMetrics"}}}
}

type callTrackingMetrics struct{ notOffered }

// ctmMaxPerPage is the vendor's cap on per_page.
const ctmMaxPerPage = 150

func (callTrackingMetrics) defaultBaseURL() string { return "https://api.calltrackingmetrics.com" }

func (v callTrackingMetrics) bindAuth(c *Client, a Authenticator) (Authenticator, error) {
	cr, err := acceptAuth(v.name(), a, kindKeyPair, kindSession)
	if err != nil {
		return nil, err
	}
	if st := sessionOf(cr); st != nil {
		st.bind(func(ctx context.Context, access, secret Secret) (*Session, error) {
			return v.exchange(ctx, c, access, secret)
		}, c.clock.Now)
		// The vendor wants the token as the auth_token query parameter.
		return st.inQuery("auth_token"), nil
	}
	return a, nil
}

// ctmError is what CallTrackingMetrics' failures carry.
type ctmError struct {
	Status  string          `json:"status"`
	Success *bool           `json:"success"`
	Message string          `json:"message"`
	Reason  string          `json:"reason"`
	Error   json.RawMessage `json:"error"`
}

var ctmErrorMembers = errorMembersOf[ctmError]()

func (callTrackingMetrics) errorMembers() []string { return ctmErrorMembers }

func (callTrackingMetrics) parseError(status int, body []byte) *APIError {
	var env ctmError
	if unmarshalJSON(body, &env) != nil {
		return nil
	}
	msg := env.Message
	if msg == "" {
		msg = env.Reason
	}
	if len(env.Error) > 0 && !bytes.Equal(env.Error, []byte("null")) {
		var s string
		if unmarshalJSON(env.Error, &s) == nil {
			if msg == "" {
				msg = s
			}
		} else if msg == "" {
			msg = string(env.Error)
		}
	}
	failed := status >= 400 || strings.EqualFold(env.Status, "error") || (env.Success != nil && !*env.Success) ||
		(len(env.Error) > 0 && !bytes.Equal(env.Error, []byte("null")) && !bytes.Equal(env.Error, []byte(`""`)))
	if !failed {
		return nil
	}
	e := &APIError{StatusCode: status, Message: msg}
	if status < 400 && env.Success != nil && !*env.Success {
		e.kind = ErrUnauthorized // the authentication endpoint refusing the pair
	}
	return e
}

// ctmAuthForm is the token exchange's form body.
type ctmAuthForm struct {
	Token  string `url:"token"`
	Secret string `url:"secret"`
}

// exchange trades the key pair for a session token.
func (v callTrackingMetrics) exchange(ctx context.Context, c *Client, access, secret Secret) (*Session, error) {
	const op = "Agency.Session"
	form, err := query.Values(ctmAuthForm{Token: access.Reveal(), Secret: secret.Reveal()})
	if err != nil {
		return nil, fmt.Errorf("multiaccount: %s: encode form: %w", op, err)
	}
	r := &request{op: op, method: http.MethodPost, path: "api/v1/authentication",
		body: []byte(form.Encode()), ctype: "application/x-www-form-urlencoded", noAuth: true}
	var out struct {
		Token        string          `json:"token"`
		Expires      json.RawMessage `json:"expires"`
		FirstAccount struct {
			ID flexString `json:"id"`
		} `json:"first_account"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	if out.Token == "" {
		return nil, resp.malformed("no token in the answer", nil)
	}
	// The format of expires is unconfirmed: RFC 3339 and Unix seconds (as a
	// number or a string) are accepted; anything else means unknown.
	return &Session{Token: Secret(out.Token), Expires: unixOrRFC3339(out.Expires), FirstAccountID: string(out.FirstAccount.ID)}, nil
}

func (v callTrackingMetrics) session(ctx context.Context, c *Client) (*Session, error) {
	cr := credentialOf(c.auth)
	if st := sessionOf(cr); st != nil {
		s, _, err := st.current(ctx)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return nil, c.contextError("Agency.Session", err)
			}
			return nil, err
		}
		cp := *s
		return &cp, nil
	}
	if kindOf(cr) == kindKeyPair {
		access, secret := cr.fieldValues()
		return v.exchange(ctx, c, access, secret)
	}
	return nil, fmt.Errorf("multiaccount: CallTrackingMetrics Agency.Session needs KeyPair or NewSessionToken credentials: %w", ErrUnauthorized)
}

// ctmPageQuery is the query of the paged list endpoints.
type ctmPageQuery struct {
	Page      int    `url:"page,omitempty"`
	PerPage   int    `url:"per_page,omitempty"`
	StartDate string `url:"start_date,omitempty"`
	EndDate   string `url:"end_date,omitempty"`
}

// ctmPaging is the paging part of the list answers.
type ctmPaging struct {
	Page         flexInt  `json:"page"`
	TotalPages   flexInt  `json:"total_pages"`
	TotalEntries *flexInt `json:"total_entries"`
	NextPage     string   `json:"next_page"`
}

// next returns the cursor of the page after page, or "".
func (p ctmPaging) next(page int) string {
	if int(p.TotalPages) > page || (p.TotalPages == 0 && p.NextPage != "") {
		return strconv.Itoa(page + 1)
	}
	return ""
}

// ctmPage reads a cursor (a page number) and a page size.
// allPageSize: the vendor's maximum, for accounts and calls alike.
func (callTrackingMetrics) allPageSize(string) int { return ctmMaxPerPage }

func ctmPage(op string, cursor string, size int) (ctmPageQuery, error) {
	q := ctmPageQuery{Page: 1, PerPage: size}
	if size > ctmMaxPerPage {
		return q, invalid(op, "PageSize", "is above CallTrackingMetrics' maximum of 150")
	}
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 {
			return q, invalid(op, "Cursor", "is not a cursor from a previous CallTrackingMetrics page")
		}
		q.Page = n
	}
	return q, nil
}

// ctmID validates a numeric account id for a path.
func ctmID(op, field, id string) (string, error) {
	if id == "" {
		return "", invalid(op, field, "is empty")
	}
	if _, err := strconv.ParseUint(id, 10, 63); err != nil {
		return "", invalid(op, field, "must be a numeric CallTrackingMetrics account id")
	}
	return id, nil
}

// ctmRedact are fields blanked in Raw, should the vendor ever echo them.
var ctmRedact = []string{"auth_token", "token", "secret", "secret_key", "api_key"}

type ctmAccount struct {
	ID      flexString `json:"id"`
	Name    string     `json:"name"`
	Status  string     `json:"status"`
	Balance struct {   // not a pointer: one allocation less per account
		Cents optFloat `json:"cents"`
	} `json:"balance"`
}

// normalize returns a value: a page's accounts share one allocation.
func (a ctmAccount) normalize(resp *response, raw json.RawMessage) SubAccount {
	sa := SubAccount{ID: string(a.ID), Name: a.Name, Status: a.Status, Raw: resp.redactRaw(raw, ctmRedact...)}
	if a.Balance.Cents.ok {
		b := a.Balance.Cents.v / 100
		sa.Balance = &b
	}
	return sa
}

func (v callTrackingMetrics) get(ctx context.Context, c *Client, op, path string, q ctmPageQuery) (*response, error) {
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	vals, err := query.Values(q)
	if err != nil {
		return nil, fmt.Errorf("multiaccount: %s: encode query: %w", op, err)
	}
	return c.do(ctx, &request{op: op, method: http.MethodGet, path: path, query: vals, repeatable: true})
}

func (v callTrackingMetrics) listSubAccounts(ctx context.Context, c *Client, o ListOptions) (*SubAccountPage, error) {
	const op = "SubAccounts.List"
	q, err := ctmPage(op, o.Cursor, o.PageSize)
	if err != nil {
		return nil, err
	}
	resp, err := v.get(ctx, c, op, "api/v1/accounts.json", q)
	if err != nil {
		return nil, err
	}
	var out struct {
		Accounts itemList[ctmAccount] `json:"accounts"`
		ctmPaging
	}
	items, err := decodeList(c, resp, "account", &out, &out.Accounts, true, checked(withResponse(resp, ctmAccount.normalize)))
	if err != nil {
		return nil, err
	}
	page := &SubAccountPage{Items: pointers(items), Total: -1, NextCursor: out.next(q.Page)}
	if out.TotalEntries != nil {
		page.Total = int(*out.TotalEntries)
	}
	return page, nil
}

func (v callTrackingMetrics) getSubAccount(ctx context.Context, c *Client, id string) (*SubAccount, error) {
	const op = "SubAccounts.Get"
	id, err := ctmID(op, "id", id)
	if err != nil {
		return nil, err
	}
	resp, err := v.get(ctx, c, op, "api/v1/accounts/"+id+".json", ctmPageQuery{})
	if err != nil {
		return nil, err
	}
	// The object may come bare or wrapped as {"account": {...}}
	// (unconfirmed): both are accepted.
	var wrapped struct {
		Account json.RawMessage `json:"account"`
	}
	raw := json.RawMessage(resp.body)
	if unmarshalJSON(resp.body, &wrapped) == nil && len(wrapped.Account) > 0 && wrapped.Account[0] == '{' {
		raw = wrapped.Account
	}
	var a ctmAccount
	if err := c.decode(op, &response{status: resp.status, body: raw}, &a); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, resp.malformed("no account id in the answer", nil)
	}
	sa := a.normalize(resp, raw)
	return &sa, nil
}

type ctmCall struct {
	ID             flexString      `json:"id"`
	AccountID      flexString      `json:"account_id"`
	UnixTime       json.RawMessage `json:"unix_time"`
	CalledAt       string          `json:"called_at"`
	Duration       flexFloat       `json:"duration"`
	CallerNumber   string          `json:"caller_number"`
	TrackingNumber string          `json:"tracking_number"`
}

// ctmCalledAtZoned and ctmCalledAtLocal are the formats tried for called_at, whose exact form
// is unconfirmed; unix_time is preferred when present. The vendor's
// documented sample is the zoneless "2006-01-02 03:04 PM", read in the
// account's zone; the others carry their own offset or are zoneless too.
var (
	ctmCalledAtZoned = []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 MST", "2006-01-02 03:04 PM -07:00"}
	ctmCalledAtLocal = []string{"2006-01-02 03:04 PM", "2006-01-02 15:04:05", "2006-01-02 15:04"}
)

// ctmParse tries layouts in loc (which a layout's own offset overrides).
func ctmParse(layouts []string, s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ctmRailsZones are the Rails-style zone names (the vendor is a Rails
// application) of the US and Canadian zones, by IANA location.
var ctmRailsZones = map[string]string{
	"Eastern Time (US & Canada)":  "America/New_York",
	"Central Time (US & Canada)":  "America/Chicago",
	"Mountain Time (US & Canada)": "America/Denver",
	"Pacific Time (US & Canada)":  "America/Los_Angeles",
	"Atlantic Time (Canada)":      "America/Halifax",
	"Newfoundland":                "America/St_Johns",
	"Arizona":                     "America/Phoenix",
	"Alaska":                      "America/Juneau",
	"Hawaii":                      "Pacific/Honolulu",
	"UTC":                         "UTC",
}

// ctmZone reads an account's timezone field: an IANA name or a Rails-style
// one. nil when it names no zone this system knows.
func ctmZone(name string) *time.Location {
	if name == "" {
		return nil
	}
	if iana, ok := ctmRailsZones[name]; ok {
		name = iana
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// accountZone fetches the account's time zone for called_at; UTC when the
// account names none the SDK knows.
func (v callTrackingMetrics) accountZone(ctx context.Context, c *Client, op, id string) (*time.Location, error) {
	resp, err := v.get(ctx, c, op, "api/v1/accounts/"+id+".json", ctmPageQuery{})
	if err != nil {
		return nil, err
	}
	var a struct {
		Timezone string `json:"timezone"`
		Account  *struct {
			Timezone string `json:"timezone"`
		} `json:"account"`
	}
	if err := c.decode(op, resp, &a); err != nil {
		return nil, err
	}
	if a.Timezone == "" && a.Account != nil {
		a.Timezone = a.Account.Timezone
	}
	if loc := ctmZone(a.Timezone); loc != nil {
		return loc, nil
	}
	return time.UTC, nil
}

func (v callTrackingMetrics) callsPage(ctx context.Context, c *Client, cq CallQuery, cursor string) ([]*CallRecord, string, error) {
	const op = "Records.Calls"
	id, err := ctmID(op, "AccountID", cq.AccountID)
	if err != nil {
		return nil, "", err
	}
	q, err := ctmPage(op, cursor, cq.PageSize)
	if err != nil {
		return nil, "", err
	}
	if !cq.Start.IsZero() {
		q.StartDate = cq.Start.UTC().Format(time.DateOnly)
	}
	if !cq.End.IsZero() {
		q.EndDate = cq.End.UTC().Format(time.DateOnly) // the vendor includes the end date
	}
	resp, err := v.get(ctx, c, op, "api/v1/accounts/"+id+"/calls.json", q)
	if err != nil {
		return nil, "", err
	}
	var out struct {
		Calls itemList[ctmCall] `json:"calls"`
		ctmPaging
	}
	loc := cq.Location // the account's zone, fetched once when a call needs it
	var zoneErr error  // that fetch's failure, which is no decoding failure
	recs, err := decodeList(c, resp, "call", &out, &out.Calls, true, func(call ctmCall, raw json.RawMessage) (*CallRecord, error) {
		rec := &CallRecord{ID: string(call.ID), AccountID: string(call.AccountID), From: call.CallerNumber, To: call.TrackingNumber,
			Start: unixOrRFC3339(call.UnixTime), Duration: time.Duration(float64(call.Duration) * float64(time.Second)),
			Raw: resp.redactRaw(raw, ctmRedact...)}
		if rec.AccountID == "" {
			rec.AccountID = id
		}
		if rec.Start.IsZero() {
			t, ok := ctmParse(ctmCalledAtZoned, call.CalledAt, time.UTC)
			if !ok && call.CalledAt != "" {
				if loc == nil {
					if loc, zoneErr = v.accountZone(ctx, c, op, id); zoneErr != nil {
						return nil, zoneErr
					}
				}
				t, ok = ctmParse(ctmCalledAtLocal, call.CalledAt, loc)
			}
			rec.Start = t
			if !ok {
				return nil, fmt.Errorf("id %q: neither unix_time nor a called_at in a known format", excerpt(rec.ID))
			}
		}
		return rec, nil
	})
	if zoneErr != nil {
		return nil, "", zoneErr
	}
	if err != nil {
		return nil, "", err
	}
	return recs, out.next(q.Page), nil
}

// ctmCreateFields are the SubAccountCreate fields CallTrackingMetrics
// sends; the others are refused when set.
var ctmCreateFields = []string{"Name", "TimeZone"}

// ctmBillingType is the only billing_type the vendor documents for a new
// account: billed through the agency's existing billing.
const ctmBillingType = "existing"

func (v callTrackingMetrics) createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error) {
	const op = "SubAccounts.Create"
	if err := requiredText(op, "Name", in.Name, "(the account name)", 255); err != nil {
		return nil, err
	}
	if err := checkZone(op, "TimeZone", in.TimeZone); err != nil {
		return nil, err
	}
	if err := unusedCreateFields(op, v.name(), in, ctmCreateFields); err != nil {
		return nil, err
	}
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	body := map[string]any{
		"account":      map[string]any{"name": in.Name, "timezone_hint": in.TimeZone},
		"billing_type": ctmBillingType,
	}
	// Not repeatable: a new account each time. A session token travels as
	// the auth_token query parameter here too (the vendor reads it from the
	// query or the body).
	r, err := newJSONRequest(op, http.MethodPost, "api/v1/accounts", body)
	if err != nil {
		return nil, err
	}
	var out struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, resp.malformed("no account id in the answer", nil)
	}
	name := out.Name
	if name == "" {
		name = in.Name
	}
	return &SubAccount{ID: string(out.ID), Name: name, Raw: resp.redactRaw(resp.body, ctmRedact...)}, nil
}
