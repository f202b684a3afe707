package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// SerwerSMS is SerwerSMS.pl's HTTPS API v2 sub-account actions
// (https://api2.serwersms.pl/). Authenticate with Bearer(token), which the
// vendor recommends, or KeyPair(username, password), which travels as the
// username and password body fields.
//
// Offered: SubAccounts.List and All (index; the vendor does not page),
// Get (view), Create (add), SetLimit (limit) and Delete (delete). Retries:
// index and view are reads and retried on transient faults (the vendor's
// 1010 "temporarily unavailable" included) although they are POSTs; add is
// never sent twice; limit sets an absolute value, so repeating it is safe
// and it is retried like a read; delete is sent once, because a retry after
// a lost answer would report the deleted sub-account as not found (1004).
// The vendor publishes no rate limit for these actions.
//
// Create: the vendor may answer {"success":true} without the new id. The
// returned SubAccount then has an empty ID and the fields the caller sent
// (Username, Name, Phone, Email); find the id with SubAccounts.List, whose
// items carry each sub-account's id and username, and match the Username.
//
// A failure arrives as an "error" object, usually under HTTP 200; errors.Is
// maps its code: 1001, 1011 (token expired) and 1012 (token invalid) to
// ErrUnauthorized; 1002, 1003, 1005, 1007, 1008, 1009, 4500 and 4501 to
// ErrForbidden; 1004 to ErrNotFound; 4502 (login taken) to ErrConflict;
// 1006, 2000, 4503 and 4504 to ErrInvalidInput. {"success":false} without
// an error object (limit or delete of an unknown id) is an *APIError
// matching ErrNotFound.
func SerwerSMS() Provider { return Provider{v: serwerSMS{notOffered{"SerwerSMS"}}} }

type serwerSMS struct{ notOffered }

func (serwerSMS) defaultBaseURL() string { return "https://api2.serwersms.pl/" }

func (s serwerSMS) bindAuth(_ *Client, a Authenticator) (Authenticator, error) {
	if _, err := acceptAuth(s.name(), a, kindBearer, kindKeyPair); err != nil {
		return nil, err
	}
	return a, nil
}

// serwerSMSError is the vendor's failure object.
type serwerSMSError struct {
	Error *struct {
		Code    flexString `json:"code"`
		Type    string     `json:"type"`
		Message string     `json:"message"`
	} `json:"error"`
	Success *bool `json:"success"`
}

// serwerSMSKinds maps the vendor's codes (its general-communications page
// and its official Java client's table) to sentinels. 1000 (unknown action:
// a wrong base URL or a vendor change, nothing the caller's input decides)
// and 1010 (temporarily unavailable, retried where the action allows) match
// none.
var serwerSMSKinds = map[string]error{
	"1001": ErrUnauthorized, "1011": ErrUnauthorized, "1012": ErrUnauthorized,
	"1002": ErrForbidden, "1003": ErrForbidden, "1005": ErrForbidden, "1007": ErrForbidden, "1008": ErrForbidden,
	"1009": ErrForbidden, "4500": ErrForbidden, "4501": ErrForbidden,
	"1004": ErrNotFound,
	"4502": ErrConflict,
	"1006": ErrInvalidInput, "2000": ErrInvalidInput, "4503": ErrInvalidInput, "4504": ErrInvalidInput,
}

// serwerSMSHints say what a caller can do about a code, where the vendor's
// own message does not.
var serwerSMSHints = map[string]string{
	"1003": "this IP address is not allowed for the API user",
	"1009": "this IP address is blocked",
	"1010": "the vendor is temporarily unavailable; try again later",
	"1011": "the API token has expired",
	"1012": "the API token is invalid",
	"4500": "the API user has no permission to the users section",
	"4501": "a sub-account cannot create sub-accounts",
	"4502": "the sub-account login is taken",
	"4503": "no permission template: define a template sub-account in the Customer Panel and pass its id as TemplateID",
	"4504": "invalid login or password for the new sub-account",
}

var serwerSMSErrorMembers = errorMembersOf[serwerSMSError]()

func (serwerSMS) errorMembers() []string { return serwerSMSErrorMembers }

func (serwerSMS) parseError(status int, body []byte) *APIError {
	var env serwerSMSError
	if unmarshalJSON(body, &env) != nil {
		return nil
	}
	switch {
	case env.Error != nil:
		code := string(env.Error.Code)
		msg := env.Error.Message
		if env.Error.Type != "" {
			msg = env.Error.Type + ": " + msg
		}
		if hint, ok := serwerSMSHints[code]; ok {
			msg = hint + " (" + msg + ")"
		}
		return &APIError{StatusCode: status, Code: code, Message: msg, kind: serwerSMSKinds[code]}
	case env.Success != nil && !*env.Success:
		// The vendor's official clients' tests get this for limit and
		// delete of an unknown id.
		return &APIError{StatusCode: status, Message: "the vendor answered success false without an error object (no sub-account with that id?)", kind: ErrNotFound}
	}
	return nil
}

