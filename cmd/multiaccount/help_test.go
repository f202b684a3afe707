package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// TestHelp pins every command's --help text and checks that each
// operation's help names the vendors that offer it.
func TestHelp(t *testing.T) {
	var all strings.Builder
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || strings.HasPrefix(c.CommandPath(), "multiaccount completion") {
			return
		}
		args := append(strings.Fields(c.CommandPath())[1:], "--help")
		r := invoke(t, nil, "", args...)
		if r.code != exitOK {
			t.Errorf("%s --help: exit %d, stderr %q", c.CommandPath(), r.code, r.stderr)
		}
		if !c.HasSubCommands() && c.Parent() != nil && c.Parent().Parent() != nil && c.Parent().Parent().Parent() != nil &&
			!strings.Contains(r.stdout, "Offered by: ") {
			t.Errorf("%s --help does not say which vendors offer it:\n%s", c.CommandPath(), r.stdout)
		}
		all.WriteString("==== " + c.CommandPath() + " --help\n" + r.stdout)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk((&app{}).rootCommand())
	golden(t, "help.txt", all.String())
	if !strings.Contains(all.String(), "Exit codes:") {
		t.Error("the root help lists no exit codes")
	}
}

// TestSupportTable proves the tool's table of which vendor offers which
// operation against the SDK itself, on the emulator: each operation is
// called with input that has no side effect (empty, refused before any
// I/O, or a read), and only an operation the vendor lacks may answer
// ErrUnsupported.
func TestSupportTable(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(c *multiaccount.Client) error{
		"SubAccounts.List": func(c *multiaccount.Client) error {
			_, err := c.SubAccounts.List(ctx, nil)
			return err
		},
		"SubAccounts.Get": func(c *multiaccount.Client) error { _, err := c.SubAccounts.Get(ctx, ""); return err },
		"SubAccounts.Create": func(c *multiaccount.Client) error {
			_, err := c.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{})
			return err
		},
		"SubAccounts.Update": func(c *multiaccount.Client) error {
			_, err := c.SubAccounts.Update(ctx, "", &multiaccount.SubAccountUpdate{})
			return err
		},
		"SubAccounts.Delete": func(c *multiaccount.Client) error { return c.SubAccounts.Delete(ctx, "") },
		"SubAccounts.SetLimit": func(c *multiaccount.Client) error {
			return c.SubAccounts.SetLimit(ctx, "", multiaccount.MessageLimit{})
		},
		"Keys.List":     func(c *multiaccount.Client) error { _, err := c.Keys.List(ctx, ""); return err },
		"Keys.Create":   func(c *multiaccount.Client) error { _, err := c.Keys.Create(ctx, "", ""); return err },
		"Keys.Exchange": func(c *multiaccount.Client) error { _, err := c.Keys.Exchange(ctx, "", ""); return err },
		"Records.Calls": func(c *multiaccount.Client) error {
			for _, err := range c.Records.Calls(ctx, &multiaccount.CallQuery{}) {
				return err
			}
			return nil
		},
		"Records.RecurringCharges": func(c *multiaccount.Client) error { _, err := c.Records.RecurringCharges(ctx); return err },
		"Agency.Account":           func(c *multiaccount.Client) error { _, err := c.Agency.Account(ctx); return err },
		"Agency.Session":           func(c *multiaccount.Client) error { _, err := c.Agency.Session(ctx); return err },
		"Agency.SIPRegistration":   func(c *multiaccount.Client) error { _, err := c.Agency.SIPRegistration(ctx); return err },
		"Agency.Signup":            func(c *multiaccount.Client) error { _, err := c.Agency.Signup(ctx, &multiaccount.Signup{}); return err },
		"Agency.Recover":           func(c *multiaccount.Client) error { return c.Agency.Recover(ctx, "") },
		"SubAccounts.CreateBatch": func(c *multiaccount.Client) error {
			_, err := c.SubAccounts.CreateBatch(ctx, []*multiaccount.SubAccountCreate{{}})
			return err
		},
		"SubAccounts.Recharge": func(c *multiaccount.Client) error { _, err := c.SubAccounts.Recharge(ctx, "", 0); return err },
		"SubAccounts.Users": func(c *multiaccount.Client) error {
			_, err := c.SubAccounts.Users(ctx, "", nil)
			return err
		},
		"Records.Credits":  func(c *multiaccount.Client) error { _, err := c.Records.Credits(ctx, nil); return err },
		"Records.Payments": func(c *multiaccount.Client) error { _, err := c.Records.Payments(ctx); return err },
		"Agency.UpdateSettings": func(c *multiaccount.Client) error {
			_, err := c.Agency.UpdateSettings(ctx, &multiaccount.AccountSettings{})
			return err
		},
		"Agency.AddProspects": func(c *multiaccount.Client) error {
			return c.Agency.AddProspects(ctx, "", nil, multiaccount.ProspectOptions{})
		},
	}
	if len(calls) != len(supports) {
		t.Fatalf("%d operations called, %d in the table", len(calls), len(supports))
	}
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	for i := range vendorSpecs {
		v := &vendorSpecs[i]
		versions := v.versions
		if len(versions) == 0 {
			versions = []string{""}
		}
		for _, ver := range versions {
			g := &globalFlags{emulator: true, apiVersion: ver}
			p, err := v.provider(g, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			c, err := srv.ClientFor(v.emulated, p)
			if err != nil {
				t.Fatal(err)
			}
			for op, call := range calls {
				if _, ok := supports[op]; !ok {
					t.Fatalf("%s is not in the table", op)
				}
				err := call(c)
				if got := errors.Is(err, multiaccount.ErrUnsupported); got == offered(op, v, ver) {
					t.Errorf("%s %s %s: table says offered=%v, SDK answered %v", v.name, ver, op, offered(op, v, ver), err)
				}
			}
		}
	}
}
