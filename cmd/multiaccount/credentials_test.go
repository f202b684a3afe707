package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// closedURL is a loopback URL nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func writeFile(t *testing.T, mode os.FileMode, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCredentialsNeverPrinted sends canary credentials from every source
// the tool reads, to a server that refuses them and to one that does not
// answer, and looks for them in everything the tool wrote.
func TestCredentialsNeverPrinted(t *testing.T) {
	const canary = "canaryS3cretValue0042"
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	base := map[string]string{}
	for _, v := range vendorSpecs {
		base[v.baseURLEnv()] = srv.URL(v.emulated)
	}
	base["KALEYRA_SID"] = multiaccounttest.KaleyraSID
	commands := [][]string{
		{"voicetel", "agency", "account"},
		{"kaleyra", "subaccounts", "list"},
		{"serwersms", "subaccounts", "list"},
		{"ctm", "subaccounts", "list"},
		{"ctm", "agency", "session"},
		{"woodpecker", "subaccounts", "list"},
	}
	for _, v := range vendorSpecs {
		for _, cmd := range commands {
			if s, _ := vendorByName(cmd[0]); s.name != v.name {
				continue
			}
			// From the environment, refused by the emulator.
			env := copyEnv(base)
			for _, name := range v.env {
				env[name] = canary + name
			}
			checkNoCanary(t, canary, invoke(t, env, "", cmd...), "env "+v.name)
			// From --api-key-file, to a dead address.
			lines := strings.Repeat(canary+"\n", len(v.env))
			env = copyEnv(base)
			env[v.baseURLEnv()] = closedURL(t)
			file := writeFile(t, 0o600, lines)
			checkNoCanary(t, canary, invoke(t, env, "", append([]string{"--api-key-file", file}, cmd...)...), "file "+v.name)
			// From stdin, with the wrong number of lines.
			checkNoCanary(t, canary, invoke(t, base, canary+"\n"+canary+"\n"+canary+"\n", append([]string{"--api-key-file", "-"}, cmd...)...), "stdin "+v.name)
		}
	}
	// A config file that is not JSON must not be quoted back.
	cfg := writeFile(t, 0o600, canary+"{")
	checkNoCanary(t, canary, invoke(t, base, "", "--config", cfg, "voicetel", "agency", "account"), "bad config")
}

func copyEnv(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func checkNoCanary(t *testing.T, canary string, r result, what string) {
	t.Helper()
	if r.code == exitOK {
		t.Errorf("%s: exit 0, want a failure", what)
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, canary[:8]) {
			t.Errorf("%s: credential in output: %q", what, out)
		}
	}
}

func TestConfigFile(t *testing.T) {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	env := map[string]string{"VOICETEL_BASE_URL": srv.URL(multiaccounttest.VoiceTel)}
	body := `{"voicetel":{"VOICETEL_API_KEY":"` + multiaccounttest.VoiceTelAPIKey + `"}}`

	open := writeFile(t, 0o644, body)
	r := invoke(t, env, "", "--config", open, "-o", "json", "voicetel", "agency", "account")
	if r.code != exitUsage || !strings.Contains(r.stderr, "readable by others") {
		t.Fatalf("group/world-readable config: exit %d, stderr %q; want refused with exit %d", r.code, r.stderr, exitUsage)
	}
	private := writeFile(t, 0o600, body)
	r = invoke(t, env, "", "--config", private, "-o", "json", "voicetel", "agency", "account")
	if r.code != exitOK || !strings.Contains(r.stdout, `"username":"4592086960"`) {
		t.Fatalf("private config: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The environment wins over the config file.
	env["VOICETEL_API_KEY"] = "wrong-key-from-env"
	if r = invoke(t, env, "", "--config", private, "voicetel", "agency", "account"); r.code != exitAuth {
		t.Fatalf("env over config: exit %d, want %d", r.code, exitAuth)
	}
	// An explicit config file that does not exist is an error.
	if r = invoke(t, map[string]string{}, "", "--config", filepath.Join(t.TempDir(), "missing"), "voicetel", "agency", "account"); r.code == exitOK {
		t.Fatalf("missing explicit config: exit 0")
	}
}

func TestRevealIsExplicit(t *testing.T) {
	args := []string{"--emulator", "-o", "json", "woodpecker", "keys", "list", "2100000001"}
	r := invoke(t, nil, "", args...)
	if r.code != exitOK || strings.Contains(r.stdout, multiaccounttest.WoodpeckerCompanyKey) || !strings.Contains(r.stdout, "[REDACTED]") {
		t.Fatalf("without --reveal: exit %d, stdout %q", r.code, r.stdout)
	}
	r = invoke(t, nil, "", append([]string{"--reveal"}, args...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, multiaccounttest.WoodpeckerCompanyKey) {
		t.Fatalf("with --reveal: exit %d, stdout %q", r.code, r.stdout)
	}
}
