package multiaccounttest

import (
	"testing"
	"time"
)

// No exported method panics on a zero or nil FakeClock or a nil Server.
func TestZeroAndNilValuesDoNotPanic(t *testing.T) {
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("panic: %v", p)
		}
	}()
	var zero FakeClock
	zero.Advance(time.Second)
	if got := zero.Now(); !got.Equal(time.Time{}.Add(time.Second)) {
		t.Errorf("zero FakeClock after Advance(1s) reads %v", got)
	}
	ch := zero.After(time.Minute)
	if zero.Waiters() != 1 {
		t.Errorf("zero FakeClock has %d waiters, want 1", zero.Waiters())
	}
	zero.Advance(time.Minute)
	select {
	case <-ch:
	default:
		t.Error("zero FakeClock did not fire a due wait")
	}

	var nilClock *FakeClock
	nilClock.Advance(time.Hour)
	if !nilClock.Now().IsZero() || nilClock.Waiters() != 0 {
		t.Error("nil FakeClock is not stuck at the zero time")
	}
	select {
	case <-nilClock.After(0):
	default:
		t.Error("nil FakeClock: After(0) did not fire at once")
	}

	var s *Server
	if _, err := s.Client(VoiceTel); err == nil {
		t.Error("nil Server made a Client")
	}
	s.Close()
	s.Fail(VoiceTel, "", Fault{})
	_ = s.Requests(VoiceTel, "")
	_ = s.URL(VoiceTel)
	_ = s.Now()
	_, _ = s.SerwerSMSLimit("1", "eco")
	_ = s.Blacklist("1", "a@b.c")
	_ = s.Prospects("1")

	var z Server
	if _, err := z.Client(VoiceTel); err == nil {
		t.Error("zero Server made a Client")
	}
	z.Fail(VoiceTel, "", Fault{})
	_ = z.Now()
	z.Close()
}
