package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// VoiceTel is VoiceTel's API (https://api.voicetel.com). VoiceTel() speaks
// the Account API v2.1 (VoiceTelV21), so existing code keeps working;
// VoiceTel(InVersion(VoiceTelV22)) speaks the current v2.2, which new code
// should choose: it is the version VoiceTel documents and maintains, and
// it adds Agency.UpdateSettings, Records.Credits and Records.Payments.
// Authenticate with Bearer(apiKey); Keys.Exchange, Agency.Signup and
// Agency.Recover need no key.
//
// v2.1: every operation is a POST to /v2.1/account/<action>/. The vendor
// allows 6 requests per hour per IP address on each of apikey/
// (Keys.Exchange), cdr/ (Records.Calls), info/ (Agency.Account) and mrc/
// (Records.RecurringCharges).
//
// v2.2: REST paths under /v2.2/account. The document allows 6 requests per
// hour per IP address on each of POST /v2.2/account/api-key (Keys.Exchange),
// GET /v2.2/account/cdr (Records.Calls), GET /v2.2/account (Agency.Account)
// and GET /v2.2/account/recurring-charges (Records.RecurringCharges), the
// four operations whose descriptions state the limit and that document a
// 429. The SDK applies no window to the other operations, as the document
// gives them no limit and no 429: among them PUT /v2.2/account
// (Agency.UpdateSettings) and POST /v2.2/account (SubAccounts.Create),
// which share the path of the limited GET, since the document states the
// limit on the GET operation only; counting them would spend Agency.Account's
// six hourly calls on writes. Should the vendor answer one of them with 429
// anyway, that is handled as any server 429 (a *RateLimitError, retried
// only within RetryPolicy.MaxRetryAfter, as the vendor did not act on it),
// and it holds back no later call.
//
// Records.Calls: neither version pages; the answer holds every record in
// the range, so CallsPage returns one page without a NextCursor. v2.2's
// document describes its range newest first (start is the later bound, by
// default now; end the earlier, by default 24 hours ago) and says the
// records' key [account, start] lets a caller page by time: to split a
// long range, ask for shorter Start–End windows, each record's Start
// showing where one ended.
//
// Each limited operation has its own window, enforced exactly and shared
// by every Client in the process that talks to the same host: see
// WithRateLimitWait.
//
// Offered (both versions): SubAccounts.Create (administrator key),
// Keys.Exchange, Records.Calls, Records.RecurringCharges, Agency.Account,
// Agency.SIPRegistration, Agency.Signup, Agency.Recover. v2.2 only:
// Agency.UpdateSettings, Records.Credits, Records.Payments (v2.1 answers
// ErrUnsupported).
func VoiceTel(opts ...ProviderOption) Provider {
	pc, err := applyProviderOptions(providerConfig{vendor: "VoiceTel", versions: []APIVersion{VoiceTelV21, VoiceTelV22}}, opts)
	if err != nil {
		return Provider{v: voiceTel{notOffered: notOffered{"VoiceTel"}}, err: err}
	}
	return Provider{v: voiceTel{notOffered: notOffered{"VoiceTel"}, version: pc.chosenVersion()}}
}

type voiceTel struct {
	notOffered
	version APIVersion
}

// voiceTelHourly is the vendor's limit on its limited operations.
var voiceTelHourly = windowLimit{n: 6, per: time.Hour}

// voiceTelLimited are the v2.1 actions under voiceTelHourly.
var voiceTelLimited = map[string]bool{"apikey": true, "cdr": true, "info": true, "mrc": true}

// voiceTel22Limited are the v2.2 operations (method and path) under
// voiceTelHourly, as the v2.2 document states them.
var voiceTel22Limited = map[string]bool{
	"GET v2.2/account":                   true,
	"GET v2.2/account/cdr":               true,
	"GET v2.2/account/recurring-charges": true,
	"POST v2.2/account/api-key":          true,
}

