package multiaccount_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func callIDs(recs []*multiaccount.CallRecord) []string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids
}

// A daily job reads one page, stores NextCursor, and a later run (a new
// Client, as after a restart) resumes from it with CallsPage or Calls,
// getting exactly the records not yet read.
func TestCallsPageCheckpointAndResume(t *testing.T) {
	srv, clock := emulator(t)
	ctx := context.Background()
	q := multiaccount.CallQuery{AccountID: multiaccounttest.CTMFirstAccountID,
		Start: clock.Now().AddDate(0, 0, -30), End: clock.Now(), PageSize: 3}

	var all []*multiaccount.CallRecord
	for r, err := range client(t, srv, multiaccounttest.CallTrackingMetrics).Records.Calls(ctx, &q) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	if len(all) < 7 {
		t.Fatalf("only %d seeded calls; the test needs three pages", len(all))
	}

	first, err := client(t, srv, multiaccounttest.CallTrackingMetrics).Records.CallsPage(ctx, &q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := callIDs(first.Items), callIDs(all[:3]); !slices.Equal(got, want) {
		t.Fatalf("first page %v, want %v", got, want)
	}
	if first.NextCursor == "" {
		t.Fatal("first page has no NextCursor")
	}
	checkpoint := first.NextCursor

	// Resume a page at a time with a fresh Client.
	resumed := q
	resumed.Cursor = checkpoint
	c2 := client(t, srv, multiaccounttest.CallTrackingMetrics)
	var rest []*multiaccount.CallRecord
	for pages := 0; ; pages++ {
		if pages > len(all) {
			t.Fatal("paging does not end")
		}
		p, err := c2.Records.CallsPage(ctx, &resumed)
		if err != nil {
			t.Fatal(err)
		}
		rest = append(rest, p.Items...)
		if p.NextCursor == "" {
			break
		}
		resumed.Cursor = p.NextCursor
	}
	if got, want := callIDs(rest), callIDs(all[3:]); !slices.Equal(got, want) {
		t.Errorf("resumed pages %v, want %v", got, want)
	}

	// The iterator resumes from the same checkpoint.
	from := q
	from.Cursor = checkpoint
	var iterated []*multiaccount.CallRecord
	for r, err := range c2.Records.Calls(ctx, &from) {
		if err != nil {
			t.Fatal(err)
		}
		iterated = append(iterated, r)
	}
	if got, want := callIDs(iterated), callIDs(all[3:]); !slices.Equal(got, want) {
		t.Errorf("Calls from the checkpoint %v, want %v", got, want)
	}
}

// A cursor the vendor never handed out is refused before any request.
func TestCallsPageRefusesForeignCursor(t *testing.T) {
	srv, _ := emulator(t)
	ctx := context.Background()
	cases := []struct {
		v    multiaccounttest.Vendor
		q    multiaccount.CallQuery
		path string
	}{
		{multiaccounttest.CallTrackingMetrics, multiaccount.CallQuery{AccountID: multiaccounttest.CTMFirstAccountID, Cursor: "page-two"},
			"/api/v1/accounts/" + multiaccounttest.CTMFirstAccountID + "/calls.json"},
		{multiaccounttest.VoiceTel, multiaccount.CallQuery{Cursor: "2"}, "/v2.1/account/cdr/"},
	}
	for _, tc := range cases {
		_, err := client(t, srv, tc.v).Records.CallsPage(ctx, &tc.q)
		var ve *multiaccount.ValidationError
		if !errors.As(err, &ve) || ve.Field != "Cursor" {
			t.Errorf("%s: err = %v, want a ValidationError on Cursor", tc.v, err)
		}
		if n := srv.Requests(tc.v, tc.path); n != 0 {
			t.Errorf("%s: %d requests sent", tc.v, n)
		}
	}
	if _, err := client(t, srv, multiaccounttest.Kaleyra).Records.CallsPage(ctx, nil); !errors.Is(err, multiaccount.ErrUnsupported) {
		t.Errorf("Kaleyra: %v, want ErrUnsupported", err)
	}
	if _, err := client(t, srv, multiaccounttest.VoiceTel).Records.CallsPage(ctx, &multiaccount.CallQuery{Start: time.Unix(2, 0), End: time.Unix(1, 0)}); !errors.Is(err, multiaccount.ErrInvalidInput) {
		t.Errorf("Start after End: %v", err)
	}
}
