package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// emulatorCredentials are the emulator's seeded (fake, public) credentials,
// by the variables the tool reads.
var emulatorCredentials = map[multiaccounttest.Vendor][]string{
	multiaccounttest.VoiceTel:            {multiaccounttest.VoiceTelAPIKey},
	multiaccounttest.Kaleyra:             {multiaccounttest.KaleyraAPIKey},
	multiaccounttest.SerwerSMS:           {multiaccounttest.SerwerSMSToken},
	multiaccounttest.CallTrackingMetrics: {multiaccounttest.CTMAccessKey, multiaccounttest.CTMSecretKey},
	multiaccounttest.Woodpecker:          {multiaccounttest.WoodpeckerAgencyKey},
}

func (a *app) emulatorCommand() *cobra.Command {
	var host string
	var port int
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve the five emulated vendors until interrupted",
		Long: `Serve the built-in emulator of all five vendors (seeded data, the vendors'
paths, envelopes, errors and limits) as a standalone process, for
integration tests in any language, until interrupted.

It prints, on stdout, one VARIABLE=value line per base URL and per seeded
credential (the emulator's own, fake and public), in the form a shell
reads with "set -a; . FILE": the tool then talks to the emulator with no
further flags, e.g.

  multiaccount emulator > emulator.env &
  set -a; . ./emulator.env; set +a
  multiaccount kaleyra subaccounts list

With --port N the vendors listen on N, N+1, ... in this order:
calltrackingmetrics, woodpecker, voicetel, serwersms, kaleyra.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var opts []multiaccounttest.Option
			for i, v := range multiaccounttest.Vendors() {
				p := 0
				if port > 0 {
					p = port + i
				}
				l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
				if err != nil {
					return err
				}
				opts = append(opts, multiaccounttest.WithListener(v, l))
			}
			srv := multiaccounttest.NewServer(opts...)
			defer srv.Close()
			w := a.env.stdout
			fmt.Fprintf(w, "KALEYRA_SID=%s\n", multiaccounttest.KaleyraSID)
			for _, spec := range vendorSpecs {
				fmt.Fprintf(w, "%s=%s\n", spec.baseURLEnv(), srv.URL(spec.emulated))
				for i, name := range spec.env {
					fmt.Fprintf(w, "%s=%s\n", name, emulatorCredentials[spec.emulated][i])
				}
			}
			if f, ok := w.(interface{ Sync() error }); ok {
				_ = f.Sync()
			}
			fmt.Fprintln(a.env.stderr, "multiaccount: emulator serving; interrupt to stop")
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on")
	cmd.Flags().IntVar(&port, "port", 0, "first of five consecutive ports (0: random free ports)")
	return cmd
}
