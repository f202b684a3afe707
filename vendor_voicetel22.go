// VoiceTel v2.2 (VoiceTelV22): the paths of the account family, and the
// operations v2.1 lacks. The shared operations live in vendor_voicetel.go
// and branch on the version where the wire differs.

package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"
)

// voiceTel22Op is one v2.2 operation's method and path.
type voiceTel22Op struct{ method, path string }

// voiceTel22Ops maps the SDK's action names (v2.1's) to the v2.2 document's
// operations.
var voiceTel22Ops = map[string]voiceTel22Op{
	"add":          {http.MethodPost, "v2.2/account"}, // accountSubaccountCreate, admin only, 201
	"apikey":       {http.MethodPost, "v2.2/account/api-key"},
	"cdr":          {http.MethodGet, "v2.2/account/cdr"},
	"info":         {http.MethodGet, "v2.2/account"},
	"mrc":          {http.MethodGet, "v2.2/account/recurring-charges"},
	"recover":      {http.MethodPost, "v2.2/account/recovery"},
	"registration": {http.MethodGet, "v2.2/account/registration"},
	"signup":       {http.MethodPost, "v2.2/accounts"}, // accountCreate, no key, 201
	"settings":     {http.MethodPut, "v2.2/account"},
	"credits":      {http.MethodGet, "v2.2/account/credits"},
	"payments":     {http.MethodGet, "v2.2/account/payments"},
}

// request22 builds the v2.2 request for action: fields as the query of a
// GET, else as the JSON body. The key goes only in the Authorization
// header (keyed), never in the body: v2.2 takes it nowhere else.
func (voiceTel) request22(op, action string, keyed bool, fields map[string]any) (*request, error) {
	o, ok := voiceTel22Ops[action]
	if !ok {
		return nil, fmt.Errorf("multiaccount: VoiceTel %s: no v2.2 operation for %q", op, action)
	}
	var r *request
	if o.method == http.MethodGet {
		r = &request{op: op, method: o.method, path: o.path}
		if len(fields) > 0 {
			r.query = url.Values{}
			for k, v := range fields {
				r.query.Set(k, fmt.Sprint(v))
			}
		}
	} else {
		if fields == nil {
			fields = map[string]any{}
		}
		var err error
		if r, err = newJSONRequest(op, o.method, o.path, fields); err != nil {
			return nil, err
		}
	}
	r.noAuth = !keyed
	return r, nil
}

// list22 sends the keyed read action (query fields) and returns the items
// of the list its data carries under the action's name.
func (v voiceTel) list22(ctx context.Context, c *Client, op, action string, fields map[string]any) (*response, []json.RawMessage, error) {
	r, err := v.request(c, op, action, true, fields)
	if err != nil {
		return nil, nil, err
	}
	r.repeatable = true
	resp, data, err := v.payload(ctx, c, r, "")
	if err != nil {
		return nil, nil, err
	}
	items, err := voiceTel22Items(resp, data, action)
	return resp, items, err
}

// voiceTel22Items decodes the list under field in a v2.2 data object,
// refusing an answer without it.
func voiceTel22Items(resp *response, data json.RawMessage, field string) ([]json.RawMessage, error) {
	var out map[string]json.RawMessage
	if err := unmarshalJSON(data, &out); err != nil {
		return nil, resp.malformed("data is not an object", err)
	}
	var items []json.RawMessage
	if raw, ok := out[field]; !ok || unmarshalJSON(raw, &items) != nil || items == nil {
		return nil, resp.malformed("no "+field+" list in the answer", nil)
	}
	return items, nil
}

// recurringCharges22 reads v2.2's {"charges":[{"amount","description"}],
// "total"}.
func (v voiceTel) recurringCharges22(ctx context.Context, c *Client, r *request) (*Charges, error) {
	resp, data, err := v.payload(ctx, c, r, "")
	if err != nil {
		return nil, err
	}
	items, err := voiceTel22Items(resp, data, "charges")
	if err != nil {
		return nil, err
	}
	charges, err := decodeItems(resp, "charge", items, func(ch struct {
		Amount      flexFloat `json:"amount"`
		Description string    `json:"description"`
	}, _ json.RawMessage) Charge {
		return Charge{Description: ch.Description, Amount: float64(ch.Amount)}
	})
	if err != nil {
		return nil, err
	}
	var total struct {
		Total *flexFloat `json:"total"`
	}
	if err := unmarshalJSON(data, &total); err != nil {
		return nil, resp.malformed("total", err)
	}
	ch := &Charges{Items: charges}
	if total.Total != nil {
		ch.Total = float64(*total.Total)
	} else {
		for _, it := range charges {
			ch.Total += it.Amount
		}
	}
	return ch, nil
}

// voiceTelCallerID is the document's pattern for a caller ID: a ten-digit
// North American number.
var voiceTelCallerID = regexp.MustCompile(`^[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$`)

