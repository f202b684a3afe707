package multiaccount

import (
	"context"
	"hash/maphash"
	"iter"
)

// RecordsService reads call records and charges.
type RecordsService struct{ c *Client }

// client is the service's Client, nil for a nil service.
func (s *RecordsService) client() *Client {
	if s == nil {
		return nil
	}
	return s.c
}

// CallsPage returns one page of call records and the cursor of the next:
// q.Cursor "" asks for the first page, and a page's NextCursor, stored and
// passed back later, resumes where it stopped (a daily job can checkpoint
// after each page). Where the vendor filters by date, Start and End become
// UTC dates with End's date included. Offered by CallTrackingMetrics
// (q.AccountID required; page-numbered) and VoiceTel (the key's own
// account, every record in one page; 6 requests per hour per IP address;
// v2.2 sends End as start and Start as end, as its document describes the
// range newest first).
// Errors name the operation "Records.Calls".
func (s *RecordsService) CallsPage(ctx context.Context, q *CallQuery) (*CallPage, error) {
	if err := s.client().ready(ctx, "Records.Calls"); err != nil {
		return nil, err
	}
	var query CallQuery
	if q != nil {
		query = *q
	}
	if err := checkCallQuery(query); err != nil {
		return nil, s.c.named(err)
	}
	items, next, err := s.c.v.callsPage(ctx, s.c, query, query.Cursor)
	if err != nil {
		return nil, s.c.named(err)
	}
	return &CallPage{Items: items, NextCursor: next}, nil
}

// Calls iterates over call records from q.Cursor on (the first page when
// it is ""), fetching pages lazily with CallsPage: breaking out of the loop
// sends no further request. A failure is yielded once, as the last element.
// A vendor that repeats pages ends it as it does SubAccounts.All.
func (s *RecordsService) Calls(ctx context.Context, q *CallQuery) iter.Seq2[*CallRecord, error] {
	if err := s.client().ready(ctx, "Records.Calls"); err != nil {
		return failedSeq[*CallRecord](err)
	}
	var query CallQuery
	if q != nil {
		query = *q
	}
	if err := checkCallQuery(query); err != nil {
		return failedSeq[*CallRecord](s.c.named(err))
	}
	if query.PageSize == 0 {
		query.PageSize = allPageSize(s.c.v, "Records.Calls")
	}
	return paginate(s.c, "Records.Calls", query.Cursor, callKey, func(cursor string) ([]*CallRecord, string, error) {
		query.Cursor = cursor
		p, err := s.CallsPage(ctx, &query)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	})
}

// callKey identifies a call record for paginate.
func callKey(h *maphash.Hash, r *CallRecord) {
	if r != nil {
		itemKey(h, r.Raw, r.AccountID, r.ID)
	}
}

func checkCallQuery(q CallQuery) error {
	if q.PageSize < 0 {
		return invalid("Records.Calls", "PageSize", "is negative")
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.Start.After(q.End) {
		return invalid("Records.Calls", "Start", "is after End")
	}
	return nil
}

// RecurringCharges returns the account's monthly recurring charges by
// service, and their total. Offered by VoiceTel (6 requests per hour per
// IP address).
func (s *RecordsService) RecurringCharges(ctx context.Context) (*Charges, error) {
	if err := s.client().ready(ctx, "Records.RecurringCharges"); err != nil {
		return nil, err
	}
	v, err := s.c.v.recurringCharges(ctx, s.c)
	return v, s.c.named(err)
}

// Credits returns the account's credit history, newest first, every credit
// whatever its invoice's state unless q.Paid filters it (nil q: all). The
// vendor returns the whole history in one answer. Offered by VoiceTel v2.2
// (VoiceTelV22; GET /v2.2/account/credits).
func (s *RecordsService) Credits(ctx context.Context, q *CreditQuery) ([]*Credit, error) {
	if err := s.client().ready(ctx, "Records.Credits"); err != nil {
		return nil, err
	}
	var query CreditQuery
	if q != nil {
		query = *q
	}
	v, err := s.c.v.credits(ctx, s.c, query)
	return v, s.c.named(err)
}

// Payments returns the payments received on the account (VoiceTel: PayPal
// payments, real cash, unlike Credits), newest first, in one answer.
// Offered by VoiceTel v2.2 (VoiceTelV22; GET /v2.2/account/payments).
func (s *RecordsService) Payments(ctx context.Context) ([]*Payment, error) {
	if err := s.client().ready(ctx, "Records.Payments"); err != nil {
		return nil, err
	}
	v, err := s.c.v.payments(ctx, s.c)
	return v, s.c.named(err)
}
