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
	case len(id) > 256:
		return "", invalid(op, field, "is longer than 256 bytes")
	case id == "." || id == "..":
		return "", invalid(op, field, "must not be a dot segment")
	}
	if err := checkText(op, field, id, 0); err != nil {
		return "", err
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

// checkText is the one rule for a string the caller gives (a value, an ID
// or a map key): it refuses what a vendor cannot take or a user cannot
// see: invalid UTF-8, control characters (which could smuggle line breaks
// into forms and logs), more than maxLen characters (0: no limit) and a
// blank value (only spaces or invisible characters: not "present"). The
// error never quotes the value.
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
	if s != "" && strings.IndexFunc(s, visible) < 0 {
		return invalid(op, field, "is blank: only spaces or invisible characters")
	}
	return nil
}

// visible reports whether r shows: not a space, not a format character
// (zero-width space and joiners, BOM) and not one of the blank letters.
func visible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
		return false
	}
	return !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r)
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