// limitFor returns the hourly window of a limited operation of either
// version, whichever way the request was built (a Client of one version
// may reach the other's paths through NewRequest).
func (voiceTel) limitFor(method, path string) windowLimit {
	path = strings.Trim(path, "/")
	if voiceTel22Limited[strings.ToUpper(method)+" "+path] {
		return voiceTelHourly
	}
	seg := strings.Split(path, "/")
	if len(seg) == 3 && seg[0] != "v2.2" && seg[1] == "account" && voiceTelLimited[seg[2]] {
		return voiceTelHourly
	}
	return windowLimit{}
}

// limitedOps are the provider's version's limited operations, as request
// builds them.
func (v voiceTel) limitedOps() []endpoint {
	var out []endpoint
	if v.version == VoiceTelV22 {
		for op := range voiceTel22Limited {
			method, path, _ := strings.Cut(op, " ")
			out = append(out, endpoint{method, path})
		}
		return out
	}
	for a := range voiceTelLimited {
		out = append(out, endpoint{http.MethodPost, "v2.1/account/" + a + "/"})
	}
	return out
}

func (voiceTel) defaultBaseURL() string { return "https://api.voicetel.com" }

func (v voiceTel) bindAuth(_ *Client, a Authenticator) (Authenticator, error) {
	if _, err := acceptAuth(v.name(), a, kindBearer); err != nil {
		return nil, err
	}
	return a, nil
}

// voiceTelEnvelope is the status part of every answer. v2.1 puts
// statusCode (a string: "200", "400"), message and requirement at the top;
// v2.2 answers {"status":"error","error":{"code":<int>,"message",
// "requirement"?}}.
type voiceTelEnvelope struct {
	StatusCode  flexString `json:"statusCode"`
	Status      string     `json:"status"`
	Message     string     `json:"message"`
	Requirement string     `json:"requirement"`
	Error       *struct {
		Code        flexString `json:"code"`
		Message     string     `json:"message"`
		Requirement string     `json:"requirement"`
	} `json:"error"`
}

var voiceTelErrorMembers = errorMembersOf[voiceTelEnvelope]()

func (voiceTel) errorMembers() []string { return voiceTelErrorMembers }

func (voiceTel) parseError(status int, body []byte) *APIError {
	var env voiceTelEnvelope
	if unmarshalJSON(body, &env) != nil {
		return nil
	}
	if e := env.Error; e != nil {
		env.StatusCode, env.Message, env.Requirement = e.Code, e.Message, e.Requirement
	}
	code, _ := strconv.Atoi(string(env.StatusCode))
	failed := status >= 400 || code >= 400 || strings.EqualFold(env.Status, "error")
	if !failed {
		return nil
	}
	msg := env.Message
	if env.Requirement != "" {
		msg += ": " + env.Requirement
	}
	e := &APIError{StatusCode: status, Code: string(env.StatusCode), Message: msg}
	if status < 400 && code >= 400 {
		// A failure inside an HTTP 200 body: its own code decides.
		e.kind = kindForStatus(code)
		if code == http.StatusTooManyRequests {
			e.StatusCode = code
		}
	}
	return e
}

// voiceTelRequest builds a POST to /v2.1/account/<op>/ with fields as the
// JSON body. For keyed operations the Bearer key also goes in the body as
// "apikey": v2.1's schema requires it there, and the vendor lets the header
// win when both are present.
//
// For v2.2 the action names the operation's method and path instead
// (voiceTel22Ops), fields go in the query of a GET, and the key goes only
// in the header, the one place v2.2 takes it.
func (v voiceTel) request(c *Client, op, action string, keyed bool, fields map[string]any) (*request, error) {
	if keyed {
		if err := c.requireAuth(op); err != nil {
			return nil, err
		}
	}
	if v.version == VoiceTelV22 {
		return v.request22(op, action, keyed, fields)
	}
	if fields == nil {
		fields = map[string]any{}
	}
	if keyed {
		if cr := credentialOf(c.auth); kindOf(cr) == kindBearer {
			key, _ := cr.fieldValues()
			fields["apikey"] = key.Reveal()
		}
	}
	r, err := newJSONRequest(op, http.MethodPost, "v2.1/account/"+action+"/", fields)
	if err != nil {
		return nil, err
	}
	r.noAuth = !keyed
	return r, nil
}

