package multiaccount

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Helpers shared by the vendors' wire mappings.

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

// decode unmarshals a response body into v, or returns a *DecodeError that
// names the operation. It never quotes the body.
func (c *Client) decode(op string, resp *response, v any) error {
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return &DecodeError{Operation: op, Provider: c.v.name(), StatusCode: resp.status, Reason: "empty body"}
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		reason := "invalid JSON"
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
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
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string or number, got %.20s", b)
		}
		*s = flexString(n.String())
	}
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
			return fmt.Errorf("want an integer, got %.20q", string(s))
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
		return fmt.Errorf("want a number, got %.20q", string(s))
	}
	*f = flexFloat(v)
	return nil
}

// redactJSON returns a copy of raw in which the values of the named fields,
// at any depth, are "[REDACTED]". Raw vendor objects pass through it so that
// no credential survives in a Raw field.
func redactJSON(raw []byte, fields ...string) json.RawMessage {
	found := false
	for _, f := range fields {
		if bytes.Contains(raw, []byte(`"`+f+`"`)) {
			found = true
			break
		}
	}
	if !found {
		return append(json.RawMessage(nil), raw...)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		// Not JSON the SDK could read: keep nothing rather than risk a
		// credential.
		return json.RawMessage(`null`)
	}
	set := make(map[string]bool, len(fields))
	for _, f := range fields {
		set[f] = true
	}
	b, err := marshalJSON(redactValue(v, set))
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}

func redactValue(v any, fields map[string]bool) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if fields[k] {
				if x != nil {
					v[k] = redacted
				}
				continue
			}
			v[k] = redactValue(x, fields)
		}
	case []any:
		for i, x := range v {
			v[i] = redactValue(x, fields)
		}
	}
	return v
}

// pathSegment validates an ID that goes into a URL path and escapes it, so
// that no ID can change the path ("../", "/", "?", "#").
func pathSegment(op, field, id string) (string, error) {
	switch {
	case id == "":
		return "", invalid(op, field, "is empty")
	case id == "." || id == "..":
		return "", invalid(op, field, "must not be a dot segment")
	case len(id) > 256:
		return "", invalid(op, field, "is longer than 256 bytes")
	case !utf8.ValidString(id):
		return "", invalid(op, field, "is not valid UTF-8")
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "", invalid(op, field, "contains a control character")
	}
	return url.PathEscape(id), nil
}

// checkText refuses strings a vendor cannot take: invalid UTF-8 or control
// characters (which could smuggle line breaks into forms and logs).
func checkText(op, field, s string, maxLen int) error {
	if !utf8.ValidString(s) {
		return invalid(op, field, "is not valid UTF-8")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return invalid(op, field, "contains a control character")
	}
	if maxLen > 0 && utf8.RuneCountInString(s) > maxLen {
		return invalid(op, field, fmt.Sprintf("is longer than %d characters", maxLen))
	}
	return nil
}

// checkEmail refuses an address that is not a plain addr-spec.
func checkEmail(op, field, s string) error {
	if s == "" {
		return invalid(op, field, "is empty")
	}
	if err := checkText(op, field, s, 254); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return invalid(op, field, "is not an email address like name@example.com")
	}
	return nil
}

// digits reports whether s is exactly n ASCII digits.
func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// unusedFields refuses input fields that the vendor has no place for, so
// that nothing the caller set is silently dropped. set maps field names to
// whether the caller set them; the first set one (by name) is reported.
func unusedFields(op, vendor string, set map[string]bool) error {
	names := make([]string, 0, len(set))
	for name, isSet := range set {
		if isSet {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	return invalid(op, names[0], "is not used by "+vendor+"; leave it empty")
}