// serwerSMSUnavailable reports the vendor's 1010 (temporarily unavailable),
// which it answers under HTTP 200: transient, so retried where the action
// may be sent again.
func serwerSMSUnavailable(st *callState, status int, body []byte) bool {
	if !bytes.Contains(body, []byte("1010")) {
		return false // most answers are successes: skip reading them twice
	}
	// A page's ids may hold 1010: its failure tells, read once for this
	// and the response check.
	e := st.vendorError(status, body)
	return e != nil && e.Code == "1010"
}

// repeatable marks r as safe to send again (reads, and absolute settings):
// retried on transient faults, the vendor's 1010 included. Never for add: a
// 1010 does not prove the sub-account was not created, and the vendor
// documents no way to make a repeat safe.
func (serwerSMS) repeatable(r *request) {
	r.repeatable, r.retryOn = true, serwerSMSUnavailable
}

// request builds a POST to <base><action>.json with fields as the JSON
// body. JSON rather than a form, although the vendor takes both: ids and
// limits keep their integer types and every action has one encoder. With
// KeyPair the credentials go in the body, as the vendor requires.
func (s serwerSMS) request(c *Client, op, action string, fields map[string]any) (*request, error) {
	if err := c.requireAuth(op); err != nil {
		return nil, err
	}
	noAuth := false
	if cr := credentialOf(c.auth); kindOf(cr) == kindKeyPair {
		user, pass := cr.fieldValues()
		fields["username"], fields["password"] = user.Reveal(), pass.Reveal()
		noAuth = true
	}
	r, err := newJSONRequest(op, http.MethodPost, "subaccounts/"+action+".json", fields)
	if err != nil {
		return nil, err
	}
	r.noAuth = noAuth
	return r, nil
}

// bodyAuth adds a KeyPair's username and password fields to a Do
// request's body, as request does for the services: the vendor reads no
// HTTP Basic. The body must be a JSON object or a form (or none, which
// becomes a JSON object); one that already sets either field is refused
// rather than overwritten.
func (serwerSMS) bodyAuth(c *Client, r *request) error {
	cr := credentialOf(c.auth)
	if kindOf(cr) != kindKeyPair {
		return nil
	}
	user, pass := cr.fieldValues()
	const why = "SerwerSMS takes a KeyPair only as the username and password body fields"
	if r.method == http.MethodGet || r.method == http.MethodHead {
		return invalid(r.op, "method", why+", which a "+r.method+" cannot carry: use POST")
	}
	switch r.ctype {
	case "":
		r.ctype = "application/json"
		r.body = []byte("{}")
		fallthrough
	case "application/json":
		var fields map[string]json.RawMessage
		if err := unmarshalJSON(r.body, &fields); err != nil || fields == nil {
			return invalid(r.op, "body", why+": it must be a JSON object")
		}
		if _, ok := fields["username"]; ok {
			return invalid(r.op, "body", why+": it must not set username")
		}
		if _, ok := fields["password"]; ok {
			return invalid(r.op, "body", why+": it must not set password")
		}
		fields["username"], _ = marshalJSON(user.Reveal())
		fields["password"], _ = marshalJSON(pass.Reveal())
		b, err := marshalJSON(fields)
		if err != nil {
			return invalid(r.op, "body", why+": "+err.Error())
		}
		r.body = b
	default: // a form
		v, err := url.ParseQuery(string(r.body))
		if err != nil {
			return invalid(r.op, "body", why+": the form does not parse")
		}
		if v.Has("username") || v.Has("password") {
			return invalid(r.op, "body", why+": it must not set username or password")
		}
		v.Set("username", user.Reveal())
		v.Set("password", pass.Reveal())
		r.body = []byte(v.Encode())
	}
	r.noAuth = true
	return nil
}

// serwerSMSID parses a sub-account id: the vendor's ids are positive
// integers.
func serwerSMSID(op, field, id string) (json.Number, error) {
	n, err := strconv.ParseUint(id, 10, 63)
	if err != nil || n == 0 {
		return "", invalid(op, field, "must be a positive integer (SerwerSMS ids are numbers)")
	}
	return json.Number(strconv.FormatUint(n, 10)), nil
}

// serwerSMSRedact are the credential fields blanked in Raw.
var serwerSMSRedact = []string{"password", "subaccount_password"}

type serwerSMSSubAccount struct {
	ID       flexString `json:"id"`
	Username string     `json:"username"`
	Name     string     `json:"name"`
	Phone    string     `json:"phone"`
	Email    string     `json:"email"`
}

// normalize returns a value: a page's sub-accounts share one allocation.
func (s serwerSMSSubAccount) normalize(resp *response, raw json.RawMessage) SubAccount {
	return SubAccount{ID: string(s.ID), Username: s.Username, Name: s.Name, Phone: s.Phone, Email: s.Email,
		Raw: resp.redactRaw(raw, serwerSMSRedact...)}
}