// voiceTelRedact are the credential fields blanked in Raw.
var voiceTelRedact = []string{"password", "apikey"}

// voiceTelCreateFields are the SubAccountCreate fields VoiceTel sends; the others are
// refused when set.
var voiceTelCreateFields = []string{"Name", "Username", "Email", "MasterAccount"}

func (v voiceTel) createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error) {
	const op = "SubAccounts.Create"
	if err := requiredText(op, "Name", in.Name, "", 200); err != nil {
		return nil, err
	}
	if !digits(in.Username, 10) {
		return nil, invalid(op, "Username", "must be exactly 10 digits")
	}
	if err := checkEmail(op, "Email", in.Email); err != nil {
		return nil, err
	}
	if in.MasterAccount != "" && !digits(in.MasterAccount, 10) {
		return nil, invalid(op, "MasterAccount", "must be exactly 10 digits")
	}
	if err := unusedCreateFields(op, "VoiceTel", in, voiceTelCreateFields); err != nil {
		return nil, err
	}
	// v2.1 takes the usernames as integers, v2.2 as strings of digits.
	number := func(s string) any { return json.Number(s) }
	if v.version == VoiceTelV22 {
		number = func(s string) any { return s }
	}
	fields := map[string]any{"name": in.Name, "username": number(in.Username), "email": in.Email}
	if in.MasterAccount != "" {
		fields["masterAccount"] = number(in.MasterAccount)
	}
	r, err := v.request(c, op, "add", true, fields)
	if err != nil {
		return nil, err
	}
	a, raw, err := v.newAccount(ctx, c, r)
	if err != nil {
		return nil, err
	}
	return &SubAccount{
		ID: string(a.Username), Username: string(a.Username), Name: a.Name, Email: a.Email,
		Password: Secret(a.Password), Raw: raw,
	}, nil
}

// voiceTelNewAccount is the generated account that add/ and signup/ answer.
type voiceTelNewAccount struct {
	Name     string     `json:"name"`
	Username flexString `json:"username"`
	Password string     `json:"password"`
	Email    string     `json:"email"`
}

// newAccount sends an add/ or signup/ request and reads the account in the
// answer, with its Raw form redacted.
func (v voiceTel) newAccount(ctx context.Context, c *Client, r *request) (*voiceTelNewAccount, json.RawMessage, error) {
	resp, obj, err := v.payload(ctx, c, r, "account")
	if err != nil {
		return nil, nil, err
	}
	var a voiceTelNewAccount
	if len(obj) == 0 || unmarshalJSON(obj, &a) != nil || a.Username == "" {
		return nil, nil, resp.malformed("no account in the answer", nil)
	}
	return &a, resp.redactRawCarrying(obj, []string{a.Password}, voiceTelRedact...), nil
}

// voiceTelAnswer holds the parts of an answer payload returns, matched by
// exact name (as keys of a map would be; the decoder otherwise folds case).
type voiceTelAnswer struct {
	//lint:ignore SA5008 case:strict is go-json-experiment/json's option (decode.go), which staticcheck does not know
	Account json.RawMessage `json:"account,case:strict"`
	//lint:ignore SA5008 as above
	Data json.RawMessage `json:"data,case:strict"`
}

// payload sends r and returns the answer's object: v2.1's field
// ("account", the one v2.1 answers carry; any other reads as absent), or
// v2.2's "data", whose absence is a *DecodeError.
func (v voiceTel) payload(ctx context.Context, c *Client, r *request, field string) (*response, json.RawMessage, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	return v.payloadOf(c, resp, field)
}

