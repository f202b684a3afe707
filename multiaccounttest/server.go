// Package multiaccounttest runs a local, in-memory emulator of the five
// vendor APIs the multiaccount SDK speaks, in the spirit of
// net/http/httptest.
//
// NewServer starts one loopback HTTP server per vendor. Each speaks its
// vendor's API at the vendor's real paths, with the vendor's own
// authentication checks, request encodings, response envelopes, error codes,
// pagination and HTTP statuses, over state seeded with realistic data and
// changed by creates, updates and deletes:
//
//   - CallTrackingMetrics: key pair (HTTP Basic) or session token, accounts
//     (listed page-numbered, and created) and per-account calls.
//   - Woodpecker: agency key and company keys, companies, API keys,
//     prospects; refuses more than two concurrent requests per key. The
//     agency API v2 under /rest/v2/ over the same companies: paged
//     companies, all-or-none batch creates, keys and users.
//   - VoiceTel Account API v2.1: add, apikey, cdr, info, mrc, recover,
//     registration, signup; 6 requests per rolling hour per client address
//     on apikey/, cdr/, info/ and mrc/. VoiceTel API v2.2's account family
//     on the same server and accounts (/v2.2/account, …/api-key, …/cdr,
//     …/recurring-charges, …/registration, …/recovery, …/credits,
//     …/payments, /v2.2/accounts), the same limit on GET account, cdr,
//     recurring-charges and POST api-key.
//   - SerwerSMS HTTPS API v2: subaccounts index, view, add, limit, delete;
//     failures as error objects under HTTP 200.
//   - Kaleyra: sub-accounts of one parent SID, offset-paged, and their
//     recharges.
//
// Point a client at [Server.URL] and authenticate with the seeded credentials
// (CTMAccessKey, WoodpeckerAgencyKey, VoiceTelAPIKey, SerwerSMSToken,
// KaleyraAPIKey, …). Time-based behaviour (session token expiry, the VoiceTel
// window, seeded call dates) follows the clock given by [WithClock] (the
// SDK's own Clock type; [FakeClock] is a ready one), and [Server.Client]
// gives the same clock to the Clients it returns, so tests need no sleeps.
// [Server.Fail] injects faults (a status, a delay, a dropped connection)
// and [Server.Requests] counts the requests each path received, for
// testing retry handling.
//
// # Emulator choices
//
// Where the vendors' public documents leave a detail open, the emulator
// picks one and keeps to it; clients should not depend on these:
//
//   - CallTrackingMetrics: refused credentials are HTTP 401
//     {"status":"error","message":…}; the default page size is 10; calls
//     come newest first; start_date and end_date are UTC dates, end
//     included; next_page is an absolute URL on the request's host without
//     auth_token.
//   - Woodpecker: the concurrency refusal is HTTP 400 E_TOO_MANY_REQUESTS;
//     a key used on the wrong kind of route is E_SESSION; add_prospects_list
//     answers {"prospects":[{"id","email","status"}]}, status one of ADDED,
//     UPDATED, DUPLICATE.
//     v2's failures are the HTTP status with {"code","message"}.
//   - VoiceTel: each limited operation has its own window; a missing key is
//     400 "Field Required: apikey"; cdr/ treats start as the earlier bound
//     and defaults to the last 24 hours; CDR items follow the v2.2 sample
//     ({"id","key","value":{"cid","dst","dur","start",…}}).
//   - SerwerSMS: a malformed JSON body is error 1006 InvalidData.
//   - Kaleyra: validation failures are HTTP 400 RBC2301 (RBC2302 for an
//     e-mail address already in use) naming the fields under "error"; an
//     unknown sub-account SID is HTTP 404 RBC2304 "Subaccount not found!";
//     create answers data as one object, update as an array of one.
//
// The package uses only the standard library and the multiaccount SDK,
// and never logs.
package multiaccounttest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/multiaccount/multiaccount"
)

// Vendor names one emulated vendor API.
type Vendor string

// The emulated vendors.
const (
	CallTrackingMetrics Vendor = "calltrackingmetrics" // CallTrackingMetrics agency API
	Woodpecker          Vendor = "woodpecker"          // Woodpecker.co agency API v1 and v2
	VoiceTel            Vendor = "voicetel"            // VoiceTel Account API v2.1 and API v2.2
	SerwerSMS           Vendor = "serwersms"           // SerwerSMS.pl HTTPS API v2
	Kaleyra             Vendor = "kaleyra"             // Kaleyra.io sub-accounts API
)

