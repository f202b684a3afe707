// LimitStore: where client-side limits keep their state, so that several
// Clients, processes or hosts can share one vendor limit.

package multiaccount

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// LimitStore keeps the state of every client-side limit: rolling windows
// (VoiceTel's 6 requests per hour) and in-flight caps (Woodpecker's one
// request at a time per key). The default, used when WithLimitStore is not
// given, is one in-memory store shared by every Client of the process.
// NewFileLimitStore shares limits between processes on one host; the
// redisstore module shares them between hosts.
//
// A window's rule, which every store must keep exactly: a slot is held from
// its booking until the attempt that used it ends, and for one Per after
// that end (the vendor counts arrivals, and an arrival lies between booking
// and end). An unconfirmed slot is assumed to end at its At plus the lease
// the booking gave (the Client cuts every limited attempt off at its lease),
// so a crashed holder's slot ages out. New slots are never booked before an
// existing one. Under this rule no N+1 arrivals fit in any rolling Per.
//
// Times passed in are the caller's clock. A store with a clock of its own
// (Redis TIME) may use that instead, consistently, and reports waits as
// durations so callers with skewed clocks agree.
//
// multiaccounttest.TestLimitStore checks an implementation. Methods must be
// safe for concurrent use. Errors should be *LimitStoreError; the Client
// then fails the call (fail closed) without retrying it.
type LimitStore interface {
	// Reserve books the earliest free slot of w at or after now if its
	// wait is at most maxWait (ok true). Otherwise nothing is booked, ok
	// is false and the slot's Wait says when one would be free.
	Reserve(ctx context.Context, w Window, now time.Time, maxWait, lease time.Duration) (s Slot, ok bool, err error)
	// Confirm records that the attempt which used s ended at end.
	Confirm(ctx context.Context, w Window, s Slot, end time.Time) error
	// Cancel gives back a slot whose attempt was never sent.
	Cancel(ctx context.Context, w Window, s Slot) error
	// Block closes w for d from now, after the server answered 429.
	Block(ctx context.Context, w Window, now time.Time, d time.Duration) error
	// Status reports how many slots of w are free now and when the next
	// one opens, without booking anything.
	Status(ctx context.Context, w Window, now time.Time, lease time.Duration) (WindowStatus, error)

	// Acquire takes one of n in-flight slots of key, waiting within ctx.
	// The slot is freed by Release, or by the store once lease has passed
	// (a crashed holder).
	Acquire(ctx context.Context, key string, n int, lease time.Duration) (Lease, error)
	// Release frees an in-flight slot taken by Acquire.
	Release(ctx context.Context, key string, l Lease) error
}

// Window names one rolling limit: at most N attempts in any Per. Key is
// the canonical endpoint and scope (see Client.LimitStatus); stores treat
// it as opaque.
type Window struct {
	Key string
	N   int
	Per time.Duration
}

// Slot is a booked place in a Window.
type Slot struct {
	// ID tells the slot apart from others booked at the same At.
	ID uint64
	// At is when the attempt may start.
	At time.Time
	// Wait is how long from the booking until At.
	Wait time.Duration
}

// Lease is a held in-flight slot.
type Lease struct {
	// ID identifies the holder within the key.
	ID uint64
}

// WindowStatus is a window's state at one moment.
type WindowStatus struct {
	// Left is how many attempts could start now.
	Left int
	// Next is the earliest moment an attempt could start (now when Left
	// is positive).
	Next time.Time
}

// LimitStoreError reports a limit store that could not be read or
// changed. The call fails without sending: going ahead could exceed the
// vendor's limit.
type LimitStoreError struct {
	// Store names the store, e.g. "file /var/lib/app/limits.json" or "redis".
	Store string
	// Op is the store operation, e.g. "reserve".
	Op  string
	Err error
}

