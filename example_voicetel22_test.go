package multiaccount_test

import (
	"context"
	"fmt"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// voiceTel22 is a VoiceTel v2.2 client against the emulator (opts: e.g.
// the administrator key).
func voiceTel22(srv *multiaccounttest.Server, opts ...multiaccount.Option) *multiaccount.Client {
	c, err := srv.ClientFor(multiaccounttest.VoiceTel, multiaccount.VoiceTel(multiaccount.InVersion(multiaccount.VoiceTelV22)), opts...)
	if err != nil {
		panic(err)
	}
	return c
}

// New code talks to VoiceTel's current API, v2.2; VoiceTel() alone keeps
// v2.1 for existing code.
func ExampleVoiceTel() {
	c, err := multiaccount.NewClient(multiaccount.VoiceTel(multiaccount.InVersion(multiaccount.VoiceTelV22)),
		multiaccount.WithAuth(multiaccount.Bearer("your-api-key")))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.BaseURL())

	_, err = multiaccount.NewClient(multiaccount.VoiceTel(multiaccount.InVersion("v3")))
	fmt.Println(err)
	// Output:
	// https://api.voicetel.com/
	// multiaccount: VoiceTel: invalid InVersion: VoiceTel has no API version "v3"; use one of "v2.1", "v2.2"
}

// Every operation of VoiceTel v2.2's account family, against the emulator.
func Example_voiceTelV22() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c := voiceTel22(srv)
	ctx := context.Background()

	a, err := c.Agency.Account(ctx) // GET /v2.2/account
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Name, *a.Balance)

	k, err := c.Keys.Exchange(ctx, multiaccounttest.VoiceTelUsername, multiaccounttest.VoiceTelPassword) // POST …/api-key
	if err != nil {
		panic(err)
	}
	fmt.Println("key", k.Key, k.Key.Reveal() == multiaccounttest.VoiceTelAPIKey)

	// GET …/cdr?start=<newer>&end=<older>: the SDK maps Start and End.
	page, err := c.Records.CallsPage(ctx, &multiaccount.CallQuery{Start: time.Now().Add(-72 * time.Hour), End: time.Now()})
	if err != nil {
		panic(err)
	}
	fmt.Println("calls", len(page.Items) > 0, page.NextCursor == "")

	ch, err := c.Records.RecurringCharges(ctx) // GET …/recurring-charges
	if err != nil {
		panic(err)
	}
	fmt.Printf("charges %d total %.2f\n", len(ch.Items), ch.Total)

	reg, err := c.Agency.SIPRegistration(ctx) // GET …/registration
	if err != nil {
		panic(err)
	}
	fmt.Println(reg.URI)

	// POST /v2.2/account: the administrator's create.
	admin := voiceTel22(srv, multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAdminKey)))
	sa, err := admin.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Acme Branch", Username: "4592012345", Email: "branch@example.com"})
	if err != nil {
		panic(err)
	}
	fmt.Println("created", sa.ID, sa.Password)

	// POST /v2.2/accounts: self-service signup, no key.
	acct, err := c.Agency.Signup(ctx, &multiaccount.Signup{Name: "Jo Doe", Email: "jo@example.com"})
	if err != nil {
		panic(err)
	}
	fmt.Println("signed up", len(acct.Username), acct.Password)

	fmt.Println("recover", c.Agency.Recover(ctx, "jo@example.com")) // POST …/recovery
	// Output:
	// Acme Field Services 25.5
	// key [REDACTED] true
	// calls true true
	// charges 4 total 26.73
	// sip:4592086960@192.0.2.10:5060
	// created 4592012345 [REDACTED]
	// signed up 10 [REDACTED]
	// recover <nil>
}

func ExampleAgencyService_UpdateSettings() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c := voiceTel22(srv)

	// Only the fields set are sent; a zero value that is set is sent too.
	up, err := c.Agency.UpdateSettings(context.Background(), &multiaccount.AccountSettings{
		Timezone: multiaccount.Ptr("America/New_York"), NotifyThreshold: multiaccount.Ptr(0),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(up.Updated)
	// Output: [timezone notifyThreshold]
}

func ExampleRecordsService_Credits() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c := voiceTel22(srv)

	unpaid, err := c.Records.Credits(context.Background(), &multiaccount.CreditQuery{Paid: multiaccount.Ptr(false)})
	if err != nil {
		panic(err)
	}
	for _, cr := range unpaid {
		fmt.Printf("%.2f %s paid=%v\n", cr.Amount, cr.Date.Format(time.DateOnly), cr.Paid)
	}
	// Output: 25.00 2024-09-30 paid=false
}

func ExampleRecordsService_Payments() {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c := voiceTel22(srv)

	pays, err := c.Records.Payments(context.Background())
	if err != nil {
		panic(err)
	}
	for _, p := range pays {
		fmt.Printf("%.2f %s %s\n", p.Amount, p.TransactionID, p.Status)
	}
	// Output:
	// 25.00 2N045992R140725E3 Completed
	// 40.00 7KX12345AB678901C Refunded
}
