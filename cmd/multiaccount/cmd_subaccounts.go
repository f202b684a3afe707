package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
)

func (a *app) subAccountsCommand(v *vendorSpec) *cobra.Command {
	cmd := group(&cobra.Command{Use: "subaccounts", Aliases: []string{"subaccount", "sub"}, Short: "List, get, create, update and delete sub-accounts"})
	columns := columnsOf(subAccountRecord(&multiaccount.SubAccount{}, false))

	var list multiaccount.ListOptions
	var all bool
	ls := a.operation(v, "SubAccounts.List", "list", "List sub-accounts, one page or --all",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			if all {
				return streamItems(a, c.SubAccounts.All(ctx, &list), a.subAccountRecord, &multiaccount.SubAccount{}, "sub-accounts")
			}
			page, err := c.SubAccounts.List(ctx, &list)
			if err != nil {
				return err
			}
			if page.NextCursor != "" {
				fmt.Fprintf(a.env.stderr, "more: --cursor %q (or --all)\n", page.NextCursor)
			}
			return printItems(a, page.Items, a.subAccountRecord, &multiaccount.SubAccount{})
		})
	ls.Flags().IntVar(&list.PageSize, "page-size", 0, "items per page (0: the vendor's default; --all: its largest)")
	ls.Flags().StringVar(&list.Cursor, "cursor", "", "the page to start at, as the previous page printed it")
	ls.Flags().BoolVar(&all, "all", false, "every page, streamed as it arrives")
	var active bool
	ls.Flags().BoolVar(&active, "active", false, "Active: only active (true) or inactive (false) sub-accounts (Woodpecker v2)")
	ls.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Flags().Changed("active") {
			list.Active = &active
		}
		return nil
	}

	get := a.operation(v, "SubAccounts.Get", "get ID", "Show one sub-account",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			s, err := c.SubAccounts.Get(ctx, args[0])
			if err != nil {
				return err
			}
			return a.printAll(columns, subAccountRecord(s, a.flags.reveal))
		})
	get.Args = cobra.ExactArgs(1)

	var in multiaccount.SubAccountCreate
	var passwordFile string
	var invite bool
	var initialCredit float64
	create := a.operation(v, "SubAccounts.Create", "create", "Create a sub-account (never sent twice)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			if passwordFile != "" {
				pw, err := a.readSecretFlag("--password-file", passwordFile)
				if err != nil {
					return err
				}
				in.Password = multiaccount.Secret(pw)
			}
			s, err := c.SubAccounts.Create(ctx, &in)
			if err != nil {
				return err
			}
			return a.printAll(columns, subAccountRecord(s, a.flags.reveal))
		})
	cf := create.Flags()
	cf.StringVar(&in.Name, "name", "", "Name")
	cf.StringVar(&in.Username, "username", "", "Username (VoiceTel: 10 digits; SerwerSMS: login)")
	cf.StringVar(&in.Email, "email", "", "Email")
	cf.StringVar(&in.Phone, "phone", "", "Phone (SerwerSMS)")
	cf.StringVar(&passwordFile, "password-file", "", "read Password from this file (\"-\": stdin; SerwerSMS)")
	cf.StringVar(&in.TemplateID, "template-id", "", "TemplateID: the sub-account whose rights are copied (SerwerSMS)")
	cf.StringVar(&in.MasterAccount, "master-account", "", "MasterAccount (VoiceTel)")
	cf.StringVar(&in.Country, "country", "", "Country, ISO code (Kaleyra)")
	cf.StringSliceVar(&in.Channels, "channels", nil, "Channels, comma-separated (Kaleyra)")
	cf.StringVar(&in.CreditType, "credit-type", "", "CreditType: assigned or shared (Kaleyra)")
	cf.BoolVar(&invite, "invite", false, "Invite: e-mail the new sub-account's user an invitation (Kaleyra)")
	cf.Float64Var(&initialCredit, "initial-credit", 0, "InitialCredit for an assigned sub-account (Kaleyra)")
	create.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if cf.Changed("invite") {
			in.Invite = &invite
		}
		if cf.Changed("initial-credit") {
			in.InitialCredit = &initialCredit
		}
		return nil
	}
	cf.StringVar(&in.TimeZone, "time-zone", "", "TimeZone, an IANA zone such as America/New_York (CallTrackingMetrics)")

	var upd multiaccount.SubAccountUpdate
	var name, email, status string
	var lowBalance bool
	var creditAmount float64
	update := a.operation(v, "SubAccounts.Update", "update ID", "Change a sub-account: only the flags given are sent",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			s, err := c.SubAccounts.Update(ctx, args[0], &upd)
			if err != nil {
				return err
			}
			return a.printAll(columns, subAccountRecord(s, a.flags.reveal))
		})
	update.Args = cobra.ExactArgs(1)
	uf := update.Flags()
	uf.StringVar(&name, "name", "", "Name")
	uf.StringVar(&email, "email", "", "Email")
	uf.StringVar(&status, "status", "", "Status")
	uf.BoolVar(&lowBalance, "low-balance-alert", false, "LowBalanceAlert")
	uf.Float64Var(&creditAmount, "credit-amount", 0, "CreditAmount (Kaleyra)")
	update.PreRunE = func(cmd *cobra.Command, _ []string) error {
		// Pointers only for the flags given: the SDK sends exactly those.
		if uf.Changed("name") {
			upd.Name = &name
		}
		if uf.Changed("email") {
			upd.Email = &email
		}
		if uf.Changed("status") {
			upd.Status = &status
		}
		if uf.Changed("low-balance-alert") {
			upd.LowBalanceAlert = &lowBalance
		}
		if uf.Changed("credit-amount") {
			upd.CreditAmount = &creditAmount
		}
		return nil
	}

	del := a.operation(v, "SubAccounts.Delete", "delete ID", "Delete a sub-account",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			if err := c.SubAccounts.Delete(ctx, args[0]); err != nil {
				return err
			}
			return a.printAll([]string{"id", "result"}, resultRecord(args[0], "deleted"))
		})
	del.Args = cobra.ExactArgs(1)

	var limit multiaccount.MessageLimit
	setLimit := a.operation(v, "SubAccounts.SetLimit", "set-limit ID", "Set a per-type message limit",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			if err := c.SubAccounts.SetLimit(ctx, args[0], limit); err != nil {
				return err
			}
			return a.printAll([]string{"id", "result"}, resultRecord(args[0], fmt.Sprintf("limit %s=%d", limit.Type, limit.Value)))
		})
	setLimit.Args = cobra.ExactArgs(1)
	setLimit.Flags().StringVar(&limit.Type, "type", "", "Type: eco, full, voice, mms or hlr")
	setLimit.Flags().IntVar(&limit.Value, "value", 0, "Value (≥ 0)")

	var names []string
	batch := a.operation(v, "SubAccounts.CreateBatch", "create-batch", "Create several sub-accounts in one all-or-none request (never sent twice)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			in := make([]*multiaccount.SubAccountCreate, len(names))
			for i, n := range names {
				in[i] = &multiaccount.SubAccountCreate{Name: n}
			}
			created, err := c.SubAccounts.CreateBatch(ctx, in)
			if err != nil {
				var be *multiaccount.CreateBatchError
				if errors.As(err, &be) && be.Listed {
					// Say on stderr which exist now, so a rerun does not bill twice.
					for _, s := range be.Existing {
						fmt.Fprintf(a.env.stderr, "exists: %s %s\n", s.ID, s.Name)
					}
				}
				return err
			}
			return printItems(a, created, a.subAccountRecord, &multiaccount.SubAccount{})
		})
	batch.Flags().StringArrayVar(&names, "name", nil, "Name of one sub-account; repeat for each (up to the vendor's batch size)")

	var amount float64
	recharge := a.operation(v, "SubAccounts.Recharge", "recharge ID", "Add credit to a sub-account (moves money: never sent twice)",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			r, err := c.SubAccounts.Recharge(ctx, args[0], amount)
			if err != nil {
				return err
			}
			rec := record{{name: "id", value: r.SubAccountID}, {name: "amount", value: r.Amount}, {name: "balance", value: r.Balance}}
			return a.printAll(columnsOf(rec), rec)
		})
	recharge.Args = cobra.ExactArgs(1)
	recharge.Flags().Float64Var(&amount, "amount", 0, "the amount to add (> 0)")

	var userOpts multiaccount.ListOptions
	users := a.operation(v, "SubAccounts.Users", "users ID", "List a sub-account's users, every page",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			return streamItems(a, c.SubAccounts.AllUsers(ctx, args[0], &userOpts), userRecord, &multiaccount.User{}, "users")
		})
	users.Args = cobra.ExactArgs(1)

	cmd.AddCommand(ls, get, create, batch, update, del, setLimit, recharge, users)
	return cmd
}

// readSecretFlag reads a secret named by a *-file flag ("-": stdin).
func (a *app) readSecretFlag(flag, path string) (string, error) {
	var r io.Reader = a.env.stdin
	if path != "-" {
		f, err := openPrivate(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", flag, err)
	}
	if len(b) > maxSecretFile {
		return "", &usageError{fmt.Sprintf("%s: longer than %d bytes", flag, maxSecretFile)}
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", &usageError{flag + ": empty"}
	}
	return s, nil
}
