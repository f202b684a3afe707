package multiaccount

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"
)

// redacted is what a Secret prints as.
const redacted = "[REDACTED]"

// Secret holds a credential: an API key, password or token. Every way of
// printing, logging or marshalling it yields "[REDACTED]"; Reveal returns the
// value for the one place that needs it.
type Secret string

// Reveal returns the credential itself.
func (s Secret) Reveal() string { return string(s) }

// String returns "[REDACTED]".
func (s Secret) String() string { return redacted }

// GoString returns "[REDACTED]", so %#v does not show the value either.
func (s Secret) GoString() string { return `"` + redacted + `"` }

// Format prints "[REDACTED]" for every verb, including %x and %q.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(redacted))
}

// LogValue makes slog print "[REDACTED]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes "[REDACTED]": a Secret never leaves in JSON by accident.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes "[REDACTED]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// errNilRequest is what an authenticator answers for a nil request.
var errNilRequest = errors.New("multiaccount: Authenticate: the request is nil")

// Authenticator authorizes each HTTP attempt the SDK sends. Implement it to
// fetch credentials per request (from a vault, say): set headers on req, or
// return an error to stop the call before anything is sent. Authenticate is
// called once per attempt, so it must be safe for concurrent use.
//
// The built-in authenticators are KeyPair, Bearer, APIKeyAuth, APIKeyHeader
// and *SessionToken; a provider places their credentials where its vendor
// wants them (a header, a query parameter or body fields).
type Authenticator interface {
	Authenticate(req *http.Request) error
}

// KeyPair is an identifier and a secret: CallTrackingMetrics' access key and
// secret key (sent as HTTP Basic), SerwerSMS's API username and password
// (sent as the username and password body fields), or Woodpecker's legacy
// form KeyPair(apiKey, "X") (HTTP Basic).
func KeyPair(id, secret string) Authenticator {
	return &keyPair{id: Secret(id), secret: Secret(secret)}
}

type keyPair struct{ id, secret Secret }

func (k *keyPair) Authenticate(req *http.Request) error {
	if req == nil {
		return errNilRequest
	}
	_, err := k.authorize(req)
	return err
}

func (k *keyPair) authorize(req *http.Request) (used, error) {
	req.SetBasicAuth(k.id.Reveal(), k.secret.Reveal())
	return used{}, nil
}

func (k *keyPair) kind() authKind                { return kindKeyPair }
func (k *keyPair) scrubValues() []string         { return basicForms(k.id, k.secret) }
func (k *keyPair) identity() string              { return hashID("p", k.id.Reveal()) }
func (k *keyPair) fieldValues() (Secret, Secret) { return k.id, k.secret }
func (k *keyPair) withKey(key Secret) credential { return &keyPair{id: key, secret: k.secret} }
func (k *keyPair) sessionToken() *SessionToken   { return nil }

func (k *keyPair) Format(f fmt.State, _ rune) { fmt.Fprint(f, "KeyPair("+redacted+")") }

// Bearer sends token as "Authorization: Bearer <token>" (VoiceTel, SerwerSMS).
func Bearer(token string) Authenticator { return &bearer{token: Secret(token)} }

type bearer struct{ token Secret }

func (b *bearer) Authenticate(req *http.Request) error {
	if req == nil {
		return errNilRequest
	}
	_, err := b.authorize(req)
	return err
}

func (b *bearer) authorize(req *http.Request) (used, error) {
	req.Header.Set("Authorization", "Bearer "+b.token.Reveal())
	return used{}, nil
}

func (b *bearer) kind() authKind                { return kindBearer }
func (b *bearer) scrubValues() []string         { return []string{b.token.Reveal()} }
func (b *bearer) identity() string              { return hashID("b", b.token.Reveal()) }
func (b *bearer) fieldValues() (Secret, Secret) { return b.token, "" }
func (b *bearer) withKey(key Secret) credential { return &bearer{token: key} }
func (b *bearer) sessionToken() *SessionToken   { return nil }

