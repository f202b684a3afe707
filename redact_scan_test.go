package multiaccount

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The one-scan Raw redaction: listed keys however spelled (case, JSON
// escapes) at any depth, secrets in any string, key or number, in any
// encoding, and clean text copied as is.
func TestRedactJSONScan(t *testing.T) {
	const sec = "s3cr3tvalue42"
	cases := []struct{ in, want string }{
		{`{"a": 1, "api_key": "k1", "b": [ {"API_KEY": {"x": [1,2]}}, {"api\u005fkey": "k2"} ]}`,
			`{"a":1,"api_key":"[REDACTED]","b":[{"API_KEY":"[REDACTED]"},{"api_key":"[REDACTED]"}]}`},
		{`{"api_key": null, "n": -1.5e3, "t": true, "f": false, "z": null}`,
			`{"api_key":null,"n":-1.5e3,"t":true,"f":false,"z":null}`},
		{`{"note": "key is s3cr3tvalue42", "esc": "s3cr3t\u0076alue42", "url": "a%20s3cr3tvalue42", "html": "s3cr3t&#118;alue42"}`,
			`{"note":"key is [REDACTED]","esc":"[REDACTED]","url":"a%20[REDACTED]","html":"[REDACTED]"}`},
		{`{"s3cr3tvalue42": 1, "q": "x?token=abc&y=1", "txt": "a+b \u00e9 \"q\" \\ /"}`,
			`{"[REDACTED]":1,"q":"x?token=[REDACTED]\u0026y=1","txt":"a+b é \"q\" \\ /"}`},
		{`[1, "two", {"k": []}, {}]`, `[1, "two", {"k": []}, {}]`}, // clean: copied as is
		{`{"api_key": "k1"`, `null`},                               // unreadable: nothing of it kept
	}
	for _, tc := range cases {
		got := string(redactJSON([]byte(tc.in), []string{sec}, "api_key"))
		if tc.want == `{"[REDACTED]":1,"q":"x?token=[REDACTED]\u0026y=1","txt":"a+b é \"q\" \\ /"}` {
			// Compare decoded: the encoder's escaping of & is its own.
			var g, w any
			if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(tc.want), &w) != nil || !jsonEqual(g, w) {
				t.Errorf("redactJSON(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("redactJSON(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
		if strings.Contains(got, sec) {
			t.Errorf("secret in %s", got)
		}
	}
	// A number that is the secret becomes a redacted string.
	if got := string(redactJSON([]byte(`{"id": 123456789, "x": "\u00e9"}`), []string{"123456789"})); got != `{"id":"[REDACTED]","x":"é"}` {
		t.Errorf("numeric secret: %s", got)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// plainRedactions are the inputs for redactPlain against rawRedactor.
func plainRedactions(t testing.TB) [][]byte {
	ins := [][]byte{
		[]byte(`{"api_key":"A1","x":{"API_KEY":{"api_key":1},"k":[1,"api_key",{"api_key":null}]},"y" : "api_key" , "z":true}`),
		[]byte(` [ {"password" :"p", "n": -1.5e3}, "password", null, {"token":[1,2,{"a":"b"}]} ] `),
		[]byte(`{"":"","a":"","api_keys":"x","apikey":"y","api_key":""}`),
		[]byte(`"api_key"`), []byte(`12`), []byte(`{}`), []byte(`[]`),
		[]byte(`{"api_key":"own-key-123","sid":"x","echo":"own-key-123"}`),
		[]byte(`{"api_key":"own-key-123","nested":{"API_KEY":"own-key-123"}}`),
		[]byte(`{"note":"A1-secret-value inside","api_key":"A1-secret-value"}`),
		[]byte(`{"A1-secret-value":1,"n":12}`),
		[]byte(`{"cid":"+15551234567","dst":"+1 555","api_key":"k+y"}`),
		[]byte(`{"note":"A1-secret-value+x","n":+1}`),
		[]byte(`{"cn":"TOLL%20FREE%20CALL","api_key":"k%20y","n":"A1-secret%2Dvalue"}`),
		[]byte(`{"cn":"A1%2dsecret-value","sid":"%41%31"}`),
		[]byte(`{"A1-secr%65t-value":1,"cn":"100%"}`),
		[]byte(`{"cn":"TOLL%20FREE%20CALL","api_key":"own%2Bkey"}`),
	}
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, b)
	}
	return ins
}

var plainFields = []string{"api_key", "password", "token", "auth_token", "sid"}

// checkPlainMatchesRedactor: where redactJSON takes redactPlain, its
// output is rawRedactor's byte for byte, or, where the input has no
// listed key, the input as is.
func checkPlainMatchesRedactor(t *testing.T, in []byte) bool {
	t.Helper()
	// Text with '%' and '+' too: redactDecoded takes the plain path for
	// it when percentMatch finds no secret.
	if class := classify(in); class&(classEncodes|classEq) != 0 || !validJSON(in) {
		return false
	}
	// The secrets: a fixed one, and the item's own key where it has one
	// (Kaleyra's listed api_key carries it).
	secrets := []string{"A1-secret-value"}
	var item map[string]any
	if json.Unmarshal(in, &item) == nil {
		if k, ok := item["api_key"].(string); ok {
			secrets = append(secrets, k)
		}
	}
	w := rawRedactor{secrets: secrets, fields: plainFields}
	w.value(in, skipSpace(in, 0))
	got := redactJSON(in, secrets, plainFields...)
	var compact bytes.Buffer
	if err := json.Compact(&compact, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, w.out) && !(bytes.Equal(w.out, compact.Bytes()) && bytes.Equal(got, in)) {
		t.Errorf("redactPlain(%s)\n got %s\nwant %s", in, got, w.out)
	}
	for _, s := range secrets {
		if len(s) >= minScrubLen && bytes.Contains(got, []byte(s)) {
			t.Errorf("redactJSON(%s) kept secret %q: %s", in, s, got)
		}
	}
	return true
}

func TestRedactPlainMatchesRedactor(t *testing.T) {
	n := 0
	for _, in := range plainRedactions(t) {
		if checkPlainMatchesRedactor(t, in) {
			n++
		}
	}
	if n < 30 {
		t.Fatalf("only %d plain inputs", n)
	}
}

func FuzzRedactPlainMatchesRedactor(f *testing.F) {
	for _, in := range plainRedactions(f) {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkPlainMatchesRedactor(t, in) })
}

func TestContainsStringIsBytesContains(t *testing.T) {
	long := strings.Repeat("k3y", 20)
	for _, b := range []string{"", "a", "abc", "xxabcxx", "ababac", long, "pre" + long, long[:len(long)-1]} {
		for _, s := range []string{"", "a", "abc", "bac", "c", long, "zz"} {
			if got, want := containsString([]byte(b), s), bytes.Contains([]byte(b), []byte(s)); got != want {
				t.Errorf("containsString(%q, %q) = %v, want %v", b, s, got, want)
			}
		}
	}
}

// TestRedactPlusHidesASpacedSecret: a '+' stays on the fast path only
// while no secret has a space that a query would send as '+'.
func TestRedactPlusHidesASpacedSecret(t *testing.T) {
	in := []byte(`{"cid":"+15551234567","echo":"pass+phrase+word"}`)
	got := string(redactJSON(in, []string{"pass phrase word"}))
	if strings.Contains(got, "phrase") || !strings.Contains(got, `"+15551234567"`) {
		t.Errorf("spaced secret: %s", got)
	}
	if got := string(redactJSON(in, []string{"nospace-secret"})); got != string(in) {
		t.Errorf("no secret in it: %s, want the input as is", got)
	}
}

// TestEncodesAsIsMeansReencodingIsTheToken: where rawRedactor keeps a
// string token's bytes instead of re-encoding it, re-encoding would have
// written the same bytes.
func TestEncodesAsIsMeansReencodingIsTheToken(t *testing.T) {
	checked := 0
	for _, tok := range []string{`"TOLL%20FREE%20CALL"`, `"a&b<c>"`, `"caf` + "\u00e9" + `"`, "\"\u2028\"", "\"\u2029x\"",
		`"\u00e9"`, `"\/"`, `"tab\t"`, "\"bad \xff\"", `"%41+%2B="`, `""`, `"日本"`} {
		inner := []byte(tok[1 : len(tok)-1])
		var s string
		if err := unmarshalJSON([]byte(tok), &s); err != nil {
			continue
		}
		same := string(appendJSONString(nil, s)) == tok
		if encodesAsIs(inner) && !same {
			t.Errorf("encodesAsIs(%s) but re-encoding writes %s", tok, appendJSONString(nil, s))
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("only %d tokens", checked)
	}
}

// percentMatch is secretPattern's match wherever it is used in its place.
func TestPercentMatchIsSecretPattern(t *testing.T) {
	for _, tc := range []struct{ text, sec string }{
		{"TOLL%20FREE%20CALL", "FREE CALL"},
		{"TOLL%20FREE%20CALL", "TOLL FREE"},
		{"TOLL+FREE", "TOLL FREE"},
		{"%41b%7A", "1bz"},
		{"%41b%7a", "Abz"},
		{"x%2", "x\x02"},
		{"%e2%82%ac-key", "€-key"},
		{"%E2%82%AC-key", "€-key"},
		{"%E2%82-key", "€-key"},
		{"pass%2Bword", "pass+word"},
		{"pass+word", "pass+word"},
		{"pass%20word", "pass+word"},
		{"%%41bcd", "Abcd"},
		{"abc", "abcd"},
		{"%2541b%257A", "Abz"},
		{"%2541b%7a", "Abz"},
		{"%25e2%82%25ac-key", "€-key"},
		{"%252", "x"},
		{"%25%41", "A"},
		{"%2525", "%"},
	} {
		checkPercentMatch(t, tc.text, tc.sec)
	}
}

func checkPercentMatch(t *testing.T, text, sec string) {
	t.Helper()
	if !percentOnly(text) || !percentMatchable(sec) || sec == "" {
		return
	}
	if got, want := percentMatch(text, sec), secretPattern(sec).MatchString(text); got != want {
		t.Errorf("percentMatch(%q, %q) = %v, secretPattern matches: %v", text, sec, got, want)
	}
}

func FuzzPercentMatchIsSecretPattern(f *testing.F) {
	f.Add("TOLL%20FREE%20CALL", "FREE CALL")
	f.Add("%41b%7A", "1bz")
	f.Add("%E2%82%AC-key+x", "€-key x")
	f.Add("%2541b%7a-%25E2%82%AC", "Abz-€")
	f.Fuzz(func(t *testing.T, text, sec string) {
		if len(sec) > 16 {
			sec = sec[:16] // the pattern's size grows with the secret
		}
		checkPercentMatch(t, text, sec)
	})
}

// Raw costs an item at most its own copy: the lists of secrets and
// fields a normaliser passes stay on the stack (one item's Raw is made
// per item of every page).
func TestRawAllocatesOnlyTheCopy(t *testing.T) {
	c, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth("parent-key-123456")))
	if err != nil {
		t.Fatal(err)
	}
	resp := &response{c: c, req: &request{}}
	clean := []byte(`{"sid":"HX1","account_name":"Customer 1","status":"active"}`)
	keyed := []byte(`{"sid":"HX1","api_key":"item-key-0987654321","status":"active"}`)
	carried := "item-key-0987654321"
	cases := []struct {
		name string
		want float64
		run  func()
	}{
		{"clean item", 0, func() { _ = resp.redactRaw(clean, "api_key", "password") }},
		{"clean item, carrying", 0, func() { _ = resp.redactRawCarrying(clean, []string{carried}, "api_key") }},
		{"listed key, carrying", 1, func() { _ = resp.redactRawCarrying(keyed, []string{carried}, "api_key") }},
	}
	for _, tc := range cases {
		if n := testing.AllocsPerRun(100, tc.run); n != tc.want {
			t.Errorf("%s: %v allocations, want %v", tc.name, n, tc.want)
		}
	}
	if got := string(resp.redactRawCarrying(keyed, []string{carried}, "api_key")); strings.Contains(got, carried) {
		t.Errorf("Raw = %s, holds the carried key", got)
	}
}

// Every HTML5 named reference of an ASCII character, a numeric reference
// without its ';', and percent-encoding done twice (as a proxy may) hide
// no secret, in text and in Raw.
func TestScrubSeesEveryEncodingOfASecret(t *testing.T) {
	type echo struct{ name, secret, text string }
	const sec = "ab/cd.ef:gh+ij"
	cases := []echo{
		{"HTML5 named", sec, "ab&sol;cd&period;ef&colon;gh&plus;ij"},
		{"numeric, no semicolon", sec, "ab&#47cd.ef:gh+ij"},
		{"hex, no semicolon", sec, "ab&#x2Fcd.ef:gh+ij"},
		{"percent twice", sec, "ab%252Fcd.ef%253Agh%252Bij"},
		{"percent once and twice", sec, "ab%2Fcd.ef%253Agh+ij"},
	}
	for r, names := range htmlNames {
		for _, name := range names {
			name = strings.TrimSuffix(name, "?")
			cases = append(cases, echo{"&" + name, "key" + string(r) + "value", "key&" + name + "value"})
		}
	}
	for _, tc := range cases {
		if got := scrubText("echo: "+tc.text, []string{tc.secret}); got != "echo: "+redacted {
			t.Errorf("%s: scrubText = %q, want the secret %q redacted", tc.name, got, tc.secret)
		}
		raw, _ := json.Marshal(map[string]string{"note": tc.text})
		if got := string(redactJSON(raw, []string{tc.secret})); got != `{"note":"`+redacted+`"}` {
			t.Errorf("%s: Raw = %s, want the secret %q redacted", tc.name, got, tc.secret)
		}
	}
}

// A secret with a byte that is not UTF-8 (a Latin-1 password) is found
// percent-encoded byte by byte, and a credential parameter in Raw is
// blanked whatever else the item holds.
func TestScrubSeesLatin1SecretsAndParameters(t *testing.T) {
	const sec = "p\xe4ssword"
	for _, text := range []string{"bad password p%E4ssword", "bad password p%25e4ssword"} {
		if got := scrubText(text, []string{sec}); got != "bad password "+redacted {
			t.Errorf("scrubText(%q) = %q, want the secret redacted", text, got)
		}
		raw, _ := json.Marshal(map[string]string{"note": text})
		if got := string(redactJSON(raw, []string{sec})); got != `{"note":"bad password `+redacted+`"}` {
			t.Errorf("Raw = %s, want the secret redacted", got)
		}
	}
	for _, item := range []string{`{"q":"x?token=abcd1234"}`, `{"q":"x?token=abcd1234&y=1"}`} {
		if got := string(redactJSON([]byte(item), []string{"othersecret"})); strings.Contains(got, "abcd1234") {
			t.Errorf("Raw of %s = %s, want the token blanked", item, got)
		}
	}
}
