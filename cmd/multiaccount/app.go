package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// environ is what the tool reads and writes outside itself, so tests run
// it in-process with their own streams and environment.
type environ struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// emulator configures the in-process emulator of --emulator (tests
	// fix its clock).
	emulator []multiaccounttest.Option
}

// globalFlags are the flags every command takes.
type globalFlags struct {
	output     string
	emulator   bool
	baseURL    string
	sid        string
	apiVersion string
	region     string
	apiKeyFile string
	configPath string
	limitsFile string
	reveal     bool
	timeout    time.Duration
}

// app is one invocation of the tool.
type app struct {
	env   environ
	flags globalFlags
	emu   *multiaccounttest.Server     // started on first use by --emulator
	store *multiaccount.FileLimitStore // the limits file, opened on first use
	// noCredentials: none were found, so an unauthorized answer gets a
	// hint where to put them.
	noCredentials bool
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, env environ) int {
	a := &app{env: env}
	defer a.close()
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if code == exitFailure && isCobraUsage(err) {
		code = exitUsage
	}
	fmt.Fprintln(env.stderr, "multiaccount:", strings.TrimPrefix(err.Error(), "multiaccount: "))
	return code
}

// isCobraUsage recognises cobra's own command-line errors (unknown
// command or flag, wrong argument count), which it returns untyped.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires ", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) close() {
	if a.emu != nil {
		a.emu.Close()
	}
	if a.store != nil {
		a.store.Close()
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "multiaccount",
		Short: "Manage vendors' sub-accounts, keys and call records from a shell",
		Long: `multiaccount runs the multiaccount SDK's operations from a shell, for
every vendor the SDK speaks: voicetel, kaleyra, serwersms,
calltrackingmetrics (ctm) and woodpecker.

  multiaccount VENDOR subaccounts|keys|records|agency COMMAND [flags]

Credentials come from the environment (VOICETEL_API_KEY; KALEYRA_SID and
KALEYRA_API_KEY; SERWERSMS_TOKEN; CTM_ACCESS_KEY and CTM_SECRET_KEY;
WOODPECKER_API_KEY), from --api-key-file (one credential per line, "-" for
stdin), or from the config file (JSON {"vendor": {"VARIABLE": "value"}},
readable by its owner only). No flag takes a credential inline. Nothing but
data is written to stdout; credentials are never printed.

--emulator runs any command against a built-in emulator started for that
one invocation, with no account. Client-side limits (VoiceTel's 6 calls an
hour) are kept in a file between invocations (--limits-file), so a 7th call
in an hour fails locally with exit code 5; "multiaccount limits" shows
them. (The --emulator's limits live as long as its emulator: one run; use
"multiaccount emulator" for a lasting one.)

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("output") {
				a.flags.output = defaultOutput(a.env.stdout)
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&a.flags.output, "output", "o", "", "output format: table, json (JSON lines) or csv (default: table on a terminal, json otherwise)")
	pf.BoolVar(&a.flags.emulator, "emulator", false, "run against the built-in emulator (seeded data, no account needed)")
	pf.StringVar(&a.flags.baseURL, "base-url", "", "the vendor's base URL (a regional host, a proxy, the multiaccount emulator); default $<VENDOR>_BASE_URL or the vendor's own")
	pf.StringVar(&a.flags.apiVersion, "api-version", "", "the vendor's API version: voicetel v2.1 (default) or v2.2; woodpecker v1 (default) or v2")
	pf.StringVar(&a.flags.region, "region", "", "the vendor's region: kaleyra india, singapore, europe or north-america")
	pf.StringVar(&a.flags.sid, "sid", "", "Kaleyra parent account SID (default $KALEYRA_SID)")
	pf.StringVar(&a.flags.apiKeyFile, "api-key-file", "", "read the vendor's credentials from this file, one per line (\"-\": stdin)")
	pf.StringVar(&a.flags.configPath, "config", "", "config file with credentials (default <user config dir>/multiaccount/config.json)")
	pf.StringVar(&a.flags.limitsFile, "limits-file", "", "file that keeps client-side limits between invocations (default $MULTIACCOUNT_LIMITS_FILE or <user cache dir>/multiaccount/limits)")
	pf.BoolVar(&a.flags.reveal, "reveal", false, "print secrets the vendor returns (new API keys, generated passwords, session tokens) instead of [REDACTED]")
	pf.DurationVar(&a.flags.timeout, "timeout", 2*time.Minute, "give up on the whole command after this long")

	for i := range vendorSpecs {
		root.AddCommand(a.vendorCommand(&vendorSpecs[i]))
	}
	root.AddCommand(a.emulatorCommand(), a.limitsCommand())
	return root
}

// defaultOutput is table for a terminal and JSON lines for a pipe or file.
func defaultOutput(w io.Writer) string {
	if isTerminal(w) {
		return "table"
	}
	return "json"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (a *app) vendorCommand(v *vendorSpec) *cobra.Command {
	cmd := group(&cobra.Command{
		Use:     v.name,
		Aliases: v.aliases,
		Short:   v.title + ": sub-accounts, keys, records and the agency account",
		Long: fmt.Sprintf(`Operations on %s.

Credentials: %s (or --api-key-file with them one per line, in that order).
Base URL: --base-url or $%s.`, v.title, strings.Join(v.env, ", "), v.baseURLEnv()),
	})
	cmd.AddCommand(a.subAccountsCommand(v), a.keysCommand(v), a.recordsCommand(v), a.agencyCommand(v))
	return cmd
}

// group makes a command that only holds others: run bare, it prints its
// help on stderr (stdout is for data) and fails as a usage error.
func group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(c *cobra.Command, _ []string) error {
		c.SetOut(c.ErrOrStderr())
		_ = c.Help()
		return &usageError{fmt.Sprintf("%s needs a command", c.CommandPath())}
	}
	return cmd
}

// operation builds a leaf command for one SDK operation: its help names
// the vendors that offer it, and a vendor that does not offer it says so
// before anything else is needed.
func (a *app) operation(v *vendorSpec, op, use, short string, run func(ctx context.Context, c *multiaccount.Client, args []string) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  fmt.Sprintf("%s\n\nSDK: %s. Offered by: %s.", short, op, offeredBy(op)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !offered(op, v, a.flags.apiVersion) {
				return &unsupportedError{fmt.Sprintf("%s does not offer %s (offered by: %s)", v.title, op, offeredBy(op))}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.flags.timeout)
			defer cancel()
			c, err := a.client(v)
			if err != nil {
				return err
			}
			err = run(ctx, c, args)
			if errors.Is(err, multiaccount.ErrUnauthorized) && a.noCredentials {
				return fmt.Errorf("%w (set %s, or use --api-key-file or the config file)", err, strings.Join(v.env, " and "))
			}
			return err
		},
	}
}

// client builds the Client for v from the flags, the environment and the
// emulator.
func (a *app) client(v *vendorSpec) (*multiaccount.Client, error) {
	p, err := v.provider(&a.flags, a.env.getenv)
	if err != nil {
		return nil, err
	}
	if a.flags.emulator {
		if a.flags.baseURL != "" {
			return nil, &usageError{"--emulator and --base-url exclude each other"}
		}
		if a.emu == nil {
			a.emu = multiaccounttest.NewServer(a.env.emulator...)
		}
		// The in-process emulator is new on every run: its limits are
		// kept in memory, not in the limits file.
		return a.emu.ClientFor(v.emulated, p)
	}
	opts := []multiaccount.Option{multiaccount.WithUserAgent("multiaccount-cli/" + multiaccount.Version)}
	auth, err := a.credentials(v)
	if err != nil {
		return nil, err
	}
	if auth != nil {
		opts = append(opts, multiaccount.WithAuth(auth))
	}
	a.noCredentials = auth == nil
	base := a.flags.baseURL
	if base == "" {
		base = a.env.getenv(v.baseURLEnv())
	}
	if base != "" {
		opts = append(opts, multiaccount.WithBaseURL(base))
	}
	store, err := a.limitStore()
	if err != nil {
		return nil, err
	}
	if store != nil {
		opts = append(opts, store)
	}
	return multiaccount.NewClient(p, opts...)
}

// print writes records to stdout in the chosen format.
func (a *app) printAll(columns []string, records ...record) error {
	p, err := newPrinter(a.flags.output, a.env.stdout, columns)
	if err != nil {
		return err
	}
	for _, r := range records {
		if err := p.print(r); err != nil {
			return err
		}
	}
	return p.flush()
}

// printItems prints items in the chosen format; the columns are those of
// rec(zero), so an empty list still has its header.
func printItems[T any](a *app, items []T, rec func(T) record, zero T) error {
	out := make([]record, len(items))
	for i, it := range items {
		out[i] = rec(it)
	}
	return a.printAll(columnsOf(rec(zero)), out...)
}

// streamItems prints seq's items as they arrive (--all, call records),
// with a progress line on a terminal's stderr. The rows printed before a
// failure stay printed.
func streamItems[T any](a *app, seq iter.Seq2[T, error], rec func(T) record, zero T, label string) error {
	p, err := newPrinter(a.flags.output, a.env.stdout, columnsOf(rec(zero)))
	if err != nil {
		return err
	}
	prog := a.progress(label)
	defer prog.done()
	for it, err := range seq {
		if err != nil {
			_ = p.flush()
			return err
		}
		if err := p.print(rec(it)); err != nil {
			return err
		}
		prog.add()
	}
	return p.flush()
}

// progress reports a long listing's count on stderr when it is a
// terminal; done clears the line.
type progress struct {
	w     io.Writer
	on    bool
	n     int
	label string
}

func (a *app) progress(label string) *progress {
	return &progress{w: a.env.stderr, on: isTerminal(a.env.stderr), label: label}
}

func (p *progress) add() {
	p.n++
	if p.on && p.n%100 == 0 {
		fmt.Fprintf(p.w, "\r%d %s…", p.n, p.label)
	}
}

func (p *progress) done() {
	if p.on && p.n >= 100 {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
