package multiaccounttest

import (
	"fmt"

	"github.com/multiaccount/multiaccount"
)

// Provider returns the multiaccount Provider for vendor v (Kaleyra with the
// seeded parent SID).
func Provider(v Vendor) (multiaccount.Provider, error) {
	switch v {
	case CallTrackingMetrics:
		return multiaccount.CallTrackingMetrics(), nil
	case Woodpecker:
		return multiaccount.Woodpecker(), nil
	case VoiceTel:
		return multiaccount.VoiceTel(), nil
	case SerwerSMS:
		return multiaccount.SerwerSMS(), nil
	case Kaleyra:
		return multiaccount.Kaleyra(KaleyraSID), nil
	}
	return multiaccount.Provider{}, fmt.Errorf("multiaccounttest: unknown vendor %q", v)
}

// Credentials returns the seeded credentials for vendor v: the agency's (or
// account's) own, as a real client would use them. VoiceTel's
// SubAccounts.Create needs the administrator key instead:
// multiaccount.Bearer(VoiceTelAdminKey).
func Credentials(v Vendor) multiaccount.Authenticator {
	switch v {
	case CallTrackingMetrics:
		return multiaccount.KeyPair(CTMAccessKey, CTMSecretKey)
	case Woodpecker:
		return multiaccount.APIKeyAuth(WoodpeckerAgencyKey)
	case VoiceTel:
		return multiaccount.Bearer(VoiceTelAPIKey)
	case SerwerSMS:
		return multiaccount.Bearer(SerwerSMSToken)
	case Kaleyra:
		return multiaccount.APIKeyAuth(KaleyraAPIKey)
	}
	return nil
}

// Client returns a multiaccount.Client for vendor v, pointed at the
// emulator, authenticated with the seeded credentials and, when the Server
// was given [WithClock], reading the same clock: advancing a [FakeClock]
// moves the Client's rate-limit windows and token expiry together with the
// emulator's. The Clients of one Server share one in-memory limit store of
// their own, so limits hold across them exactly as against the vendor, while
// another Server (in a later test, perhaps on a reused port) starts with
// empty windows. opts are applied after those defaults, so WithAuth,
// WithClock, WithLimitStore or WithRetry given here win.
func (s *Server) Client(v Vendor, opts ...multiaccount.Option) (*multiaccount.Client, error) {
	p, err := Provider(v)
	if err != nil {
		return nil, err
	}
	return s.ClientFor(v, p, opts...)
}

// ClientFor is Client with a provider of the caller's choosing, for another
// of the vendor's API versions or regions, e.g.
//
//	srv.ClientFor(multiaccounttest.VoiceTel, multiaccount.VoiceTel(multiaccount.InVersion(v)))
//
// The emulator serves every version a vendor's server speaks at the same
// URL, under the vendor's own paths.
func (s *Server) ClientFor(v Vendor, p multiaccount.Provider, opts ...multiaccount.Option) (*multiaccount.Client, error) {
	if s == nil || s.servers == nil {
		return nil, fmt.Errorf("multiaccounttest: the Server is nil or not made by NewServer")
	}
	if _, ok := s.servers[v]; !ok {
		return nil, fmt.Errorf("multiaccounttest: unknown vendor %q", v)
	}
	all := []multiaccount.Option{multiaccount.WithBaseURL(s.URL(v)), multiaccount.WithAuth(Credentials(v)),
		multiaccount.WithLimitStore(s.limits)}
	if s.cfg.clock != nil {
		all = append(all, multiaccount.WithClock(s.cfg.clock))
	}
	return multiaccount.NewClient(p, append(all, opts...)...)
}
