package multiaccount

import (
	"context"
	"iter"
)

// RecordsService reads call records and charges.
type RecordsService struct{ c *Client }

// Calls iterates over call records, fetching pages lazily. Where the vendor
// filters by date, Start and End become UTC dates with End's date included.
// Offered by CallTrackingMetrics (q.AccountID required) and VoiceTel (the
// key's own account; 6 requests per hour per IP address).
func (s *RecordsService) Calls(ctx context.Context, q *CallQuery) iter.Seq2[*CallRecord, error] {
	var query CallQuery
	if q != nil {
		query = *q
	}
	if err := checkCallQuery(query); err != nil {
		return func(yield func(*CallRecord, error) bool) { yield(nil, err) }
	}
	return paginate("Records.Calls", "", func(cursor string) ([]*CallRecord, string, error) {
		return s.c.v.callsPage(ctx, s.c, query, cursor)
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
	return s.c.v.recurringCharges(ctx, s.c)
}
