package main

import (
	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount"
)

// limitStore is the option that keeps client-side limits in the limits
// file. (Wired to the file store once it lands.)
func (a *app) limitStore() (multiaccount.Option, error) { return nil, nil }

func (a *app) limitsCommand() *cobra.Command {
	return &cobra.Command{Use: "limits", Short: "Show each limited endpoint's slots left and when the next opens"}
}
