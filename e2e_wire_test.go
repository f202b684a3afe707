package multiaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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

func TestE2ESerwerSMSAsItAnswers(t *testing.T) {
	ctx := context.Background()
	tmpl := fmt.Sprint(multiaccounttest.SerwerSMSTemplateID)

	// add answering {"success":true} alone is a created sub-account, found
	// by username in List.
	srv := multiaccounttest.NewServer(multiaccounttest.WithSerwerSMSAddWithoutID())
	t.Cleanup(srv.Close)
	c := client(t, srv, multiaccounttest.SerwerSMS)
	sa := must(c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Username: "noidlogin", Password: "s3cretPW", TemplateID: tmpl})).get(t)
	if sa.ID != "" || sa.Username != "noidlogin" {
		t.Errorf("created = %+v", sa)
	}
	var id string
	for _, it := range must(c.SubAccounts.List(ctx, nil)).get(t).Items {
		if it.Username == "noidlogin" {
			id = it.ID
		}
	}
	if id == "" {
		t.Fatal("created sub-account not listed")
	}

	// A second add of the same login: 4502, a conflict.
	_, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Username: "noidlogin", Password: "s3cretPW", TemplateID: tmpl})
	var apiErr *multiaccount.APIError
	if !errors.Is(err, multiaccount.ErrConflict) || !errors.As(err, &apiErr) || apiErr.Code != "4502" {
		t.Errorf("login taken: err = %v", err)
	}
	// A wrong token: 1012, unauthorized.
	bad := client(t, srv, multiaccounttest.SerwerSMS, multiaccount.WithAuth(multiaccount.Bearer("wrong-token")))
	if _, err := bad.SubAccounts.List(ctx, nil); !errors.Is(err, multiaccount.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Code != "1012" {
		t.Errorf("wrong token: err = %v", err)
	}
	// limit and delete of an unknown id: success false, not found.
	if err := c.SubAccounts.SetLimit(ctx, "999999", multiaccount.MessageLimit{Type: "eco", Value: 1}); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("limit unknown id: err = %v", err)
	}
	if err := c.SubAccounts.Delete(ctx, "999999"); !errors.Is(err, multiaccount.ErrNotFound) {
		t.Errorf("delete unknown id: err = %v", err)
	}
	// 1010 under HTTP 200: a read is retried, a create is not.
	unavailable := multiaccounttest.Fault{Status: 200, Body: `{"error":{"code":1010,"type":"SystemError","message":"temporarily unavailable"}}`}
	srv.Fail(multiaccounttest.SerwerSMS, "/subaccounts/index.json", unavailable)
	before := srv.Requests(multiaccounttest.SerwerSMS, "/subaccounts/index.json")
	if _, err := c.SubAccounts.List(ctx, nil); err != nil {
		t.Errorf("list after one 1010: err = %v", err)
	}
	if n := srv.Requests(multiaccounttest.SerwerSMS, "/subaccounts/index.json") - before; n != 2 {
		t.Errorf("list attempts = %d, want 2", n)
	}
	srv.Fail(multiaccounttest.SerwerSMS, "/subaccounts/add.json", unavailable)
	before = srv.Requests(multiaccounttest.SerwerSMS, "/subaccounts/add.json")
	_, err = c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Username: "another", Password: "s3cretPW", TemplateID: tmpl})
	if !errors.As(err, &apiErr) || apiErr.Code != "1010" || srv.Requests(multiaccounttest.SerwerSMS, "/subaccounts/add.json")-before != 1 {
		t.Errorf("create under 1010: err = %v, attempts = %d", err, srv.Requests(multiaccounttest.SerwerSMS, "/subaccounts/add.json")-before)
	}
}

func TestE2EWoodpeckerProspectsRefusedOneByOne(t *testing.T) {
	srv, _ := emulator(t)
	c := client(t, srv, multiaccounttest.Woodpecker)
	srv.Blacklist(multiaccounttest.WoodpeckerCompanyID, "blocked@prospect.example")
	before := len(srv.Prospects(multiaccounttest.WoodpeckerCompanyID))
	err := c.Agency.AddProspects(context.Background(), fmt.Sprint(multiaccounttest.WoodpeckerCompanyID), []multiaccount.Prospect{
		{Email: "first@prospect.example"}, {Email: "blocked@prospect.example"}, {Email: "third@prospect.example"},
	}, multiaccount.ProspectOptions{})
	var pe *multiaccount.ProspectError
	if !errors.As(err, &pe) || len(pe.Refused) != 1 || pe.Refused[0].Index != 1 || pe.Refused[0].Code == "" {
		t.Fatalf("err = %v", err)
	}
	if n := len(srv.Prospects(multiaccounttest.WoodpeckerCompanyID)) - before; n != 2 {
		t.Errorf("%d prospects stored, want the 2 not refused", n)
	}
}

// Calls that carry only called_at get their start in the account's zone,
// read from the account: the same instants, to the minute, as unix_time.
func TestE2ECTMCalledAtInTheAccountsZone(t *testing.T) {
	clock := &e2eClock{now: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)} // summer: daylight saving time
	withUnix := multiaccounttest.NewServer(multiaccounttest.WithClock(clock))
	bare := multiaccounttest.NewServer(multiaccounttest.WithClock(clock), multiaccounttest.WithCTMCalledAtOnly())
	t.Cleanup(withUnix.Close)
	t.Cleanup(bare.Close)
	ctx := context.Background()
	first, _ := strconv.Atoi(multiaccounttest.CTMFirstAccountID)
	id := strconv.Itoa(first + 1) // the second seeded account
	q := &multiaccount.CallQuery{AccountID: id, PageSize: 20}
	want := collect(t, client(t, withUnix, multiaccounttest.CallTrackingMetrics).Records.Calls(ctx, q))
	got := collect(t, client(t, bare, multiaccounttest.CallTrackingMetrics).Records.Calls(ctx, q))
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("%d calls, want %d", len(got), len(want))
	}
	for i := range got {
		if !got[i].Start.Equal(want[i].Start.Truncate(time.Minute)) {
			t.Errorf("call %s: start %v, want %v", got[i].ID, got[i].Start, want[i].Start.Truncate(time.Minute))
		}
	}
}
