// Command agency-report is an agency's daily job: every sub-account of a
// CallTrackingMetrics agency, then each account's calls in a date window,
// fetched with bounded concurrency. Progress goes to stderr, a CSV of calls
// to stdout.
//
//	go run ./examples/agency-report -days 7 > calls.csv
//
// It runs against the built-in emulator unless CTM_ACCESS_KEY and
// CTM_SECRET_KEY are set, in which case it reads the real agency (it only
// reads).
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func main() {
	days := flag.Int("days", 7, "how many days back to report, today included")
	workers := flag.Int("workers", 4, "accounts fetched at once")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := run(ctx, *days, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "agency-report:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, days, workers int) error {
	if days < 1 || workers < 1 {
		return fmt.Errorf("-days and -workers must be at least 1")
	}
	c, done, err := newClient()
	if err != nil {
		return err
	}
	defer done()

	var accounts []*multiaccount.SubAccount
	for a, err := range c.SubAccounts.All(ctx, &multiaccount.ListOptions{PageSize: 100}) {
		if err != nil {
			return fmt.Errorf("listing accounts: %w", err)
		}
		accounts = append(accounts, a)
	}
	fmt.Fprintf(os.Stderr, "%d accounts; fetching calls of the last %d days with %d workers\n", len(accounts), days, workers)

	end := time.Now().UTC()
	q := multiaccount.CallQuery{Start: end.AddDate(0, 0, -(days - 1)), End: end, PageSize: 150}

	// Workers fetch accounts; one writer owns the CSV, so rows of one
	// account stay together.
	type result struct {
		account *multiaccount.SubAccount
		calls   []*multiaccount.CallRecord
		err     error
	}
	jobs := make(chan *multiaccount.SubAccount)
	results := make(chan result)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				aq := q
				aq.AccountID = a.ID
				r := result{account: a}
				for call, err := range c.Records.Calls(ctx, &aq) {
					if err != nil {
						r.err = err
						break
					}
					r.calls = append(r.calls, call)
				}
				results <- r
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, a := range accounts {
			select {
			case jobs <- a:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	w := csv.NewWriter(os.Stdout)
	_ = w.Write([]string{"account_id", "account_name", "call_id", "start_utc", "duration_seconds", "from", "to"})
	n, failed := 0, 0
	for r := range results {
		n++
		if r.err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "[%d/%d] %s: %v\n", n, len(accounts), r.account.Name, r.err)
			continue
		}
		for _, call := range r.calls {
			_ = w.Write([]string{r.account.ID, r.account.Name, call.ID, call.Start.UTC().Format(time.RFC3339),
				strconv.Itoa(int(call.Duration / time.Second)), call.From, call.To})
		}
		fmt.Fprintf(os.Stderr, "[%d/%d] %s: %d calls\n", n, len(accounts), r.account.Name, len(r.calls))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d accounts failed", failed, len(accounts))
	}
	return ctx.Err()
}

// newClient returns a client for the real agency when its keys are in the
// environment, else for the emulator (and a func that stops it).
func newClient() (*multiaccount.Client, func(), error) {
	if a, s := os.Getenv("CTM_ACCESS_KEY"), os.Getenv("CTM_SECRET_KEY"); a != "" && s != "" {
		c, err := multiaccount.NewClient(multiaccount.CallTrackingMetrics(),
			multiaccount.WithAuth(multiaccount.NewSessionToken(a, s)))
		return c, func() {}, err
	}
	srv := multiaccounttest.NewServer()
	c, err := srv.Client(multiaccounttest.CallTrackingMetrics)
	return c, srv.Close, err
}
