// Decoding: bounded JSON bodies into the caller's values, lenient scalars.

package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// unmarshalJSON is the SDK's one JSON decoder: encoding/json's v1
// semantics (case-insensitive names, last duplicate wins, unknown fields
// ignored, null leaves a value alone, invalid UTF-8 replaced), as the v1
// compatibility package of go-json-experiment/json implements them on
// the v2 engine, which validates and decodes in one pass (encoding/json
// validates the whole input first, then decodes it): 1.6x faster on a
// page of sub-accounts, 3.6x when most of the body is skipped.
func unmarshalJSON(b []byte, v any) error { return jsonv1.Unmarshal(b, v) }

// validJSON reports whether b is one valid JSON value (4x encoding/json's
// Valid).
func validJSON(b []byte) bool { return jsonv1.Valid(b) }

// unixOrRFC3339 reads a time given as Unix seconds (number or string) or
// as RFC 3339; anything else is the zero time.
func unixOrRFC3339(raw json.RawMessage) time.Time {
	if len(raw) == 0 {
		return time.Time{}
	}
	var s flexString
	if !validJSON(raw) || s.UnmarshalJSON(raw) != nil || s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(string(s), 10, 64); err == nil {
		return time.Unix(n, 0).UTC()
	}
	if t, err := time.Parse(time.RFC3339, string(s)); err == nil {
		return t
	}
	return time.Time{}
}

// marshalJSON encodes v without HTML escaping (vendors get "&", not
// "\u0026").
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// malformed reports an answer that cannot be read as the operation's
// result. Vendor mappings give only the reason and cause; the core fills
// operation, provider and status from the response.
// The cause passes the scrubber: a decoder's error may quote the body.
func (resp *response) malformed(reason string, err error) *DecodeError {
	secrets := resp.secrets()
	return &DecodeError{Operation: resp.op, Provider: resp.provider, StatusCode: resp.status,
		Reason: outsideText(reason, secrets, maxMessageLen), Err: scrubChain(err, secrets)}
}

// decodeItems decodes each of raws as a T and normalises it with norm (which
// gets the item's raw JSON for Raw). A failure names the item, e.g.
// "account 3".
func decodeItems[T, R any](resp *response, item string, raws []json.RawMessage, norm func(T, json.RawMessage) R) ([]R, error) {
	return decodeItemsChecked(resp, item, raws, checked(norm))
}

// pointers points into vals: a page's results in one allocation, not one
// per item.
func pointers[V any](vals []V) []*V {
	out := make([]*V, len(vals))
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}

// addr is a normaliser returning a value, as one returning a pointer (for
// a single item).
func addr[T, V any](norm func(T, json.RawMessage) V) func(T, json.RawMessage) *V {
	return func(v T, raw json.RawMessage) *V { r := norm(v, raw); return &r }
}

// checked is a normaliser that cannot refuse an item, as one that can.
func checked[T, R any](norm func(T, json.RawMessage) R) func(T, json.RawMessage) (R, error) {
	return func(v T, raw json.RawMessage) (R, error) { return norm(v, raw), nil }
}

// decodeItemsChecked is decodeItems for a norm that can refuse an item
// whose JSON decodes but lacks what the result needs (VoiceTel's record
// key); the refusal names the item as a decoding failure does.
func decodeItemsChecked[T, R any](resp *response, item string, raws []json.RawMessage, norm func(T, json.RawMessage) (R, error)) ([]R, error) {
	out := make([]R, 0, len(raws))
	for i, raw := range raws {
		var v T
		if err := unmarshalJSON(raw, &v); err != nil {
			return nil, resp.malformed(item+" "+strconv.Itoa(i), err)
		}
		r, err := norm(v, raw)
		if err != nil {
			return nil, resp.malformed(item+" "+strconv.Itoa(i), err)
		}
		out = append(out, r)
	}
	return out, nil
}

// normItems normalises items decoded at once, raws[i] being items[i]'s
// JSON.
func normItems[T, R any](resp *response, item string, items []T, raws []json.RawMessage, norm func(T, json.RawMessage) (R, error)) ([]R, error) {
	out := make([]R, len(items))
	for i := range items {
		r, err := norm(items[i], raws[i])
		if err != nil {
			return nil, resp.malformed(item+" "+strconv.Itoa(i), err)
		}
		out[i] = r
	}
	return out, nil
}

