package multiaccount_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// The examples run against the emulator, so they need no credentials; with
// a real vendor only the client's construction differs.

func ExampleNewClient() {
	c, err := multiaccount.NewClient(multiaccount.VoiceTel(),
		multiaccount.WithAuth(multiaccount.Bearer("your-api-key")),
		multiaccount.WithRateLimitWait(0)) // fail fast instead of waiting for a slot
	if err != nil {
		panic(err)
	}
	fmt.Println(c)
	// Output: multiaccount.Client{provider: VoiceTel, base: https://api.voicetel.com/, auth: Bearer([REDACTED])}
}

func ExampleSubAccountsService_List() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Kaleyra)

	page, err := c.SubAccounts.List(context.Background(), &multiaccount.ListOptions{PageSize: 5})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Items), "of", page.Total, "next cursor:", page.NextCursor)
	fmt.Println(page.Items[0].Name, page.Items[0].APIKeys[0].Key)
	// Output:
	// 5 of 12 next cursor: 5
	// Asha Verma [REDACTED]
}

func ExampleSubAccountsService_All() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.CallTrackingMetrics)

	n := 0
	for acct, err := range c.SubAccounts.All(context.Background(), &multiaccount.ListOptions{PageSize: 10}) {
		if err != nil {
			panic(err)
		}
		if n == 0 {
			fmt.Println("first:", acct.ID)
		}
		n++
	}
	fmt.Println("accounts:", n)
	// Output:
	// first: 10001
	// accounts: 33
}

func ExampleSubAccountsService_Get() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.SerwerSMS)

	sa, err := c.SubAccounts.Get(context.Background(), "1194")
	if err != nil {
		panic(err)
	}
	fmt.Println(sa.Username, sa.Phone)
	// Output: marketing +48730856000
}

func ExampleSubAccountsService_Create() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	// VoiceTel creates sub-accounts with the administrator key.
	c, _ := srv.Client(multiaccounttest.VoiceTel,
		multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAdminKey)))

	sa, err := c.SubAccounts.Create(context.Background(), &multiaccount.SubAccountCreate{
		Name: "Acme Branch", Username: "4592012345", Email: "branch@example.com",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sa.ID, sa.Password) // the generated password is a Secret
	// Output: 4592012345 [REDACTED]
}

func ExampleSubAccountsService_Update() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Kaleyra)

	// Only the fields set are sent; a zero value that is set is sent too.
	sa, err := c.SubAccounts.Update(context.Background(), multiaccounttest.KaleyraSID+"_1",
		&multiaccount.SubAccountUpdate{LowBalanceAlert: multiaccount.Ptr(false)})
	if err != nil {
		panic(err)
	}
	fmt.Println(sa.Name)
	// Output: Asha Verma
}

func ExampleSubAccountsService_Delete() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.SerwerSMS)

	ctx := context.Background()
	if err := c.SubAccounts.Delete(ctx, "789"); err != nil {
		panic(err)
	}
	_, err := c.SubAccounts.Get(ctx, "789")
	fmt.Println(errors.Is(err, multiaccount.ErrNotFound))
	// Output: true
}

func ExampleSubAccountsService_SetLimit() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.SerwerSMS)

	err := c.SubAccounts.SetLimit(context.Background(), "456", multiaccount.MessageLimit{Type: "eco", Value: 500})
	fmt.Println(err)
	limit, _ := srv.SerwerSMSLimit("456", "eco")
	fmt.Println(limit)
	// Output:
	// <nil>
	// 500
}

func ExampleKeysService_List() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Woodpecker)

	keys, err := c.Keys.List(context.Background(), "2100000002")
	if err != nil {
		panic(err)
	}
	for _, k := range keys {
		fmt.Println(k.Label, k.Key)
	}
	// Output:
	// main [REDACTED]
	// crm sync [REDACTED]
}

func ExampleKeysService_Create() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Woodpecker)

	k, err := c.Keys.Create(context.Background(), multiaccounttest.WoodpeckerCompanyID, "reporting")
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Label, len(k.Key.Reveal()) > 0)
	// Output: reporting true
}

func ExampleKeysService_Exchange() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.VoiceTel)

	k, err := c.Keys.Exchange(context.Background(), multiaccounttest.VoiceTelUsername, multiaccounttest.VoiceTelPassword)
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Key.Reveal() == multiaccounttest.VoiceTelAPIKey)
	// Output: true
}

func ExampleRecordsService_Calls() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.CallTrackingMetrics)

	q := &multiaccount.CallQuery{AccountID: multiaccounttest.CTMFirstAccountID, Start: time.Now().AddDate(0, 0, -14), End: time.Now()}
	n := 0
	for call, err := range c.Records.Calls(context.Background(), q) {
		if err != nil {
			panic(err)
		}
		if call.Duration > 0 && call.From != "" {
			n++
		}
	}
	fmt.Println(n > 0)
	// Output: true
}

