// FileLimitStore: limits shared by the processes of one host through one
// locked file.

package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// ErrCorruptLimitStore is wrapped by the *LimitStoreError of a limit store
// whose state cannot be read. Nothing is reset on its own: a reset would
// forget the slots of the last period and could exceed the vendor's limit.
var ErrCorruptLimitStore = errors.New("limit store state is corrupt")

// errNilFileStore: a method was called on a nil *FileLimitStore.
var errNilFileStore = errors.New("nil *FileLimitStore: create it with NewFileLimitStore")

// FileLimitStore is a LimitStore in one file, for the processes of one
// host (a cron job, a command-line tool run many times an hour, several
// workers). Each operation takes an exclusive OS lock on the file (flock),
// reads the state, changes it and writes it back, so the processes see one
// window; the state survives restarts. Slots and in-flight leases of a
// process that crashed age out with their lease.
//
// Window times are the callers' clocks (one host, one clock); lease expiry
// of in-flight slots uses the wall clock.
//
// A file that cannot be parsed fails every call with a *LimitStoreError
// wrapping ErrCorruptLimitStore (fail closed). To recover, stop the
// processes using it and delete the file; to be sure of staying within the
// limits, wait one period of the longest window first (an hour for
// VoiceTel), since the deleted file held the slots used in it.
//
// It needs a Unix system (flock); elsewhere NewFileLimitStore fails.
type FileLimitStore struct {
	path string
	mu   sync.Mutex // flock is per open file, so goroutines take turns here
	f    *os.File
}

// fileState is the file's content.
type fileState struct {
	Version  int                             `json:"version"`
	NextID   uint64                          `json:"next_id"`
	Windows  map[string]*windowState         `json:"windows,omitempty"`
	InFlight map[string]map[uint64]time.Time `json:"in_flight,omitempty"`
}

const fileStateVersion = 1

