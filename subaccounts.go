package multiaccount

import (
	"context"
	"hash/maphash"
	"iter"
	"strconv"
)

// SubAccountsService manages the agency's sub-accounts: Kaleyra
// sub-accounts, SerwerSMS sub-accounts, Woodpecker companies,
// CallTrackingMetrics accounts and VoiceTel sub-accounts (create only).
type SubAccountsService struct{ c *Client }

// client is the service's Client, nil for a nil service.
func (s *SubAccountsService) client() *Client {
	if s == nil {
		return nil
	}
	return s.c
}

// userKey identifies a user for paginate.
func userKey(h *maphash.Hash, u *User) {
	if u != nil {
		itemKey(h, u.Raw, u.ID)
	}
}

// subAccountKey identifies a sub-account for paginate.
func subAccountKey(h *maphash.Hash, sa *SubAccount) {
	if sa != nil {
		itemKey(h, sa.Raw, sa.ID)
	}
}

// List returns one page of sub-accounts; nil opts asks for the first page
// at the vendor's default size. Offered by Kaleyra, SerwerSMS, Woodpecker
// and CallTrackingMetrics.
func (s *SubAccountsService) List(ctx context.Context, opts *ListOptions) (*SubAccountPage, error) {
	if err := s.client().ready(ctx, "SubAccounts.List"); err != nil {
		return nil, err
	}
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if o.PageSize < 0 {
		return nil, s.c.named(invalid("SubAccounts.List", "PageSize", "is negative"))
	}
	if _, ok := s.c.v.(activeFilter); o.Active != nil && !ok {
		return nil, s.c.named(invalid("SubAccounts.List", "Active", "is not a filter "+s.c.v.name()+" offers; leave it nil"))
	}
	v, err := s.c.v.listSubAccounts(ctx, s.c, o)
	return v, s.c.named(err)
}

// allPager is implemented by the vendors whose lists take a page size: an
// iteration with none set asks for the largest the vendor documents, the
// fewest round trips.
type allPager interface{ allPageSize(op string) int }

// allPageSize is v's page size for an iteration of op, or 0 for the
// vendor's default.
func allPageSize(v vendor, op string) int {
	if p, ok := v.(allPager); ok {
		return p.allPageSize(op)
	}
	return 0
}

// activeFilter is implemented by the vendors whose sub-account list
// filters by ListOptions.Active.
type activeFilter interface{ filtersActive() }

// All iterates over every sub-account, fetching pages lazily: breaking out
// of the loop sends no further request. A failure is yielded once, as the
// last element. Pages of the vendor's largest size are asked for when
// opts sets none. A vendor that repeats a page or a cursor, cycles
// through pages or serves the same items again and again ends the
// iteration with a *DecodeError (a repeated page is fetched twice); so
// does a list that grows by a whole page before each of two reads in a
// row, which looks the same. The iteration holds about one page in
// memory, however long.
func (s *SubAccountsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*SubAccount, error] {
	if err := s.client().ready(ctx, "SubAccounts.All"); err != nil {
		return failedSeq[*SubAccount](err)
	}
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if o.PageSize == 0 {
		o.PageSize = allPageSize(s.c.v, "SubAccounts.All")
	}
	return paginate(s.c, "SubAccounts.All", o.Cursor, subAccountKey, func(cursor string) ([]*SubAccount, string, error) {
		o.Cursor = cursor
		p, err := s.List(ctx, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	})
}

// Get returns one sub-account. Offered by Kaleyra, SerwerSMS, Woodpecker
// (from the companies list) and CallTrackingMetrics.
func (s *SubAccountsService) Get(ctx context.Context, id string) (*SubAccount, error) {
	if err := s.client().ready(ctx, "SubAccounts.Get"); err != nil {
		return nil, err
	}
	v, err := s.c.v.getSubAccount(ctx, s.c, id)
	return v, s.c.named(err)
}

// Create makes a sub-account. Each vendor requires its own fields (see
// SubAccountCreate); missing ones give a *ValidationError before any I/O.
// A create is never sent twice. Offered by VoiceTel (administrator key),
// Kaleyra, SerwerSMS, Woodpecker (billed per company; on v2 a failure is a
// *CreateBatchError, as for CreateBatch) and CallTrackingMetrics (Name and
// TimeZone). SerwerSMS may
// answer without the new id: the returned SubAccount's ID is then empty and
// List finds it by Username.
func (s *SubAccountsService) Create(ctx context.Context, in *SubAccountCreate) (*SubAccount, error) {
	if err := s.client().ready(ctx, "SubAccounts.Create"); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, s.c.named(invalid("SubAccounts.Create", "in", "is nil"))
	}
	v, err := s.c.v.createSubAccount(ctx, s.c, in)
	return v, s.c.named(err)
}

