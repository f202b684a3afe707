package multiaccounttest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// List a CallTrackingMetrics agency's accounts through a Client the
// emulator hands out, pointed at it and holding the seeded credentials.
func Example() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()

	c, err := srv.Client(multiaccounttest.CallTrackingMetrics)
	if err != nil {
		fmt.Println(err)
		return
	}
	page, err := c.SubAccounts.List(context.Background(), &multiaccount.ListOptions{PageSize: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(page.Items), "of", page.Total, "accounts; more:", page.NextCursor != "")
	fmt.Println(page.Items[0].ID == multiaccounttest.CTMFirstAccountID, page.Items[0].Name)
	// Output:
	// 10 of 33 accounts; more: true
	// true Denver Plumbing
}

// VoiceTel allows 6 requests per hour on info/. One FakeClock drives both
// the emulator and the Client from Server.Client: the 7th call is refused
// before it is sent, and an hour later (moved, not slept) the next succeeds.
func Example_voiceTelRateLimit() {
	clock := multiaccounttest.NewFakeClock(time.Date(2025, 11, 22, 9, 0, 0, 0, time.UTC))
	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(clock))
	defer srv.Close()
	c, err := srv.Client(multiaccounttest.VoiceTel)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for i := 1; i <= 6; i++ {
		if _, err := c.Agency.Account(ctx); err != nil {
			fmt.Println(err)
			return
		}
	}
	_, err = c.Agency.Account(ctx)
	var rl *multiaccount.RateLimitError
	if errors.As(err, &rl) {
		fmt.Println("call 7: local:", rl.Local, "retry after", rl.RetryAfter)
	}
	clock.Advance(61 * time.Minute)
	acct, err := c.Agency.Account(ctx)
	fmt.Println("call 8 an hour later:", err, acct.Username == multiaccounttest.VoiceTelUsername)
	fmt.Println("requests the vendor saw:", srv.Requests(multiaccounttest.VoiceTel, "/v2.1/account/info/"))
	// Output:
	// call 7: local: true retry after 1h0m0s
	// call 8 an hour later: <nil> true
	// requests the vendor saw: 7
}

// Make the next two requests to one path fail with 503: the Client retries
// them (a list is safe to retry) and succeeds on the third attempt.
func ExampleServer_Fail() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()

	const path = "/rest/v1/agency/companies"
	srv.Fail(multiaccounttest.Woodpecker, path, multiaccounttest.Fault{Times: 2, Status: http.StatusServiceUnavailable})
	c, err := srv.Client(multiaccounttest.Woodpecker,
		multiaccount.WithRetry(multiaccount.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	if err != nil {
		fmt.Println(err)
		return
	}
	page, err := c.SubAccounts.List(context.Background(), nil)
	fmt.Println(err, len(page.Items), "companies")
	fmt.Println("requests seen:", srv.Requests(multiaccounttest.Woodpecker, path))
	// Output:
	// <nil> 4 companies
	// requests seen: 3
}
