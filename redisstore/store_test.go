package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server of the test's own, on a free loopback port
// with a temporary directory and no persistence.
type redisServer struct {
	t    testing.TB
	port int
	dir  string
	cmd  *exec.Cmd
}

// startRedis starts a redis-server, stopped at the end of the test. Without
// the binary the test fails under CI (CI=true) and is skipped elsewhere.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed; .ci/run installs it (apt-get install -y redis-server)")
		}
		t.Skip("redis-server not installed (apt-get install -y redis-server); CI runs these tests")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &redisServer{t: t, port: port, dir: t.TempDir()}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *redisServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

func (s *redisServer) start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", fmt.Sprint(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: s.addr(), MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			s.t.Fatal("redis-server did not start")
		}
		time.Sleep(10 * time.Millisecond) // waiting for a process to listen
	}
}

func (s *redisServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

func (s *redisServer) client(t testing.TB) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: s.addr(), DialTimeout: time.Second, MaxRetries: 1})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func newStore(t testing.TB, rdb redis.UniversalClient, opts ...Option) *Store {
	t.Helper()
	st, err := New(rdb, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestConformance(t *testing.T) {
	srv := startRedis(t)
	multiaccounttest.TestLimitStore(t, func(t *testing.T) multiaccount.LimitStore {
		// A connection per handle, as each host has its own.
		st := newStore(t, srv.client(t), WithPrefix("conformance:"))
		st.callerClock = true // the suite drives time itself
		return st
	})
}

func TestKeysShareAHashTagAndThePrefix(t *testing.T) {
	st := newStore(t, redis.NewClient(&redis.Options{}), WithPrefix("egress-2:"))
	for _, k := range st.windowKeys(multiaccount.Window{Key: "w|https://api.voicetel.com:443/v2.1/account/info|6/1h0m0s"}) {
		if !strings.HasPrefix(k, "egress-2:{w|https://api.voicetel.com:443/v2.1/account/info|6/1h0m0s}:") {
			t.Errorf("key %q: want the prefix and the window as hash tag", k)
		}
	}
	if _, err := New(redis.NewClient(&redis.Options{}), WithPrefix("a{b}")); err == nil {
		t.Error("a prefix with braces was accepted")
	}
	var ve *multiaccount.ValidationError
	if _, err := New(nil); !errors.As(err, &ve) {
		t.Errorf("nil client: %v", err)
	}
}

// skewedClock is a host whose clock is off by a fixed amount.
type skewedClock time.Duration

func (c skewedClock) Now() time.Time                         { return time.Now().Add(time.Duration(c)) }
func (c skewedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// TestSkewedHostsShareOneWindow: two "hosts" whose clocks are 5 minutes
// fast and 5 minutes slow share VoiceTel's window through Redis: 6 calls
// reach the server, and both are told the same wait, about an hour, read
// from Redis TIME (a store on the callers' clocks would say 55 or 65
// minutes, and let the slow host in 5 minutes early).
func TestSkewedHostsShareOneWindow(t *testing.T) {
	srv := startRedis(t)
	emu := multiaccounttest.NewServer()
	defer emu.Close()
	var clients []*multiaccount.Client
	for _, skew := range []time.Duration{5 * time.Minute, -5 * time.Minute} {
		c, err := emu.Client(multiaccounttest.VoiceTel, multiaccount.WithClock(skewedClock(skew)),
			multiaccount.WithLimitStore(newStore(t, srv.client(t))))
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	ok := 0
	for i := 0; i < 20; i++ {
		_, err := clients[i%2].Agency.Account(context.Background())
		var rl *multiaccount.RateLimitError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &rl) && rl.Local:
			if rl.RetryAfter < 59*time.Minute || rl.RetryAfter > time.Hour {
				t.Errorf("host %d told to wait %v, want about an hour", i%2, rl.RetryAfter)
			}
		default:
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := emu.Requests(multiaccounttest.VoiceTel, "/v2.1/account/info/"); got != 6 || ok != 6 {
		t.Fatalf("emulator saw %d, %d ok; want 6", got, ok)
	}
}

func TestRedisDownFailsClosedAndRecovers(t *testing.T) {
	srv := startRedis(t)
	emu := multiaccounttest.NewServer()
	defer emu.Close()
	c, err := emu.Client(multiaccounttest.VoiceTel, multiaccount.WithLimitStore(newStore(t, srv.client(t))))
	if err != nil {
		t.Fatal(err)
	}
	open, err := emu.Client(multiaccounttest.Woodpecker, multiaccount.WithLimitStore(newStore(t, srv.client(t), FailOpen())))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Agency.Account(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.stop()
	_, err = c.Agency.Account(context.Background())
	var se *multiaccount.LimitStoreError
	if !errors.As(err, &se) || se.Store != "redis" {
		t.Fatalf("with Redis down: %v, want a *multiaccount.LimitStoreError", err)
	}
	if strings.Contains(err.Error(), multiaccounttest.VoiceTelAPIKey) {
		t.Fatal("the error carries the key")
	}
	if got := emu.Requests(multiaccounttest.VoiceTel, ""); got != 1 {
		t.Fatalf("emulator saw %d, want only the call made before Redis stopped", got)
	}
	// FailOpen goes ahead (Woodpecker's in-flight cap is not counted).
	if _, err := open.SubAccounts.List(context.Background(), nil); err != nil {
		t.Fatalf("fail-open with Redis down: %v", err)
	}
	srv.start()
	if _, err := c.Agency.Account(context.Background()); err != nil {
		t.Fatalf("after Redis came back: %v", err)
	}
	if got := emu.Requests(multiaccounttest.VoiceTel, ""); got != 2 {
		t.Fatalf("emulator saw %d, want 2", got)
	}
}

// BenchmarkRedisLimitStoreReserve is one reserve and confirm on a loopback Redis.
func BenchmarkRedisLimitStoreReserve(b *testing.B) {
	srv := startRedis(b)
	st := newStore(b, srv.client(b), WithPrefix("bench:"))
	w := multiaccount.Window{Key: "bench", N: 1 << 30, Per: time.Microsecond} // each slot gone by the next
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, ok, err := st.Reserve(ctx, w, time.Now(), 0, time.Minute)
		if !ok || err != nil {
			b.Fatal(ok, err)
		}
		if err := st.Confirm(ctx, w, s, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
