// How normalized types print with fmt: one reflective formatter for every
// type that mirrors a vendor object.

package multiaccount

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
)

// Format prints the sub-account readably for %v, %+v, %#v and %s: Raw as
// its (redacted) JSON text, Balance as a number, Password as [REDACTED].
func (s SubAccount) Format(f fmt.State, verb rune) { formatFields(f, verb, s) }

// Format prints the key readably for %v, %+v, %#v and %s: Key as
// [REDACTED], Raw as its (redacted) JSON text.
func (k APIKey) Format(f fmt.State, verb rune) { formatFields(f, verb, k) }

// Format prints the record readably for %v, %+v, %#v and %s: Raw as its
// (redacted) JSON text.
func (r CallRecord) Format(f fmt.State, verb rune) { formatFields(f, verb, r) }

// Format prints the account readably for %v, %+v, %#v and %s: Raw as its
// (redacted) JSON text, Balance as a number.
func (a Account) Format(f fmt.State, verb rune) { formatFields(f, verb, a) }

// Format prints the registration readably for %v, %+v, %#v and %s: Raw as
// its (redacted) JSON text.
func (r SIPRegistration) Format(f fmt.State, verb rune) { formatFields(f, verb, r) }

// Format prints the account readably for %v, %+v, %#v and %s: Password as
// [REDACTED], Raw as its (redacted) JSON text.
func (a NewAccount) Format(f fmt.State, verb rune) { formatFields(f, verb, a) }

// Format prints the user readably for %v, %+v, %#v and %s: Raw as its
// (redacted) JSON text.
func (u User) Format(f fmt.State, verb rune) { formatFields(f, verb, u) }

// Format prints the recharge readably for %v, %+v, %#v and %s: Raw as its
// JSON text, Balance as a number.
func (r Recharge) Format(f fmt.State, verb rune) { formatFields(f, verb, r) }

// Format prints the credit readably for %v, %+v, %#v and %s: Raw as its
// (redacted) JSON text.
func (c Credit) Format(f fmt.State, verb rune) { formatFields(f, verb, c) }

// Format prints the payment readably for %v, %+v, %#v and %s: Raw as its
// (redacted) JSON text.
func (p Payment) Format(f fmt.State, verb rune) { formatFields(f, verb, p) }

// Format prints the update readably for %v, %+v, %#v and %s: Raw as its
// (redacted) JSON text.
func (u SettingsUpdate) Format(f fmt.State, verb rune) { formatFields(f, verb, u) }

// formatFields prints struct v as fmt would (%v: {a b}, %+v: {A:a B:b},
// %#v: pkg.T{A:a, B:b}) except that a json.RawMessage prints as compact
// JSON text rather than bytes and a *float64 as its number rather than an
// address. Other fields print with their own formatting, so a Secret stays
// [REDACTED]. Verbs other than v and s print only the type, as fmt does for
// a verb it cannot apply: no field is ever shown in hex or quoted raw form.
func formatFields(f fmt.State, verb rune, v any) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	if verb != 'v' && verb != 's' {
		fmt.Fprintf(f, "%%!%c(%s)", verb, rt)
		return
	}
	sharp := verb == 'v' && f.Flag('#')
	names := sharp || f.Flag('+')
	if sharp {
		io.WriteString(f, rt.String())
	}
	io.WriteString(f, "{")
	first := true
	for i := 0; i < rt.NumField(); i++ {
		field := rt.Field(i)
		if !field.IsExported() {
			continue
		}
		if !first {
			if sharp {
				io.WriteString(f, ", ")
			} else {
				io.WriteString(f, " ")
			}
		}
		first = false
		if names {
			io.WriteString(f, field.Name+":")
		}
		formatField(f, rv.Field(i).Interface(), sharp, names)
	}
	io.WriteString(f, "}")
}

func formatField(w io.Writer, x any, sharp, names bool) {
	switch x := x.(type) {
	case json.RawMessage:
		var b bytes.Buffer
		text := string(x)
		if json.Compact(&b, x) == nil {
			text = b.String()
		}
		switch {
		case sharp && x == nil:
			io.WriteString(w, "json.RawMessage(nil)")
		case sharp:
			fmt.Fprintf(w, "json.RawMessage(%q)", text)
		case x == nil:
			io.WriteString(w, "<nil>")
		default:
			io.WriteString(w, text)
		}
	case *float64:
		switch {
		case x != nil:
			io.WriteString(w, strconv.FormatFloat(*x, 'f', -1, 64))
		case sharp:
			io.WriteString(w, "nil")
		default:
			io.WriteString(w, "<nil>")
		}
	default:
		switch {
		case sharp:
			fmt.Fprintf(w, "%#v", x)
		case names:
			fmt.Fprintf(w, "%+v", x)
		default:
			fmt.Fprintf(w, "%v", x)
		}
	}
}
