package multiaccount

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Hooks for the external tests (package multiaccount_test), which can
// reach the emulator.

// PrivateLimitersForTest gives a Client limiters of its own.
var PrivateLimitersForTest = withPrivateLimiters

// CheckVoiceTelV22ExchangeForTest checks one request and its answer
// against VoiceTel's v2.2 document: the operation exists, the request's
// query and body match it (when checkRequest), the status is one the operation documents and
// the body matches that status's schema. It reports whether the document
// was found (the check is skipped without it).
func CheckVoiceTelV22ExchangeForTest(t *testing.T, req *http.Request, reqBody []byte, checkRequest bool, status int, respBody []byte) bool {
	t.Helper()
	spec := loadOpenAPIOrNil(t, "v2.2.json")
	if spec == nil {
		return false
	}
	spec.strict = true
	key := req.Method + " " + req.URL.Path
	op, ok := spec.Paths[req.URL.Path][strings.ToLower(req.Method)]
	if !ok {
		t.Errorf("%s: not in the document", key)
		return true
	}
	if checkRequest {
		checkV22Shape(t, spec, key, op, seen{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header, Body: reqBody})
	}
	resp, ok := op.Responses[strconv.Itoa(status)]
	if !ok {
		t.Errorf("%s answered %d, a status the document does not give it", key, status)
		return true
	}
	for _, e := range spec.validate("response", resp.Content["application/json"].Schema, jsonAny(t, respBody)) {
		t.Errorf("%s %d: %s", key, status, e)
	}
	return true
}