// NewFileLimitStore opens (creating if needed) the limit file at path.
// Close it when done. Every Client given it, in any process of the host,
// shares its limits.
func NewFileLimitStore(path string) (*FileLimitStore, error) {
	if path == "" {
		return nil, invalid("NewFileLimitStore", "path", "is empty")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, &LimitStoreError{Store: "file " + path, Op: "open", Err: err}
	}
	s := &FileLimitStore{path: path, f: f}
	// Read it once now, so a corrupt file is reported at once.
	if err := s.update("open", func(*fileState) {}); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the file.
func (s *FileLimitStore) Close() error {
	if s == nil {
		return errNilFileStore
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// update runs change on the state under the file lock and writes the
// result back.
func (s *FileLimitStore) update(op string, change func(*fileState)) error {
	if s == nil {
		return &LimitStoreError{Store: "file", Op: op, Err: errNilFileStore}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fail := func(err error) error { return &LimitStoreError{Store: "file " + s.path, Op: op, Err: err} }
	if s.f == nil {
		return fail(os.ErrClosed)
	}
	if err := lockFile(s.f); err != nil {
		return fail(err)
	}
	defer unlockFile(s.f)
	st, err := s.read()
	if err != nil {
		return fail(err)
	}
	change(st)
	b, err := json.Marshal(st)
	if err != nil {
		return fail(err)
	}
	// Write, then cut: a process killed in between leaves the complete new
	// state followed by old bytes, which read ignores. Truncating first
	// could leave an empty file, which would read as a reset.
	if _, err := s.f.WriteAt(b, 0); err != nil {
		return fail(err)
	}
	if err := s.f.Truncate(int64(len(b))); err != nil {
		return fail(err)
	}
	return nil
}

func (s *FileLimitStore) read() (*fileState, error) {
	info, err := s.f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, info.Size())
	if _, err := s.f.ReadAt(b, 0); err != nil && info.Size() > 0 {
		return nil, err
	}
	st := &fileState{Version: fileStateVersion}
	if len(b) > 0 {
		// Decoded into a zero state, so that JSON which is not this
		// store's ({}, null, another program's file) has no version and
		// is refused rather than read as empty windows.
		st = &fileState{}
		// The first JSON value is the state; anything after it is the tail
		// of a longer earlier state (see update).
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(st); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorruptLimitStore, err)
		}
		if st.Version != fileStateVersion {
			return nil, fmt.Errorf("%w: version %d, want %d", ErrCorruptLimitStore, st.Version, fileStateVersion)
		}
	}
	if st.Windows == nil {
		st.Windows = map[string]*windowState{}
	}
	if st.InFlight == nil {
		st.InFlight = map[string]map[uint64]time.Time{}
	}
	return st, nil
}

func (st *fileState) window(key string) *windowState {
	w := st.Windows[key]
	if w == nil {
		w = &windowState{}
		st.Windows[key] = w
	}
	return w
}

// tidy drops windows with nothing left in them, so the file does not grow
// with every endpoint ever used.
func (st *fileState) tidy(key string, now time.Time) {
	if w := st.Windows[key]; w != nil && len(w.Slots) == 0 && w.Blocked <= now.UnixNano() {
		delete(st.Windows, key)
	}
}

// Reserve implements LimitStore.
func (s *FileLimitStore) Reserve(_ context.Context, w Window, now time.Time, maxWait, lease time.Duration) (Slot, bool, error) {
	var sl Slot
	var ok bool
	err := s.update("reserve", func(st *fileState) {
		st.NextID++
		sl, ok = st.window(w.Key).reserve(st.NextID, now, w.N, w.Per, maxWait, lease)
		st.tidy(w.Key, now)
	})
	return sl, ok && err == nil, err
}

// Confirm implements LimitStore.
func (s *FileLimitStore) Confirm(_ context.Context, w Window, sl Slot, end time.Time) error {
	return s.update("confirm", func(st *fileState) { st.window(w.Key).confirm(sl, end, w.Per) })
}

// Cancel implements LimitStore.
func (s *FileLimitStore) Cancel(_ context.Context, w Window, sl Slot) error {
	return s.update("cancel", func(st *fileState) { st.window(w.Key).cancel(sl) })
}

// Block implements LimitStore.
func (s *FileLimitStore) Block(_ context.Context, w Window, now time.Time, d time.Duration) error {
	return s.update("block", func(st *fileState) { st.window(w.Key).block(now.Add(d)) })
}

// Status implements LimitStore.
func (s *FileLimitStore) Status(_ context.Context, w Window, now time.Time, _ time.Duration) (WindowStatus, error) {
	var ws WindowStatus
	err := s.update("status", func(st *fileState) {
		ws = st.window(w.Key).status(now, w.N)
		st.tidy(w.Key, now)
	})
	return ws, err
}

// filePoll is how often a full in-flight cap in the file is looked at
// again: other processes cannot wake a waiter.
const filePoll = 20 * time.Millisecond

// Acquire implements LimitStore. A full cap is polled until a holder
// releases or its lease runs out, or ctx ends.
func (s *FileLimitStore) Acquire(ctx context.Context, key string, n int, lease time.Duration) (Lease, error) {
	if n < 1 {
		return Lease{}, invalid("FileLimitStore.Acquire", "n", "must be at least 1")
	}
	for {
		var l Lease
		var next time.Time
		err := s.update("acquire", func(st *fileState) {
			now := time.Now()
			held := st.InFlight[key]
			for id, exp := range held {
				if !exp.After(now) {
					delete(held, id)
				} else if next.IsZero() || exp.Before(next) {
					next = exp
				}
			}
			if len(held) < n {
				if held == nil {
					held = map[uint64]time.Time{}
					st.InFlight[key] = held
				}
				st.NextID++
				l = Lease{ID: st.NextID}
				held[l.ID] = now.Add(lease)
			} else if len(held) == 0 {
				delete(st.InFlight, key)
			}
		})
		if err != nil || l.ID != 0 {
			return l, err
		}
		wait := filePoll
		if d := time.Until(next); d < wait {
			wait = d
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Lease{}, ctx.Err()
		}
	}
}

// Release implements LimitStore.
func (s *FileLimitStore) Release(_ context.Context, key string, l Lease) error {
	return s.update("release", func(st *fileState) {
		delete(st.InFlight[key], l.ID)
		if len(st.InFlight[key]) == 0 {
			delete(st.InFlight, key)
		}
	})
}
