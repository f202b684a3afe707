// Redaction: the one scrubber for text from outside, and Raw redaction.
//
// The rule: every text that came from outside (a vendor's message or code,
// a transport's error, a body fragment) passes scrubText before it reaches
// a user, and before any cut (a cut cannot leave part of a credential that
// is already gone). Errors are scrubbed at every level of their chain
// (scrubChain). Values are scrubbed by value in every common encoding, and
// Raw objects by field name (matched as encoding/json matches them) and by
// value.

package multiaccount

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// credentialParam matches query or form parameters that carry credentials.
var credentialParam = regexp.MustCompile(`(?i)\b(auth_token|access_token|token|apikey|api_key|api-key|key|secret|password|passwd)=[^&\s"'<>]+`)

// minScrubLen is the shortest credential scrubbed by value: shorter ones
// (Woodpecker's legacy password "X") would blank ordinary text.
const minScrubLen = 4

// secrets lists the credential values a call may carry: the client's, the
// request's own authenticator's and those in its body. r may be nil.
func (c *Client) secrets(r *request) []string {
	var out []string
	if c != nil {
		out = credentialsOf(c.auth)
	}
	if r != nil {
		out = append(out, r.secrets...)
		if r.auth != nil {
			out = append(out, credentialsOf(r.auth)...)
		}
	}
	return out
}

// scrubErr is scrubChain with the call's credentials.
func (c *Client) scrubErr(r *request, err error) error { return scrubChain(err, c.secrets(r)) }

// errPath is r's path as errors show it, scrubbed: a caller may have put
// a credential in a path it built.
func (c *Client) errPath(r *request) string { return scrubText("/"+r.path, c.secrets(r)) }

// redactRaw is redactJSON with the client's credentials.
func (c *Client) redactRaw(raw []byte, fields ...string) json.RawMessage {
	return redactJSON(raw, c.secrets(nil), fields...)
}

// redactRawCarrying is redactRaw that also scrubs, by value, the secrets
// the object itself carries (a key just created, exchanged or listed, a
// generated password): echoed under a field not on the list, they would
// stay readable in Raw.
func (c *Client) redactRawCarrying(raw []byte, carried []string, fields ...string) json.RawMessage {
	return redactJSON(raw, append(c.secrets(nil), carried...), fields...)
}

// scrubText replaces in s every secret, in any common encoding (raw, URL
// query or path escaped, JSON escaped with \/ or \uXXXX, HTML entities,
// or a mix of them), and every credential-looking query parameter, with
// [REDACTED]. Servers and proxies do echo URLs and bodies.
func scrubText(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) < minScrubLen {
			continue
		}
		if re := secretPattern(sec); re.MatchString(s) {
			s = re.ReplaceAllLiteralString(s, redacted)
		}
	}
	return credentialParam.ReplaceAllString(s, "${1}="+redacted)
}

var (
	patternMu    sync.Mutex
	patternCache = map[string]*regexp.Regexp{}
)

// maxPatterns bounds the cache of compiled secret patterns (tokens rotate).
const maxPatterns = 256

// secretPattern returns a regexp matching sec with each character in any
// of its common encodings.
func secretPattern(sec string) *regexp.Regexp {
	patternMu.Lock()
	defer patternMu.Unlock()
	if re, ok := patternCache[sec]; ok {
		return re
	}
	var b strings.Builder
	for _, r := range sec {
		b.WriteString("(?:")
		b.WriteString(regexp.QuoteMeta(string(r)))
		// URL: %XX per UTF-8 byte; + for a space in a query.
		b.WriteString("|")
		var buf [utf8.UTFMax]byte
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			b.WriteString("%" + hexPattern(uint32(c), 2))
		}
		if r == ' ' {
			b.WriteString(`|\+`)
		}
		// JSON: \uXXXX (a surrogate pair past the BMP), \/, \", \\.
		b.WriteString("|")
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			b.WriteString(`\\u` + hexPattern(uint32(r1), 4) + `\\u` + hexPattern(uint32(r2), 4))
		} else {
			b.WriteString(`\\u` + hexPattern(uint32(r), 4))
		}
		switch r {
		case '/', '"', '\\':
			b.WriteString(`|\\` + regexp.QuoteMeta(string(r)))
		}
		// HTML: decimal and hex character references, named entities.
		fmt.Fprintf(&b, `|&#0*%d;|&#[xX]0*%s;`, r, hexPattern(uint32(r), 0))
		switch r {
		case '&':
			b.WriteString(`|&amp;`)
		case '<':
			b.WriteString(`|&lt;`)
		case '>':
			b.WriteString(`|&gt;`)
		case '"':
			b.WriteString(`|&quot;`)
		case '\'':
			b.WriteString(`|&apos;`)
		}
		b.WriteString(")")
	}
	re := regexp.MustCompile(b.String())
	if len(patternCache) >= maxPatterns {
		clear(patternCache)
	}
	patternCache[sec] = re
	return re
}

