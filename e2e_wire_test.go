package multiaccount_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// End-to-end checks of the shapes the vendors publish (issue 14), through
// the real HTTP stack against the emulator, which answers as they do.

func TestE2EKaleyraDocumentedCreateAndUpdate(t *testing.T) {
	srv, _ := emulator(t)
	c := client(t, srv, multiaccounttest.Kaleyra)
	ctx := context.Background()
	credit := 40.0
	sa := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Assigned One", Email: "assigned@example.com",
		Country: "IN", Channels: []string{"sms"}, CreditType: "assigned", InitialCredit: &credit})).get(t)
	if sa.Balance == nil || *sa.Balance != 40 {
		t.Errorf("created = %+v, want the initial credit as balance", sa)
	}
	more := 90.0
	up := must(c.SubAccounts.Update(ctx, sa.ID, &multiaccount.SubAccountUpdate{CreditAmount: &more})).get(t)
	if up.Balance == nil || *up.Balance != 90 {
		t.Errorf("updated = %+v", up)
	}
	email := "changed@example.com"
	if _, err := c.SubAccounts.Update(ctx, sa.ID, &multiaccount.SubAccountUpdate{Email: &email}); !errors.As(err, new(*multiaccount.ValidationError)) {
		t.Errorf("email update: err = %v", err)
	}
	if got := must(c.SubAccounts.Get(ctx, sa.ID)).get(t); got.Email != "assigned@example.com" {
		t.Errorf("email changed: %+v", got)
	}

	barred := multiaccounttest.NewServer(multiaccounttest.WithKaleyraSharedRefused())
	t.Cleanup(barred.Close)
	bc := client(t, barred, multiaccounttest.Kaleyra)
	_, err := bc.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "Shared One", Email: "shared@example.com",
		Country: "IN", Channels: []string{"sms"}, CreditType: "shared"})
	var apiErr *multiaccount.APIError
	if !errors.Is(err, multiaccount.ErrForbidden) || !errors.As(err, &apiErr) || apiErr.Code != "RBC2348" {
		t.Errorf("shared under a barred parent: err = %v", err)
	}
}

func TestE2EVoiceTelCallsStartAndAccount(t *testing.T) {
	srv, clock := emulator(t)
	c := client(t, srv, multiaccounttest.VoiceTel, multiaccount.WithClock(clock))
	from, to := clock.Now().Add(-72*time.Hour), clock.Now()
	calls := collect(t, c.Records.Calls(context.Background(), &multiaccount.CallQuery{Start: from, End: to}))
	if len(calls) == 0 {
		t.Fatal("no calls")
	}
	for _, call := range calls {
		// fmt.Sprint: the seeded username's Go type is the emulator's choice.
		if call.AccountID != fmt.Sprint(multiaccounttest.VoiceTelUsername) || call.Start.Before(from) || call.Start.After(to) {
			t.Errorf("call %s: account %q, start %v, want %v, within [%v, %v]", call.ID, call.AccountID, call.Start,
				multiaccounttest.VoiceTelUsername, from, to)
		}
	}
}