// splitArray returns the elements of the valid JSON array list, as
// slices of it.
func splitArray(list []byte) []json.RawMessage {
	i := skipSpace(list, 0)
	if i >= len(list) || list[i] != '[' {
		return nil
	}
	var out []json.RawMessage
	for i = skipSpace(list, i+1); i < len(list) && list[i] != ']'; {
		end := skipValue(list, i)
		out = append(out, list[i:end])
		i = skipSpace(list, end)
		if i < len(list) && list[i] == ',' {
			i = skipSpace(list, i+1)
		}
	}
	return out
}

// decodeItem decodes one item as a T and normalises it with norm.
func decodeItem[T, R any](resp *response, item string, raw json.RawMessage, norm func(T, json.RawMessage) R) (R, error) {
	var v T
	if err := unmarshalJSON(raw, &v); err != nil {
		var zero R
		return zero, resp.malformed(item, err)
	}
	return norm(v, raw), nil
}

// withResponse binds a normaliser to the answer whose call's credentials
// it redacts from Raw.
func withResponse[T, R any](resp *response, norm func(T, *response, json.RawMessage) R) func(T, json.RawMessage) R {
	return func(v T, raw json.RawMessage) R { return norm(v, resp, raw) }
}

// decodeItemList decodes a JSON array of items and each item, as
// decodeItems does; a body that is not an array is a *DecodeError too.
func decodeItemList[T, R any](resp *response, item string, list json.RawMessage, norm func(T, json.RawMessage) R) ([]R, error) {
	return decodeListChecked(resp, item, list, checked(norm))
}

// decodeListChecked is decodeItemList with decodeItemsChecked's norm. The
// usual case is one decode of the whole array (not one per item); a
// failure is decoded again item by item, so that its error names the item.
func decodeListChecked[T, R any](resp *response, item string, list json.RawMessage, norm func(T, json.RawMessage) (R, error)) ([]R, error) {
	if out, err, ok := decodeListOnce(resp, item, list, norm); ok {
		return out, err
	}
	var raws []json.RawMessage
	if err := unmarshalJSON(list, &raws); err != nil {
		return nil, resp.malformed("not a list of "+item+"s", err)
	}
	return decodeItemsChecked(resp, item, raws, norm)
}

// decodeListOnce is decodeListChecked's one decode; ok is false when the
// list needs decoding item by item (it does not decode as a list of T).
func decodeListOnce[T, R any](resp *response, item string, list json.RawMessage, norm func(T, json.RawMessage) (R, error)) (_ []R, _ error, ok bool) {
	var items []T
	if unmarshalJSON(list, &items) != nil {
		return nil, nil, false
	}
	raws := splitArray(list)
	if len(raws) != len(items) {
		return nil, nil, false
	}
	out, err := normItems(resp, item, items, raws, norm)
	return out, err, true
}

// itemList is an envelope's list of T, decoded in the decoder's one pass
// over the whole answer: the list is not copied out of the envelope, and
// each item's JSON (for its Raw) is a slice of the body, found by a scan
// of the list's bytes between the decoder's input offsets. decodeList
// sets body, the bytes being decoded, and reads the answer again by
// stages (staged: the list kept as raw JSON) when the one pass fails.
type itemList[T any] struct {
	body    []byte
	items   []T
	raws    []json.RawMessage
	present bool // the field was in the answer

	staged bool
	raw    json.RawMessage // staged: the field's JSON
}

var errNotAList = errors.New("not a list")

