// Package multiaccount is a client for vendors' agency ("parent account")
// APIs: one Client per vendor, with the same services for all of them.
//
//	c, err := multiaccount.NewClient(multiaccount.VoiceTel(),
//		multiaccount.WithAuth(multiaccount.Bearer(os.Getenv("VOICETEL_API_KEY"))))
//
// A Client validates input before any I/O, retries what is safe to retry,
// never sends a create twice, keeps within each vendor's published limits
// on the client side, and never prints a credential.
package multiaccount
