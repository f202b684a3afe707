package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/multiaccount/multiaccount/multiaccounttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// emulatorEpoch fixes the in-process emulator's clock, so that seeded call
// records (dated relative to it) are the same on every run.
var emulatorEpoch = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// result is one invocation's outcome.
type result struct {
	code           int
	stdout, stderr string
}

// invoke runs the tool in-process with env as its whole environment.
func invoke(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	// Keep the user's real config and limits out of the tests.
	cfg := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfg, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"--config", cfg, "--limits-file", filepath.Join(t.TempDir(), "limits")}, args...)
	code := run(context.Background(), args, environ{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: getenv,
		emulator: []multiaccounttest.Option{multiaccounttest.WithClock(multiaccounttest.NewFakeClock(emulatorEpoch))},
	})
	return result{code, out.String(), errOut.String()}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGoldenOutputs(t *testing.T) {
	wpCompany := fmt.Sprint(multiaccounttest.WoodpeckerCompanyID)
	cases := []struct {
		name string
		args []string
	}{
		{"kaleyra-subaccounts-list", []string{"kaleyra", "subaccounts", "list"}},
		{"kaleyra-subaccounts-get", []string{"kaleyra", "subaccounts", "get", multiaccounttest.KaleyraSID + "_2"}},
		{"ctm-subaccounts-list-all", []string{"ctm", "subaccounts", "list", "--all", "--page-size", "10"}},
		{"ctm-subaccounts-list-page", []string{"calltrackingmetrics", "subaccounts", "list", "--page-size", "5"}},
		{"serwersms-subaccounts-list", []string{"serwersms", "subaccounts", "list"}},
		{"woodpecker-subaccounts-list", []string{"woodpecker", "subaccounts", "list"}},
		{"woodpecker-keys-list", []string{"woodpecker", "keys", "list", wpCompany}},
		{"voicetel-agency-account", []string{"voicetel", "agency", "account"}},
		{"voicetel-agency-registration", []string{"voicetel", "agency", "registration"}},
		{"voicetel-records-charges", []string{"voicetel", "records", "charges"}},
		{"voicetel-records-calls", []string{"voicetel", "records", "calls", "--start", "2026-02-01", "--end", "2026-03-02"}},
		{"ctm-agency-session", []string{"ctm", "agency", "session"}},
		{"voicetel-v2.2-agency-account", []string{"--api-version", "v2.2", "voicetel", "agency", "account"}},
		{"voicetel-v2.2-records-credits", []string{"--api-version", "v2.2", "voicetel", "records", "credits"}},
		{"voicetel-v2.2-records-payments", []string{"--api-version", "v2.2", "voicetel", "records", "payments"}},
		{"woodpecker-v2-subaccounts-users", []string{"--api-version", "v2", "woodpecker", "subaccounts", "users", "2100000001"}},
	}
	for _, tc := range cases {
		for _, format := range []string{"table", "json", "csv"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				r := invoke(t, nil, "", append([]string{"--emulator", "--output", format}, tc.args...)...)
				if r.code != exitOK {
					t.Fatalf("exit %d, stderr: %s", r.code, r.stderr)
				}
				golden(t, tc.name+"."+format, r.stdout)
			})
		}
	}
}

// A region or version the vendor has is passed to the SDK's provider.
func TestRegionAndVersionFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--region", "europe", "kaleyra", "subaccounts", "list"},
		{"--api-version", "v2.1", "voicetel", "agency", "account"},
		{"--api-version", "v1", "woodpecker", "subaccounts", "list"},
	} {
		if r := invoke(t, nil, "", append([]string{"--emulator", "-o", "json"}, args...)...); r.code != exitOK || r.stdout == "" {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestUnsupportedOperationExitCode(t *testing.T) {
	r := invoke(t, nil, "", "--emulator", "kaleyra", "subaccounts", "set-limit", "x", "--type", "eco", "--value", "1")
	if r.code != exitUnsupported {
		t.Fatalf("exit %d, want %d; stderr: %s", r.code, exitUnsupported, r.stderr)
	}
	if !strings.Contains(r.stderr, "Kaleyra does not offer SubAccounts.SetLimit (offered by: serwersms)") {
		t.Errorf("stderr = %q", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want int
	}{
		{"unknown flag", nil, []string{"--emulator", "kaleyra", "subaccounts", "list", "--bogus"}, exitUsage},
		{"unknown command", nil, []string{"kaleyra", "nothing"}, exitUsage},
		{"missing argument", nil, []string{"--emulator", "kaleyra", "subaccounts", "get"}, exitUsage},
		{"invalid input", nil, []string{"--emulator", "kaleyra", "subaccounts", "create", "--name", "x"}, exitUsage},
		{"bad output format", nil, []string{"--emulator", "--output", "xml", "kaleyra", "subaccounts", "list"}, exitUsage},
		{"not found", nil, []string{"--emulator", "kaleyra", "subaccounts", "get", "HEMU0000071IN_999"}, exitNotFound},
		{"no credentials", nil, []string{"voicetel", "agency", "account"}, exitAuth},
		{"refused credentials", map[string]string{"VOICETEL_API_KEY": "wrong-key-123456"}, []string{"voicetel", "agency", "account"}, exitAuth},
		{"network", map[string]string{"VOICETEL_API_KEY": "k", "VOICETEL_BASE_URL": closedURL(t)}, []string{"voicetel", "agency", "account"}, exitNetwork},
		{"unknown API version", nil, []string{"--emulator", "--api-version", "v9", "voicetel", "agency", "account"}, exitUsage},
		{"region of a vendor without regions", nil, []string{"--emulator", "--region", "europe", "serwersms", "subaccounts", "list"}, exitUsage},
		{"unknown region", nil, []string{"--emulator", "--region", "mars", "kaleyra", "subaccounts", "list"}, exitUsage},
		{"unsupported", nil, []string{"--emulator", "voicetel", "subaccounts", "list"}, exitUnsupported},
	}
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"VOICETEL_BASE_URL": srv.URL(multiaccounttest.VoiceTel)}
			for k, v := range tc.env {
				env[k] = v
			}
			r := invoke(t, env, "", tc.args...)
			if r.code != tc.want {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, tc.want, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing on failure", r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "multiaccount: ") {
				t.Errorf("stderr = %q, want one multiaccount: line", r.stderr)
			}
		})
	}
}