// Vendors returns every emulated vendor, in a fixed order.
func Vendors() []Vendor {
	return []Vendor{CallTrackingMetrics, Woodpecker, VoiceTel, SerwerSMS, Kaleyra}
}

// Option configures a Server; pass options to NewServer.
type Option func(*config)

type config struct {
	clock           multiaccount.Clock // nil: the real clock
	now             func() time.Time
	tokenTTL        time.Duration
	wpConcurrency   int
	voiceTelHourly  int
	kyNoShared      bool
	ssAddWithoutID  bool
	ctmCalledAtOnly bool
	listeners       map[Vendor]net.Listener
}

// WithClock makes the emulator read the time from c instead of the real
// clock; c is the SDK's own Clock type, so one clock (typically a
// [FakeClock]) drives both sides. It drives session token expiry, the
// VoiceTel rate window, the dates of the seeded data (relative to the time
// NewServer runs) and the timestamps of created objects, and
// [Server.Client] gives the same clock to the Clients it returns. c must be
// safe for concurrent use; nil means the real clock.
func WithClock(c multiaccount.Clock) Option {
	return func(cfg *config) {
		cfg.clock = c
		cfg.now = time.Now
		if c != nil {
			cfg.now = c.Now
		}
	}
}

// WithTokenTTL sets how long a CallTrackingMetrics session token stays
// valid after it is issued (default 30 days, the vendor's figure).
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) { c.tokenTTL = d }
}

// WithWoodpeckerConcurrency sets how many requests one Woodpecker key may
// have in flight before further ones are refused with E_TOO_MANY_REQUESTS
// (default 2; the vendor's documents say 1 or 2). n < 1 means 1.
func WithWoodpeckerConcurrency(n int) Option {
	return func(c *config) { c.wpConcurrency = max(n, 1) }
}

// WithVoiceTelHourlyLimit sets how many requests per rolling hour one client
// address may send to each of VoiceTel's limited operations: v2.1's
// apikey/, cdr/, info/ and mrc/, and v2.2's GET /v2.2/account, GET
// /v2.2/account/cdr, GET /v2.2/account/recurring-charges and POST
// /v2.2/account/api-key (default 6, the vendor's figure). n < 1 means 1.
func WithVoiceTelHourlyLimit(n int) Option {
	return func(c *config) { c.voiceTelHourly = max(n, 1) }
}

// WithKaleyraSharedRefused makes the Kaleyra parent one that may not create
// "shared" sub-accounts: such a create is refused with HTTP 400 RBC2348, as
// the vendor answers for such parents. By default shared ones are allowed.
func WithKaleyraSharedRefused() Option {
	return func(c *config) { c.kyNoShared = true }
}

// WithSerwerSMSAddWithoutID makes SerwerSMS's add answer {"success":true}
// without the new id, the answer the vendor's official Java client
// documents (the seed's sample carries the id, the default here).
func WithSerwerSMSAddWithoutID() Option {
	return func(c *config) { c.ssAddWithoutID = true }
}

// WithCTMCalledAtOnly makes CallTrackingMetrics' calls carry only called_at,
// the account's local time without a zone ("2006-01-02 03:04 PM"), and no
// unix_time, as some of the vendor's documented samples do.
func WithCTMCalledAtOnly() Option {
	return func(c *config) { c.ctmCalledAtOnly = true }
}

// WithListener serves vendor v on l instead of a new loopback listener on
// a random port: a standalone emulator on known ports (the multiaccount
// command's "emulator") passes its own. The Server closes l on Close.
func WithListener(v Vendor, l net.Listener) Option {
	return func(c *config) {
		if c.listeners == nil {
			c.listeners = make(map[Vendor]net.Listener)
		}
		c.listeners[v] = l
	}
}

// Fault describes how the emulator misbehaves on requests to one path; see
// Server.Fail.
//
// For each affected request the emulator first waits for Delay and for Wait
// (whichever are set; the wait ends early if the client goes away, and with
// a dropped connection if the Server closes), then: with Drop it closes the
// connection without answering; with a non-zero Status it answers that
// status with Body (the status text when Body is empty); otherwise it serves
// the request normally, late. With Applied, the request is served first and
// its answer discarded. RetryAfter, when positive, is sent as a
// Retry-After header in whole seconds (rounded up).
type Fault struct {
	Times      int             // how many upcoming requests are affected; < 1 means 1
	Status     int             // HTTP status to answer instead of the vendor's answer; 0 to serve normally
	Body       string          // body sent with Status; the status text when empty
	RetryAfter time.Duration   // Retry-After header value; none when zero
	Delay      time.Duration   // real time to wait before answering
	Wait       <-chan struct{} // when set, hold the request until this channel is closed
	Drop       bool            // close the connection without any answer
	// Applied, with Drop or Status, serves the request first, so that its effects happen (a
	// create creates), and then loses the answer: Drop or Status replace
	// it. This is the case where a client cannot know whether the vendor
	// acted.
	Applied bool
}

