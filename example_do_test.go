package multiaccount_test

import (
	"context"
	"fmt"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// Client.Do reaches an endpoint the services do not cover with the
// client's authentication, limits, retries and redaction. VoiceTel's info/
// is one of its hourly-limited endpoints: the requests sent this way count
// against the same window as Agency.Account.
func ExampleClient_Do() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, err := srv.Client(multiaccounttest.VoiceTel)
	if err != nil {
		panic(err)
	}
	req, err := c.NewRequest("POST", "v2.1/account/info/", map[string]any{})
	if err != nil {
		panic(err)
	}
	req.Repeatable = true // a read: safe to send again after a transient failure
	var out struct {
		Account []struct {
			Name string `json:"name"`
		} `json:"account"`
	}
	resp, err := c.Do(context.Background(), req, &out)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, out.Account[0].Name)
	// Output: 200 Acme Field Services
}

// CaptureResponse gives the status and headers of any service call, a
// failed one included, without changing its signature.
func ExampleCaptureResponse() {
	srv := multiaccounttest.NewServer()
	c, err := srv.Client(multiaccounttest.Woodpecker)
	defer srv.Close()
	if err != nil {
		panic(err)
	}
	var meta multiaccount.Response
	ctx := multiaccount.CaptureResponse(context.Background(), &meta)
	_, err = c.SubAccounts.List(ctx, nil)
	fmt.Println(err, meta.StatusCode, meta.Header.Get("Content-Type"))
	// Output: <nil> 200 application/json; charset=utf-8
}
