// Command multiaccount runs the SDK's operations from a shell: list, create
// and inspect sub-accounts, manage API keys, pull call records and read the
// agency's own account, for every vendor the SDK speaks.
//
//	multiaccount VENDOR GROUP COMMAND [flags]
//	multiaccount --emulator kaleyra subaccounts list --output json
//	multiaccount emulator            # serve the five emulated vendors
//	multiaccount limits              # client-side limits: slots left
//
// Credentials come from the environment (VOICETEL_API_KEY, KALEYRA_SID and
// KALEYRA_API_KEY, SERWERSMS_TOKEN, CTM_ACCESS_KEY and CTM_SECRET_KEY,
// WOODPECKER_API_KEY), from a file named by --api-key-file ("-" reads
// stdin), or from a config file that only its owner can read. No flag takes
// a credential inline, so none ends up in shell history, and none is ever
// printed.
//
// Exit codes: 0 success, 1 other failure, 2 usage or invalid input,
// 3 authentication, 4 not found, 5 rate limited, 6 vendor error,
// 7 network, 8 operation not offered by the vendor.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], environ{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}
