package multiaccount

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Every error the SDK returns for a failed call matches at
// most one of them with errors.Is, so callers can branch without knowing
// which vendor answered.
var (
	// ErrUnauthorized: the vendor rejected the credentials (or none were set).
	ErrUnauthorized = errors.New("multiaccount: unauthorized")
	// ErrForbidden: the credentials are valid but lack the right, or the
	// caller's IP address is not allowed.
	ErrForbidden = errors.New("multiaccount: forbidden")
	// ErrNotFound: the addressed object does not exist.
	ErrNotFound = errors.New("multiaccount: not found")
	// ErrConflict: the object already exists or the change conflicts with
	// the vendor's state.
	ErrConflict = errors.New("multiaccount: conflict")
	// ErrRateLimited: a vendor limit was reached, locally or by the server.
	// The error is a *RateLimitError, which says when to try again.
	ErrRateLimited = errors.New("multiaccount: rate limited")
	// ErrUnsupported: the provider's vendor does not offer the operation.
	// It wraps errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("multiaccount: operation not supported by this provider: %w", errors.ErrUnsupported)
	// ErrInvalidInput: the input was refused, locally (*ValidationError,
	// before any I/O) or by the vendor (*APIError).
	ErrInvalidInput = errors.New("multiaccount: invalid input")
)

// APIError is a failure reported by the vendor, whether by HTTP status or
// inside an HTTP 200 body. errors.Is maps it to the matching sentinel.
type APIError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is the vendor's own error code ("RBC422", "E_SESSION", "1001"),
	// or "" when the vendor gives none.
	Code string
	// Message is the vendor's explanation, bounded in length.
	Message string
	// Operation names the SDK call, e.g. "SubAccounts.List".
	Operation string
	// Provider names the vendor, e.g. "VoiceTel".
	Provider string

	kind error // the sentinel this error matches, or nil
}

// Error describes the failure; it never contains a credential.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(errPrefix(e.Provider, e.Operation))
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" code ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is reports whether target is the sentinel this error belongs to.
func (e *APIError) Is(target error) bool {
	return e.kind != nil && target == e.kind
}

// RateLimitError reports that a vendor limit stopped the call.
// errors.Is(err, ErrRateLimited) holds; a server 429 also unwraps to its
// *APIError.
type RateLimitError struct {
	// RetryAfter is how long until the next attempt can succeed (0 when
	// unknown).
	RetryAfter time.Duration
	// Local is true when the SDK refused before sending anything, because a
	// client-side limit (or an earlier 429) said the vendor would refuse.
	Local bool
	// Operation names the SDK call, e.g. "Agency.Account".
	Operation string
	// Provider names the vendor, e.g. "VoiceTel".
	Provider string
	// Endpoint is the limited path, e.g. "/v2.1/account/info/".
	Endpoint string

	api *APIError // the server's answer when Local is false
}

// Error describes the failure; it never contains a credential.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString(errPrefix(e.Provider, e.Operation))
	switch {
	case e.Local:
		b.WriteString("client-side rate limit")
	case e.api != nil && e.api.Code != "" && e.api.StatusCode != 429:
		fmt.Fprintf(&b, "server rate limit (HTTP %d code %s)", e.api.StatusCode, e.api.Code)
	default:
		b.WriteString("server rate limit (HTTP 429)")
	}
	if e.Endpoint != "" {
		b.WriteString(" for ")
		b.WriteString(e.Endpoint)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; next slot in %s", e.RetryAfter.Round(time.Second))
	}
	if e.api != nil && e.api.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.api.Message)
	}
	return b.String()
}

// Unwrap exposes ErrRateLimited and, for a server 429, the *APIError.
func (e *RateLimitError) Unwrap() []error {
	if e.api != nil {
		return []error{ErrRateLimited, e.api}
	}
	return []error{ErrRateLimited}
}

// ValidationError reports input refused before any network I/O.
// errors.Is(err, ErrInvalidInput) holds. It never carries the refused value,
// which may be a credential.
type ValidationError struct {
	// Operation names the SDK call, e.g. "SubAccounts.Create".
	Operation string
	// Provider names the vendor, e.g. "Kaleyra".
	Provider string
	// Field names the input, as the Go field or parameter name.
	Field string
	// Reason says what was wrong.
	Reason string
}

