package multiaccount_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func skipWithoutFlock(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("the file limit store needs flock")
	}
}

func openFileStore(t *testing.T, path string) *multiaccount.FileLimitStore {
	t.Helper()
	s, err := multiaccount.NewFileLimitStore(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFileLimitStoreConformance(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "limits.json")
	multiaccounttest.TestLimitStore(t, func(t *testing.T) multiaccount.LimitStore {
		// A new handle on the same file each time, as another process
		// would open it.
		return openFileStore(t, path)
	})
}

func TestFileLimitStoreSurvivesRestarts(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "limits.json")
	w := multiaccount.Window{Key: "k", N: 1, Per: time.Hour}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := openFileStore(t, path)
	if _, ok, err := a.Reserve(context.Background(), w, now, 0, time.Minute); !ok || err != nil {
		t.Fatalf("first: %v %v", ok, err)
	}
	a.Close()
	b := openFileStore(t, path)
	if s, ok, err := b.Reserve(context.Background(), w, now.Add(time.Minute), 0, time.Minute); ok || err != nil || s.Wait != time.Hour {
		t.Fatalf("after a restart: ok=%v wait=%v err=%v; the slot was forgotten", ok, s.Wait, err)
	}
}

func TestFileLimitStoreCorruptFailsClosed(t *testing.T) {
	skipWithoutFlock(t)
	path := filepath.Join(t.TempDir(), "limits.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"windows":{"k":`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := multiaccount.NewFileLimitStore(path)
	var se *multiaccount.LimitStoreError
	if !errors.As(err, &se) || !errors.Is(err, multiaccount.ErrCorruptLimitStore) || !strings.Contains(err.Error(), path) {
		t.Fatalf("open of a corrupt file: %v, want a *LimitStoreError wrapping ErrCorruptLimitStore", err)
	}

	// Corrupted while in use: the call fails without sending anything.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	st := openFileStore(t, path)
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, err := srv.Client(multiaccounttest.VoiceTel, multiaccount.WithLimitStore(st))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = c.Agency.Account(context.Background())
	if !errors.As(err, &se) || !errors.Is(err, multiaccount.ErrCorruptLimitStore) {
		t.Fatalf("call on a corrupt store: %v", err)
	}
	if strings.Contains(err.Error(), multiaccounttest.VoiceTelAPIKey) {
		t.Fatal("the error carries the key")
	}
	if n := srv.Requests(multiaccounttest.VoiceTel, ""); n != 0 {
		t.Fatalf("%d requests sent through a corrupt store", n)
	}
}

// helperEnv tells the test binary, run again as a child process, to act as
// one of the processes sharing a file store instead of running tests.
const helperEnv = "MULTIACCOUNT_FILESTORE_HELPER"

// TestFileStoreHelperProcess is the child's body; it does nothing in a
// normal test run.
func TestFileStoreHelperProcess(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "calls":
		st, err := multiaccount.NewFileLimitStore(os.Getenv("STORE"))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		c, err := multiaccount.NewClient(multiaccount.VoiceTel(), multiaccount.WithBaseURL(os.Getenv("BASE")),
			multiaccount.WithAuth(multiaccounttest.Credentials(multiaccounttest.VoiceTel)), multiaccount.WithLimitStore(st))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		for i := 0; i < 3; i++ {
			_, err := c.Agency.Account(context.Background())
			var rl *multiaccount.RateLimitError
			switch {
			case err == nil:
				fmt.Println("ok")
			case errors.As(err, &rl) && rl.Local:
				fmt.Println("local", int64(rl.RetryAfter), strings.ReplaceAll(rl.Error(), " ", "_"))
			default:
				fmt.Println("error", err)
			}
		}
		os.Exit(0)
	case "hold":
		st, err := multiaccount.NewFileLimitStore(os.Getenv("STORE"))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		if _, err := st.Acquire(context.Background(), "inflight", 1, time.Second); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		w := multiaccount.Window{Key: "window", N: 1, Per: time.Hour}
		if _, ok, err := st.Reserve(context.Background(), w, time.Unix(1e9, 0), 0, time.Second); !ok || err != nil {
			fmt.Println("error", ok, err)
			os.Exit(1)
		}
		fmt.Println("held")
		select {} // until killed
	}
}

func helper(t *testing.T, mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileStoreHelperProcess$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode}, env...)...)
	return cmd
}