// payloadOf is payload for an answer already received.
func (v voiceTel) payloadOf(c *Client, resp *response, field string) (*response, json.RawMessage, error) {
	var out voiceTelAnswer
	if err := c.decode(resp.op, resp, &out); err != nil {
		return nil, nil, err
	}
	if v.version != VoiceTelV22 {
		if field != "account" {
			return resp, nil, nil
		}
		return resp, out.Account, nil
	}
	data := out.Data
	if len(data) == 0 || data[0] != '{' {
		return nil, nil, resp.malformed("no data object in the answer", nil)
	}
	return resp, data, nil
}

func (v voiceTel) exchangeKey(ctx context.Context, c *Client, username, password string) (*APIKey, error) {
	const op = "Keys.Exchange"
	if !digits(username, 10) {
		return nil, invalid(op, "username", "must be exactly 10 digits")
	}
	if err := requiredText(op, "password", password, "", 200); err != nil {
		return nil, err
	}
	var user any = json.Number(username) // v2.1: an integer; v2.2: a string
	if v.version == VoiceTelV22 {
		user = username
	}
	r, err := v.request(c, op, "apikey", false, map[string]any{"username": user, "password": password})
	if err != nil {
		return nil, err
	}
	r.secrets = []string{password}
	if v.version != VoiceTelV22 {
		return c.callKey(ctx, r, "apikey", "", voiceTelRedact...)
	}
	resp, data, err := v.payload(ctx, c, r, "")
	if err != nil {
		return nil, err
	}
	var k struct {
		APIKey string `json:"apikey"`
	}
	if unmarshalJSON(data, &k) != nil || k.APIKey == "" {
		return nil, resp.malformed("no apikey in the answer", nil)
	}
	return &APIKey{Key: Secret(k.APIKey), Raw: resp.redactRawCarrying(data, []string{k.APIKey}, voiceTelRedact...)}, nil
}

// voiceTelCDR is one call detail record. The v2.1 document leaves the item
// untyped; this follows the vendor's v2.2 schema ({id, key:[account
// username, start Unix seconds], value:{cid, dst, dur, …}}) and also accepts
// the value's fields flat, as no public source settles v2.1's shape
// (unconfirmed). The start and the account come from key, the one place the
// vendor documents them (v2.2 and its legacy CDR page).
type voiceTelCDR struct {
	ID    flexString      `json:"id"`
	Key   json.RawMessage `json:"key"`
	Value *voiceTelCDR    `json:"value"`
	CID   flexString      `json:"cid"`
	Dst   flexString      `json:"dst"`
	Dur   flexFloat       `json:"dur"`
}

// voiceTelCDRKey reads a record's key, [accountUsername, startUnixSeconds].
// The vendor sends both as strings; numbers are accepted too.
func voiceTelCDRKey(raw json.RawMessage) (account string, start time.Time, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", time.Time{}, errors.New("no key (want [account username, start Unix seconds])")
	}
	// raw is decoded JSON: its elements are found by a scan, and read as
	// a []flexString's would be (one decode per record cost a fifth of
	// the record).
	parts := splitArray(raw)
	var key [2]flexString
	if len(parts) != 2 || key[0].UnmarshalJSON(parts[0]) != nil || key[1].UnmarshalJSON(parts[1]) != nil {
		return "", time.Time{}, errors.New("key is not a pair [account username, start Unix seconds]")
	}
	if key[0] == "" {
		return "", time.Time{}, errors.New("key[0], the account username, is empty")
	}
	secs, perr := strconv.ParseInt(string(key[1]), 10, 64)
	if perr != nil || secs <= 0 {
		return "", time.Time{}, errors.New("key[1] is not a start in Unix seconds")
	}
	return string(key[0]), time.Unix(secs, 0).UTC(), nil
}

