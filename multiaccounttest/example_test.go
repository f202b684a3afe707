package multiaccounttest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// List a CallTrackingMetrics agency's accounts with plain net/http.
func Example() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet,
		srv.URL(multiaccounttest.CallTrackingMetrics)+"/api/v1/accounts.json?per_page=10", nil)
	req.SetBasicAuth(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var page struct {
		Accounts []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"accounts"`
		TotalEntries int `json:"total_entries"`
		TotalPages   int `json:"total_pages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, len(page.Accounts), "of", page.TotalEntries, "on", page.TotalPages, "pages")
	fmt.Println(page.Accounts[0].ID, page.Accounts[0].Name)
	// Output:
	// 200 10 of 33 on 4 pages
	// 10001 Denver Plumbing
}

// VoiceTel allows 6 requests per hour on info/; the 7th is refused with the
// wait in Retry-After. The fixed clock makes the wait exact.
func Example_voiceTelRateLimit() {
	now := time.Date(2025, 11, 22, 9, 0, 0, 0, time.UTC)
	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(func() time.Time { return now }))
	defer srv.Close()

	for i := 1; i <= 7; i++ {
		req, _ := http.NewRequest(http.MethodPost, srv.URL(multiaccounttest.VoiceTel)+"/v2.1/account/info/",
			bytes.NewReader([]byte(`{}`)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+multiaccounttest.VoiceTelAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		var body struct {
			StatusCode string `json:"statusCode"`
			Message    string `json:"message"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			fmt.Printf("request %d: HTTP %d %q, Retry-After %ss\n", i, resp.StatusCode, body.Message, resp.Header.Get("Retry-After"))
		}
	}
	// Output:
	// request 7: HTTP 429 "Rate limit exceeded: 6 requests per hour", Retry-After 3600s
}

// Make the next two requests to one path fail with 503, then count the
// attempts a simple retry loop made.
func ExampleServer_Fail() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()

	const path = "/rest/v1/agency/companies"
	srv.Fail(multiaccounttest.Woodpecker, path, multiaccounttest.Fault{
		Times: 2, Status: http.StatusServiceUnavailable, RetryAfter: time.Second,
	})
	for attempt := 1; ; attempt++ {
		req, _ := http.NewRequest(http.MethodGet, srv.URL(multiaccounttest.Woodpecker)+path, nil)
		req.Header.Set("x-api-key", multiaccounttest.WoodpeckerAgencyKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("attempt %d: HTTP %d", attempt, resp.StatusCode)
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			fmt.Printf(", retry after %ss", ra)
		}
		fmt.Println()
		if resp.StatusCode == http.StatusOK {
			break
		}
	}
	fmt.Println("requests seen:", srv.Requests(multiaccounttest.Woodpecker, path))
	// Output:
	// attempt 1: HTTP 503, retry after 1s
	// attempt 2: HTTP 503, retry after 1s
	// attempt 3: HTTP 200
	// requests seen: 3
}
