// Package multiaccount is a client for vendors' agency ("parent account")
// APIs: one Client per vendor, with the same services for all of them.
// It speaks VoiceTel, Kaleyra, SerwerSMS, CallTrackingMetrics and
// Woodpecker.
//
// # Quick start
//
//	c, err := multiaccount.NewClient(multiaccount.VoiceTel(multiaccount.InVersion(multiaccount.VoiceTelV22)),
//		multiaccount.WithAuth(multiaccount.Bearer(os.Getenv("VOICETEL_API_KEY"))))
//	if err != nil {
//		return err
//	}
//	acct, err := c.Agency.Account(ctx)
//
// NewClient validates its options and does no I/O. A Client is safe for
// concurrent use; make one per vendor and credential and reuse it.
//
// A [ProviderOption] chooses which of a vendor's deployments a provider
// talks to, e.g. [InRegion] for Kaleyra's regional hosts:
// Kaleyra(sid, InRegion(RegionEurope)), and [InVersion] for a vendor's API
// version: VoiceTel(InVersion(VoiceTelV22)) and
// Woodpecker(InVersion(WoodpeckerV2)), the current versions new code should
// choose. Without options each provider keeps its default host and the
// version of its seed document (VoiceTel v2.1, Woodpecker v1).
//
// # Services
//
// Every Client has the same four services; an operation its vendor does
// not offer fails with [ErrUnsupported] before any I/O.
//
//   - [AgencyService]: the agency's own account and its settings, sessions,
//     signup, recovery, prospects.
//   - [SubAccountsService]: list (one page, with a cursor: [ListOptions]),
//     iterate ([SubAccountsService.All]), get, create (one, or a batch:
//     [SubAccountsService.CreateBatch]), update, delete, set message
//     limits, recharge, and list a sub-account's users.
//   - [KeysService]: list, create and exchange API keys.
//   - [RecordsService]: call records, as pages with a resumable cursor
//     ([RecordsService.CallsPage]) or an iterator, recurring charges, and
//     credit and payment history.
//
// IDs are strings whatever the vendor uses. Optional request fields are
// pointers; [Ptr] sets one inline. Results print readably with %v and %+v
// (Raw as JSON text) and never show a credential: credentials are
// [Secret]s, and Raw vendor objects have their credential fields replaced.
//
// # Errors
//
// Every failure is typed: [*APIError] (the vendor's code and message),
// [*RateLimitError], [*ValidationError] (before any I/O), [*DecodeError],
// [*NetworkError], [*ChunkError] and [*ProspectError] (prospects refused
// one by one while the others were added). errors.Is maps them to the
// sentinels [ErrUnauthorized], [ErrForbidden], [ErrNotFound],
// [ErrConflict], [ErrRateLimited], [ErrUnsupported] and [ErrInvalidInput]. Every error text
// reads "multiaccount: <Provider> <Operation>: …".
//
// # Retries and limits
//
// Retries follow the operation, not the HTTP method: reads are retried on
// connection errors and 429, 502, 503, 504; creates, billed calls and
// credential exchanges are never sent twice unless the request provably
// never left the machine or the server answered 429 ([RetryPolicy]).
// Client-side limits keep within each vendor's published figures (VoiceTel:
// 6 requests per hour on four endpoints) and count every attempt. A call
// that would have to wait fails at once with a [*RateLimitError] saying
// when the next slot opens, unless [WithRateLimitWait] lets it wait.
// The limits live in a [LimitStore]: in memory for the process by default,
// [NewFileLimitStore] for the processes of one host, the redisstore module
// for several hosts ([WithLimitStore]); [Client.LimitStatus] reports them.
//
// [WithHTTPClient] sets the inner HTTP client; wrap its Transport to trace
// (for example with OpenTelemetry's otelhttp). Retries run above it, so it
// sees each attempt.
//
// # Testing
//
// Package [github.com/multiaccount/multiaccount/multiaccounttest] is a
// local emulator of all five vendors. Its Server.Client returns a Client
// pointed at it; a multiaccounttest.FakeClock
// given to the emulator drives the Client too, so a test moves VoiceTel's
// hourly window, token expiry and the SDK's limiter with one Advance and no
// sleeps:
//
//	clock := multiaccounttest.NewFakeClock(start)
//	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(clock))
//	defer srv.Close()
//	c, err := srv.Client(multiaccounttest.VoiceTel)
//	// ... six calls, then the seventh is refused locally ...
//	clock.Advance(61 * time.Minute) // and the next succeeds
package multiaccount