// hexPattern matches v in hex with digits of either case, zero-padded to
// width (0: no padding).
func hexPattern(v uint32, width int) string {
	h := strconv.FormatUint(uint64(v), 16)
	for len(h) < width {
		h = "0" + h
	}
	var b strings.Builder
	for _, c := range h {
		if c >= 'a' && c <= 'f' {
			b.WriteString("[" + string(c) + string(c-'a'+'A') + "]")
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// scrubChain returns a copy of err's chain in which every level's text is
// scrubbed. No level unwraps to the original: errors.Is still answers for
// the original levels (sentinels, context errors), and errors.As finds a
// net.Error (with its Timeout) through a scrubbed view.
func scrubChain(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	if se, ok := err.(*scrubbedError); ok {
		return se
	}
	e := &scrubbedError{msg: scrubText(err.Error(), secrets), orig: err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			e.next = []error{scrubChain(next, secrets)}
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if next != nil {
				e.next = append(e.next, scrubChain(next, secrets))
			}
		}
	}
	return e
}

// scrubbedError is one level of a scrubbed chain.
type scrubbedError struct {
	msg  string
	orig error   // never returned: only asked Is, and whether it is a net.Error
	next []error // the scrubbed copies of orig's causes
}

func (e *scrubbedError) Error() string { return e.msg }

func (e *scrubbedError) GoString() string { return fmt.Sprintf("%q", e.msg) }

func (e *scrubbedError) Unwrap() []error { return e.next }

// Is answers as the original level would (without walking its chain: the
// scrubbed copies of the causes answer for themselves).
func (e *scrubbedError) Is(target error) bool {
	if t := reflect.TypeOf(e.orig); t != nil && t.Comparable() && e.orig == target {
		return true
	}
	if x, ok := e.orig.(interface{ Is(error) bool }); ok {
		return x.Is(target)
	}
	return false
}

// As hands out a scrubbed view for a net.Error target.
func (e *scrubbedError) As(target any) bool {
	p, ok := target.(*net.Error)
	if !ok {
		return false
	}
	ne, ok := e.orig.(net.Error)
	if !ok {
		return false
	}
	*p = &scrubbedNetError{scrubbedError: e, timeout: ne.Timeout()}
	return true
}

// scrubbedNetError is the net.Error view of a scrubbed level.
type scrubbedNetError struct {
	*scrubbedError
	timeout bool
}

func (e *scrubbedNetError) Timeout() bool { return e.timeout }

// Temporary is part of net.Error; it is deprecated there and false here.
func (e *scrubbedNetError) Temporary() bool { return false }

// credentialsOf lists the credential values an authenticator sends.
func credentialsOf(a Authenticator) []string {
	if cr := credentialOf(a); cr != nil {
		return cr.scrubValues()
	}
	return nil
}

// redactErr removes the URL from *url.Error (its query may hold a token).
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactJSON returns a copy of raw in which the values of the named fields,
// at any depth, are "[REDACTED]", and every secret, in any string, key or
// number, is scrubbed. Field names match as encoding/json matches them
// (after unescaping, case-insensitively), so that no key that fills a
// typed credential field stays clear in Raw. It is one pass over the
// tokens; JSON the SDK cannot read yields null rather than risk a
// credential.
func redactJSON(raw []byte, secrets []string, fields ...string) json.RawMessage {
	if rawIsClean(raw, secrets, fields) {
		return append(json.RawMessage(nil), raw...)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(len(raw))
	// Per open container: whether it is an object, and how many tokens
	// (keys and values) it has had.
	type level struct {
		object bool
		n      int
	}
	var stack []level
	put := func(b []byte) {
		if d := len(stack); d > 0 {
			l := &stack[d-1]
			switch {
			case l.object && l.n%2 == 1:
				out.WriteByte(':')
			case l.n > 0:
				out.WriteByte(',')
			}
			l.n++
		}
		out.Write(b)
	}
	str := func(s string) []byte {
		b, _ := marshalJSON(scrubText(s, secrets))
		return b
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return json.RawMessage(`null`)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				put([]byte{byte(t)})
				stack = append(stack, level{object: t == '{'})
			default:
				out.WriteByte(byte(t))
				stack = stack[:len(stack)-1]
			}
		case string:
			if d := len(stack); d > 0 && stack[d-1].object && stack[d-1].n%2 == 0 {
				// A key: a listed field's value is replaced whole.
				put(str(t))
				if fieldListed(t, fields) {
					var v json.RawMessage
					if dec.Decode(&v) != nil {
						return json.RawMessage(`null`)
					}
					if string(v) == "null" {
						put([]byte("null"))
					} else {
						put([]byte(`"` + redacted + `"`))
					}
				}
				continue
			}
			put(str(t))
		case json.Number:
			if s := scrubText(t.String(), secrets); s != t.String() {
				put(str(s))
			} else {
				put([]byte(t.String()))
			}
		case bool:
			put([]byte(strconv.FormatBool(t)))
		case nil:
			put([]byte("null"))
		}
		if len(stack) == 0 {
			break
		}
	}
	return out.Bytes()
}

// fieldListed matches a key against the field names as encoding/json
// matches a key against a struct tag: case-insensitively.
func fieldListed(key string, fields []string) bool {
	for _, f := range fields {
		if strings.EqualFold(key, f) {
			return true
		}
	}
	return false
}

// rawIsClean is redactJSON's fast path: raw is plain ASCII with no escape
// or entity that could hide a name or value, no field name in any case
// and no secret.
func rawIsClean(raw []byte, secrets []string, fields []string) bool {
	for _, c := range raw {
		if c >= utf8.RuneSelf || c == '\\' || c == '%' || c == '&' {
			return false
		}
	}
	for _, f := range fields {
		if containsFold(raw, f) {
			return false
		}
	}
	for _, s := range secrets {
		if len(s) >= minScrubLen && bytes.Contains(raw, []byte(s)) {
			return false
		}
	}
	return true
}

// containsFold reports whether b contains the ASCII string s in any case.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if bytes.EqualFold(b[i:i+len(s)], []byte(s)) {
			return true
		}
	}
	return false
}