// Error describes the failure; it never contains a credential.
func (e *ValidationError) Error() string {
	return errPrefix(e.Provider, e.Operation) + "invalid " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrInvalidInput.
func (e *ValidationError) Unwrap() error { return ErrInvalidInput }

// DecodeError reports a response the SDK could not decode. No partial result
// is returned with it.
type DecodeError struct {
	Operation  string
	Provider   string
	StatusCode int
	// Reason describes the failure without quoting the body (which may
	// hold credentials).
	Reason string
	Err    error
}

// Error describes the failure; it never contains a credential.
func (e *DecodeError) Error() string {
	msg := errPrefix(e.Provider, e.Operation)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf("cannot decode HTTP %d response: %s", e.StatusCode, e.Reason)
	} else {
		msg += "cannot decode response: " + e.Reason
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// NetworkError reports a call that got no answer from the vendor: the
// connection failed, broke, or timed out. It unwraps to the cause (a
// net.Error, io.ErrUnexpectedEOF, ...). Whether the vendor acted on the
// request is unknown unless the connection was never made.
type NetworkError struct {
	Operation string
	Provider  string
	Method    string
	// Path is the request path, without the query (which may hold a token).
	Path string
	Err  error
}

// Error describes the failure; it never contains a credential.
func (e *NetworkError) Error() string {
	return errPrefix(e.Provider, e.Operation) + e.Method + " " + e.Path + ": " + unprefixed(e.Err, e.Provider, e.Operation)
}

// Unwrap returns the cause.
func (e *NetworkError) Unwrap() error { return e.Err }

// invalid builds a *ValidationError.
func invalid(op, field, reason string) error {
	return &ValidationError{Operation: op, Field: field, Reason: reason}
}

// unsupported builds the error for an operation a vendor does not offer.
func unsupported(provider, op string) error {
	return &unsupportedError{provider: provider, op: op}
}

// unsupportedError is ErrUnsupported for one provider and operation; its
// text carries the sentinel's meaning without repeating its prefix.
type unsupportedError struct{ provider, op string }

func (e *unsupportedError) Error() string {
	return errPrefix(e.provider, e.op) + "not offered by this provider"
}

func (e *unsupportedError) Unwrap() error { return ErrUnsupported }

// errPrefix is the start every error text shares:
// "multiaccount: <Provider> <Operation>: ", leaving out what is unknown.
func errPrefix(provider, op string) string {
	switch {
	case provider != "" && op != "":
		return "multiaccount: " + provider + " " + op + ": "
	case provider != "" || op != "":
		return "multiaccount: " + provider + op + ": "
	}
	return "multiaccount: "
}

// unprefixed is err's text without the prefix it shares with the error
// wrapping it, so that a chain reads "multiaccount: P Op: chunk 2: HTTP
// 400", not the prefix twice.
func unprefixed(err error, provider, op string) string {
	if err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(err.Error(), errPrefix(provider, op))
}

// nameProvider fills the provider into every SDK error in err's chain that
// was made before the vendor was known (input checks, paging), so that
// every error names it. It returns err.
func nameProvider(err error, provider string) error {
	var field *string // the Provider field of the SDK error err is, if it is one
	switch e := err.(type) {
	case *ValidationError:
		field = &e.Provider
	case *RateLimitError:
		field = &e.Provider
	case *DecodeError:
		field = &e.Provider
	case *NetworkError:
		field = &e.Provider
	case *ChunkError:
		field = &e.Provider
	case *ProspectError:
		field = &e.Provider
	case *CreateBatchError:
		field = &e.Provider
	case *APIError:
		field = &e.Provider
	}
	if field != nil && *field == "" { // no write otherwise: a named error may be shared
		*field = provider
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		nameProvider(u.Unwrap(), provider)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			nameProvider(e, provider)
		}
	}
	return err
}

// kindForStatus maps an HTTP status to a sentinel when the vendor's own code
// says nothing more specific.
func kindForStatus(status int) error {
	switch status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict:
		return ErrConflict
	case http.StatusTooManyRequests:
		return ErrRateLimited
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return ErrInvalidInput
	}
	return nil
}

// maxMessageLen bounds vendor messages kept in errors, so that a hostile or
// broken server cannot make error strings arbitrarily large.
const maxMessageLen = 512

// excerpt returns a single-line, printable prefix of s of about max bytes.
// Text from outside is scrubbed before it is cut (outsideText).
func excerpt(s string) string { return excerptN(s, maxMessageLen) }

// excerptN is excerpt with a bound of about max bytes.
func excerptN(s string, max int) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxServerWait is the one bound on a wait the server dictates, whatever
// its form (Retry-After in seconds or as an HTTP date): a hostile or
// broken server cannot lock an endpoint for longer than a day.
const maxServerWait = 24 * time.Hour

// parseRetryAfter reads a Retry-After header in seconds or HTTP-date form,
// bounded by maxServerWait in both.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if s, err := strconv.ParseInt(v, 10, 64); err == nil || digits(v, len(v)) {
		// Digits too many for int64 are a wait past any bound: the bound,
		// not "no Retry-After" (which would let the call retry at once).
		if s < 0 {
			return 0, false
		}
		d = maxServerWait
		if err == nil && s < int64(maxServerWait/time.Second) {
			d = time.Duration(s) * time.Second
		}
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now) // saturates rather than overflows
	} else {
		return 0, false
	}
	return min(max(d, 0), maxServerWait), true
}

