package multiaccounttest

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
)

// TestLimitStore checks that a multiaccount.LimitStore keeps the rules its
// documentation states, in the spirit of golang.org/x/net/nettest.TestConn:
// windows admit exactly N, free a slot one Per after its attempt's end,
// return cancelled slots, age out unconfirmed ones after their lease, queue
// in order, honour Block, report Status, never let N+1 arrivals into any
// rolling Per under random delays, retries and cancels, and stay exact under
// concurrent callers and through 4 Clients x 100 goroutines of the SDK
// against the emulator; in-flight caps admit n, wait, and expire leases.
//
// newStore returns a handle on the store under test. Every handle it
// returns must reach the same state, as the processes sharing a store do
// (a new handle on one file, a new Store on one Redis, or simply the same
// value); every check uses keys of its own. The window checks pass
// explicit times: a store that normally reads its own clock (Redis TIME)
// must follow the caller's here. The lease checks wait in real time, about
// a second in all.
func TestLimitStore(t *testing.T, newStore func(t *testing.T) multiaccount.LimitStore) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	const lease = time.Minute
	ctx := context.Background()
	win := func(t *testing.T, n int) multiaccount.Window {
		return multiaccount.Window{Key: "multiaccounttest|" + t.Name(), N: n, Per: time.Hour}
	}
	reserve := func(t *testing.T, st multiaccount.LimitStore, w multiaccount.Window, now time.Time, maxWait time.Duration) (multiaccount.Slot, bool) {
		t.Helper()
		s, ok, err := st.Reserve(ctx, w, now, maxWait, lease)
		if err != nil {
			t.Fatalf("Reserve: %v", err)
		}
		return s, ok
	}
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	t.Run("AdmitsExactlyNAndFreesOnePeriodAfterTheEnd", func(t *testing.T) {
		st, w := newStore(t), win(t, 3)
		var slots []multiaccount.Slot
		for i := 0; i < 3; i++ {
			s, ok := reserve(t, st, w, t0, 0)
			if !ok || s.Wait != 0 {
				t.Fatalf("slot %d: ok=%v wait=%v", i+1, ok, s.Wait)
			}
			slots = append(slots, s)
		}
		// Unconfirmed: held until lease, then one period.
		if s, ok := reserve(t, st, w, t0, 0); ok || s.Wait != lease+time.Hour {
			t.Fatalf("4th while 3 in flight: ok=%v wait=%v, want refused, %v", ok, s.Wait, lease+time.Hour)
		}
		for i, s := range slots {
			must(t, st.Confirm(ctx, w, s, t0.Add(time.Duration(i+1)*time.Second)))
		}
		if s, ok := reserve(t, st, w, t0.Add(10*time.Second), 0); ok || s.Wait != time.Hour+time.Second-10*time.Second {
			t.Fatalf("4th after the ends: ok=%v wait=%v, want one hour after the 1st end", ok, s.Wait)
		}
		if _, ok := reserve(t, st, w, t0.Add(time.Hour+time.Second-time.Nanosecond), 0); ok {
			t.Fatal("a slot was freed before one period after its attempt ended")
		}
		if _, ok := reserve(t, st, w, t0.Add(time.Hour+time.Second), 0); !ok {
			t.Fatal("a slot was not freed one period after its attempt ended")
		}
	})

	t.Run("CancelGivesTheSlotBack", func(t *testing.T) {
		st, w := newStore(t), win(t, 2)
		a, _ := reserve(t, st, w, t0, 0)
		if _, ok := reserve(t, st, w, t0, 0); !ok {
			t.Fatal("2nd refused")
		}
		must(t, st.Cancel(ctx, w, a))
		if _, ok := reserve(t, st, w, t0, 0); !ok {
			t.Fatal("a cancelled slot was not given back")
		}
		if _, ok := reserve(t, st, w, t0, 0); ok {
			t.Fatal("3rd admitted")
		}
	})

	t.Run("UnconfirmedSlotsAgeOut", func(t *testing.T) {
		st, w := newStore(t), win(t, 1)
		reserve(t, st, w, t0, 0) // its holder crashed
		if _, ok := reserve(t, st, w, t0.Add(lease+time.Hour-time.Nanosecond), 0); ok {
			t.Fatal("admitted before the lease and one period passed")
		}
		if _, ok := reserve(t, st, w, t0.Add(lease+time.Hour), 0); !ok {
			t.Fatal("a crashed holder's slot never aged out")
		}
	})

	t.Run("WaitersQueueInOrder", func(t *testing.T) {
		st, w := newStore(t), win(t, 3)
		for i := 0; i < 3; i++ {
			s, _ := reserve(t, st, w, t0.Add(time.Duration(i)*time.Minute), 0)
			must(t, st.Confirm(ctx, w, s, s.At))
		}
		now := t0.Add(5 * time.Minute)
		for i := 0; i < 3; i++ {
			s, ok := reserve(t, st, w, now, 3*time.Hour)
			want := t0.Add(time.Hour + time.Duration(i)*time.Minute)
			if !ok || !s.At.Equal(want) || s.Wait != want.Sub(now) {
				t.Fatalf("queued %d: ok=%v at=%v wait=%v, want %v", i+1, ok, s.At, s.Wait, want)
			}
		}
		if s, ok := reserve(t, st, w, now, 0); ok || s.Wait <= 0 {
			t.Fatalf("refused reserve: ok=%v wait=%v", ok, s.Wait)
		}
	})

	t.Run("BlockClosesTheWindow", func(t *testing.T) {
		st, w := newStore(t), win(t, 6)
		must(t, st.Block(ctx, w, t0, 10*time.Minute))
		if s, ok := reserve(t, st, w, t0, 0); ok || s.Wait != 10*time.Minute {
			t.Fatalf("after Block: ok=%v wait=%v", ok, s.Wait)
		}
		got, err := st.Status(ctx, w, t0, lease)
		must(t, err)
		if got.Left != 0 || !got.Next.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("Status = %+v", got)
		}
		if _, ok := reserve(t, st, w, t0.Add(10*time.Minute), 0); !ok {
			t.Fatal("still closed after the block")
		}
	})

	t.Run("Status", func(t *testing.T) {
		st, w := newStore(t), win(t, 2)
		got, err := st.Status(ctx, w, t0, lease)
		must(t, err)
		if got.Left != 2 || !got.Next.Equal(t0) {
			t.Fatalf("empty: %+v", got)
		}
		a, _ := reserve(t, st, w, t0, 0)
		must(t, st.Confirm(ctx, w, a, t0))
		got, _ = st.Status(ctx, w, t0, lease)
		if got.Left != 1 {
			t.Fatalf("one used: %+v", got)
		}
		b, _ := reserve(t, st, w, t0, 0)
		must(t, st.Confirm(ctx, w, b, t0.Add(time.Minute)))
		got, _ = st.Status(ctx, w, t0.Add(2*time.Minute), lease)
		if got.Left != 0 || !got.Next.Equal(t0.Add(time.Hour)) {
			t.Fatalf("full: %+v", got)
		}
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		st, w := newStore(t), win(t, 1)
		other := w
		other.Key += "|other"
		reserve(t, st, w, t0, 0)
		if _, ok := reserve(t, st, other, t0, 0); !ok {
			t.Fatal("another key shares the window")
		}
	})

	t.Run("NeverNPlus1ArrivalsInAnyPeriod", func(t *testing.T) {
		st, w := newStore(t), win(t, 6)
		rng := rand.New(rand.NewPCG(7, 11))
		type end struct {
			at time.Time
			s  multiaccount.Slot
		}
		var ends []end
		var arrivals []time.Time
		now := t0
		for step := 0; step < 600; step++ {
			now = now.Add(time.Duration(rng.IntN(240)) * time.Second)
			// Attempts that ended by now report it, in time order.
			sort.Slice(ends, func(i, j int) bool { return ends[i].at.Before(ends[j].at) })
			k := 0
			for ; k < len(ends) && !ends[k].at.After(now); k++ {
				must(t, st.Confirm(ctx, w, ends[k].s, ends[k].at))
			}
			ends = ends[k:]
			maxWait := []time.Duration{0, 30 * time.Minute, 3 * time.Hour}[rng.IntN(3)]
			s, ok := reserve(t, st, w, now, maxWait)
			if !ok {
				continue
			}
			if rng.IntN(5) == 0 {
				// The caller gave up before sending.
				must(t, st.Cancel(ctx, w, s))
				continue
			}
			// Travel to the server and back, within the lease; a few
			// holders crash and never confirm.
			arrive := s.At.Add(time.Duration(rng.IntN(20)) * time.Second)
			arrivals = append(arrivals, arrive)
			if rng.IntN(20) == 0 {
				continue
			}
			ends = append(ends, end{arrive.Add(time.Duration(rng.IntN(20)) * time.Second), s})
		}
		sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
		for i := range arrivals {
			if i+6 < len(arrivals) && arrivals[i+6].Sub(arrivals[i]) < time.Hour {
				t.Fatalf("7 arrivals between %v and %v", arrivals[i], arrivals[i+6])
			}
		}
		if len(arrivals) < 60 {
			t.Errorf("only %d arrivals: capacity wasted", len(arrivals))
		}
	})

	t.Run("ConcurrentReservesAreExact", func(t *testing.T) {
		st, w := newStore(t), win(t, 6)
		var ok atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, got, err := st.Reserve(ctx, w, t0, 0, lease)
				if err != nil {
					t.Error(err)
				}
				if got {
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 6 {
			t.Fatalf("%d of 50 concurrent reserves admitted, want 6", ok.Load())
		}
	})

	t.Run("FourClientsHundredGoroutinesEach", func(t *testing.T) {
		// Through the SDK against the emulator: VoiceTel's info/ allows 6
		// an hour; 400 calls from 4 Clients, each on its own handle of
		// the store, all at once.
		emu := NewServer()
		defer emu.Close()
		var ok, local atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			c, err := emu.Client(VoiceTel, multiaccount.WithLimitStore(newStore(t)))
			if err != nil {
				t.Fatal(err)
			}
			for g := 0; g < 100; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := c.Agency.Account(ctx)
					var rl *multiaccount.RateLimitError
					switch {
					case err == nil:
						ok.Add(1)
					case errors.As(err, &rl) && rl.Local:
						local.Add(1)
					default:
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
		if got := emu.Requests(VoiceTel, "/v2.1/account/info/"); got != 6 || ok.Load() != 6 || local.Load() != 394 {
			t.Fatalf("emulator saw %d, %d ok, %d refused locally; want 6, 6, 394", got, ok.Load(), local.Load())
		}
	})

	t.Run("InFlightCap", func(t *testing.T) {
		st, key := newStore(t), "multiaccounttest|"+t.Name()
		a, err := st.Acquire(ctx, key, 2, time.Minute)
		must(t, err)
		_, err = st.Acquire(ctx, key, 2, time.Minute)
		must(t, err)
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := st.Acquire(short, key, 2, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("3rd of 2: err = %v, want the context's deadline", err)
		}
		must(t, st.Release(ctx, key, a))
		long, cancel2 := context.WithTimeout(ctx, 10*time.Second)
		defer cancel2()
		if _, err := st.Acquire(long, key, 2, time.Minute); err != nil {
			t.Fatalf("after a release: %v", err)
		}
	})

	t.Run("InFlightLeasesExpire", func(t *testing.T) {
		st, key := newStore(t), "multiaccounttest|"+t.Name()
		// A holder that never releases (it crashed).
		_, err := st.Acquire(ctx, key, 1, 300*time.Millisecond)
		must(t, err)
		long, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, err := st.Acquire(long, key, 1, time.Minute); err != nil {
			t.Fatalf("a crashed holder's lease never expired: %v", err)
		}
	})

	t.Run("InFlightConcurrent", func(t *testing.T) {
		st, key := newStore(t), "multiaccounttest|"+t.Name()
		var cur, peak atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, err := st.Acquire(ctx, key, 2, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				c := cur.Add(1)
				for p := peak.Load(); c > p && !peak.CompareAndSwap(p, c); p = peak.Load() {
				}
				runtime.Gosched() // let the others try while it is held
				cur.Add(-1)
				if err := st.Release(ctx, key, l); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if peak.Load() > 2 {
			t.Fatalf("%d held at once, cap 2", peak.Load())
		}
	})
}
