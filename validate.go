// Input validation, before any network I/O.

package multiaccount

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

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

// requiredText refuses an empty s ("is empty", then hint) and then checks
// it as checkText does.
func requiredText(op, field, s, hint string, maxLen int) error {
	if s == "" {
		return invalid(op, field, strings.TrimSpace("is empty "+hint))
	}
	return checkText(op, field, s, maxLen)
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

// unusedCreateFields refuses every field of in that is set but not among
// uses, the vendor's list of the SubAccountCreate fields it sends. A new
// field is refused by every vendor until the vendors that send it list it.
func unusedCreateFields(op, vendor string, in *SubAccountCreate, uses []string) error {
	v := reflect.ValueOf(in).Elem()
	set := make(map[string]bool, v.NumField())
	for i := 0; i < v.NumField(); i++ {
		name, f := v.Type().Field(i).Name, v.Field(i)
		isSet := !f.IsZero()
		if f.Kind() == reflect.Slice {
			isSet = f.Len() > 0
		}
		set[name] = isSet && !slices.Contains(uses, name)
	}
	return unusedFields(op, vendor, set)
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

// checkAmount refuses an amount of money that is not a finite number, is
// negative, or (unless zeroOK) is zero.
func checkAmount(op, field string, v float64, zeroOK bool) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return invalid(op, field, "is not a finite number")
	case v < 0:
		return invalid(op, field, "is negative")
	case v == 0 && !zeroOK:
		return invalid(op, field, "must be positive")
	}
	return nil
}

// checkZone refuses a time zone that is not an IANA name the system's
// zone database knows ("UTC" included; "" and "Local" are not names).
func checkZone(op, field, name string) error {
	if name == "" {
		return invalid(op, field, "is empty; name an IANA time zone such as \"America/New_York\"")
	}
	if err := checkText(op, field, name, 64); err != nil {
		return err
	}
	if name == "Local" {
		return invalid(op, field, "must be an IANA time zone name, not \"Local\"")
	}
	if _, err := time.LoadLocation(name); err != nil {
		return invalid(op, field, "is not an IANA time zone such as \"America/New_York\"")
	}
	return nil
}