func (v voiceTel) callsPage(ctx context.Context, c *Client, q CallQuery, cursor string) ([]*CallRecord, string, error) {
	const op = "Records.Calls"
	if q.AccountID != "" {
		return nil, "", invalid(op, "AccountID", "VoiceTel lists the key's own account; leave it empty")
	}
	if cursor != "" { // never handed out: the one page holds every record
		return nil, "", invalid(op, "Cursor", "VoiceTel returns every record in one page; leave it empty")
	}
	// v2.1 documents the defaults backwards (start = now, end = 24 h ago);
	// the SDK sends start as the earlier bound. v2.2 documents a
	// descending range throughout (start defaults to now and is newer than
	// end, which defaults to 24 h ago): there start is the later bound.
	early, late := "start", "end"
	if v.version == VoiceTelV22 {
		early, late = "end", "start"
	}
	fields := map[string]any{}
	if !q.Start.IsZero() {
		fields[early] = q.Start.Unix()
	}
	if !q.End.IsZero() {
		fields[late] = q.End.Unix()
	}
	r, err := v.request(c, op, "cdr", true, fields)
	if err != nil {
		return nil, "", err
	}
	r.repeatable = true
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, "", err
	}
	// Values: a page's records share one allocation (pointers).
	norm := func(cdr voiceTelCDR, raw json.RawMessage) (CallRecord, error) {
		f := cdr
		if cdr.Value != nil {
			f = *cdr.Value
		}
		account, start, err := voiceTelCDRKey(cdr.Key)
		if err != nil {
			return CallRecord{}, fmt.Errorf("id %q: %w", excerpt(string(cdr.ID)), err)
		}
		return CallRecord{
			ID: string(cdr.ID), AccountID: account, From: string(f.CID), To: string(f.Dst), Start: start,
			Duration: time.Duration(float64(f.Dur) * float64(time.Second)),
			Raw:      resp.redactRaw(raw, voiceTelRedact...),
		}, nil
	}
	// One pass where the answer is as documented: v2.1 has the list at
	// the top (absent: no records), v2.2 in its data object (else the
	// answer is read by stages below, which say what is missing).
	var v21 struct {
		CDR itemList[voiceTelCDR] `json:"cdr"`
	}
	var v22 struct {
		Data struct {
			CDR itemList[voiceTelCDR] `json:"cdr"`
		} `json:"data"`
	}
	env, list := any(&v21), &v21.CDR
	if v.version == VoiceTelV22 {
		env, list = &v22, &v22.Data.CDR
	}
	if recs, err, ok := decodePageOnce(resp, "record", env, list, v.version != VoiceTelV22, norm); ok {
		if err != nil {
			return nil, "", err
		}
		return pointers(recs), "", nil
	}
	_, obj, err := v.payloadOf(c, resp, "")
	if err != nil {
		return nil, "", err
	}
	var out struct {
		CDR json.RawMessage `json:"cdr"`
	}
	if v.version != VoiceTelV22 {
		obj = resp.body
	}
	if err := unmarshalJSON(obj, &out); err != nil {
		return nil, "", resp.malformed("cdr is not a list of records", err)
	}
	recs, err := decodeListChecked(resp, "record", orNull(out.CDR), norm)
	if err != nil {
		return nil, "", err
	}
	return pointers(recs), "", nil
}

func (v voiceTel) account(ctx context.Context, c *Client) (*Account, error) {
	const op = "Agency.Account"
	r, err := v.request(c, op, "info", true, nil)
	if err != nil {
		return nil, err
	}
	r.repeatable = true
	resp, obj, err := v.payload(ctx, c, r, "account")
	if err != nil {
		return nil, err
	}
	if v.version != VoiceTelV22 {
		// v2.1: an array of one.
		var list []json.RawMessage
		if len(obj) == 0 {
			return nil, resp.malformed("the account array is empty", nil)
		}
		if err := unmarshalJSON(obj, &list); err != nil {
			return nil, resp.malformed("account is not an array", err)
		}
		if len(list) == 0 {
			return nil, resp.malformed("the account array is empty", nil)
		}
		obj = list[0]
	}
	var a struct {
		Name     string     `json:"name"`
		Username flexString `json:"username"`
		Email    string     `json:"email"`
		Enabled  bool       `json:"enabled"`
		Created  string     `json:"created"`
		Cash     *flexFloat `json:"cash"`
	}
	if err := unmarshalJSON(obj, &a); err != nil {
		return nil, resp.malformed("account record", err)
	}
	acct := &Account{Name: a.Name, Username: string(a.Username), Email: a.Email, Enabled: a.Enabled,
		Raw: resp.redactRaw(obj, voiceTelRedact...)}
	if a.Cash != nil {
		b := float64(*a.Cash)
		acct.Balance = &b
	}
	if t, err := time.Parse(time.RFC3339, a.Created); err == nil {
		acct.Created = t
	}
	return acct, nil
}

