package multiaccount

import "context"

// AgencyService covers the agency's own account: sessions, account details,
// signup and recovery, and Woodpecker's prospects.
type AgencyService struct{ c *Client }

// client is the service's Client, nil for a nil service.
func (s *AgencyService) client() *Client {
	if s == nil {
		return nil
	}
	return s.c
}

// Session exchanges the key pair for a session token (with KeyPair), or
// returns the *SessionToken's current session, exchanging only if it has
// none or it is about to expire. Offered by CallTrackingMetrics.
func (s *AgencyService) Session(ctx context.Context) (*Session, error) {
	if err := s.client().ready(ctx, "Agency.Session"); err != nil {
		return nil, err
	}
	v, err := s.c.v.session(ctx, s.c)
	return v, s.c.named(err)
}

// Account returns the account the credentials belong to. Offered by
// VoiceTel (v2.1 info/, v2.2 GET /v2.2/account; 6 requests per hour per
// IP address).
func (s *AgencyService) Account(ctx context.Context) (*Account, error) {
	if err := s.client().ready(ctx, "Agency.Account"); err != nil {
		return nil, err
	}
	v, err := s.c.v.account(ctx, s.c)
	return v, s.c.named(err)
}

// SIPRegistration returns the account's current SIP registration; an
// unregistered account gives ErrNotFound. Offered by VoiceTel.
func (s *AgencyService) SIPRegistration(ctx context.Context) (*SIPRegistration, error) {
	if err := s.client().ready(ctx, "Agency.SIPRegistration"); err != nil {
		return nil, err
	}
	v, err := s.c.v.sipRegistration(ctx, s.c)
	return v, s.c.named(err)
}

// Signup creates a new top-level account, with no credentials, and returns
// its generated username and password. It is never sent twice. Offered by
// VoiceTel.
func (s *AgencyService) Signup(ctx context.Context, in *Signup) (*NewAccount, error) {
	if err := s.client().ready(ctx, "Agency.Signup"); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, s.c.named(invalid("Agency.Signup", "in", "is nil"))
	}
	v, err := s.c.v.signup(ctx, s.c, in)
	return v, s.c.named(err)
}

// Recover asks the vendor to mail a password recovery link to email. It
// sends no credentials and is never sent twice. Offered by VoiceTel.
func (s *AgencyService) Recover(ctx context.Context, email string) error {
	if err := s.client().ready(ctx, "Agency.Recover"); err != nil {
		return err
	}
	return s.c.named(s.c.v.recoverAccount(ctx, s.c, email))
}

// AddProspects adds prospects to a company's global list, with that
// company's own API key (found in the companies list), in requests of at
// most 20,000 prospects. With opts.Update, existing prospects are edited.
// Offered by Woodpecker.
//
// The vendor answers a status per prospect. When it refuses some under a
// top-level OK, the error is a *ProspectError listing them (index in
// prospects, address, the vendor's code and message); every other prospect
// was added. When a whole request fails, the error is a *ChunkError saying
// which chunk, from which index to resume, and which prospects the earlier
// chunks refused.
func (s *AgencyService) AddProspects(ctx context.Context, companyID string, prospects []Prospect, opts ProspectOptions) error {
	if err := s.client().ready(ctx, "Agency.AddProspects"); err != nil {
		return err
	}
	return s.c.named(s.c.v.addProspects(ctx, s.c, companyID, prospects, opts))
}

// UpdateSettings changes the settings of the account the credentials
// belong to: only the fields set in in are sent, zero values included, and
// the answer names the settings the vendor changed. A PUT of the same
// values is safe to send again, so it is retried like a read. Offered by
// VoiceTel v2.2 (VoiceTelV22; PUT /v2.2/account): customers may set
// Timezone, Notify, NotifyThreshold and CallerID, administrators also the
// service flags and CCS.
func (s *AgencyService) UpdateSettings(ctx context.Context, in *AccountSettings) (*SettingsUpdate, error) {
	if err := s.client().ready(ctx, "Agency.UpdateSettings"); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, s.c.named(invalid("Agency.UpdateSettings", "in", "is nil"))
	}
	v, err := s.c.v.updateSettings(ctx, s.c, in)
	return v, s.c.named(err)
}