// A daily job reads a page at a time and stores NextCursor; a later run
// resumes from it.
func ExampleRecordsService_CallsPage() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.CallTrackingMetrics)
	ctx := context.Background()

	q := &multiaccount.CallQuery{AccountID: multiaccounttest.CTMFirstAccountID,
		Start: time.Now().AddDate(0, 0, -14), End: time.Now(), PageSize: 2}
	page, err := c.Records.CallsPage(ctx, q)
	if err != nil {
		panic(err)
	}
	checkpoint := page.NextCursor // store it; the next run starts here

	q.Cursor = checkpoint
	next, err := c.Records.CallsPage(ctx, q)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Items), len(next.Items), page.Items[0].ID != next.Items[0].ID)
	// Output: 2 2 true
}

func ExampleRecordsService_RecurringCharges() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.VoiceTel)

	ch, err := c.Records.RecurringCharges(context.Background())
	if err != nil {
		panic(err)
	}
	for _, item := range ch.Items {
		fmt.Printf("%s %.2f\n", item.Description, item.Amount)
	}
	fmt.Printf("total %.2f\n", ch.Total)
	// Output:
	// Hosted PBX 19.99
	// E911 1.50
	// CNAM 0.99
	// did 4.25
	// total 26.73
}

func ExampleAgencyService_Account() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.VoiceTel)

	ctx := context.Background()
	a, err := c.Agency.Account(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Name, *a.Balance)
	// VoiceTel allows 6 info/ calls per hour; the 7th is refused locally.
	for i := 0; i < 5; i++ {
		_, _ = c.Agency.Account(ctx)
	}
	_, err = c.Agency.Account(ctx)
	var rl *multiaccount.RateLimitError
	fmt.Println(errors.As(err, &rl), rl.Local, rl.RetryAfter.Round(time.Minute))
	// Output:
	// Acme Field Services 25.5
	// true true 1h0m0s
}

func ExampleAgencyService_SIPRegistration() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.VoiceTel)

	reg, err := c.Agency.SIPRegistration(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(reg.URI)
	// Output: sip:4592086960@192.0.2.10:5060
}

func ExampleAgencyService_Signup() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.VoiceTel)

	acct, err := c.Agency.Signup(context.Background(), &multiaccount.Signup{Name: "Jo Doe", Email: "jo@example.com"})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(acct.Username), acct.Password)
	// Output: 10 [REDACTED]
}

func ExampleAgencyService_Recover() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.VoiceTel)

	fmt.Println(c.Agency.Recover(context.Background(), "billing@acme-field.example"))
	// Output: <nil>
}

func ExampleAgencyService_Session() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	token := multiaccount.NewSessionToken(multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey)
	c, _ := srv.Client(multiaccounttest.CallTrackingMetrics, multiaccount.WithAuth(token))

	s, err := c.Agency.Session(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Token, s.FirstAccountID)
	// Share the token with another process for up to 30 days:
	shared, expires := token.Token()
	_ = multiaccount.ReuseSessionToken(shared.Reveal(), expires)
	// Output: [REDACTED] 10001
}

func ExampleAgencyService_AddProspects() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Woodpecker)

	err := c.Agency.AddProspects(context.Background(), multiaccounttest.WoodpeckerCompanyID,
		[]multiaccount.Prospect{{Email: "sam@example.com", FirstName: "Sam", Fields: map[string]string{"website": "example.com"}}},
		multiaccount.ProspectOptions{})
	fmt.Println(err, len(srv.Prospects(multiaccounttest.WoodpeckerCompanyID)))
	// Output: <nil> 3
}

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

func ExampleInRegion() {
	// Kaleyra's European sub-account host, without typing it.
	c, err := multiaccount.NewClient(multiaccount.Kaleyra("HXXXXXXX071IN", multiaccount.InRegion(multiaccount.RegionEurope)),
		multiaccount.WithAuth(multiaccount.APIKeyAuth("parent-key")))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.BaseURL())
	// Output: https://podapi.eu.kaleyra.io/
}

func ExampleProspectError() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Woodpecker)
	srv.Blacklist(multiaccounttest.WoodpeckerCompanyID, "blocked@example.com")

	err := c.Agency.AddProspects(context.Background(), fmt.Sprint(multiaccounttest.WoodpeckerCompanyID),
		[]multiaccount.Prospect{{Email: "ok@example.com"}, {Email: "blocked@example.com"}}, multiaccount.ProspectOptions{})
	var pe *multiaccount.ProspectError
	if errors.As(err, &pe) {
		for _, r := range pe.Refused {
			fmt.Println(r.Index, r.Email, r.Code) // the others were added
		}
	}
	// Output: 1 blocked@example.com E_BLACKLISTED
}

