package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
)

func (a *app) recordsCommand(v *vendorSpec) *cobra.Command {
	cmd := group(&cobra.Command{Use: "records", Short: "Call records and recurring charges"})

	var q multiaccount.CallQuery
	var start, end string
	calls := a.operation(v, "Records.Calls", "calls", "Stream call records as the pages arrive",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			var err error
			if q.Start, err = parseWhen("--start", start); err != nil {
				return err
			}
			if q.End, err = parseWhen("--end", end); err != nil {
				return err
			}
			return streamItems(a, c.Records.Calls(ctx, &q), callRecord, &multiaccount.CallRecord{}, "calls")
		})
	cf := calls.Flags()
	cf.StringVar(&q.AccountID, "account-id", "", "AccountID: the sub-account whose calls are listed (CallTrackingMetrics)")
	cf.StringVar(&start, "start", "", "Start: RFC 3339 time or YYYY-MM-DD (UTC)")
	cf.StringVar(&end, "end", "", "End: RFC 3339 time or YYYY-MM-DD (UTC)")
	cf.IntVar(&q.PageSize, "page-size", 0, "PageSize: records per request where the vendor pages")

	charges := a.operation(v, "Records.RecurringCharges", "charges", "Recurring charges, one row per service and a TOTAL row",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			ch, err := c.Records.RecurringCharges(ctx)
			if err != nil {
				return err
			}
			items := append(ch.Items[:len(ch.Items):len(ch.Items)], multiaccount.Charge{Description: "TOTAL", Amount: ch.Total})
			return printItems(a, items, chargeRecord, multiaccount.Charge{})
		})

	var paid, unpaid bool
	credits := a.operation(v, "Records.Credits", "credits", "Credit history (--paid or --unpaid to filter)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			var q multiaccount.CreditQuery
			switch {
			case paid && unpaid:
				return &usageError{"--paid and --unpaid exclude each other"}
			case paid:
				q.Paid = multiaccount.Ptr(true)
			case unpaid:
				q.Paid = multiaccount.Ptr(false)
			}
			items, err := c.Records.Credits(ctx, &q)
			if err != nil {
				return err
			}
			return printItems(a, items, creditRecord, &multiaccount.Credit{})
		})
	credits.Flags().BoolVar(&paid, "paid", false, "only credits whose invoice is paid")
	credits.Flags().BoolVar(&unpaid, "unpaid", false, "only credits still outstanding")

	payments := a.operation(v, "Records.Payments", "payments", "Payment history",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			items, err := c.Records.Payments(ctx)
			if err != nil {
				return err
			}
			return printItems(a, items, paymentRecord, &multiaccount.Payment{})
		})

	cmd.AddCommand(calls, charges, credits, payments)
	return cmd
}

// parseWhen reads a time flag: RFC 3339, or a date taken as UTC midnight.
func parseWhen(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, &usageError{fmt.Sprintf("%s %q: want an RFC 3339 time or YYYY-MM-DD", flag, s)}
}