// ChunkError reports a failed request of an operation sent in chunks
// (Woodpecker's AddProspects): which chunk failed and how many items the
// vendor accepted before it, so a caller can resume. It unwraps to the
// chunk's error.
type ChunkError struct {
	Operation string
	// Provider names the vendor, e.g. "Woodpecker".
	Provider string
	// Chunk is the failed chunk, from 1; Chunks is how many there are.
	Chunk, Chunks int
	// Accepted is the number of items in the chunks sent before it: resume
	// from that index.
	Accepted int
	// Refused are the items the vendor refused one by one in the chunks
	// sent before it (their requests succeeded); nil when there were none.
	Refused []RefusedProspect
	Err     error
}

// Error describes the failure; it never contains a credential.
func (e *ChunkError) Error() string {
	return errPrefix(e.Provider, e.Operation) + fmt.Sprintf("chunk %d of %d failed after %d accepted: ", e.Chunk, e.Chunks, e.Accepted) + unprefixed(e.Err, e.Provider, e.Operation)
}

// Unwrap returns the cause.
func (e *ChunkError) Unwrap() error { return e.Err }

// named fills the Client's provider into err's SDK errors (see
// nameProvider) and returns err; every service method returns through it.
func (c *Client) named(err error) error {
	if err != nil {
		nameProvider(err, c.v.name())
	}
	return err
}

// ProspectError reports prospects that the vendor refused one by one while
// it took the others: Woodpecker answers a status per prospect, and a
// prospect can be refused under a top-level OK. Every prospect not listed
// in Refused was accepted. Find it with errors.As. It matches no sentinel:
// the call partly succeeded.
type ProspectError struct {
	Operation string
	Provider  string
	// Sent is the number of prospects sent.
	Sent int
	// Refused are the refused prospects, in the order they were given.
	Refused []RefusedProspect
}

// RefusedProspect is one prospect the vendor refused, and why.
type RefusedProspect struct {
	// Index is the prospect's position in the slice passed to the call, or
	// -1 when the vendor named an e-mail address the call did not send.
	Index int
	// Email is the prospect's address as the vendor reported it.
	Email string
	// Status, Code and Message are the vendor's: e.g. "ERROR", "E_EMAIL",
	// "Invalid e-mail".
	Status, Code, Message string
}

// maxListedProspects bounds how many refusals an error string lists.
const maxListedProspects = 3

// Error describes the failure; it never contains a credential.
func (e *ProspectError) Error() string {
	var b strings.Builder
	b.WriteString(errPrefix(e.Provider, e.Operation))
	fmt.Fprintf(&b, "%d of %d prospects refused", len(e.Refused), e.Sent)
	for i, r := range e.Refused {
		if i == maxListedProspects {
			fmt.Fprintf(&b, "; and %d more", len(e.Refused)-i)
			break
		}
		fmt.Fprintf(&b, "; [%d] %s: %s", r.Index, excerpt(r.Email), excerpt(strings.TrimSpace(r.Code+" "+r.Message)))
	}
	return b.String()
}

// CreateBatchError reports a batch create (SubAccounts.CreateBatch, and
// Woodpecker v2's Create) that failed after its request may have reached
// the vendor: the vendor creates all or none, but a lost answer leaves the
// caller not knowing which. The SDK never sends the batch again; it lists
// the sub-accounts once and reports which of the batch's names exist.
// It unwraps to the create's error, so errors.Is(err, ErrConflict) and the
// like still hold.
type CreateBatchError struct {
	Operation string
	Provider  string
	// Names are the names in the batch, in order.
	Names []string
	// Listed reports whether the follow-up list succeeded. When false
	// (ListErr says why, e.g. the context had expired), which of Names
	// exist is unknown: list the sub-accounts and match them by name
	// before sending any of them again.
	Listed  bool
	ListErr error
	// Existing are the sub-accounts, found by the follow-up list, whose
	// names are among Names (they may predate this call). Names not
	// here do not exist and may be sent again.
	Existing []*SubAccount
	Err      error
}

// Error describes the failure; it never contains a credential.
func (e *CreateBatchError) Error() string {
	var b strings.Builder
	b.WriteString(errPrefix(e.Provider, e.Operation))
	fmt.Fprintf(&b, "batch of %d not confirmed: %s; ", len(e.Names), unprefixed(e.Err, e.Provider, e.Operation))
	if !e.Listed {
		b.WriteString("which exist is unknown (the follow-up list failed): list the sub-accounts before sending any again")
		return b.String()
	}
	fmt.Fprintf(&b, "%d of them exist", len(e.Existing))
	for i, sa := range e.Existing {
		if i == maxListedProspects {
			fmt.Fprintf(&b, "; and %d more", len(e.Existing)-i)
			break
		}
		fmt.Fprintf(&b, "; %s (id %s)", excerpt(sa.Name), excerpt(sa.ID))
	}
	return b.String()
}

// Unwrap returns the create's error.
func (e *CreateBatchError) Unwrap() error { return e.Err }
