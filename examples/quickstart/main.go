// Command quickstart shows the SDK working against all five vendors.
//
// With no vendor credentials in the environment it starts the built-in
// emulator (package multiaccounttest) and runs offline in a few seconds:
//
//	go run ./examples/quickstart
//
// For each vendor it lists sub-accounts, creates one, makes an API key and
// fetches call records where the vendor offers them, then shows the VoiceTel
// limiter refusing a 7th hourly call. Set a vendor's variables to talk to
// the real vendor instead (read-only unless -write is given):
//
//	VOICETEL_API_KEY
//	KALEYRA_SID, KALEYRA_API_KEY
//	SERWERSMS_TOKEN
//	CTM_ACCESS_KEY, CTM_SECRET_KEY
//	WOODPECKER_API_KEY
//
// Live clients keep their limits in a file ($MULTIACCOUNT_LIMITS, or
// multiaccount/limits.json in the user cache directory), so runs repeated
// within an hour still make at most 6 VoiceTel calls of each limited kind.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func main() {
	write := flag.Bool("write", false, "allow creates against real vendors (the emulator always allows them)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *write); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// vendor is one row of the demo: a client and what to create with it.
type vendor struct {
	name   string
	client *multiaccount.Client
	real   bool // talking to the real vendor
	create *multiaccount.SubAccountCreate
	// admin is the client allowed to create (VoiceTel needs its
	// administrator key); nil means client.
	admin *multiaccount.Client
}

func run(ctx context.Context, write bool) error {
	var srv *multiaccounttest.Server
	emulated := func() *multiaccounttest.Server {
		if srv == nil {
			srv = multiaccounttest.NewServer()
		}
		return srv
	}
	defer func() {
		if srv != nil {
			srv.Close()
		}
	}()
	vendors, err := vendors(emulated)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tSOURCE\tSUB-ACCOUNTS\tCREATED\tAPI KEY\tCALL RECORDS")
	for _, v := range vendors {
		source := "emulator"
		if v.real {
			source = "live"
		}
		row := []string{v.name, source, listCell(ctx, v.client)}
		if v.real && !write {
			row = append(row, "skipped (-write)", "skipped (-write)")
		} else {
			created, key := createCells(ctx, v)
			row = append(row, created, key)
		}
		row = append(row, callsCell(ctx, v.client))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, v := range vendors {
		if v.name == "VoiceTel" {
			fmt.Println()
			return limiterDemo(ctx, v.client)
		}
	}
	return nil
}

// liveStore is the file every live run keeps its limits in, so that
// repeated runs within an hour respect VoiceTel's 6 calls per hour.
var liveStore *multiaccount.FileLimitStore

// liveLimits opens it once: $MULTIACCOUNT_LIMITS, or limits.json in the
// user's cache directory.
func liveLimits() (*multiaccount.FileLimitStore, error) {
	if liveStore != nil {
		return liveStore, nil
	}
	path := os.Getenv("MULTIACCOUNT_LIMITS")
	if path == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(dir, "multiaccount")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, "limits.json")
	}
	st, err := multiaccount.NewFileLimitStore(path)
	if err != nil {
		return nil, err
	}
	liveStore = st
	return st, nil
}

