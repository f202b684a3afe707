package multiaccount

import (
	"errors"
	"io"
	"testing"
	"time"
)

// Every error type's text starts "multiaccount: <Provider> <Operation>: "
// and never repeats that prefix.
func TestErrorTextsAreUniform(t *testing.T) {
	api := &APIError{StatusCode: 400, Code: "E1", Message: "bad", Operation: "Agency.AddProspects", Provider: "Woodpecker"}
	cases := []struct {
		err  error
		want string
	}{
		{api, "multiaccount: Woodpecker Agency.AddProspects: HTTP 400 code E1: bad"},
		{&RateLimitError{Local: true, RetryAfter: time.Hour, Operation: "Agency.Account", Provider: "VoiceTel", Endpoint: "/v2.1/account/info/"},
			"multiaccount: VoiceTel Agency.Account: client-side rate limit for /v2.1/account/info/; next slot in 1h0m0s"},
		{&ValidationError{Operation: "SubAccounts.Create", Provider: "Kaleyra", Field: "Email", Reason: "is empty"},
			"multiaccount: Kaleyra SubAccounts.Create: invalid Email: is empty"},
		{&DecodeError{Operation: "SubAccounts.List", Provider: "Kaleyra", StatusCode: 200, Reason: "not JSON", Err: io.ErrUnexpectedEOF},
			"multiaccount: Kaleyra SubAccounts.List: cannot decode HTTP 200 response: not JSON: unexpected EOF"},
		{&DecodeError{Operation: "SubAccounts.All", Provider: "Kaleyra", Reason: "pagination stalled"},
			"multiaccount: Kaleyra SubAccounts.All: cannot decode response: pagination stalled"},
		{&NetworkError{Operation: "SubAccounts.Get", Provider: "SerwerSMS", Method: "POST", Path: "/subaccounts/view.json", Err: io.ErrUnexpectedEOF},
			"multiaccount: SerwerSMS SubAccounts.Get: POST /subaccounts/view.json: unexpected EOF"},
		{&ChunkError{Operation: "Agency.AddProspects", Provider: "Woodpecker", Chunk: 2, Chunks: 3, Accepted: 20000, Err: api},
			"multiaccount: Woodpecker Agency.AddProspects: chunk 2 of 3 failed after 20000 accepted: HTTP 400 code E1: bad"},
		{unsupported("Kaleyra", "SubAccounts.SetLimit"),
			"multiaccount: Kaleyra SubAccounts.SetLimit: not offered by this provider"},
		{&ValidationError{Field: "x", Reason: "y"}, "multiaccount: invalid x: y"},
		{&ValidationError{Operation: "NewClient", Field: "x", Reason: "y"}, "multiaccount: NewClient: invalid x: y"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%T:\n got %q\nwant %q", tc.err, got, tc.want)
		}
	}
	if !errors.Is(unsupported("Kaleyra", "SubAccounts.SetLimit"), ErrUnsupported) ||
		!errors.Is(unsupported("Kaleyra", "SubAccounts.SetLimit"), errors.ErrUnsupported) {
		t.Error("the unsupported error must match ErrUnsupported and errors.ErrUnsupported")
	}
}

// nameProvider names errors made before the vendor was known, through
// wrapping, and keeps a name already set.
func TestNameProvider(t *testing.T) {
	ve := &ValidationError{Operation: "SubAccounts.Get", Field: "id", Reason: "is empty"}
	other := &APIError{Provider: "Kaleyra", Operation: "SubAccounts.Get", StatusCode: 404}
	rl := &RateLimitError{Operation: "SubAccounts.Get", api: other}
	err := nameProvider(errors.Join(ve, &ChunkError{Operation: "Agency.AddProspects", Err: rl}), "SerwerSMS")
	if ve.Provider != "SerwerSMS" || rl.Provider != "SerwerSMS" || other.Provider != "Kaleyra" {
		t.Errorf("providers %q %q %q", ve.Provider, rl.Provider, other.Provider)
	}
	if err == nil || nameProvider(nil, "x") != nil {
		t.Error("nameProvider must return its argument")
	}
}
