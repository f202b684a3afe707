package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildTool builds the command into a temporary directory, to run it as
// separate OS processes.
func buildTool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the tool as processes")
	}
	bin := filepath.Join(t.TempDir(), "multiaccount")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestLimitsAcrossInvocations is the scenario with real
// processes: one "multiaccount emulator" process, and seven separate
// invocations of a VoiceTel command limited to 6 an hour, sharing one
// limits file. Six are sent; the seventh exits 5 without sending, naming
// the next slot.
func TestLimitsAcrossInvocations(t *testing.T) {
	bin := buildTool(t)
	emu := exec.Command(bin, "emulator")
	stdout, err := emu.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var emuErr bytes.Buffer
	emu.Stderr = &emuErr
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = emu.Process.Signal(syscall.SIGINT)
		if err := emu.Wait(); err != nil {
			t.Errorf("emulator on interrupt: %v; stderr %s", err, emuErr.String())
		}
	}()
	// The emulator prints its variables, then serves.
	env := append(os.Environ(), "MULTIACCOUNT_LIMITS_FILE="+filepath.Join(t.TempDir(), "limits.json"))
	sc := bufio.NewScanner(stdout)
	for want := 12; want > 0 && sc.Scan(); want-- {
		if !strings.Contains(sc.Text(), "=") {
			t.Fatalf("emulator printed %q", sc.Text())
		}
		env = append(env, sc.Text())
	}
	go func() { // keep the pipe drained
		for sc.Scan() {
		}
	}()

	invoke := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), out.String(), errOut.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String(), errOut.String()
	}
	for i := 1; i <= 6; i++ {
		code, out, errOut := invoke("voicetel", "agency", "account", "-o", "json")
		if code != exitOK || !strings.Contains(out, `"username":"4592086960"`) {
			t.Fatalf("invocation %d: exit %d, stdout %q, stderr %q", i, code, out, errOut)
		}
	}
	start := time.Now()
	code, out, errOut := invoke("voicetel", "agency", "account")
	if code != exitRateLimited || out != "" || !strings.Contains(errOut, "client-side rate limit") || !strings.Contains(errOut, "next slot in") {
		t.Fatalf("7th invocation: exit %d, stdout %q, stderr %q; want %d, refused locally", code, out, errOut, exitRateLimited)
	}

	// The limits command reads the same file.
	code, out, errOut = invoke("limits", "voicetel", "-o", "json")
	if code != exitOK {
		t.Fatalf("limits: exit %d, stderr %q", code, errOut)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var st struct {
			Endpoint string `json:"endpoint"`
			Left     int    `json:"left"`
			NextSlot string `json:"next_slot"`
		}
		if err := json.Unmarshal([]byte(line), &st); err != nil {
			t.Fatalf("limits line %q: %v", line, err)
		}
		if st.Endpoint == "/v2.1/account/info/" {
			found = true
			next, err := time.Parse(time.RFC3339, st.NextSlot)
			if st.Left != 0 || err != nil || next.Before(start.Add(59*time.Minute)) {
				t.Errorf("info/ after 6 calls: %+v", st)
			}
		}
	}
	if !found {
		t.Errorf("limits lists no info/: %q", out)
	}
}