// UnmarshalJSONFrom is called by unmarshalJSON's decoder with v1
// semantics in its options, which UnmarshalDecode keeps for the items.
func (l *itemList[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	l.items, l.raws, l.present = nil, nil, true
	if l.staged {
		v, err := dec.ReadValue()
		l.raw = append(json.RawMessage(nil), v...)
		return err
	}
	start := dec.InputOffset()
	switch dec.PeekKind() {
	case 'n':
		_, err := dec.ReadToken()
		return err
	case '[':
	default:
		return errNotAList
	}
	// The items' JSON from a scan of the list's bytes (also the size of
	// the list: no growing it item by item), then one call for the whole
	// list (one per item costs more than the item); the decoder then
	// validates what the scan assumed.
	if start < 0 || start >= int64(len(l.body)) {
		return errNotAList // not decoding l.body: never with decodeList
	}
	list := l.body[start:]
	l.raws = splitArray(list[bytes.IndexByte(list, '['):]) // only space or ':' before it
	l.items = make([]T, 0, len(l.raws))
	if err := jsonv2.UnmarshalDecode(dec, &l.items); err != nil {
		return err
	}
	if len(l.raws) != len(l.items) {
		return errNotAList
	}
	return nil
}

// decodePageOnce is decodeList's one pass; ok is false when the answer
// needs reading by stages.
func decodePageOnce[T, R any](resp *response, item string, env any, list *itemList[T], absentIsEmpty bool, norm func(T, json.RawMessage) (R, error)) (_ []R, _ error, ok bool) {
	list.body, list.staged = resp.body, false
	if unmarshalJSON(resp.body, env) != nil || !list.present && !absentIsEmpty {
		return nil, nil, false
	}
	out, err := normItems(resp, item, list.items, list.raws, norm)
	return out, err, true
}

// decodeList reads a page in one pass: resp's body into env, whose field
// list receives the items, then each item through norm (given its JSON).
// absentIsEmpty says whether an answer without the list field has no
// items (else it is malformed). An answer that does not decode so (a
// broken item, a list that is not one) is read by stages, the envelope
// with the list as raw JSON and then the list (decodeListChecked), so
// that the error names what failed.
func decodeList[T, R any](c *Client, resp *response, item string, env any, list *itemList[T], absentIsEmpty bool, norm func(T, json.RawMessage) (R, error)) ([]R, error) {
	if out, err, ok := decodePageOnce(resp, item, env, list, absentIsEmpty, norm); ok {
		return out, err
	}
	list.staged, list.present, list.raw = true, false, nil
	if err := c.decode(resp.op, resp, env); err != nil {
		return nil, err
	}
	raw := list.raw
	if absentIsEmpty {
		raw = orNull(raw)
	}
	return decodeListChecked(resp, item, raw, norm)
}

// orNull is a field's JSON, null when the field was absent (as a missing
// []json.RawMessage field reads as no items).
func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

// callKey sends r and reads the API key its answer carries in field,
// redacting the redact fields in Raw.
func (c *Client) callKey(ctx context.Context, r *request, field, label string, redact ...string) (*APIKey, error) {
	var out map[string]json.RawMessage
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return nil, err
	}
	var key string
	if unmarshalJSON(out[field], &key) != nil || key == "" {
		return nil, resp.malformed("no "+field+" in the answer", nil)
	}
	return &APIKey{Key: Secret(key), Label: label, Raw: resp.redactRawCarrying(resp.body, []string{key}, redact...)}, nil
}

// decode unmarshals a response body into v, or returns a *DecodeError that
// names the operation. Its texts pass the scrubber: a decoder's error may
// quote the body.
func (c *Client) decode(op string, resp *response, v any) error {
	err := c.decodeRaw(op, resp, v)
	var de *DecodeError
	if errors.As(err, &de) {
		secrets := c.secrets(resp.req)
		de.Reason = outsideText(de.Reason, secrets, maxMessageLen)
		de.Err = scrubChain(de.Err, secrets)
	}
	return err
}

func (c *Client) decodeRaw(op string, resp *response, v any) error {
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return &DecodeError{Operation: op, Provider: c.v.name(), StatusCode: resp.status, Reason: "empty body"}
	}
	if err := unmarshalJSON(resp.body, v); err != nil {
		reason := "invalid JSON"
		var se *jsonv1.SyntaxError
		var te *jsonv1.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			reason = fmt.Sprintf("invalid JSON at byte %d", se.Offset)
		case errors.As(err, &te):
			reason = fmt.Sprintf("unexpected JSON %s for field %q", te.Value, te.Field)
			err = nil
		}
		if se != nil {
			err = errors.New(se.Error())
		}
		return &DecodeError{Operation: op, Provider: c.v.name(), StatusCode: resp.status, Reason: reason, Err: err}
	}
	return nil
}

