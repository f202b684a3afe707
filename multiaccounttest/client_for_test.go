package multiaccounttest_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

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

// Clients of one Server share limits; a later Server on the same address
// (a port reused by the next test) starts with empty windows, so tests
// stay independent under -count.
func TestServerClientsShareLimitsAndServersDoNot(t *testing.T) {
	ctx := context.Background()
	clock := multiaccounttest.NewFakeClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	first := multiaccounttest.NewServer(multiaccounttest.WithClock(clock), multiaccounttest.WithListener(multiaccounttest.VoiceTel, l))
	a, _ := first.Client(multiaccounttest.VoiceTel)
	b, _ := first.Client(multiaccounttest.VoiceTel)
	for i := 0; i < 6; i++ {
		if _, err := a.Agency.Account(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var rl *multiaccount.RateLimitError
	if _, err := b.Agency.Account(ctx); !errors.As(err, &rl) || !rl.Local {
		t.Fatalf("second client of the same Server: err = %v, want a local refusal", err)
	}
	first.Close()

	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("address %s not free again: %v", addr, err)
	}
	second := multiaccounttest.NewServer(multiaccounttest.WithClock(clock), multiaccounttest.WithListener(multiaccounttest.VoiceTel, l))
	defer second.Close()
	if second.URL(multiaccounttest.VoiceTel) != "http://"+addr {
		t.Fatalf("second server at %s, want %s", second.URL(multiaccounttest.VoiceTel), addr)
	}
	c, _ := second.Client(multiaccounttest.VoiceTel)
	if _, err := c.Agency.Account(ctx); err != nil {
		t.Fatalf("a new Server on the same address: err = %v, want a fresh window", err)
	}
}