// CreateBatch makes every sub-account of in in one request, all or none,
// and returns them in the order given. Offered by Woodpecker v2
// (Woodpecker(InVersion(WoodpeckerV2))), which takes up to 10 companies per
// request and bills each: the batch is never sent twice.
//
// Each element is checked as Create checks it, before any I/O. When the
// request fails after it may have reached the vendor, the error is a
// *CreateBatchError: it lists which of the batch's names exist at the
// vendor according to a follow-up list, or says that the list failed and
// the caller must list them (SubAccounts.All) before trying again.
func (s *SubAccountsService) CreateBatch(ctx context.Context, in []*SubAccountCreate) ([]*SubAccount, error) {
	const op = "SubAccounts.CreateBatch"
	if err := s.client().ready(ctx, op); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, s.c.named(invalid(op, "in", "is empty"))
	}
	for i, sc := range in {
		if sc == nil {
			return nil, s.c.named(invalid(op, "in["+strconv.Itoa(i)+"]", "is nil"))
		}
	}
	v, err := s.c.v.createSubAccounts(ctx, s.c, in)
	return v, s.c.named(err)
}

// Recharge adds amount (in the sub-account's currency; positive and
// finite, checked before any I/O) to the credit of sub-account id. It
// moves money, so it is never sent twice: not after a 5xx, a dropped
// connection or a timeout, when the vendor may have acted; check the
// balance with Get before trying again. Offered by Kaleyra ("assigned"
// sub-accounts).
func (s *SubAccountsService) Recharge(ctx context.Context, id string, amount float64) (*Recharge, error) {
	if err := s.client().ready(ctx, "SubAccounts.Recharge"); err != nil {
		return nil, err
	}
	v, err := s.c.v.recharge(ctx, s.c, id, amount)
	return v, s.c.named(err)
}

// Users returns one page of the users of sub-account id; nil opts asks
// for the first page. Offered by Woodpecker v2 (a company's users, 50 a
// page; PageSize is not the vendor's to choose and must be 0).
func (s *SubAccountsService) Users(ctx context.Context, id string, opts *ListOptions) (*UserPage, error) {
	if err := s.client().ready(ctx, "SubAccounts.Users"); err != nil {
		return nil, err
	}
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	v, err := s.c.v.listUsers(ctx, s.c, id, o)
	return v, s.c.named(err)
}

// AllUsers iterates over every user of sub-account id, fetching pages
// lazily, as All does for sub-accounts.
func (s *SubAccountsService) AllUsers(ctx context.Context, id string, opts *ListOptions) iter.Seq2[*User, error] {
	if err := s.client().ready(ctx, "SubAccounts.AllUsers"); err != nil {
		return failedSeq[*User](err)
	}
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	return paginate(s.c, "SubAccounts.AllUsers", o.Cursor, userKey, func(cursor string) ([]*User, string, error) {
		o.Cursor = cursor
		p, err := s.Users(ctx, id, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	})
}

// Update changes the fields set in u and returns the sub-account. Offered
// by Kaleyra, which documents Name, CreditAmount and LowBalanceAlert; a set
// Email or Status gives a *ValidationError before any I/O.
func (s *SubAccountsService) Update(ctx context.Context, id string, u *SubAccountUpdate) (*SubAccount, error) {
	if err := s.client().ready(ctx, "SubAccounts.Update"); err != nil {
		return nil, err
	}
	if u == nil {
		return nil, s.c.named(invalid("SubAccounts.Update", "u", "is nil"))
	}
	v, err := s.c.v.updateSubAccount(ctx, s.c, id, u)
	return v, s.c.named(err)
}

// Delete removes a sub-account. Offered by Kaleyra and SerwerSMS.
func (s *SubAccountsService) Delete(ctx context.Context, id string) error {
	if err := s.client().ready(ctx, "SubAccounts.Delete"); err != nil {
		return err
	}
	return s.c.named(s.c.v.deleteSubAccount(ctx, s.c, id))
}

// SetLimit sets a sub-account's message limit for one message type.
// Offered by SerwerSMS.
func (s *SubAccountsService) SetLimit(ctx context.Context, id string, l MessageLimit) error {
	if err := s.client().ready(ctx, "SubAccounts.SetLimit"); err != nil {
		return err
	}
	return s.c.named(s.c.v.setLimit(ctx, s.c, id, l))
}