// flexString accepts a JSON string or number (vendors disagree with
// themselves: VoiceTel's username is a string in info and an int elsewhere).
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = ""
	case len(b) >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0:
		// No escape: the text between the quotes is the value (the
		// decoder calling this has checked the JSON).
		*s = flexString(b[1 : len(b)-1])
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		// A number, checked by the decoder calling this (unixOrRFC3339,
		// the one direct caller, checks it first).
		*s = flexString(b)
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := unmarshalJSON(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	default:
		var n json.Number
		if err := unmarshalJSON(b, &n); err != nil {
			return fmt.Errorf("want a string or number, got %s", jsonKind(b))
		}
		*s = flexString(n.String())
	}
	return nil
}

// optFloat is a flexFloat that may be absent or null (ok false), without
// the allocation a *flexFloat costs for every item of a page.
type optFloat struct {
	v  float64
	ok bool
}

func (o *optFloat) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = optFloat{}
		return nil
	}
	var f flexFloat
	if err := f.UnmarshalJSON(b); err != nil {
		return err
	}
	*o = optFloat{v: float64(f), ok: true}
	return nil
}

// flexInt accepts a JSON number or a string holding one (Kaleyra echoes
// limit and offset as strings).
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(s), 64)
		if ferr != nil || f != float64(int64(f)) {
			return errors.New("want an integer, got another string")
		}
		v = int64(f)
	}
	*n = flexInt(v)
	return nil
}

// flexFloat accepts a JSON number or a string holding one.
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return errors.New("want a number, got another string")
	}
	*f = flexFloat(v)
	return nil
}

// jsonKind names the kind of a JSON value without quoting it: the lenient
// decoders' errors must not carry body bytes.
func jsonKind(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "an invalid value"
}

// pickMembers appends to dst the object {…} of body's top-level members whose
// names are among names (case-insensitively, as the decoder matches
// them), in their order, for vendorError. A name the scan cannot compare
// (escaped or not ASCII: the decoder folds some such names to ASCII ones)
// is picked too. An array picks as an empty array. ok is false when body
// is not an object or array the scan can read; what it returns for
// invalid JSON is never used as an answer.
func pickMembers(dst, body []byte, names []string) (_ []byte, ok bool) {
	i := skipSpace(body, 0)
	if i < len(body) && body[i] == '[' {
		// A list answer (Woodpecker's companies): an envelope reads no
		// member of an array, and an empty one is read the same way.
		return append(dst, '[', ']'), true
	}
	if i >= len(body) || body[i] != '{' {
		return dst, false
	}
	out := append(dst, '{')
	n := len(out)
	for i = skipSpace(body, i+1); i < len(body) && body[i] != '}'; {
		if body[i] != '"' {
			return out, false
		}
		nameEnd := stringEnd(body, i)
		colon := skipSpace(body, nameEnd)
		if colon >= len(body) || body[colon] != ':' {
			return out, false
		}
		v := skipSpace(body, colon+1)
		end := skipValue(body, v)
		if end <= v {
			return out, false
		}
		// classEncodes: escaped or not ASCII (or an '&': picked too).
		if name := body[i+1 : nameEnd-1]; fieldListedBytes(name, names) || classify(name)&classEncodes != 0 {
			if len(out) > n {
				out = append(out, ',')
			}
			out = append(append(append(out, body[i:nameEnd]...), ':'), body[v:end]...)
		}
		i = skipSpace(body, end)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	if i >= len(body) {
		return out, false
	}
	return append(out, '}'), true
}

// errorMembersOf lists the JSON names of T's fields, embedded structs'
// included, as the decoder reads them: a vendor's error envelope.
func errorMembersOf[T any]() []string {
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case tag == "-":
			case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
				walk(f.Type)
			case f.IsExported() && tag != "":
				names = append(names, tag)
			case f.IsExported():
				names = append(names, f.Name)
			}
		}
	}
	walk(reflect.TypeFor[T]())
	return names
}