func (v voiceTel) recurringCharges(ctx context.Context, c *Client) (*Charges, error) {
	const op = "Records.RecurringCharges"
	r, err := v.request(c, op, "mrc", true, nil)
	if err != nil {
		return nil, err
	}
	r.repeatable = true
	if v.version == VoiceTelV22 {
		return v.recurringCharges22(ctx, c, r)
	}
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	// mrc is a mixed array: {"<service>": sum} per service, {"did": sum},
	// and {"total": n}.
	var out struct {
		MRC []map[string]flexFloat `json:"mrc"`
	}
	if err := c.decode(op, resp, &out); err != nil {
		return nil, err
	}
	ch := &Charges{Items: []Charge{}}
	haveTotal := false
	var sum float64
	for _, entry := range out.MRC {
		keys := make([]string, 0, len(entry))
		for k := range entry {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			amount := float64(entry[k])
			if k == "total" {
				ch.Total, haveTotal = amount, true
				continue
			}
			ch.Items = append(ch.Items, Charge{Description: k, Amount: amount})
			sum += amount
		}
	}
	if !haveTotal {
		ch.Total = sum
	}
	return ch, nil
}

func (v voiceTel) sipRegistration(ctx context.Context, c *Client) (*SIPRegistration, error) {
	const op = "Agency.SIPRegistration"
	r, err := v.request(c, op, "registration", true, nil)
	if err != nil {
		return nil, err
	}
	r.repeatable = true
	resp, obj, err := v.payload(ctx, c, r, "account")
	if err != nil {
		return nil, err
	}
	var reg struct {
		URI   string `json:"uri"`
		Agent string `json:"agent"`
	}
	if len(obj) == 0 || unmarshalJSON(obj, &reg) != nil {
		return nil, resp.malformed("no registration object in the answer", nil)
	}
	return &SIPRegistration{URI: reg.URI, Agent: reg.Agent, Raw: resp.redactRaw(obj, voiceTelRedact...)}, nil
}

func (v voiceTel) signup(ctx context.Context, c *Client, in *Signup) (*NewAccount, error) {
	const op = "Agency.Signup"
	if err := requiredText(op, "Name", in.Name, "", 200); err != nil {
		return nil, err
	}
	if err := checkEmail(op, "Email", in.Email); err != nil {
		return nil, err
	}
	fields := map[string]any{"name": in.Name, "email": in.Email}
	if in.Promo != "" {
		if err := checkText(op, "Promo", in.Promo, 64); err != nil {
			return nil, err
		}
		fields["promo"] = in.Promo
	}
	r, err := v.request(c, op, "signup", false, fields)
	if err != nil {
		return nil, err
	}
	a, raw, err := v.newAccount(ctx, c, r)
	if err != nil {
		return nil, err
	}
	return &NewAccount{Username: string(a.Username), Password: Secret(a.Password), Raw: raw}, nil
}

func (v voiceTel) recoverAccount(ctx context.Context, c *Client, email string) error {
	const op = "Agency.Recover"
	if err := checkEmail(op, "email", email); err != nil {
		return err
	}
	r, err := v.request(c, op, "recover", false, map[string]any{"email": email})
	if err != nil {
		return err
	}
	_, err = c.do(ctx, r)
	return err
}
