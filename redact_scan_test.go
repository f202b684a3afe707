package multiaccount

import (
	"encoding/json"
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
