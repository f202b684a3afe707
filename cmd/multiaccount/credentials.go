package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/multiaccount/multiaccount"
)

// errNoCredentials: the vendor's credentials are in none of the places the
// tool reads them from.
var errNoCredentials = errors.New("no credentials")

// maxSecretFile bounds what is read from a credentials file or stdin.
const maxSecretFile = 64 << 10

// credentials finds v's authenticator: --api-key-file first, then the
// environment, then the config file. It returns nil, nil when none is set:
// some operations (VoiceTel signup, recover) need none, and the SDK says
// so for those that do.
func (a *app) credentials(v *vendorSpec) (multiaccount.Authenticator, error) {
	if a.flags.apiKeyFile != "" {
		vals, err := a.readKeyFile(a.flags.apiKeyFile, len(v.env))
		if err != nil {
			return nil, err
		}
		return v.auth(vals), nil
	}
	vals := make([]string, len(v.env))
	found := 0
	for i, name := range v.env {
		if vals[i] = a.env.getenv(name); vals[i] != "" {
			found++
		}
	}
	if found == 0 {
		cfg, err := a.config()
		if err != nil {
			return nil, err
		}
		for i, name := range v.env {
			if vals[i] = cfg[v.name][name]; vals[i] != "" {
				found++
			}
		}
	}
	switch found {
	case 0:
		return nil, nil
	case len(v.env):
		return v.auth(vals), nil
	}
	return nil, fmt.Errorf("%s needs all of %s: %w", v.name, strings.Join(v.env, ", "), errNoCredentials)
}

// readKeyFile reads n credentials, one per line, from path ("-": stdin).
func (a *app) readKeyFile(path string, n int) ([]string, error) {
	text, err := a.readSecretFlag("--api-key-file", path)
	if err != nil {
		return nil, err
	}
	var vals []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			vals = append(vals, line)
		}
	}
	if len(vals) != n {
		// The count only: the lines are credentials.
		return nil, &usageError{fmt.Sprintf("--api-key-file: want %d non-empty line(s), found %d", n, len(vals))}
	}
	return vals, nil
}

// config reads the config file: {"<vendor>": {"<VARIABLE>": "<value>"}},
// the variables being those the environment would hold. A missing default
// file is no error; a file others can read is refused.
func (a *app) config() (map[string]map[string]string, error) {
	path, explicit := a.flags.configPath, a.flags.configPath != ""
	if !explicit {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, nil
		}
		path = filepath.Join(dir, "multiaccount", "config.json")
	}
	f, err := openPrivate(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cfg map[string]map[string]string
	if err := json.NewDecoder(io.LimitReader(f, maxSecretFile)).Decode(&cfg); err != nil {
		// Not the decoder's text: it may quote the file's bytes.
		return nil, &usageError{fmt.Sprintf("config file %s: not a JSON object of vendors to variables", path)}
	}
	return cfg, nil
}

// openPrivate opens a file that holds credentials, refusing one that
// others than its owner may read: a secret there is already exposed.
func openPrivate(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &usageError{fmt.Sprintf("%s: not a regular file", path)}
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		f.Close()
		return nil, &usageError{fmt.Sprintf("%s is readable by others (mode %04o): run chmod 600 %s", path, st.Mode().Perm(), path)}
	}
	return f, nil
}
