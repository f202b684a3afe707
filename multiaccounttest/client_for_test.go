package multiaccounttest_test

import (
	"context"
	"testing"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func TestClientForUsesTheGivenProvider(t *testing.T) {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, err := srv.ClientFor(multiaccounttest.Kaleyra, multiaccount.Kaleyra(multiaccounttest.KaleyraSID, multiaccount.InRegion(multiaccount.RegionEurope)))
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's URL wins over the region's host, as WithBaseURL does.
	if c.BaseURL() != srv.URL(multiaccounttest.Kaleyra)+"/" {
		t.Errorf("base = %s", c.BaseURL())
	}
	if _, err := c.SubAccounts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ClientFor("nope", multiaccount.VoiceTel()); err == nil {
		t.Error("unknown vendor accepted")
	}
}