func (s serwerSMS) listSubAccounts(ctx context.Context, c *Client, _ ListOptions) (*SubAccountPage, error) {
	const op = "SubAccounts.List"
	r, err := s.request(c, op, "index", map[string]any{})
	if err != nil {
		return nil, err
	}
	s.repeatable(r)
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var out struct {
		Items itemList[serwerSMSSubAccount] `json:"items"`
	}
	items, err := decodeList(c, resp, "item", &out, &out.Items, true, checked(withResponse(resp, serwerSMSSubAccount.normalize)))
	if err != nil {
		return nil, err
	}
	return &SubAccountPage{Items: pointers(items), Total: len(items)}, nil
}

func (s serwerSMS) getSubAccount(ctx context.Context, c *Client, id string) (*SubAccount, error) {
	const op = "SubAccounts.Get"
	n, err := serwerSMSID(op, "id", id)
	if err != nil {
		return nil, err
	}
	r, err := s.request(c, op, "view", map[string]any{"id": n})
	if err != nil {
		return nil, err
	}
	s.repeatable(r)
	var sa serwerSMSSubAccount
	resp, err := c.call(ctx, r, &sa)
	if err != nil {
		return nil, err
	}
	if sa.ID == "" {
		return nil, resp.malformed("no id in the answer", nil)
	}
	out := sa.normalize(resp, resp.body)
	return &out, nil
}

// serwerSMSUsername is the vendor's rule for sub-account logins.
var serwerSMSUsername = regexp.MustCompile(`^[a-zA-Z0-9_@.]{3,20}$`)

// serwerSMSCreateFields are the SubAccountCreate fields SerwerSMS sends; the others are
// refused when set.
var serwerSMSCreateFields = []string{"Name", "Username", "Email", "Phone", "Password", "TemplateID"}

func (s serwerSMS) createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error) {
	const op = "SubAccounts.Create"
	if !serwerSMSUsername.MatchString(in.Username) {
		return nil, invalid(op, "Username", "must be 3 to 20 of a-z, A-Z, 0-9, _, @ and .")
	}
	if n := utf8.RuneCountInString(in.Password.Reveal()); n < 3 || n > 20 {
		return nil, invalid(op, "Password", "must be 3 to 20 characters")
	}
	if err := checkText(op, "Password", in.Password.Reveal(), 20); err != nil {
		return nil, err
	}
	tmpl, err := serwerSMSID(op, "TemplateID", in.TemplateID)
	if err != nil {
		return nil, err
	}
	fields := map[string]any{
		"subaccount_username": in.Username, "subaccount_password": in.Password.Reveal(), "subaccount_id": tmpl,
	}
	if in.Name != "" {
		if err := checkText(op, "Name", in.Name, 100); err != nil {
			return nil, err
		}
		fields["name"] = in.Name
	}
	if in.Phone != "" {
		if err := checkText(op, "Phone", in.Phone, 20); err != nil {
			return nil, err
		}
		fields["phone"] = in.Phone
	}
	if in.Email != "" {
		if err := checkEmail(op, "Email", in.Email); err != nil {
			return nil, err
		}
		fields["email"] = in.Email
	}
	if err := unusedCreateFields(op, s.name(), in, serwerSMSCreateFields); err != nil {
		return nil, err
	}
	r, err := s.request(c, op, "add", fields)
	if err != nil {
		return nil, err
	}
	r.secrets = []string{in.Password.Reveal()}
	var out struct {
		Success *bool      `json:"success"`
		ID      flexString `json:"id"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	// {"success":true} without an id is a created sub-account (what the
	// vendor's official Java client documents): never a failure, which
	// would lead the caller to send add again and meet 4502.
	if out.ID == "" && (out.Success == nil || !*out.Success) {
		return nil, resp.malformed("neither success true nor an id in the answer", nil)
	}
	return &SubAccount{ID: string(out.ID), Username: in.Username, Name: in.Name, Phone: in.Phone, Email: in.Email,
		Raw: resp.redactRaw(resp.body, serwerSMSRedact...)}, nil
}

// serwerSMSLimitTypes are the message types a limit applies to.
var serwerSMSLimitTypes = map[string]bool{"eco": true, "full": true, "voice": true, "mms": true, "hlr": true}

func (s serwerSMS) setLimit(ctx context.Context, c *Client, id string, l MessageLimit) error {
	const op = "SubAccounts.SetLimit"
	n, err := serwerSMSID(op, "id", id)
	if err != nil {
		return err
	}
	if !serwerSMSLimitTypes[l.Type] {
		return invalid(op, "Type", "must be one of eco, full, voice, mms, hlr")
	}
	if l.Value < 0 {
		return invalid(op, "Value", "is negative")
	}
	r, err := s.request(c, op, "limit", map[string]any{"id": n, "type": l.Type, "value": l.Value})
	if err != nil {
		return err
	}
	s.repeatable(r) // an absolute value: sending it twice sets it once
	_, err = c.do(ctx, r)
	return err
}

func (s serwerSMS) deleteSubAccount(ctx context.Context, c *Client, id string) error {
	const op = "SubAccounts.Delete"
	n, err := serwerSMSID(op, "id", id)
	if err != nil {
		return err
	}
	r, err := s.request(c, op, "delete", map[string]any{"id": n})
	if err != nil {
		return err
	}
	_, err = c.do(ctx, r)
	return err
}
