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
			p, err := newPrinter(a.flags.output, a.env.stdout, columnsOf(callRecord(&multiaccount.CallRecord{})))
			if err != nil {
				return err
			}
			prog := a.progress("calls")
			defer prog.done()
			for call, err := range c.Records.Calls(ctx, &q) {
				if err != nil {
					_ = p.flush()
					return err
				}
				if err := p.print(callRecord(call)); err != nil {
					return err
				}
				prog.add()
			}
			return p.flush()
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
			out := make([]record, 0, len(ch.Items)+1)
			for _, it := range ch.Items {
				out = append(out, chargeRecord(it))
			}
			out = append(out, chargeRecord(multiaccount.Charge{Description: "TOTAL", Amount: ch.Total}))
			return a.printAll(columnsOf(chargeRecord(multiaccount.Charge{})), out...)
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
			out := make([]record, len(items))
			for i, it := range items {
				out[i] = creditRecord(it)
			}
			return a.printAll(columnsOf(creditRecord(&multiaccount.Credit{})), out...)
		})
	credits.Flags().BoolVar(&paid, "paid", false, "only credits whose invoice is paid")
	credits.Flags().BoolVar(&unpaid, "unpaid", false, "only credits still outstanding")

	payments := a.operation(v, "Records.Payments", "payments", "Payment history",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			items, err := c.Records.Payments(ctx)
			if err != nil {
				return err
			}
			out := make([]record, len(items))
			for i, it := range items {
				out[i] = paymentRecord(it)
			}
			return a.printAll(columnsOf(paymentRecord(&multiaccount.Payment{})), out...)
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