func (b *bearer) Format(f fmt.State, _ rune) { fmt.Fprint(f, "Bearer("+redacted+")") }

// APIKeyAuth sends key in the provider's API-key header: "api-key" for
// Kaleyra, "x-api-key" for Woodpecker. NewClient refuses it for a provider
// that has no such header.
func APIKeyAuth(key string) Authenticator { return &apiKey{key: Secret(key)} }

// APIKeyHeader sends key in the named header.
func APIKeyHeader(header, key string) Authenticator {
	return &apiKey{header: header, key: Secret(key)}
}

type apiKey struct {
	header string // "" until a provider names its header
	key    Secret
}

func (a *apiKey) Authenticate(req *http.Request) error {
	if req == nil {
		return errNilRequest
	}
	_, err := a.authorize(req)
	return err
}

func (a *apiKey) authorize(req *http.Request) (used, error) {
	if a.header == "" {
		return used{}, errors.New("multiaccount: APIKeyAuth has no header: the provider names none; use APIKeyHeader")
	}
	req.Header.Set(a.header, a.key.Reveal())
	return used{}, nil
}

func (a *apiKey) kind() authKind                { return kindAPIKey }
func (a *apiKey) scrubValues() []string         { return []string{a.key.Reveal()} }
func (a *apiKey) identity() string              { return hashID("k", a.header, a.key.Reveal()) }
func (a *apiKey) fieldValues() (Secret, Secret) { return a.key, "" }
func (a *apiKey) withKey(key Secret) credential { return &apiKey{header: a.header, key: key} }
func (a *apiKey) sessionToken() *SessionToken   { return nil }

func (a *apiKey) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "APIKeyHeader(%q, %s)", a.header, redacted)
}

// sessionRefreshMargin is how long before its expiry a session token is
// replaced, so that no request races the expiry.
const sessionRefreshMargin = 5 * time.Minute

// sessionExchangeTimeout bounds one token exchange. The exchange runs apart
// from the context of the caller that started it, because other callers are
// waiting on its result.
const sessionExchangeTimeout = time.Minute

// Session is a session token and what the vendor said about it.
type Session struct {
	// Token authorizes requests in place of the key pair.
	Token Secret
	// Expires is when the vendor stops accepting Token (zero if unknown).
	Expires time.Time
	// FirstAccountID is the first account the token can reach.
	FirstAccountID string
}

// SessionToken exchanges an access key and secret key for a session token
// (CallTrackingMetrics' POST /api/v1/authentication) and authorizes requests
// with that token. It exchanges once, caches the token, replaces it five
// minutes before it expires and once after a 401, and runs at most one
// exchange at a time however many goroutines call: they all share its
// result, success or failure. A *SessionToken is safe for concurrent use.
type SessionToken struct {
	access, secret Secret

	mu       sync.Mutex
	session  *Session
	gen      uint64         // bumped on every new token, to ignore stale 401s
	inflight *sessionFlight // the exchange in progress, if any
	waiting  int            // callers waiting on inflight (for tests)
	exchange func(context.Context, Secret, Secret) (*Session, error)
	now      func() time.Time
}

type sessionFlight struct {
	done    chan struct{}
	session *Session
	gen     uint64 // the generation of session
	err     error
}

// NewSessionToken returns a SessionToken that exchanges the key pair on
// first use.
func NewSessionToken(accessKey, secretKey string) *SessionToken {
	return &SessionToken{access: Secret(accessKey), secret: Secret(secretKey)}
}

// ReuseSessionToken returns a SessionToken for a token someone else
// exchanged and shared (the vendor lets a token be shared for its 30 days).
// It has no key pair, so it cannot refresh: after expiry or a 401, calls
// fail with ErrUnauthorized. A zero expires means unknown.
func ReuseSessionToken(token string, expires time.Time) *SessionToken {
	return &SessionToken{session: &Session{Token: Secret(token), Expires: expires}, gen: 1}
}

