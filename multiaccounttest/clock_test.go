package multiaccounttest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// The scenario: one FakeClock for the emulator and the Client that
// Server.Client returns. The 7th VoiceTel info/ call in an hour is refused
// locally, without reaching the emulator; 61 minutes later (advanced, not
// slept) the 8th succeeds on both sides.
func TestServerClientSharesFakeClock(t *testing.T) {
	clock := multiaccounttest.NewFakeClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(clock))
	t.Cleanup(srv.Close)
	c, err := srv.Client(multiaccounttest.VoiceTel)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const info = "/v2.1/account/info/"
	for i := 1; i <= 6; i++ {
		if _, err := c.Agency.Account(ctx); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err = c.Agency.Account(ctx)
	var rl *multiaccount.RateLimitError
	if !errors.As(err, &rl) || !rl.Local || rl.RetryAfter != time.Hour {
		t.Fatalf("7th call: %v (want a local RateLimitError, next slot in 1h)", err)
	}
	if n := srv.Requests(multiaccounttest.VoiceTel, info); n != 6 {
		t.Fatalf("emulator saw %d info/ requests, want 6 (the 7th refused locally)", n)
	}
	clock.Advance(61 * time.Minute)
	if !srv.Now().Equal(clock.Now()) {
		t.Fatalf("emulator reads %v, clock %v", srv.Now(), clock.Now())
	}
	acct, err := c.Agency.Account(ctx)
	if err != nil {
		t.Fatalf("8th call after 61 minutes: %v", err)
	}
	if acct.Username != multiaccounttest.VoiceTelUsername {
		t.Errorf("username %q, want %q", acct.Username, multiaccounttest.VoiceTelUsername)
	}
	if n := srv.Requests(multiaccounttest.VoiceTel, info); n != 7 {
		t.Errorf("emulator saw %d info/ requests, want 7", n)
	}
}

// A clock given to Server.Client explicitly wins over the emulator's.
func TestServerClientClockOptionWins(t *testing.T) {
	emu := multiaccounttest.NewFakeClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	own := multiaccounttest.NewFakeClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(emu))
	t.Cleanup(srv.Close)
	c, err := srv.Client(multiaccounttest.VoiceTel, multiaccount.WithClock(own))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		if _, err := c.Agency.Account(ctx); err != nil {
			t.Fatal(err)
		}
	}
	emu.Advance(61 * time.Minute) // the Client's own clock has not moved
	if _, err := c.Agency.Account(ctx); !errors.Is(err, multiaccount.ErrRateLimited) {
		t.Fatalf("got %v, want the Client's limiter (on its own clock) to refuse", err)
	}
}

func TestFakeClockAfterAndAdvance(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := multiaccounttest.NewFakeClock(t0)
	select {
	case got := <-clk.After(0):
		if !got.Equal(t0) {
			t.Errorf("After(0) gave %v", got)
		}
	default:
		t.Fatal("After(0) did not fire at once")
	}
	late := clk.After(2 * time.Minute)
	early := clk.After(time.Minute)
	if n := clk.Waiters(); n != 2 {
		t.Fatalf("Waiters = %d, want 2", n)
	}
	clk.Advance(59 * time.Second)
	select {
	case <-early:
		t.Fatal("fired before its time")
	default:
	}
	clk.Advance(time.Second)
	select {
	case got := <-early:
		if !got.Equal(t0.Add(time.Minute)) {
			t.Errorf("fired with %v", got)
		}
	default:
		t.Fatal("a due wait did not fire during Advance")
	}
	clk.Advance(-time.Hour) // never backwards
	if !clk.Now().Equal(t0.Add(time.Minute)) {
		t.Errorf("Now = %v after a negative Advance", clk.Now())
	}
	clk.Advance(time.Hour)
	<-late
	if n := clk.Waiters(); n != 0 {
		t.Errorf("Waiters = %d after all fired", n)
	}
}

// Concurrent Now, After and Advance are safe (run under -race).
func TestFakeClockConcurrent(t *testing.T) {
	clk := multiaccounttest.NewFakeClock(time.Unix(0, 0))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				ch := clk.After(time.Second)
				clk.Advance(time.Second)
				<-ch // due at most now, so fired by this or another Advance
				_ = clk.Now()
			}
		}()
	}
	wg.Wait()
	if want := time.Unix(800, 0); !clk.Now().Equal(want) {
		t.Errorf("Now = %v, want %v", clk.Now(), want)
	}
}