// Error describes the failure; it never contains a credential (keys hold
// only hashes of them).
func (e *LimitStoreError) Error() string {
	return fmt.Sprintf("multiaccount: limit store %s: %s: %v", e.Store, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *LimitStoreError) Unwrap() error { return e.Err }

// DefaultLimitLease is how long a booked slot or an in-flight slot is held
// for an attempt that has not reported its end (see WithLimitLease).
const DefaultLimitLease = 2 * time.Minute

// windowState is one window's bookings: the rule of LimitStore in one
// place, used by the memory and file stores. Times are Unix nanoseconds,
// which keeps the hot loop to integer compares.
type windowState struct {
	Slots   []slotEntry `json:"slots"`
	Blocked int64       `json:"blocked,omitempty"` // a server 429 closed the window until then
}

// slotEntry is one booking. Free is when it stops counting: one period
// after its attempt ended, or, until that end is known, one period after
// its lease runs out.
type slotEntry struct {
	ID   uint64 `json:"id"`
	At   int64  `json:"at"`
	Free int64  `json:"free"`
}

// prune drops entries that no longer count at now, keeping order.
func (s *windowState) prune(now int64) {
	k := 0
	for i := range s.Slots {
		if s.Slots[i].Free > now {
			s.Slots[k] = s.Slots[i]
			k++
		}
	}
	s.Slots = s.Slots[:k]
}

// earliest is the first moment at or after now when a new slot may go:
// not before the window's block or the last booking, and when fewer than n
// entries still count.
func (s *windowState) earliest(now int64, n int) int64 {
	at := max(now, s.Blocked)
	if k := len(s.Slots); k > 0 {
		at = max(at, s.Slots[k-1].At)
	}
	for {
		held := 0
		next := int64(math.MaxInt64)
		for i := range s.Slots {
			if f := s.Slots[i].Free; f > at {
				held++
				next = min(next, f)
			}
		}
		if held < n {
			return at
		}
		at = next
	}
}

func (s *windowState) reserve(id uint64, now time.Time, n int, per, maxWait, lease time.Duration) (Slot, bool) {
	t := now.UnixNano()
	s.prune(t)
	at := s.earliest(t, n)
	sl := Slot{ID: id, At: now.Add(time.Duration(at - t)), Wait: time.Duration(at - t)}
	if sl.Wait > maxWait {
		return sl, false
	}
	s.Slots = append(s.Slots, slotEntry{ID: id, At: at, Free: at + int64(lease) + int64(per)})
	return sl, true
}

func (s *windowState) confirm(sl Slot, end time.Time, per time.Duration) {
	for i := range s.Slots {
		if e := &s.Slots[i]; e.ID == sl.ID {
			e.Free = max(end.UnixNano(), e.At) + int64(per)
			return
		}
	}
}

func (s *windowState) cancel(sl Slot) {
	for i := range s.Slots {
		if s.Slots[i].ID == sl.ID {
			s.Slots = append(s.Slots[:i], s.Slots[i+1:]...)
			return
		}
	}
}

func (s *windowState) block(until time.Time) {
	s.Blocked = max(s.Blocked, until.UnixNano())
}

func (s *windowState) status(now time.Time, n int) WindowStatus {
	t := now.UnixNano()
	s.prune(t)
	next := s.earliest(t, n)
	st := WindowStatus{Next: now.Add(time.Duration(next - t))}
	if next > t {
		return st
	}
	st.Left = n - len(s.Slots) // every entry left counts at now
	return st
}

// memoryStore is the default LimitStore: one process, no I/O, no
// allocation per reserve once a window exists.
type memoryStore struct {
	mu       sync.Mutex
	nextID   uint64
	windows  map[string]*windowState
	inFlight map[string]*leases
}

// NewMemoryLimitStore returns a new in-memory LimitStore, private to the
// Clients given it (the default store is shared by the whole process).
// Use it to isolate Clients, or in tests.
func NewMemoryLimitStore() LimitStore { return newMemoryStore() }

func newMemoryStore() *memoryStore {
	return &memoryStore{windows: map[string]*windowState{}, inFlight: map[string]*leases{}}
}

// defaultStore is shared by every Client in the process without
// WithLimitStore, because vendors count per IP address, not per client.
var defaultStore = newMemoryStore()

func (m *memoryStore) window(key string) *windowState {
	w := m.windows[key]
	if w == nil {
		w = &windowState{}
		m.windows[key] = w
	}
	return w
}

func (m *memoryStore) Reserve(_ context.Context, w Window, now time.Time, maxWait, lease time.Duration) (Slot, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	s, ok := m.window(w.Key).reserve(m.nextID, now, w.N, w.Per, maxWait, lease)
	return s, ok, nil
}

func (m *memoryStore) Confirm(_ context.Context, w Window, s Slot, end time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.window(w.Key).confirm(s, end, w.Per)
	return nil
}

func (m *memoryStore) Cancel(_ context.Context, w Window, s Slot) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.window(w.Key).cancel(s)
	return nil
}

func (m *memoryStore) Block(_ context.Context, w Window, now time.Time, d time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.window(w.Key).block(now.Add(d))
	return nil
}

func (m *memoryStore) Status(_ context.Context, w Window, now time.Time, _ time.Duration) (WindowStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.window(w.Key).status(now, w.N), nil
}

// Acquire takes a slot of key's leased set, waiting for a Release or for
// the earliest lease to run out.
func (m *memoryStore) Acquire(ctx context.Context, key string, n int, lease time.Duration) (Lease, error) {
	if n < 1 {
		return Lease{}, invalid("LimitStore.Acquire", "n", "must be at least 1")
	}
	for {
		m.mu.Lock()
		f := m.inFlight[key]
		if f == nil {
			f = &leases{held: map[uint64]time.Time{}, wake: make(chan struct{})}
			m.inFlight[key] = f
		}
		now := time.Now()
		next := f.prune(now)
		if len(f.held) < n {
			m.nextID++
			id := m.nextID
			f.held[id] = now.Add(lease)
			m.mu.Unlock()
			return Lease{ID: id}, nil
		}
		wake := f.wake
		m.mu.Unlock()
		t := time.NewTimer(next.Sub(now))
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Lease{}, ctx.Err()
		}
		t.Stop()
	}
}

func (m *memoryStore) Release(_ context.Context, key string, l Lease) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.inFlight[key]; f != nil {
		if _, ok := f.held[l.ID]; ok {
			delete(f.held, l.ID)
			close(f.wake)
			f.wake = make(chan struct{})
		}
	}
	return nil
}

// leases are an in-flight cap's holders and their expiry; wake is closed
// when one is released.
type leases struct {
	held map[uint64]time.Time
	wake chan struct{}
}

// prune drops expired holders and returns the earliest remaining expiry.
func (f *leases) prune(now time.Time) time.Time {
	var next time.Time
	for id, exp := range f.held {
		if !exp.After(now) {
			delete(f.held, id)
		} else if next.IsZero() || exp.Before(next) {
			next = exp
		}
	}
	return next
}