// TestFileLimitStoreEightProcesses runs 8 OS processes, each trying 3
// VoiceTel info/ calls through one file store against one emulator: 6 reach
// it, the other 18 fail fast with a local *RateLimitError naming the wait.
func TestFileLimitStoreEightProcesses(t *testing.T) {
	skipWithoutFlock(t)
	if os.Getenv(helperEnv) != "" {
		t.Skip("in a helper")
	}
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "limits.json")
	var mu sync.Mutex
	var lines []string
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := helper(t, "calls", "STORE="+path, "BASE="+srv.URL(multiaccounttest.VoiceTel)).Output()
			if err != nil {
				t.Errorf("helper: %v\n%s", err, out)
			}
			mu.Lock()
			lines = append(lines, strings.Split(strings.TrimSpace(string(out)), "\n")...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	ok, local := 0, 0
	for _, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) == 1 && f[0] == "ok":
			ok++
		case len(f) == 3 && f[0] == "local":
			var wait time.Duration
			fmt.Sscan(f[1], (*int64)(&wait))
			if wait <= 0 || wait > time.Hour+multiaccount.DefaultLimitLease || !strings.Contains(f[2], "next_slot_in") {
				t.Errorf("local refusal %q: want the wait until the next slot", l)
			}
			local++
		default:
			t.Errorf("helper said %q", l)
		}
	}
	if got := srv.Requests(multiaccounttest.VoiceTel, "/v2.1/account/info/"); got != 6 || ok != 6 || local != 18 {
		t.Fatalf("emulator saw %d, %d ok, %d refused locally; want 6, 6, 18", got, ok, local)
	}
	t.Logf("8 processes x 3 calls in %v", time.Since(start))
}

// TestFileLimitStoreKilledHolder kills a process holding an in-flight
// slot (lease 1s) and a window reservation: the slot is free within its
// lease, and the reservation counts only until its lease plus a period.
func TestFileLimitStoreKilledHolder(t *testing.T) {
	skipWithoutFlock(t)
	if os.Getenv(helperEnv) != "" {
		t.Skip("in a helper")
	}
	path := filepath.Join(t.TempDir(), "limits.json")
	cmd := helper(t, "hold", "STORE="+path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "held" {
		cmd.Process.Kill()
		t.Fatalf("helper said %q", line)
	}
	killed := time.Now()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	_ = cmd.Wait()

	st := openFileStore(t, path)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := st.Acquire(ctx, "inflight", 1, time.Minute); err != nil {
		t.Fatalf("the killed holder's slot never came back: %v", err)
	}
	if d := time.Since(killed); d > time.Second+500*time.Millisecond {
		t.Errorf("blocked %v after the kill, lease 1s", d)
	}
	w := multiaccount.Window{Key: "window", N: 1, Per: time.Hour}
	booked := time.Unix(1e9, 0)
	if _, ok, _ := st.Reserve(ctx, w, booked.Add(time.Second+time.Hour-time.Nanosecond), 0, time.Minute); ok {
		t.Error("the killed holder's reservation aged out early")
	}
	if _, ok, err := st.Reserve(ctx, w, booked.Add(time.Second+time.Hour), 0, time.Minute); !ok || err != nil {
		t.Errorf("the killed holder's reservation did not age out after lease + period: %v", err)
	}
}

// benchReserve is one reserve and confirm in st, what every rate-limited
// attempt costs in its store.
func benchReserve(b *testing.B, st multiaccount.LimitStore) {
	w := multiaccount.Window{Key: "w|https://api.voicetel.com:443/v2.1/account/info|6/1m0s", N: 6, Per: time.Minute}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Ten seconds apart, 6 a minute: every reservation succeeds and
		// evicts one.
		now = now.Add(10 * time.Second)
		s, ok, err := st.Reserve(ctx, w, now, 0, time.Second)
		if !ok || err != nil {
			b.Fatal("refused", err)
		}
		_ = st.Confirm(ctx, w, s, now)
	}
}

// BenchmarkMemoryLimitStoreReserve: the default store. Baseline: the
// process-local window it replaced (BenchmarkSlidingWindowReserve before
// it, about 45-90 ns for a reserve alone, 0 allocs); the target is no
// allocation.
func BenchmarkMemoryLimitStoreReserve(b *testing.B) {
	benchReserve(b, multiaccount.NewMemoryLimitStore())
}

// BenchmarkFileLimitStoreReserve: two locked read-modify-writes of the
// file.
func BenchmarkFileLimitStoreReserve(b *testing.B) {
	st, err := multiaccount.NewFileLimitStore(filepath.Join(b.TempDir(), "limits.json"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchReserve(b, st)
}
