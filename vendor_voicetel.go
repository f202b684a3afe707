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

// VoiceTel is VoiceTel's Account API v2.1 (https://api.voicetel.com).
// Authenticate with Bearer(apiKey); Keys.Exchange, Agency.Signup and
// Agency.Recover need no key.
//
// The vendor allows 6 requests per hour per IP address on each of apikey/
// (Keys.Exchange), cdr/ (Records.Calls), info/ (Agency.Account) and mrc/
// (Records.RecurringCharges). The Client enforces this exactly, shared by
// every Client in the process that talks to the same host: see
// WithRateLimitWait.
//
// Offered: SubAccounts.Create (administrator key), Keys.Exchange,
// Records.Calls, Records.RecurringCharges, Agency.Account,
// Agency.SIPRegistration, Agency.Signup, Agency.Recover.
//
// VoiceTel() speaks v2.1 (VoiceTelV21); InVersion chooses another version
// the SDK speaks.
func VoiceTel(opts ...ProviderOption) Provider {
	pc, err := applyProviderOptions(providerConfig{vendor: "VoiceTel", versions: []APIVersion{VoiceTelV21}}, opts)
	if err != nil {
		return Provider{v: voiceTel{notOffered: notOffered{"VoiceTel"}}, err: err}
	}
	return Provider{v: voiceTel{notOffered: notOffered{"VoiceTel"}, version: pc.chosenVersion()}}
}

type voiceTel struct {
	notOffered
	version APIVersion
}

// voiceTelHourly is the vendor's limit on apikey/, cdr/, info/ and mrc/.
var voiceTelHourly = windowLimit{n: 6, per: time.Hour}

// voiceTelLimited are the actions under voiceTelHourly.
var voiceTelLimited = map[string]bool{"apikey": true, "cdr": true, "info": true, "mrc": true}

// limitFor returns the hourly window for <version>/account/<action>/ of a
// limited action, whichever way the request was built.
func (voiceTel) limitFor(path string) windowLimit {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) == 3 && seg[1] == "account" && voiceTelLimited[seg[2]] {
		return voiceTelHourly
	}
	return windowLimit{}
}

// limitedPaths are the limited actions' paths as request builds them.
func (voiceTel) limitedPaths() []string {
	var out []string
	for a := range voiceTelLimited {
		out = append(out, "v2.1/account/"+a+"/")
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

// voiceTelEnvelope is the status part of every answer; statusCode is a
// string ("200", "400").
type voiceTelEnvelope struct {
	StatusCode  flexString `json:"statusCode"`
	Status      string     `json:"status"`
	Message     string     `json:"message"`
	Requirement string     `json:"requirement"`
}

func (voiceTel) parseError(status int, body []byte) *APIError {
	var env voiceTelEnvelope
	if json.Unmarshal(body, &env) != nil {
		return nil
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
func (voiceTel) request(c *Client, op, action string, keyed bool, fields map[string]any) (*request, error) {
	if fields == nil {
		fields = map[string]any{}
	}
	if keyed {
		if err := c.requireAuth(op); err != nil {
			return nil, err
		}
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
	fields := map[string]any{"name": in.Name, "username": json.Number(in.Username), "email": in.Email}
	if in.MasterAccount != "" {
		fields["masterAccount"] = json.Number(in.MasterAccount)
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
	var out struct {
		Account json.RawMessage `json:"account"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, nil, err
	}
	var a voiceTelNewAccount
	if len(out.Account) == 0 || json.Unmarshal(out.Account, &a) != nil || a.Username == "" {
		return nil, nil, resp.malformed("no account in the answer", nil)
	}
	return &a, c.redactRaw(out.Account, voiceTelRedact...), nil
}

func (v voiceTel) exchangeKey(ctx context.Context, c *Client, username, password string) (*APIKey, error) {
	const op = "Keys.Exchange"
	if !digits(username, 10) {
		return nil, invalid(op, "username", "must be exactly 10 digits")
	}
	if err := requiredText(op, "password", password, "", 200); err != nil {
		return nil, err
	}
	r, err := v.request(c, op, "apikey", false, map[string]any{"username": json.Number(username), "password": password})
	if err != nil {
		return nil, err
	}
	r.secrets = []string{password}
	return c.callKey(ctx, r, "apikey", "", voiceTelRedact...)
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
	var key []flexString
	if json.Unmarshal(raw, &key) != nil || len(key) != 2 {
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
	// The vendor documents the defaults backwards (start = now, end = 24 h
	// ago); the SDK sends start as the earlier bound.
	fields := map[string]any{}
	if !q.Start.IsZero() {
		fields["start"] = q.Start.Unix()
	}
	if !q.End.IsZero() {
		fields["end"] = q.End.Unix()
	}
	r, err := v.request(c, op, "cdr", true, fields)
	if err != nil {
		return nil, "", err
	}
	r.repeatable = true
	var out struct {
		CDR []json.RawMessage `json:"cdr"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, "", err
	}
	recs, err := decodeItemsChecked(resp, "record", out.CDR, func(cdr voiceTelCDR, raw json.RawMessage) (*CallRecord, error) {
		f := cdr
		if cdr.Value != nil {
			f = *cdr.Value
		}
		account, start, err := voiceTelCDRKey(cdr.Key)
		if err != nil {
			return nil, fmt.Errorf("id %q: %w", excerpt(string(cdr.ID)), err)
		}
		return &CallRecord{
			ID: string(cdr.ID), AccountID: account, From: string(f.CID), To: string(f.Dst), Start: start,
			Duration: time.Duration(float64(f.Dur) * float64(time.Second)),
			Raw:      c.redactRaw(raw, voiceTelRedact...),
		}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return recs, "", nil
}

func (v voiceTel) account(ctx context.Context, c *Client) (*Account, error) {
	const op = "Agency.Account"
	r, err := v.request(c, op, "info", true, nil)
	if err != nil {
		return nil, err
	}
	r.repeatable = true
	var out struct {
		Account []json.RawMessage `json:"account"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	if len(out.Account) == 0 {
		return nil, resp.malformed("the account array is empty", nil)
	}
	var a struct {
		Name     string     `json:"name"`
		Username flexString `json:"username"`
		Email    string     `json:"email"`
		Enabled  bool       `json:"enabled"`
		Created  string     `json:"created"`
		Cash     *flexFloat `json:"cash"`
	}
	if err := json.Unmarshal(out.Account[0], &a); err != nil {
		return nil, resp.malformed("account record", err)
	}
	acct := &Account{Name: a.Name, Username: string(a.Username), Email: a.Email, Enabled: a.Enabled,
		Raw: c.redactRaw(out.Account[0], voiceTelRedact...)}
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
	var out struct {
		Account json.RawMessage `json:"account"`
	}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	var reg struct {
		URI   string `json:"uri"`
		Agent string `json:"agent"`
	}
	if len(out.Account) == 0 || json.Unmarshal(out.Account, &reg) != nil {
		return nil, resp.malformed("no registration object in the answer", nil)
	}
	return &SIPRegistration{URI: reg.URI, Agent: reg.Agent, Raw: c.redactRaw(out.Account, voiceTelRedact...)}, nil
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
