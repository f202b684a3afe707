package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
)

func (a *app) keysCommand(v *vendorSpec) *cobra.Command {
	cmd := group(&cobra.Command{Use: "keys", Aliases: []string{"key"}, Short: "List, create and exchange API keys"})
	columns := columnsOf(apiKeyRecord(&multiaccount.APIKey{}, false))

	ls := a.operation(v, "Keys.List", "list SUBACCOUNT_ID", "List a sub-account's API keys",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			keys, err := c.Keys.List(ctx, args[0])
			if err != nil {
				return err
			}
			return printItems(a, keys, func(k multiaccount.APIKey) record { return apiKeyRecord(&k, a.flags.reveal) }, multiaccount.APIKey{})
		})
	ls.Args = cobra.ExactArgs(1)

	var label string
	create := a.operation(v, "Keys.Create", "create SUBACCOUNT_ID", "Create an API key for a sub-account (never sent twice; --reveal prints it)",
		func(ctx context.Context, c *multiaccount.Client, args []string) error {
			k, err := c.Keys.Create(ctx, args[0], label)
			if err != nil {
				return err
			}
			return a.printAll(columns, apiKeyRecord(k, a.flags.reveal))
		})
	create.Args = cobra.ExactArgs(1)
	create.Flags().StringVar(&label, "label", "", "the key's label")

	var username, passwordFile string
	exchange := a.operation(v, "Keys.Exchange", "exchange", "Exchange a username and password for the account's API key (--reveal prints it)",
		func(ctx context.Context, c *multiaccount.Client, _ []string) error {
			if passwordFile == "" {
				return &usageError{"exchange needs --password-file (\"-\": stdin)"}
			}
			pw, err := a.readSecretFlag("--password-file", passwordFile)
			if err != nil {
				return err
			}
			k, err := c.Keys.Exchange(ctx, username, pw)
			if err != nil {
				return err
			}
			return a.printAll(columns, apiKeyRecord(k, a.flags.reveal))
		})
	exchange.Flags().StringVar(&username, "username", "", "the account's username")
	exchange.Flags().StringVar(&passwordFile, "password-file", "", "read the password from this file (\"-\": stdin)")

	cmd.AddCommand(ls, create, exchange)
	return cmd
}