// Woodpecker's current agency API: pages of 50 companies, keys and users.
func ExampleWoodpecker_v2() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, err := srv.ClientFor(multiaccounttest.Woodpecker, multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	page, err := c.SubAccounts.List(ctx, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(page.Total, page.Items[0].Name, page.Items[0].Status, page.NextCursor == "")

	co, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Orchid Outreach"})
	if err != nil {
		panic(err)
	}
	key, err := c.Keys.Create(ctx, co.ID, "crm sync") // v2 requires a label
	if err != nil {
		panic(err)
	}
	keys, _ := c.Keys.List(ctx, co.ID)
	fmt.Println(co.Name, key.Key, len(keys), keys[0].Label)
	// Output:
	// 4 Northwind Outreach active true
	// Orchid Outreach [REDACTED] 1 crm sync
}

// One billed request creates every company or none; it is never sent
// twice.
func ExampleSubAccountsService_CreateBatch() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.ClientFor(multiaccounttest.Woodpecker, multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)))

	made, err := c.SubAccounts.CreateBatch(context.Background(), []*multiaccount.SubAccountCreate{
		{Name: "Cedar Leads"}, {Name: "Maple Growth"},
	})
	if err != nil {
		panic(err)
	}
	for _, co := range made {
		fmt.Println(co.Name, co.Status)
	}
	// Output:
	// Cedar Leads active
	// Maple Growth active
}

// After a failure that may have reached the vendor, the error says which
// of the batch's companies exist, so that only the others are sent again.
func ExampleCreateBatchError() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.ClientFor(multiaccounttest.Woodpecker, multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)))
	// The vendor creates the companies, then the connection drops.
	srv.Fail(multiaccounttest.Woodpecker, "/rest/v2/agency/companies", multiaccounttest.Fault{Drop: true, Applied: true})

	_, err := c.SubAccounts.CreateBatch(context.Background(), []*multiaccount.SubAccountCreate{{Name: "Cedar Leads"}})
	var be *multiaccount.CreateBatchError
	if errors.As(err, &be) && be.Listed {
		for _, co := range be.Existing {
			fmt.Println("exists:", co.Name)
		}
	}
	// Output: exists: Cedar Leads
}

func ExampleSubAccountsService_Users() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.ClientFor(multiaccounttest.Woodpecker, multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)))

	page, err := c.SubAccounts.Users(context.Background(), multiaccounttest.WoodpeckerCompanyID, nil)
	if err != nil {
		panic(err)
	}
	for _, u := range page.Items {
		fmt.Println(u.Name, u.Role, u.Status)
	}
	// Output:
	// Dana Whitfield OWNER ACTIVE
	// Mara Quinn MEMBER ACTIVE
	// Luis Ortega MEMBER INVITED
}

// Recharge moves money: it is never sent twice, so a failure means
// checking the balance (SubAccounts.Get) before trying again.
func ExampleSubAccountsService_Recharge() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.Kaleyra)
	ctx := context.Background()
	sa, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Recharge Demo", Email: "recharge@example.com",
		Country: "IN", Channels: []string{"sms"}, CreditType: "assigned", InitialCredit: multiaccount.Ptr(100.0)})
	if err != nil {
		panic(err)
	}
	r, err := c.SubAccounts.Recharge(ctx, sa.ID, 50)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Amount, *r.Balance)
	// Output: 50 150
}

// CallTrackingMetrics creates an account of the agency in a named time
// zone, billed through the agency's existing billing.
func ExampleSubAccountsService_Create_callTrackingMetrics() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.Client(multiaccounttest.CallTrackingMetrics)

	sa, err := c.SubAccounts.Create(context.Background(), &multiaccount.SubAccountCreate{
		Name: "Boise Roofing", TimeZone: "America/Boise"})
	if err != nil {
		panic(err)
	}
	fmt.Println(sa.Name, sa.ID != "")
	// Output: Boise Roofing true
}

func ExampleSubAccountsService_AllUsers() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, _ := srv.ClientFor(multiaccounttest.Woodpecker, multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)))
	ctx := context.Background()

	// Every active company's users, page after page.
	for co, err := range c.SubAccounts.All(ctx, &multiaccount.ListOptions{Active: multiaccount.Ptr(true)}) {
		if err != nil {
			panic(err)
		}
		n := 0
		for _, err := range c.SubAccounts.AllUsers(ctx, co.ID, nil) {
			if err != nil {
				panic(err)
			}
			n++
		}
		fmt.Println(co.Name, n)
	}
	// Output:
	// Northwind Outreach 3
	// Bluebird Growth 1
	// Summit SaaS Pipeline 1
}
