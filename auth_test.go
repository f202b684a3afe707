package multiaccount

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBuiltinCredentialsDescribeThemselves checks every built-in
// authenticator, as the user builds it and as each vendor that takes it
// binds it (wrapped or rebound to a header): it prints without its values,
// names its kind in Client.String, lists every value it sends for
// scrubbing, and has a limit identity that is a hash of its values, never
// the values themselves.
func TestBuiltinCredentialsDescribeThemselves(t *testing.T) {
	shared := ReuseSessionToken("canary-shared-token", time.Time{})
	cases := []struct {
		kind     authKind
		make     func(id string) Authenticator
		values   []string // what the authenticator built with id "canary-id-1" sends
		vendors  []Provider
		sameHash bool // the same values give the same identity
		fixed    bool // make returns one value whatever the id
	}{
		{kindKeyPair, func(id string) Authenticator { return KeyPair(id, "canary-pw-1") }, []string{"canary-id-1", "canary-pw-1"},
			[]Provider{CallTrackingMetrics(), SerwerSMS(), Woodpecker()}, true, false},
		{kindBearer, func(id string) Authenticator { return Bearer(id) }, []string{"canary-id-1"},
			[]Provider{VoiceTel(), SerwerSMS()}, true, false},
		{kindAPIKey, func(id string) Authenticator { return APIKeyAuth(id) }, []string{"canary-id-1"},
			[]Provider{Kaleyra("sid"), Woodpecker()}, true, false},
		{kindAPIKey, func(id string) Authenticator { return APIKeyHeader("X-Key", id) }, []string{"canary-id-1"},
			[]Provider{Kaleyra("sid"), Woodpecker()}, true, false},
		{kindSession, func(id string) Authenticator { return NewSessionToken(id, "canary-pw-1") }, []string{"canary-id-1", "canary-pw-1"},
			[]Provider{CallTrackingMetrics()}, false, false},
		{kindSession, func(string) Authenticator { return shared }, []string{"canary-shared-token"},
			[]Provider{CallTrackingMetrics()}, true, true},
	}
	for _, tc := range cases {
		a := tc.make("canary-id-1")
		forms := map[string]Authenticator{"unbound": a}
		for _, p := range tc.vendors {
			c, err := NewClient(p, WithAuth(tc.make("canary-id-1")))
			if err != nil {
				t.Fatalf("%s on %s: %v", tc.kind, p.Name(), err)
			}
			forms[p.Name()] = c.auth
			s := fmt.Sprintf("%s %v %+v %#v", c, c, c, c)
			if !strings.Contains(c.String(), "auth: "+string(tc.kind)+"("+redacted+")") || strings.Contains(s, "canary") || strings.Contains(s, "*multiaccount.") {
				t.Errorf("%s on %s: Client prints %s", tc.kind, p.Name(), s)
			}
		}
		for form, b := range forms {
			name := fmt.Sprintf("%s (%s)", tc.kind, form)
			if got := kindOf(b); got != tc.kind {
				t.Errorf("%s: kind = %q", name, got)
			}
			if s := fmt.Sprintf("%v %+v %#v %s %q", b, b, b, b, b); strings.Contains(s, "canary") {
				t.Errorf("%s prints its values: %s", name, s)
			}
			scrub := strings.Join(credentialsOf(b), " ")
			for _, v := range tc.values {
				if !strings.Contains(scrub, v) {
					t.Errorf("%s: scrub list lacks %s", name, v)
				}
			}
			id := identityOf(b)
			if id == "" || strings.Contains(id, "canary") {
				t.Errorf("%s: identity %q", name, id)
			}
			if other := identityOf(tc.make("canary-id-2")); !tc.fixed && other == id {
				t.Errorf("%s: another credential has the same identity", name)
			}
			if again := identityOf(tc.make("canary-id-1")); tc.sameHash && form == "unbound" && again != id {
				t.Errorf("%s: the same values give identities %s and %s", name, id, again)
			}
		}
	}
}

// TestUserAuthenticatorAccepted: an Authenticator the user writes sets
// headers, which every vendor reads; it is identified by itself and has
// nothing to scrub that the SDK knows of.
func TestUserAuthenticatorAccepted(t *testing.T) {
	a := headerAuth{}
	for _, p := range []Provider{VoiceTel(), Kaleyra("sid"), SerwerSMS(), CallTrackingMetrics(), Woodpecker()} {
		c, err := NewClient(p, WithAuth(a))
		if err != nil {
			t.Fatalf("%s refused a user's authenticator: %v", p.Name(), err)
		}
		if kindOf(c.auth) != "" || credentialsOf(c.auth) != nil {
			t.Errorf("%s: a user's authenticator was taken for a built-in", p.Name())
		}
		if !strings.Contains(c.String(), "multiaccount.headerAuth") {
			t.Errorf("%s: String = %s", p.Name(), c)
		}
	}
}

type headerAuth struct{}

func (headerAuth) Authenticate(req *http.Request) error {
	req.Header.Set("X-User", "v")
	return nil
}

// TestAcceptAuthRefusesUnlisted: a vendor lists the kinds it takes, so a
// built-in it does not list is refused by name.
func TestAcceptAuthRefusesUnlisted(t *testing.T) {
	_, err := acceptAuth("V", Bearer("k"), kindKeyPair, kindAPIKey)
	if err == nil || !strings.Contains(err.Error(), "does not accept Bearer authentication; use one of: KeyPair, APIKeyAuth, APIKeyHeader") {
		t.Errorf("err = %v", err)
	}
	if cr, err := acceptAuth("V", Bearer("k"), kindBearer); err != nil || cr == nil {
		t.Errorf("listed kind: %v, %v", cr, err)
	}
}
