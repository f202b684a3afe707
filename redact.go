// Redaction: the one scrubber for text from outside, and Raw redaction.

package multiaccount

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// credentialParam matches query or form parameters that carry credentials.
var credentialParam = regexp.MustCompile(`(?i)\b(auth_token|access_token|token|apikey|api_key|api-key|key|secret|password|passwd)=[^&\s"'<>]+`)

// minScrubLen is the shortest credential scrubbed by value: shorter ones
// (Woodpecker's legacy password "X") would blank ordinary text.
const minScrubLen = 4

// scrub replaces, in text from outside (a vendor's message, a transport's
// error), the credentials the call carried and any credential-looking
// query parameter with [REDACTED]. Servers and proxies do echo URLs.
func (c *Client) scrub(r *request, s string) string {
	secrets := append(credentialsOf(c.auth), r.secrets...)
	if r.auth != nil {
		secrets = append(secrets, credentialsOf(r.auth)...)
	}
	for _, sec := range secrets {
		if len(sec) < minScrubLen {
			continue
		}
		s = strings.ReplaceAll(s, sec, redacted)
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, redacted)
		}
	}
	return credentialParam.ReplaceAllString(s, "${1}="+redacted)
}

// scrubErr wraps err so that its text is scrubbed; errors.Is and As still
// reach the cause.
func (c *Client) scrubErr(r *request, err error) error {
	msg := err.Error()
	if clean := c.scrub(r, msg); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}
	return err
}

// scrubbedError is an error whose text had credentials removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }

func (e *scrubbedError) GoString() string { return fmt.Sprintf("%q", e.msg) }

func (e *scrubbedError) Unwrap() error { return e.err }

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
