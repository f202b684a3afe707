package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
)

func (a *app) agencyCommand(v *vendorSpec) *cobra.Command {
	cmd := group(&cobra.Command{Use: "agency", Short: "The agency's own account: info, session, signup, recovery, prospects"})

	account := a.operation(v, "Agency.Account", "account", "Show the account the credentials belong to",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			acct, err := c.Agency.Account(ctx)
			if err != nil {
				return err
			}
			r := accountRecord(acct)
			return a.printAll(columnsOf(r), r)
		})

	session := a.operation(v, "Agency.Session", "session", "Exchange the key pair for a session token (--reveal prints it)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			s, err := c.Agency.Session(ctx)
			if err != nil {
				return err
			}
			r := sessionRecord(s, a.flags.reveal)
			return a.printAll(columnsOf(r), r)
		})

	registration := a.operation(v, "Agency.SIPRegistration", "registration", "Show the account's SIP registration",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			reg, err := c.Agency.SIPRegistration(ctx)
			if err != nil {
				return err
			}
			r := registrationRecord(reg)
			return a.printAll(columnsOf(r), r)
		})

	var in multiaccount.Signup
	signup := a.operation(v, "Agency.Signup", "signup", "Sign up a new top-level account (no key needed; --reveal prints its password)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			n, err := c.Agency.Signup(ctx, &in)
			if err != nil {
				return err
			}
			r := newAccountRecord(n, a.flags.reveal)
			return a.printAll(columnsOf(r), r)
		})
	signup.Flags().StringVar(&in.Name, "name", "", "Name")
	signup.Flags().StringVar(&in.Email, "email", "", "Email")
	signup.Flags().StringVar(&in.Promo, "promo", "", "Promo code (optional)")

	var email string
	recoverCmd := a.operation(v, "Agency.Recover", "recover", "Send the account-recovery e-mail (no key needed)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			if err := c.Agency.Recover(ctx, email); err != nil {
				return err
			}
			return a.printAll([]string{"id", "result"}, resultRecord(email, "recovery e-mail requested"))
		})
	recoverCmd.Flags().StringVar(&email, "email", "", "the account's e-mail address")

	var file string
	var opts multiaccount.ProspectOptions
	prospects := a.operation(v, "Agency.AddProspects", "add-prospects COMPANY_ID", "Add prospects from a CSV file to a company's global list",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			ps, err := a.readProspects(file)
			if err != nil {
				return err
			}
			if err := c.Agency.AddProspects(ctx, args[0], ps, opts); err != nil {
				return err
			}
			return a.printAll([]string{"id", "result"}, resultRecord(args[0], strconv.Itoa(len(ps))+" prospects added"))
		})
	prospects.Args = cobra.ExactArgs(1)
	prospects.Flags().StringVar(&file, "file", "", "CSV with a header line: email, first_name, last_name, company, then any vendor fields (\"-\": stdin)")
	prospects.Flags().BoolVar(&opts.Update, "update", false, "Update: edit prospects that already exist")

	var settings multiaccount.AccountSettings
	var tz, callerID string
	var notify, sms, mms, intl, e911 bool
	var threshold, ccs int
	updateSettings := a.operation(v, "Agency.UpdateSettings", "update-settings", "Change the account's settings: only the flags given are sent",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			u, err := c.Agency.UpdateSettings(ctx, &settings)
			if err != nil {
				return err
			}
			r := record{{name: "updated", value: strings.Join(u.Updated, " ")}, raw(u.Raw)}
			return a.printAll(columnsOf(r), r)
		})
	sf := updateSettings.Flags()
	sf.StringVar(&tz, "timezone", "", "Timezone, an IANA name")
	sf.BoolVar(&notify, "notify", false, "Notify: low-balance notifications")
	sf.IntVar(&threshold, "notify-threshold", 0, "NotifyThreshold in whole dollars")
	sf.StringVar(&callerID, "caller-id", "", "CallerID, ten digits")
	sf.IntVar(&ccs, "ccs", 0, "CCS: concurrent calls cap (administrator key)")
	sf.BoolVar(&sms, "sms", false, "SMS service (administrator key)")
	sf.BoolVar(&mms, "mms", false, "MMS service (administrator key)")
	sf.BoolVar(&intl, "international", false, "International calling (administrator key)")
	sf.BoolVar(&e911, "e911", false, "E911 service (administrator key)")
	updateSettings.PreRunE = func(cmd *cobra.Command, _ []string) error {
		// Pointers only for the flags given: the SDK sends exactly those.
		set := func(name string, apply func()) {
			if sf.Changed(name) {
				apply()
			}
		}
		set("timezone", func() { settings.Timezone = &tz })
		set("notify", func() { settings.Notify = &notify })
		set("notify-threshold", func() { settings.NotifyThreshold = &threshold })
		set("caller-id", func() { settings.CallerID = &callerID })
		set("ccs", func() { settings.CCS = &ccs })
		set("sms", func() { settings.SMS = &sms })
		set("mms", func() { settings.MMS = &mms })
		set("international", func() { settings.International = &intl })
		set("e911", func() { settings.E911 = &e911 })
		return nil
	}

	cmd.AddCommand(account, session, registration, signup, recoverCmd, prospects, updateSettings)
	return cmd
}

// readProspects reads prospects from CSV: the header names the columns;
// email, first_name, last_name and company fill Prospect's fields, every
// other column goes to Fields under its header name.
func (a *app) readProspects(path string) ([]multiaccount.Prospect, error) {
	if path == "" {
		return nil, &usageError{"add-prospects needs --file (\"-\": stdin)"}
	}
	var r io.Reader = a.env.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, &usageError{fmt.Sprintf("--file: no CSV header line: %v", err)}
	}
	var out []multiaccount.Prospect
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, &usageError{fmt.Sprintf("--file: %v", err)}
		}
		var p multiaccount.Prospect
		for i, name := range header {
			val := row[i]
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "email":
				p.Email = val
			case "first_name":
				p.FirstName = val
			case "last_name":
				p.LastName = val
			case "company":
				p.Company = val
			default:
				if val == "" {
					continue
				}
				if p.Fields == nil {
					p.Fields = map[string]string{}
				}
				p.Fields[name] = val
			}
		}
		out = append(out, p)
	}
}