// Server is a running emulator of every vendor. Its methods are safe for
// concurrent use. Close it when done.
type Server struct {
	cfg     config
	servers map[Vendor]*httptest.Server
	done    chan struct{}
	closeMu sync.Once

	// limits is the client-side limit store of the Clients this Server
	// hands out: shared by them, as the vendor's own limits are, and by
	// no other Server (a later emulator on a reused port starts clean).
	limits multiaccount.LimitStore

	mu       sync.Mutex // guards everything below and the vendor states
	requests map[pathKey]int
	faults   map[pathKey][]*Fault
	inFlight map[string]int // Woodpecker: requests in flight per key

	ctm *ctmState
	wp  *wpState
	vt  *vtState
	ss  *ssState
	ky  *kyState
}

type pathKey struct {
	v    Vendor
	path string
}

// NewServer seeds the emulated vendors and starts one loopback HTTP server
// for each. It panics if it cannot listen, as httptest.NewServer does.
func NewServer(opts ...Option) *Server {
	cfg := config{now: time.Now, tokenTTL: 30 * 24 * time.Hour, wpConcurrency: 2, voiceTelHourly: 6}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:      cfg,
		servers:  make(map[Vendor]*httptest.Server),
		done:     make(chan struct{}),
		requests: make(map[pathKey]int),
		faults:   make(map[pathKey][]*Fault),
		inFlight: make(map[string]int),
		limits:   multiaccount.NewMemoryLimitStore(),
	}
	s.seed(cfg.now())
	handlers := map[Vendor]http.HandlerFunc{
		CallTrackingMetrics: s.serveCTM,
		Woodpecker:          s.serveWoodpecker,
		VoiceTel:            s.serveVoiceTel,
		SerwerSMS:           s.serveSerwerSMS,
		Kaleyra:             s.serveKaleyra,
	}
	for _, v := range Vendors() {
		ts := httptest.NewUnstartedServer(s.wrap(v, handlers[v]))
		ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the emulator never logs
		if l, ok := cfg.listeners[v]; ok {
			ts.Listener.Close()
			ts.Listener = l
		}
		ts.Start()
		s.servers[v] = ts
	}
	return s
}

// URL returns the base URL of vendor v's emulated API, such as
// "http://127.0.0.1:40123", without a trailing slash. Give it to a client as
// its base URL; the vendor's paths follow it unchanged. It returns "" for an
// unknown vendor.
func (s *Server) URL(v Vendor) string {
	if s == nil {
		return ""
	}
	if ts, ok := s.servers[v]; ok {
		return ts.URL
	}
	return ""
}

// Close shuts every vendor server down, ending requests held by faults
// first. It is safe to call more than once.
func (s *Server) Close() {
	if s == nil || s.done == nil {
		return // nothing was started
	}
	s.closeMu.Do(func() {
		close(s.done)
		for _, v := range Vendors() {
			s.servers[v].Close()
		}
	})
}

// Now returns the emulator's current time, as WithClock set it.
func (s *Server) Now() time.Time {
	if s == nil || s.cfg.now == nil {
		return time.Time{} // not made by NewServer
	}
	return s.cfg.now()
}

// Fail makes the next f.Times requests to path on vendor v misbehave as f
// describes. path is a URL path such as "/v2.1/account/info/"; "" matches
// every path of the vendor. Faults queue: a later call takes effect after
// the earlier ones for the same path are used up, and a fault for the exact
// path is used before one for "". Requests refused by Woodpecker's
// concurrency limit do not use up a fault.
func (s *Server) Fail(v Vendor, path string, f Fault) {
	if s == nil {
		return
	}
	if f.Times < 1 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := pathKey{v, path}
	if s.faults == nil {
		s.faults = map[pathKey][]*Fault{}
	}
	s.faults[k] = append(s.faults[k], &f)
}

// Requests returns how many requests vendor v has received on path ("" for
// all its paths) since NewServer, including refused and faulted ones.
func (s *Server) Requests(v Vendor, path string) int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if path != "" {
		return s.requests[pathKey{v, path}]
	}
	n := 0
	for k, c := range s.requests {
		if k.v == v {
			n += c
		}
	}
	return n
}

