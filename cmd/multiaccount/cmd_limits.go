package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
)

// limitsPath is where client-side limits are kept between invocations:
// --limits-file, $MULTIACCOUNT_LIMITS_FILE, or the user's cache directory.
func (a *app) limitsPath() (string, error) {
	if a.flags.limitsFile != "" {
		return a.flags.limitsFile, nil
	}
	if p := a.env.getenv("MULTIACCOUNT_LIMITS_FILE"); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", &usageError{"no user cache directory for the limits file: set --limits-file or MULTIACCOUNT_LIMITS_FILE"}
	}
	return filepath.Join(dir, "multiaccount", "limits.json"), nil
}

// limitStore opens the limits file once per invocation and returns the
// option that keeps the Client's limits in it, so that separate runs of
// the tool share VoiceTel's hour (and Woodpecker's one request in flight).
func (a *app) limitStore() (multiaccount.Option, error) {
	if a.store == nil {
		path, err := a.limitsPath()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if a.store, err = multiaccount.NewFileLimitStore(path); err != nil {
			return nil, err
		}
	}
	return multiaccount.WithLimitStore(a.store), nil
}

func (a *app) limitsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "limits [VENDOR...]",
		Short: "Show each limited endpoint's slots left and when the next opens",
		Long: `Show, for each vendor's rate-limited endpoints, how many calls could start
now and when the next slot opens, as kept in the limits file that every
invocation of the tool shares (--limits-file). Vendors with no published
limit list nothing. With no VENDOR, every vendor.

The endpoints are those of the vendor's base URL (--base-url or
$<VENDOR>_BASE_URL): limits are kept per host.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			specs := make([]*vendorSpec, 0, len(vendorSpecs))
			for _, name := range args {
				v, ok := vendorByName(name)
				if !ok {
					return &usageError{"unknown vendor " + name}
				}
				specs = append(specs, v)
			}
			if len(args) == 0 {
				for i := range vendorSpecs {
					specs = append(specs, &vendorSpecs[i])
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), a.flags.timeout)
			defer cancel()
			p, err := newPrinter(a.flags.output, a.env.stdout, columnsOf(limitRecord("", multiaccount.LimitStatus{}, time.Time{})))
			if err != nil {
				return err
			}
			for _, v := range specs {
				if v.name == "kaleyra" && a.flags.sid == "" && a.env.getenv("KALEYRA_SID") == "" {
					continue // no SID, no client; Kaleyra publishes no limit anyway
				}
				c, err := a.client(v)
				if err != nil {
					return err
				}
				status, err := c.LimitStatus(ctx)
				if err != nil {
					return err
				}
				now := time.Now()
				for _, st := range status {
					if err := p.print(limitRecord(v.name, st, now)); err != nil {
						return err
					}
				}
			}
			return p.flush()
		},
	}
	return cmd
}

func limitRecord(vendor string, st multiaccount.LimitStatus, now time.Time) record {
	wait := st.Next.Sub(now)
	if st.Left > 0 || wait < 0 {
		wait = 0
	}
	return record{
		{name: "vendor", value: vendor},
		{name: "endpoint", value: st.Endpoint},
		{name: "limit", value: st.Limit},
		{name: "per", value: st.Per.String()},
		{name: "left", value: st.Left},
		{name: "next_slot", value: st.Next},
		{name: "wait", value: wait.Round(time.Second).String()},
	}
}
