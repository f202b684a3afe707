package multiaccount

import (
	"context"
	"iter"
)

// RecordsService reads call records and charges.
type RecordsService struct{ c *Client }

// CallsPage returns one page of call records and the cursor of the next:
// q.Cursor "" asks for the first page, and a page's NextCursor, stored and
// passed back later, resumes where it stopped (a daily job can checkpoint
// after each page). Where the vendor filters by date, Start and End become
// UTC dates with End's date included. Offered by CallTrackingMetrics
// (q.AccountID required; page-numbered) and VoiceTel (the key's own
// account, every record in one page; 6 requests per hour per IP address).
// Errors name the operation "Records.Calls".
func (s *RecordsService) CallsPage(ctx context.Context, q *CallQuery) (*CallPage, error) {
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
func (s *RecordsService) Calls(ctx context.Context, q *CallQuery) iter.Seq2[*CallRecord, error] {
	var query CallQuery
	if q != nil {
		query = *q
	}
	if err := checkCallQuery(query); err != nil {
		return func(yield func(*CallRecord, error) bool) { yield(nil, s.c.named(err)) }
	}
	return paginate(s.c, "Records.Calls", query.Cursor, func(cursor string) ([]*CallRecord, string, error) {
		query.Cursor = cursor
		p, err := s.CallsPage(ctx, &query)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextCursor, nil
	})
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
	v, err := s.c.v.recurringCharges(ctx, s.c)
	return v, s.c.named(err)
}
