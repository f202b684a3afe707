package multiaccount

import "context"

// KeysService manages API keys: a Woodpecker company's keys, and VoiceTel's
// exchange of a username and password for the account's key.
type KeysService struct{ c *Client }

// client is the service's Client, nil for a nil service.
func (s *KeysService) client() *Client {
	if s == nil {
		return nil
	}
	return s.c
}

// List returns a sub-account's API keys. Offered by Woodpecker (the keys of
// a company, from the companies list).
func (s *KeysService) List(ctx context.Context, subAccountID string) ([]APIKey, error) {
	if err := s.client().ready(ctx, "Keys.List"); err != nil {
		return nil, err
	}
	v, err := s.c.v.listKeys(ctx, s.c, subAccountID)
	return v, s.c.named(err)
}

// Create makes an API key for a sub-account, labelled label. It is never
// sent twice. Offered by Woodpecker.
func (s *KeysService) Create(ctx context.Context, subAccountID, label string) (*APIKey, error) {
	if err := s.client().ready(ctx, "Keys.Create"); err != nil {
		return nil, err
	}
	v, err := s.c.v.createKey(ctx, s.c, subAccountID, label)
	return v, s.c.named(err)
}

// Exchange returns the API key of the account that username and password
// log in to; it sends no other credentials. Offered by VoiceTel, which
// allows 6 calls per hour per IP address (shared with cdr, info and mrc
// accounting per endpoint); it is never sent twice.
func (s *KeysService) Exchange(ctx context.Context, username, password string) (*APIKey, error) {
	if err := s.client().ready(ctx, "Keys.Exchange"); err != nil {
		return nil, err
	}
	v, err := s.c.v.exchangeKey(ctx, s.c, username, password)
	return v, s.c.named(err)
}