// vendors builds one client per vendor: live when its credentials are in
// the environment, against the emulator otherwise.
func vendors(emulated func() *multiaccounttest.Server) ([]vendor, error) {
	var out []vendor
	add := func(name string, p multiaccount.Provider, auth multiaccount.Authenticator, ev multiaccounttest.Vendor, create *multiaccount.SubAccountCreate) error {
		v := vendor{name: name, create: create}
		var err error
		if auth != nil {
			v.real = true
			var st *multiaccount.FileLimitStore
			if st, err = liveLimits(); err == nil {
				v.client, err = multiaccount.NewClient(p, multiaccount.WithAuth(auth), multiaccount.WithLimitStore(st))
			}
		} else {
			v.client, err = emulated().ClientFor(ev, p) // the provider's version, on the emulator
			if err == nil && ev == multiaccounttest.VoiceTel {
				v.admin, err = emulated().ClientFor(ev, p, multiaccount.WithAuth(multiaccount.Bearer(multiaccounttest.VoiceTelAdminKey)))
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, v)
		return nil
	}
	env := os.Getenv
	suffix := strconv.FormatInt(time.Now().Unix()%1_000_000, 10)

	var vtAuth, kyAuth, ssAuth, ctmAuth, wpAuth multiaccount.Authenticator
	if k := env("VOICETEL_API_KEY"); k != "" {
		vtAuth = multiaccount.Bearer(k)
	}
	kySID := multiaccounttest.KaleyraSID
	if k := env("KALEYRA_API_KEY"); k != "" && env("KALEYRA_SID") != "" {
		kyAuth, kySID = multiaccount.APIKeyAuth(k), env("KALEYRA_SID")
	}
	if k := env("SERWERSMS_TOKEN"); k != "" {
		ssAuth = multiaccount.Bearer(k)
	}
	if a, s := env("CTM_ACCESS_KEY"), env("CTM_SECRET_KEY"); a != "" && s != "" {
		ctmAuth = multiaccount.NewSessionToken(a, s)
	}
	if k := env("WOODPECKER_API_KEY"); k != "" {
		wpAuth = multiaccount.APIKeyAuth(k)
	}
	steps := []error{
		// VoiceTel's current API, v2.2: what new code should choose
		// (VoiceTel() alone keeps v2.1 for existing code).
		add("VoiceTel", multiaccount.VoiceTel(multiaccount.InVersion(multiaccount.VoiceTelV22)), vtAuth, multiaccounttest.VoiceTel,
			&multiaccount.SubAccountCreate{Name: "Quickstart Branch", Username: "4592" + fmt.Sprintf("%06s", suffix), Email: "branch@example.com"}),
		add("Kaleyra", multiaccount.Kaleyra(kySID), kyAuth, multiaccounttest.Kaleyra,
			&multiaccount.SubAccountCreate{Name: "Quickstart", Email: "quickstart@example.com", Country: "IN", Channels: []string{"sms"}, CreditType: "shared"}),
		add("SerwerSMS", multiaccount.SerwerSMS(), ssAuth, multiaccounttest.SerwerSMS,
			&multiaccount.SubAccountCreate{Username: "qs_" + suffix, Password: "Quick5tart", TemplateID: multiaccounttest.SerwerSMSTemplateID}),
		add("CallTrackingMetrics", multiaccount.CallTrackingMetrics(), ctmAuth, multiaccounttest.CallTrackingMetrics,
			&multiaccount.SubAccountCreate{Name: "Quickstart " + suffix, TimeZone: "America/New_York"}),
		// Woodpecker's current agency API; Woodpecker() alone speaks v1.
		add("Woodpecker v2", multiaccount.Woodpecker(multiaccount.InVersion(multiaccount.WoodpeckerV2)), wpAuth, multiaccounttest.Woodpecker,
			&multiaccount.SubAccountCreate{Name: "Quickstart Co " + suffix}),
	}
	return out, errors.Join(steps...)
}

func listCell(ctx context.Context, c *multiaccount.Client) string {
	page, err := c.SubAccounts.List(ctx, nil)
	if err != nil {
		return cellErr(err)
	}
	if page.Total >= 0 {
		return fmt.Sprintf("%d", page.Total)
	}
	return fmt.Sprintf("%d on page 1", len(page.Items))
}

func createCells(ctx context.Context, v vendor) (created, key string) {
	if v.create == nil {
		return "not offered", keyCell(ctx, v.client, "")
	}
	c := v.client
	if v.admin != nil {
		c = v.admin
	}
	sa, err := c.SubAccounts.Create(ctx, v.create)
	if err != nil {
		return cellErr(err), "-"
	}
	return "id " + sa.ID, keyCell(ctx, v.client, sa.ID)
}

// keyCell makes an API key where the vendor offers it (Woodpecker) and
// shows it redacted, as every Secret prints.
func keyCell(ctx context.Context, c *multiaccount.Client, id string) string {
	k, err := c.Keys.Create(ctx, id, "quickstart")
	if errors.Is(err, multiaccount.ErrUnsupported) {
		return "not offered"
	}
	if err != nil {
		return cellErr(err)
	}
	return fmt.Sprintf("made: %v", k.Key)
}

func callsCell(ctx context.Context, c *multiaccount.Client) string {
	q := &multiaccount.CallQuery{Start: time.Now().AddDate(0, 0, -3), End: time.Now(), PageSize: 50}
	if c.Provider() == "CallTrackingMetrics" {
		page, err := c.SubAccounts.List(ctx, &multiaccount.ListOptions{PageSize: 1})
		if err != nil || len(page.Items) == 0 {
			return "no account"
		}
		q.AccountID = page.Items[0].ID
	}
	n := 0
	for _, err := range c.Records.Calls(ctx, q) {
		if errors.Is(err, multiaccount.ErrUnsupported) {
			return "not offered"
		}
		if err != nil {
			return cellErr(err)
		}
		if n++; n == 200 {
			return "200+"
		}
	}
	return fmt.Sprintf("%d in 3 days", n)
}

// limiterDemo spends VoiceTel's hourly allowance on account info (v2.2:
// GET /v2.2/account) and shows the 7th call refused locally, with when the
// next slot opens.
func limiterDemo(ctx context.Context, c *multiaccount.Client) error {
	fmt.Println("VoiceTel v2.2 allows 6 account info calls (GET /v2.2/account) per hour per IP; the client enforces it:")
	for i := 1; i <= 7; i++ {
		_, err := c.Agency.Account(ctx)
		var rl *multiaccount.RateLimitError
		switch {
		case errors.As(err, &rl):
			who := "the server"
			if rl.Local {
				who = "the client, without sending it"
			}
			fmt.Printf("  call %d: refused by %s; next slot at %s (in %s)\n",
				i, who, time.Now().Add(rl.RetryAfter).Format("15:04:05"), rl.RetryAfter.Round(time.Second))
		case err != nil:
			return fmt.Errorf("call %d: %w", i, err)
		default:
			fmt.Printf("  call %d: ok\n", i)
		}
	}
	return nil
}

// cellErr shortens an error for the table.
func cellErr(err error) string {
	switch {
	case errors.Is(err, multiaccount.ErrUnsupported):
		return "not offered"
	case errors.Is(err, multiaccount.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, multiaccount.ErrRateLimited):
		return "rate limited"
	}
	s := err.Error()
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "error: " + s
}
