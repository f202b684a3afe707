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
	"slices"
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
		out = c.authSecrets
		if out == nil {
			out = credentialsOf(c.auth)
		}
	}
	if r != nil && (len(r.secrets) > 0 || r.auth != nil) {
		out = append(out[:len(out):len(out)], r.secrets...) // never into authSecrets
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

// secrets are the call's credentials: the client's and the request's own
// (a password it sent, a per-request authenticator's).
func (resp *response) secrets() []string { return resp.c.secrets(resp.req) }

// redactRaw is redactDecoded with the call's credentials: every Raw is
// JSON the SDK has decoded from an answer, which may echo any of them.
func (resp *response) redactRaw(raw []byte, fields ...string) json.RawMessage {
	return redactDecoded(raw, resp.secrets(), fields...)
}

// redactRawCarrying is redactRaw that also scrubs, by value, the secrets
// the object itself carries (a key just created, exchanged or listed, a
// generated password): echoed under a field not on the list, they would
// stay readable in Raw.
func (resp *response) redactRawCarrying(raw []byte, carried []string, fields ...string) json.RawMessage {
	s := resp.secrets()
	var all [8]string // on the stack for the usual few secrets
	return redactDecoded(raw, append(append(all[:0], s...), carried...), fields...)
}

// scrubText replaces in s every secret, in any common encoding (raw, URL
// query or path escaped, JSON escaped with \/ or \uXXXX, HTML entities,
// or a mix of them), and every credential-looking query parameter, with
// [REDACTED]. Servers and proxies do echo URLs and bodies.
func scrubText(s string, secrets []string) string {
	plain, percent := plainText(s), percentOnly(s)
	for _, sec := range secrets {
		if len(sec) < minScrubLen {
			continue
		}
		if plain {
			// Plain text can hold a secret only as is: no pattern needed.
			s = strings.ReplaceAll(s, sec, redacted)
			continue
		}
		if percent && percentMatchable(sec) && !percentMatch(s, sec) {
			continue // the pattern would not match: no need to run it
		}
		if re := secretPattern(sec); re.MatchString(s) {
			s = re.ReplaceAllLiteralString(s, redacted)
		}
	}
	if strings.IndexByte(s, '=') < 0 {
		return s // credentialParam needs an '='
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
	for i, r := range sec {
		b.WriteString("(?:")
		b.WriteString(regexp.QuoteMeta(string(r)))
		// URL: %XX per byte, or %25XX (encoded twice, as a proxy may);
		// + for a space in a query. The bytes are sec's own: a byte that
		// is not UTF-8 (a Latin-1 password) reads as U+FFFD above, but is
		// echoed percent-encoded as itself.
		b.WriteString("|")
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			_, size = utf8.DecodeRuneInString(sec[i:])
		}
		for _, c := range []byte(sec[i : i+size]) {
			b.WriteString("(?:%(?:25)?" + hexPattern(uint32(c), 2) + ")")
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
		// HTML: decimal and hex character references (browsers read
		// them without their ';' too), named ones.
		fmt.Fprintf(&b, `|&#0*%d;?|&#[xX]0*%s;?`, r, hexPattern(uint32(r), 0))
		for _, name := range htmlNames[r] {
			b.WriteString("|&" + name)
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

// htmlNames are HTML5's named character references of ASCII characters
// (the WHATWG list); those browsers also read without their ';' end in
// ";?".
var htmlNames = map[rune][]string{
	'\t': {"Tab;"}, '\n': {"NewLine;"}, '!': {"excl;"}, '"': {"quot;?", "QUOT;?"},
	'#': {"num;"}, '$': {"dollar;"}, '%': {"percnt;"}, '&': {"amp;?", "AMP;?"},
	'\'': {"apos;"}, '(': {"lpar;"}, ')': {"rpar;"}, '*': {"ast;", "midast;"},
	'+': {"plus;"}, ',': {"comma;"}, '.': {"period;"}, '/': {"sol;"},
	':': {"colon;"}, ';': {"semi;"}, '<': {"lt;?", "LT;?"}, '=': {"equals;"},
	'>': {"gt;?", "GT;?"}, '?': {"quest;"}, '@': {"commat;"}, '[': {"lsqb;", "lbrack;"},
	'\\': {"bsol;"}, ']': {"rsqb;", "rbrack;"}, '^': {"Hat;"}, '_': {"lowbar;", "UnderBar;"},
	'`': {"grave;", "DiacriticalGrave;"}, '{': {"lcub;", "lbrace;"},
	'|': {"verbar;", "vert;", "VerticalLine;"}, '}': {"rcub;", "rbrace;"},
}

// percentOnly reports whether text is ASCII with no JSON escape or HTML
// entity: a character in it is itself, %XX or %25XX per UTF-8 byte, or
// '+' for a space, as percentMatch matches it.
func percentOnly[T string | []byte](text T) bool { return classify(text)&classEncodes == 0 }

// percentMatchable reports whether percentMatch can look for sec: valid
// UTF-8 (secretPattern reads runes) with no '%' (which would be itself
// or the start of an escape: two ways to read one character).
func percentMatchable(sec string) bool {
	return utf8.ValidString(sec) && strings.IndexByte(sec, '%') < 0
}

// percentMatch reports whether secretPattern(sec) matches text, for text
// that is percentOnly and sec that is percentMatchable, without the
// regular expression: at each place of text a character of sec can be in
// one way only (itself, %XX, %25XX or '+': sec has no '%'), so each start
// is tried in one pass. (A rune of several bytes cannot appear as itself
// in ASCII text: each byte is %XX or %25XX.)
func percentMatch[T string | []byte](text T, sec string) bool {
	if sec == "" {
		return true
	}
	first := sec[0]
	for start := 0; start < len(text); start++ {
		// Only where sec's first character can begin: itself, an escape,
		// or a '+' for a space.
		if c := text[start]; c != first && c != '%' && (c != '+' || first != ' ') {
			continue
		}
		if percentMatchAt(text, start, sec) {
			return true
		}
	}
	return false
}

func percentMatchAt[T string | []byte](text T, p int, sec string) bool {
	for i := 0; i < len(sec); i++ {
		c := sec[i]
		switch {
		case p < len(text) && text[p] == c:
			p++
		case c == ' ' && p < len(text) && text[p] == '+':
			p++
		case p+2 < len(text) && text[p] == '%' && unhex(text[p+1]) == int(c>>4) && unhex(text[p+2]) == int(c&15):
			p += 3
		case p+4 < len(text) && string(text[p:p+3]) == "%25" && unhex(text[p+3]) == int(c>>4) && unhex(text[p+4]) == int(c&15):
			p += 5 // encoded twice
		default:
			return false
		}
	}
	return true
}

// unhex is the value of a hex digit of either case, or -1.
func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// percentHoldsAny reports whether raw (percentOnly) may hold a secret in
// any form: percentMatch for each, and true for a secret it cannot look
// for.
func percentHoldsAny(raw []byte, secrets []string) bool {
	for _, s := range secrets {
		if len(s) < minScrubLen {
			continue
		}
		if !percentMatchable(s) || percentMatch(raw, s) {
			return true
		}
	}
	return false
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

// redactJSON returns raw with the values of the named fields, at any
// depth, replaced by "[REDACTED]", and every secret, in any string, key or
// number, scrubbed. Field names match as encoding/json matches them
// (after unescaping, case-insensitively), so that no key that fills a
// typed credential field stays clear in Raw. It is one scan over the bytes
// (rawRedactor), compacting whitespace; JSON the SDK cannot read yields
// null rather than risk a credential. What it returns is new bytes, or raw
// itself (capacity cut to its length, so that appending to one item's Raw
// cannot write into the next) when nothing needs changing: raw is always
// part of an answer body, which the SDK reads fresh for every call and
// never writes to.
func redactJSON(raw []byte, secrets []string, fields ...string) json.RawMessage {
	if !validJSON(raw) {
		return json.RawMessage(`null`)
	}
	return redactDecoded(raw, secrets, fields...)
}

// redactDecoded is redactJSON for JSON the SDK has decoded, which is
// valid: the quote-hopping path needs no second check of it (a check
// costs about as much as the decode of an item). The token-by-token path
// still checks, as its scan reads only valid JSON.
func redactDecoded(raw []byte, secrets []string, fields ...string) json.RawMessage {
	class := classify(raw)
	eq := class&classEq != 0
	encodes := class&(classEncodes|classPercent) != 0 || class&classPlus != 0 && anyHasSpace(secrets)
	if encodes && class&classEncodes == 0 && !percentHoldsAny(raw, secrets) {
		// Only '%' and '+' could encode a secret here, and none is held
		// in any form: as plain as plain text (call records' names).
		encodes = false
	}
	secret := holdsAnySecret(raw, secrets)
	if !encodes && !eq {
		// Plain text holds a secret only as is: if none is left once the
		// listed values are replaced (an item's own key, listed), no
		// token needs scrubbing.
		if out := redactPlain(raw, fields); !secret || !holdsAnySecret(out, secrets) {
			return out
		}
	}
	if !encodes && !secret && !holdsAnyField(raw, fields) && !(eq && credentialParam.Match(raw)) {
		return raw[:len(raw):len(raw)]
	}
	if !validJSON(raw) {
		return json.RawMessage(`null`)
	}
	// The token-by-token walk keeps copies of the lists: escape analysis
	// cannot follow its recursion, and the lists given would move to the
	// heap on every call (one item each), not only on this rarer path.
	w := rawRedactor{secrets: slices.Clone(secrets), fields: slices.Clone(fields), out: make([]byte, 0, len(raw))}
	w.value(raw, skipSpace(raw, 0))
	return w.out
}

// classify reports, in one pass, the classes of raw's bytes, or-ed:
// whether raw has bytes that can encode other text in ways only
// secretPattern matches (non-ASCII, '\\', '&'), a '%' (which encodes as
// percentMatch matches), the '=' of a credential parameter, or a '+' (a
// space in a query: it hides only a secret that has one).
func classify[T string | []byte](raw T) byte {
	var class byte
	for i := 0; i < len(raw); i++ {
		class |= byteClass[raw[i]] // no branch per byte
	}
	return class
}

// The classes of bytes, for classify.
const (
	classEncodes = 1 << iota
	classPercent
	classEq
	classPlus
)

var byteClass = func() (t [256]byte) {
	for c := utf8.RuneSelf; c < len(t); c++ {
		t[c] = classEncodes
	}
	t['\\'], t['&'], t['%'] = classEncodes, classEncodes, classPercent
	t['='], t['+'] = classEq, classPlus
	return t
}()

// anyHasSpace reports whether a secret has a space, which a query may
// send as '+' (phone numbers put a '+' in most call records).
func anyHasSpace(secrets []string) bool {
	for _, s := range secrets {
		if strings.IndexByte(s, ' ') >= 0 {
			return true
		}
	}
	return false
}

// redactPlain is rawRedactor for valid JSON in which no token can need
// scrubbing (plain ASCII, no '=', no '+' that could hide a secret, no
// secret outside listed values): raw itself when it has no listed key,
// else rawRedactor's output (raw compacted, each listed key's value
// replaced). It hops from quote to quote: with no backslash, every '"'
// opens or closes a string, so a quoted listed name followed by ':' is a
// key.
func redactPlain(raw []byte, fields []string) json.RawMessage {
	at, spaced := plainKeyHit(raw, fields, nil)
	if at < 0 {
		return raw[:len(raw):len(raw)]
	}
	out := make([]byte, 0, len(raw))
	if !spaced {
		// Up to the first listed key raw is compact already: copied as
		// is, and the walk goes on from that key (a quote that opens a
		// string, as every other one in plain JSON does or closes one).
		out = append(out, raw[:at]...)
		raw = raw[at:]
	}
	plainKeyHit(raw, fields, &out)
	return out
}

// plainKeyHit walks raw for redactPlain. With out nil it returns the
// index of the first listed key's quote (-1 for none) and whether JSON
// whitespace came before it outside strings; else it writes the redacted
// copy to *out.
func plainKeyHit(raw []byte, fields []string, out *[]byte) (first int, spaced bool) {
	for i := 0; i < len(raw); {
		q := bytes.IndexByte(raw[i:], '"')
		if q < 0 {
			if out != nil {
				*out = appendCompact(*out, raw[i:])
			}
			return -1, spaced
		}
		q += i
		if out == nil && !spaced {
			spaced = hasJSONSpace(raw[i:q])
		}
		e := bytes.IndexByte(raw[q+1:], '"')
		if e < 0 {
			return -1, spaced // not valid JSON: redactJSON checked it is
		}
		e += q + 1
		if out != nil {
			*out = append(appendCompact(*out, raw[i:q]), raw[q:e+1]...)
		}
		i = e + 1
		if j := skipSpace(raw, i); j < len(raw) && raw[j] == ':' && fieldListedBytes(raw[q+1:e], fields) {
			v := skipSpace(raw, j+1)
			end := skipValue(raw, v)
			if out == nil {
				return q, spaced
			}
			if string(raw[v:end]) == "null" {
				*out = append(*out, ":null"...)
			} else {
				*out = append(*out, `:"`+redacted+`"`...)
			}
			i = end
		}
	}
	return -1, spaced
}

// hasJSONSpace reports whether b has JSON whitespace.
func hasJSONSpace(b []byte) bool {
	for _, c := range b {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

// appendCompact appends b without its JSON whitespace (b holds no string).
func appendCompact(dst, b []byte) []byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			dst = append(dst, c)
		}
	}
	return dst
}

// rawRedactor copies valid JSON token by token. A string or number that
// is plain ASCII with no escape, entity, '%', '+' or '=' and holds no
// secret is copied as is; any other passes scrubText after unescaping and
// is re-encoded. A listed key's value is replaced whole.
type rawRedactor struct {
	secrets, fields []string
	out             []byte
}

// value copies the value starting at b[i] (valid JSON) and returns the
// index after it.
func (w *rawRedactor) value(b []byte, i int) int {
	switch b[i] {
	case '{', '[':
		obj := b[i] == '{'
		w.out = append(w.out, b[i])
		i = skipSpace(b, i+1)
		for n := 0; b[i] != '}' && b[i] != ']'; n++ {
			if n > 0 {
				w.out = append(w.out, ',')
				i = skipSpace(b, i+1) // past the comma
			}
			if obj {
				end := stringEnd(b, i)
				listed := w.str(b[i:end], true)
				w.out = append(w.out, ':')
				i = skipSpace(b, skipSpace(b, end)+1) // past the colon
				if listed {
					end = skipValue(b, i)
					if string(b[i:end]) == "null" {
						w.out = append(w.out, "null"...)
					} else {
						w.out = append(w.out, `"`+redacted+`"`...)
					}
					i = skipSpace(b, end)
					continue
				}
			}
			i = skipSpace(b, w.value(b, i))
		}
		w.out = append(w.out, b[i])
		return i + 1
	case '"':
		end := stringEnd(b, i)
		w.str(b[i:end], false)
		return end
	}
	end := i
	for end < len(b) && !isJSONDelim(b[end]) {
		end++
	}
	tok := b[i:end]
	if (tok[0] == '-' || tok[0] >= '0' && tok[0] <= '9') && (bytes.IndexByte(tok, '+') >= 0 || holdsAnySecret(tok, w.secrets)) {
		if s := scrubText(string(tok), w.secrets); s != string(tok) {
			w.out = appendJSONString(w.out, s)
			return end
		}
	}
	w.out = append(w.out, tok...)
	return end
}

// str copies the string token tok (quotes included), scrubbed; for a key
// it reports whether the key is a listed field.
func (w *rawRedactor) str(tok []byte, key bool) (listed bool) {
	inner := tok[1 : len(tok)-1]
	if plainText(inner) && bytes.IndexByte(inner, '=') < 0 && !holdsAnySecret(inner, w.secrets) {
		w.out = append(w.out, tok...)
		return key && fieldListedBytes(inner, w.fields)
	}
	var s string
	_ = unmarshalJSON(tok, &s) // valid: redactJSON checked it
	if scrubbed := scrubText(s, w.secrets); scrubbed != s || !encodesAsIs(inner) {
		w.out = appendJSONString(w.out, scrubbed)
	} else {
		w.out = append(w.out, tok...) // what re-encoding would write
	}
	return key && fieldListed(s, w.fields)
}

// encodesAsIs reports whether marshalJSON writes the text of the string
// token whose inside is inner as inner itself: no escape, valid UTF-8, no
// character it escapes (controls cannot be in a token unescaped; U+2028
// and U+2029 it does escape).
func encodesAsIs(inner []byte) bool {
	return bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) &&
		!bytes.Contains(inner, []byte("\u2028")) && !bytes.Contains(inner, []byte("\u2029"))
}

// plainText reports whether b is ASCII with nothing that could encode
// another character: no JSON escape, URL escape, '+' (a space in a query)
// or HTML entity. Such text holds a secret only as is.
func plainText[T string | []byte](b T) bool {
	return classify(b)&(classEncodes|classPercent|classPlus) == 0
}

// appendJSONString appends s as a JSON string without HTML escaping.
func appendJSONString(dst []byte, s string) []byte {
	b, _ := marshalJSON(s)
	return append(dst, b...)
}

func isJSONDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string token starting at b[i].
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = stringEnd(b, i) - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',':
			if depth == 0 {
				return i
			}
		default:
			if depth == 0 && isJSONDelim(b[i]) {
				return i
			}
		}
		if depth == 0 && b[i] == '"' {
			return i + 1
		}
	}
	return i
}

// fieldListedBytes is fieldListed for a key that needs no unescaping.
func fieldListedBytes(key []byte, fields []string) bool {
	for _, f := range fields {
		if len(f) == len(key) && bytes.EqualFold(key, []byte(f)) {
			return true
		}
	}
	return false
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

// holdsAnyField reports whether raw contains one of the field names, in
// any case.
func holdsAnyField(raw []byte, fields []string) bool {
	for _, f := range fields {
		if containsFold(raw, f) {
			return true
		}
	}
	return false
}

// holdsAnySecret reports whether raw contains one of the secrets as is.
func holdsAnySecret(raw []byte, secrets []string) bool {
	for _, s := range secrets {
		if len(s) >= minScrubLen && containsString(raw, s) {
			return true
		}
	}
	return false
}

// containsString is bytes.Contains(b, []byte(s)) without the conversion,
// which allocates for a string over 32 bytes (a Basic header's value):
// once per item of every page.
func containsString(b []byte, s string) bool {
	if s == "" {
		return true
	}
	for i := 0; len(b)-i >= len(s); i++ {
		j := bytes.IndexByte(b[i:len(b)-len(s)+1], s[0])
		if j < 0 {
			return false
		}
		i += j
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

// containsFold reports whether b contains the ASCII string s in any case.
func containsFold(b []byte, s string) bool {
	if s == "" {
		return true
	}
	lo, up := s[0]|0x20, s[0]&^0x20 // s[0] in either case (a letter; else both are s[0] or harmless)
	for i := 0; i+len(s) <= len(b); i++ {
		if c := b[i]; c != lo && c != up && c != s[0] {
			continue
		}
		if bytes.EqualFold(b[i:i+len(s)], []byte(s)) {
			return true
		}
	}
	return false
}