// wrap counts each request, applies Woodpecker's per-key concurrency limit
// and any queued fault, then hands the request to the vendor's handler.
// Counting, admission and fault selection happen under one lock, so once
// Requests reports a request it has also taken (or been refused) its slot.
func (s *Server) wrap(v Vendor, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[pathKey{v, r.URL.Path}]++
		slot := ""
		if v == Woodpecker {
			if key := woodpeckerKey(r); key != "" {
				if s.inFlight[key] >= s.cfg.wpConcurrency {
					s.mu.Unlock()
					wpError(w, http.StatusBadRequest, "E_TOO_MANY_REQUESTS", "too many concurrent requests for this API key")
					return
				}
				s.inFlight[key]++
				slot = key
			}
		}
		f := s.takeFault(v, r.URL.Path)
		s.mu.Unlock()
		if slot != "" {
			defer func() {
				s.mu.Lock()
				s.inFlight[slot]--
				if s.inFlight[slot] == 0 {
					delete(s.inFlight, slot)
				}
				s.mu.Unlock()
			}()
		}
		if f != nil && f.Applied && (f.Drop || f.Status != 0) {
			h(httptest.NewRecorder(), r) // the vendor acts; its answer is lost
		}
		if f != nil && s.applyFault(w, r, f) {
			return
		}
		h(w, r)
	})
}

// takeFault returns the fault for the next request to path, using it up.
// The caller holds s.mu.
func (s *Server) takeFault(v Vendor, path string) *Fault {
	for _, k := range []pathKey{{v, path}, {v, ""}} {
		q := s.faults[k]
		if len(q) == 0 {
			continue
		}
		f := *q[0]
		q[0].Times--
		if q[0].Times <= 0 {
			q = q[1:]
		}
		if len(q) == 0 {
			delete(s.faults, k)
		} else {
			s.faults[k] = q
		}
		return &f
	}
	return nil
}

// applyFault carries out f and reports whether the request is finished
// (answered, dropped or abandoned) rather than to be served normally.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		case <-s.done:
			t.Stop()
			dropConnection(w)
			return true
		}
	}
	if f.Wait != nil {
		select {
		case <-f.Wait:
		case <-r.Context().Done():
			return true
		case <-s.done:
			dropConnection(w)
			return true
		}
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	switch {
	case f.Drop:
		dropConnection(w)
		return true
	case f.Status != 0:
		body := f.Body
		if body == "" {
			body = http.StatusText(f.Status)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(f.Status)
		io.WriteString(w, body)
		return true
	}
	return false
}

// dropConnection closes the client's connection without writing anything.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// Not hijackable (e.g. HTTP/2): net/http aborts the stream silently.
	panic(http.ErrAbortHandler)
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "emulator: encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errBadJSON reports a request body that is not one JSON object.
type errBadJSON struct{ err error }

func (e errBadJSON) Error() string { return "invalid JSON body: " + e.err.Error() }

// readJSONObject decodes the request body as one JSON object, keeping
// numbers as json.Number. An empty body gives an empty map.
func readJSONObject(r *http.Request) (map[string]any, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return nil, errBadJSON{err}
	}
	m := map[string]any{}
	if len(bytes.TrimSpace(body)) == 0 {
		return m, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, errBadJSON{err}
	}
	if m == nil { // the body was null
		m = map[string]any{}
	}
	return m, nil
}

// str returns m[k] as a string: strings as they are, numbers and booleans
// in their JSON spelling, anything else (or absence) as "".
func str(m map[string]any, k string) string {
	switch x := m[k].(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// jsonInt returns m[k] when it is a JSON integer (not a string).
func jsonInt(m map[string]any, k string) (int64, bool) {
	n, ok := m[k].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// clientHost returns the client's address without the port.
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(r *http.Request) string {
	const p = "bearer "
	a := r.Header.Get("Authorization")
	if len(a) > len(p) && strings.EqualFold(a[:len(p)], p) {
		return a[len(p):]
	}
	return ""
}

// retryAfterSeconds is d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(int(math.Ceil(d.Seconds())), 1)
}

// randomHex returns n random bytes in hex: fresh tokens and keys.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("multiaccounttest: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// randomAlnum returns n random letters and digits: generated passwords.
func randomAlnum(n int) string {
	const chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("multiaccounttest: crypto/rand: " + err.Error())
	}
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}