// Token returns the current token and its expiry, or "" and the zero time
// before the first exchange.
func (s *SessionToken) Token() (Secret, time.Time) {
	if s == nil {
		return "", time.Time{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session == nil {
		return "", time.Time{}
	}
	return s.session.Token, s.session.Expires
}

// Format prints the type without its credentials.
func (s *SessionToken) Format(f fmt.State, _ rune) { fmt.Fprint(f, "SessionToken("+redacted+")") }

// Authenticate is not how a provider uses a SessionToken (it places the
// token where its vendor wants it); called directly it sets the token as a
// Bearer header.
func (s *SessionToken) Authenticate(req *http.Request) error {
	if s == nil || req == nil {
		return errNilRequest
	}
	_, err := s.authorize(req)
	return err
}

func (s *SessionToken) authorize(req *http.Request) (used, error) {
	return s.place(req, func(token string) { req.Header.Set("Authorization", "Bearer "+token) })
}

// place sets the current token on req with set and reports which token
// (and generation) that was.
func (s *SessionToken) place(req *http.Request, set func(token string)) (used, error) {
	sess, gen, err := s.current(req.Context())
	if err != nil {
		return used{}, err
	}
	set(sess.Token.Reveal())
	return used{session: s, gen: gen}, nil
}

func (s *SessionToken) kind() authKind                { return kindSession }
func (s *SessionToken) fieldValues() (Secret, Secret) { return "", "" }
func (s *SessionToken) withKey(Secret) credential     { return nil }
func (s *SessionToken) sessionToken() *SessionToken   { return s }

// identity is the token object's own: its key pair may be absent (a
// shared token) and its token changes with every exchange.
func (s *SessionToken) identity() string { return hashID("s", fmt.Sprintf("%p", s)) }

// scrubValues lists the key pair (as HTTP Basic too: the exchange may send
// it so) and current token.
func (s *SessionToken) scrubValues() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := basicForms(s.access, s.secret)
	if s.session != nil {
		out = append(out, s.session.Token.Reveal())
	}
	return out
}

// bind gives the token its exchange function and clock; the first client
// to bind it wins.
func (s *SessionToken) bind(exchange func(context.Context, Secret, Secret) (*Session, error), now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exchange == nil {
		s.exchange = exchange
		s.now = now
	}
}

// current returns a valid session and its generation, exchanging the key
// pair when there is none or it is about to expire.
func (s *SessionToken) current(ctx context.Context) (*Session, uint64, error) {
	if ctx == nil {
		// The exchange runs in a goroutine of its own: a nil context
		// there would panic where no caller can recover.
		return nil, 0, errors.New("multiaccount: SessionToken: the context is nil")
	}
	s.mu.Lock()
	now := time.Now
	if s.now != nil {
		now = s.now
	}
	margin := sessionRefreshMargin
	if s.access == "" {
		margin = 0 // a shared token cannot be refreshed: use it to the end
	}
	if sess := s.session; sess != nil && (sess.Expires.IsZero() || now().Before(sess.Expires.Add(-margin))) {
		gen := s.gen
		s.mu.Unlock()
		return sess, gen, nil
	}
	if s.access == "" || s.exchange == nil {
		s.mu.Unlock()
		if s.access == "" {
			return nil, 0, fmt.Errorf("multiaccount: the shared session token has expired and there is no key pair to refresh it: %w", ErrUnauthorized)
		}
		return nil, 0, errors.New("multiaccount: SessionToken is not bound to a client: pass it to NewClient with WithAuth")
	}
	fl := s.inflight
	if fl == nil {
		fl = &sessionFlight{done: make(chan struct{})}
		s.inflight = fl
		go s.run(ctx, fl)
	}
	s.waiting++
	s.mu.Unlock()

	select {
	case <-fl.done:
	case <-ctx.Done():
	}
	s.mu.Lock()
	s.waiting--
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if fl.err != nil {
		return nil, 0, fl.err
	}
	// The flight's own generation: a newer token may exist by now, and a
	// 401 on this one must not drop it.
	return fl.session, fl.gen, nil
}

func (s *SessionToken) run(ctx context.Context, fl *sessionFlight) {
	// The exchange outlives the caller that started it, so it must not
	// write into that caller's CaptureResponse destination.
	ctx, cancel := context.WithTimeout(withoutCapture(context.WithoutCancel(ctx)), sessionExchangeTimeout)
	defer cancel()
	sess, err := s.safeExchange(ctx)
	s.mu.Lock()
	if err == nil && (sess == nil || sess.Token == "") {
		err = errors.New("multiaccount: the token exchange returned no token")
	}
	if err == nil {
		s.session = sess
		s.gen++
		fl.gen = s.gen
	}
	s.inflight = nil
	fl.session, fl.err = sess, err
	s.mu.Unlock()
	close(fl.done)
}

// safeExchange runs the exchange, turning a panic into an error: it runs
// in a goroutine the SDK started, where a panic would end the process.
func (s *SessionToken) safeExchange(ctx context.Context) (sess *Session, err error) {
	defer func() {
		if p := recover(); p != nil {
			sess, err = nil, fmt.Errorf("multiaccount: the token exchange failed: %v", p)
		}
	}()
	return s.exchange(ctx, s.access, s.secret)
}

// invalidate drops the token of generation gen after the vendor refused it;
// a newer token is kept. It reports whether a refresh is possible.
func (s *SessionToken) invalidate(gen uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == gen && s.session != nil {
		s.session = nil
	}
	return s.access != ""
}

// credential is how a built-in authenticator describes itself to the
// rest of the SDK, so that nothing outside this file needs to know the
// built-in types: vendors, the scrubber, the limiter and Client.String ask
// these questions instead. An Authenticator a user writes is not a
// credential; it is sent as it is and identified by its own identity.
type credential interface {
	Authenticator
	// kind says which built-in this is: what vendors accept or refuse.
	kind() authKind
	// authorize places the credential on one attempt and returns what it
	// used, so that the pipeline can invalidate exactly that token on a 401.
	authorize(req *http.Request) (used, error)
	// scrubValues lists every credential value the authenticator could
	// send, in every form the SDK sends it (an HTTP Basic pair's base64
	// too), for scrubbing text from outside.
	scrubValues() []string
	// identity names the credential for keying limits: a hash, never the
	// credential itself.
	identity() string
	// fieldValues are the identifier and secret for a vendor that wants
	// them as body fields (KeyPair: id and secret; Bearer and API keys:
	// the key and ""; a session token: "" and "").
	fieldValues() (id, secret Secret)
	// withKey is the same kind of credential with key in place of the
	// identifier (Woodpecker authenticates as a company with its key);
	// nil where that makes no sense.
	withKey(key Secret) credential
	// sessionToken is the token a session credential draws on, or nil.
	sessionToken() *SessionToken
}

// authKind names a built-in authenticator's kind.
type authKind string

const (
	kindKeyPair authKind = "KeyPair"
	kindBearer  authKind = "Bearer"
	kindAPIKey  authKind = "APIKeyAuth"
	kindSession authKind = "SessionToken"
)

// constructors are what NewClient's refusal tells the user to call.
func (k authKind) constructors() string {
	switch k {
	case kindAPIKey:
		return "APIKeyAuth, APIKeyHeader"
	case kindSession:
		return "NewSessionToken"
	}
	return string(k)
}

// used is what an attempt's authentication drew on: the session token and
// its generation, when there was one.
type used struct {
	session *SessionToken
	gen     uint64
}

// credentialOf returns a's self-description, or nil for a user's own
// authenticator (and for nil).
func credentialOf(a Authenticator) credential {
	cr, _ := a.(credential)
	return cr
}

// kindOf returns a's kind, or "" for a user's own authenticator.
func kindOf(a Authenticator) authKind {
	if cr := credentialOf(a); cr != nil {
		return cr.kind()
	}
	return ""
}

// sessionOf returns the session token cr draws on, or nil (also for a nil
// cr).
func sessionOf(cr credential) *SessionToken {
	if cr == nil {
		return nil
	}
	return cr.sessionToken()
}

// authenticate authorizes one attempt with a and reports what it used.
func authenticate(a Authenticator, req *http.Request) (used, error) {
	if cr := credentialOf(a); cr != nil {
		return cr.authorize(req)
	}
	return used{}, a.Authenticate(req)
}

// identityOf names a for keying limits without keeping or revealing it: a
// hash for the built-in authenticators, the identity of the value for a
// user's own (never formatted: it may print its secret).
func identityOf(a Authenticator) string {
	if a == nil {
		return "none"
	}
	if cr := credentialOf(a); cr != nil {
		return cr.identity()
	}
	if v := reflect.ValueOf(a); v.Kind() == reflect.Pointer {
		return fmt.Sprintf("%T:%x", a, v.Pointer())
	}
	return fmt.Sprintf("%T", a)
}

// hashID is a credential's identity: a short hash of its kind and values.
func hashID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// authName names an authenticator's kind for messages.
func authName(a Authenticator) string {
	if k := kindOf(a); k != "" {
		return string(k)
	}
	return fmt.Sprintf("%T", a)
}

// acceptAuth checks a against the kinds a vendor accepts. A user's own
// Authenticator is accepted (it sets headers, which every vendor reads); a
// built-in of any kind not listed is refused, so a new built-in must be
// accepted explicitly. It returns a's credential, nil for a user's own.
func acceptAuth(provider string, a Authenticator, accepted ...authKind) (credential, error) {
	cr := credentialOf(a)
	if cr == nil {
		return nil, nil
	}
	for _, k := range accepted {
		if cr.kind() == k {
			return cr, nil
		}
	}
	names := make([]string, len(accepted))
	for i, k := range accepted {
		names[i] = k.constructors()
	}
	return nil, fmt.Errorf("multiaccount: %s does not accept %s authentication; use one of: %s",
		provider, cr.kind(), strings.Join(names, ", "))
}

// inHeader binds an API key without a header to the vendor's header h; a
// credential of another kind is returned as it is.
func inHeader(cr credential, h string) credential {
	if a, ok := cr.(*apiKey); ok && a.header == "" {
		return &apiKey{header: h, key: a.key}
	}
	return cr
}

// inQuery places a session token in the query parameter param instead of
// a Bearer header (CallTrackingMetrics' auth_token).
func (s *SessionToken) inQuery(param string) credential { return &queryToken{s, param} }

// queryToken is a SessionToken placed in a query parameter. It embeds the
// token, so it prints, scrubs and identifies itself as the token does.
type queryToken struct {
	*SessionToken
	param string
}

func (q *queryToken) Authenticate(req *http.Request) error {
	_, err := q.authorize(req)
	return err
}

func (q *queryToken) authorize(req *http.Request) (used, error) {
	return q.place(req, func(token string) {
		v := req.URL.Query()
		v.Set(q.param, token)
		req.URL.RawQuery = v.Encode()
	})
}

// basicForms are the forms of an identifier and secret the SDK sends: each
// value, and the base64 of "id:secret" that HTTP Basic carries (unpadded,
// so that an echo that drops the padding is found too; the scrubber also
// finds it URL-escaped).
func basicForms(id, secret Secret) []string {
	out := []string{id.Reveal(), secret.Reveal()}
	if id != "" || secret != "" {
		out = append(out, base64.RawStdEncoding.EncodeToString([]byte(id.Reveal()+":"+secret.Reveal())))
	}
	return out
}

// checkCredential refuses, in NewClient, a built-in credential with a
// control character (a newline from a file or an environment variable):
// it cannot go into a header, and would fail only later, at the network.
func checkCredential(a Authenticator) error {
	cr := credentialOf(a)
	if cr == nil {
		return nil
	}
	for _, v := range cr.scrubValues() {
		if strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return invalid("NewClient", "WithAuth", "the credential contains a control character (a newline?); trim it")
		}
	}
	return nil
}