func (v voiceTel) updateSettings(ctx context.Context, c *Client, in *AccountSettings) (*SettingsUpdate, error) {
	const op = "Agency.UpdateSettings"
	if v.version != VoiceTelV22 {
		return nil, unsupported(v.name()+" "+string(v.version), op)
	}
	fields := map[string]any{}
	if in.Timezone != nil {
		if err := requiredText(op, "Timezone", *in.Timezone, "(want an IANA time zone name, e.g. America/Chicago)", 64); err != nil {
			return nil, err
		}
		fields["timezone"] = *in.Timezone
	}
	if in.CallerID != nil {
		if !voiceTelCallerID.MatchString(*in.CallerID) {
			return nil, invalid(op, "CallerID", "must be a ten-digit North American number, e.g. 2015551234")
		}
		fields["callerId"] = *in.CallerID
	}
	for name, p := range map[string]*int{"NotifyThreshold": in.NotifyThreshold, "CCS": in.CCS} {
		if p != nil && *p < 0 {
			return nil, invalid(op, name, "is negative")
		}
	}
	set := func(field string, p any) {
		switch x := p.(type) {
		case *bool:
			if x != nil {
				fields[field] = *x
			}
		case *int:
			if x != nil {
				fields[field] = *x
			}
		}
	}
	set("notify", in.Notify)
	set("notifyThreshold", in.NotifyThreshold)
	set("ccs", in.CCS)
	set("sms", in.SMS)
	set("mms", in.MMS)
	set("intl", in.International)
	set("e911", in.E911)
	if len(fields) == 0 {
		return nil, invalid(op, "in", "sets no field")
	}
	r, err := v.request(c, op, "settings", true, fields)
	if err != nil {
		return nil, err
	}
	r.repeatable = true // a PUT of the same values changes nothing more
	resp, data, err := v.payload(ctx, c, r, "")
	if err != nil {
		return nil, err
	}
	var out struct {
		Updated []string `json:"updated"`
	}
	if err := unmarshalJSON(data, &out); err != nil {
		return nil, resp.malformed("updated is not a list of names", err)
	}
	if out.Updated == nil {
		out.Updated = []string{}
	}
	return &SettingsUpdate{Updated: out.Updated, Raw: resp.redactRaw(data, voiceTelRedact...)}, nil
}

// voiceTel22Date reads a history entry's required date-time.
func voiceTel22Date(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("no date")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not an RFC 3339 time", excerpt(s))
	}
	return t, nil
}

func (v voiceTel) credits(ctx context.Context, c *Client, q CreditQuery) ([]*Credit, error) {
	const op = "Records.Credits"
	if v.version != VoiceTelV22 {
		return nil, unsupported(v.name()+" "+string(v.version), op)
	}
	var fields map[string]any
	if q.Paid != nil {
		fields = map[string]any{"status": map[bool]string{true: "paid", false: "unpaid"}[*q.Paid]}
	}
	resp, items, err := v.list22(ctx, c, op, "credits", fields)
	if err != nil {
		return nil, err
	}
	return decodeItemsChecked(resp, "credit", items, func(e struct {
		Amount *flexFloat `json:"amount"`
		Date   string     `json:"date"`
		Paid   *bool      `json:"paid"`
	}, raw json.RawMessage) (*Credit, error) {
		if e.Amount == nil || e.Paid == nil {
			return nil, errors.New("amount and paid are required")
		}
		t, err := voiceTel22Date(e.Date)
		if err != nil {
			return nil, err
		}
		return &Credit{Amount: float64(*e.Amount), Date: t, Paid: *e.Paid, Raw: resp.redactRaw(raw, voiceTelRedact...)}, nil
	})
}

func (v voiceTel) payments(ctx context.Context, c *Client) ([]*Payment, error) {
	const op = "Records.Payments"
	if v.version != VoiceTelV22 {
		return nil, unsupported(v.name()+" "+string(v.version), op)
	}
	resp, items, err := v.list22(ctx, c, op, "payments", nil)
	if err != nil {
		return nil, err
	}
	return decodeItemsChecked(resp, "payment", items, func(e struct {
		Amount        *flexFloat `json:"amount"`
		Date          string     `json:"date"`
		TransactionID flexString `json:"transactionId"`
		Status        string     `json:"status"`
		PayerEmail    string     `json:"payerEmail"`
	}, raw json.RawMessage) (*Payment, error) {
		if e.Amount == nil || e.Status == "" {
			return nil, errors.New("amount and status are required")
		}
		t, err := voiceTel22Date(e.Date)
		if err != nil {
			return nil, err
		}
		return &Payment{Amount: float64(*e.Amount), Date: t, TransactionID: string(e.TransactionID),
			Status: e.Status, PayerEmail: e.PayerEmail, Raw: resp.redactRaw(raw, voiceTelRedact...)}, nil
	})
}
