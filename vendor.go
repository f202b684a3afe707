// The vendor interface every provider implements, and notOffered.

package multiaccount

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// Provider is one vendor's API: its default base URL, paths, authentication,
// encodings, error envelope and published limits. Get one from VoiceTel,
// Kaleyra, SerwerSMS, CallTrackingMetrics or Woodpecker.
type Provider struct {
	v   vendor
	err error // a constructor argument was invalid; NewClient reports it
}

// Name returns the vendor's name, e.g. "VoiceTel".
func (p Provider) Name() string {
	if p.v == nil {
		return ""
	}
	return p.v.name()
}

// vendor is one vendor's wire mapping. Each lives in its own file and embeds
// notOffered, so that what the vendor lacks answers ErrUnsupported without
// I/O.
type vendor interface {
	name() string
	defaultBaseURL() string
	// maxInFlight is the default cap on requests in flight per credential
	// and host (0: none).
	maxInFlight() int
	// bindAuth checks that the vendor accepts a and returns it placed as
	// the vendor wants (e.g. an API key bound to the vendor's header).
	bindAuth(c *Client, a Authenticator) (Authenticator, error)
	// limitFor is the vendor's rolling limit on the operation method path
	// (path canonical: decoded and cleaned, relative to the host or a tail
	// of that path; see Client.limitOf), zero for none. The pipeline applies it
	// to every request, the ones built with NewRequest included.
	limitFor(method, path string) windowLimit
	// limitedOps lists the operations limitFor limits (those of the
	// provider's API version), for LimitStatus.
	limitedOps() []endpoint
	// bodyAuth places the client's credentials in the body of a request
	// built by NewRequest when the vendor wants them there (SerwerSMS's
	// KeyPair), or refuses the request; a no-op for header credentials.
	bodyAuth(c *Client, r *request) error
	// parseError returns the vendor's failure in a response (whatever its
	// status, as some vendors fail under HTTP 200), or nil for a success.
	// A nil result for a non-2xx status yields a generic *APIError.
	parseError(status int, body []byte) *APIError
	// errorMembers names the top-level members parseError reads (its
	// envelope's JSON names, from errorMembersOf), so that a success is
	// told from the picked members alone (vendorError).
	errorMembers() []string

	operations
}

// endpoint is one operation's method and path (relative to the base URL).
type endpoint struct{ method, path string }

// operations are the calls behind the services, one per service method.
type operations interface {
	listSubAccounts(ctx context.Context, c *Client, o ListOptions) (*SubAccountPage, error)
	getSubAccount(ctx context.Context, c *Client, id string) (*SubAccount, error)
	createSubAccount(ctx context.Context, c *Client, in *SubAccountCreate) (*SubAccount, error)
	updateSubAccount(ctx context.Context, c *Client, id string, in *SubAccountUpdate) (*SubAccount, error)
	deleteSubAccount(ctx context.Context, c *Client, id string) error
	setLimit(ctx context.Context, c *Client, id string, l MessageLimit) error
	// createSubAccounts creates every one of in in one request, all or
	// none; in is non-empty and has no nil element.
	createSubAccounts(ctx context.Context, c *Client, in []*SubAccountCreate) ([]*SubAccount, error)
	recharge(ctx context.Context, c *Client, id string, amount float64) (*Recharge, error)
	listUsers(ctx context.Context, c *Client, id string, o ListOptions) (*UserPage, error)

	listKeys(ctx context.Context, c *Client, subAccountID string) ([]APIKey, error)
	createKey(ctx context.Context, c *Client, subAccountID, label string) (*APIKey, error)
	exchangeKey(ctx context.Context, c *Client, username, password string) (*APIKey, error)

	// callsPage returns one page of calls and the cursor of the next
	// ("" after the last).
	callsPage(ctx context.Context, c *Client, q CallQuery, cursor string) ([]*CallRecord, string, error)
	recurringCharges(ctx context.Context, c *Client) (*Charges, error)

	session(ctx context.Context, c *Client) (*Session, error)
	account(ctx context.Context, c *Client) (*Account, error)
	sipRegistration(ctx context.Context, c *Client) (*SIPRegistration, error)
	signup(ctx context.Context, c *Client, in *Signup) (*NewAccount, error)
	recoverAccount(ctx context.Context, c *Client, email string) error
	addProspects(ctx context.Context, c *Client, companyID string, ps []Prospect, o ProspectOptions) error

	// VoiceTel v2.2's account settings and billing history.
	updateSettings(ctx context.Context, c *Client, in *AccountSettings) (*SettingsUpdate, error)
	credits(ctx context.Context, c *Client, q CreditQuery) ([]*Credit, error)
	payments(ctx context.Context, c *Client) ([]*Payment, error)
}

// notOffered answers every operation with ErrUnsupported. Vendors embed it
// and override what they offer.
type notOffered struct{ vendorName string }

func (n notOffered) name() string     { return n.vendorName }
func (n notOffered) maxInFlight() int { return 0 }

func (n notOffered) limitFor(string, string) windowLimit { return windowLimit{} }
func (notOffered) limitedOps() []endpoint                { return nil }
func (notOffered) bodyAuth(*Client, *request) error      { return nil }
func (n notOffered) no(op string) error                  { return unsupported(n.vendorName, op) }

func (n notOffered) listSubAccounts(context.Context, *Client, ListOptions) (*SubAccountPage, error) {
	return nil, n.no("SubAccounts.List")
}
func (n notOffered) getSubAccount(context.Context, *Client, string) (*SubAccount, error) {
	return nil, n.no("SubAccounts.Get")
}
func (n notOffered) createSubAccount(context.Context, *Client, *SubAccountCreate) (*SubAccount, error) {
	return nil, n.no("SubAccounts.Create")
}
func (n notOffered) updateSubAccount(context.Context, *Client, string, *SubAccountUpdate) (*SubAccount, error) {
	return nil, n.no("SubAccounts.Update")
}
func (n notOffered) deleteSubAccount(context.Context, *Client, string) error {
	return n.no("SubAccounts.Delete")
}
func (n notOffered) setLimit(context.Context, *Client, string, MessageLimit) error {
	return n.no("SubAccounts.SetLimit")
}
func (n notOffered) createSubAccounts(context.Context, *Client, []*SubAccountCreate) ([]*SubAccount, error) {
	return nil, n.no("SubAccounts.CreateBatch")
}
func (n notOffered) recharge(context.Context, *Client, string, float64) (*Recharge, error) {
	return nil, n.no("SubAccounts.Recharge")
}
func (n notOffered) listUsers(context.Context, *Client, string, ListOptions) (*UserPage, error) {
	return nil, n.no("SubAccounts.Users")
}
func (n notOffered) listKeys(context.Context, *Client, string) ([]APIKey, error) {
	return nil, n.no("Keys.List")
}
func (n notOffered) createKey(context.Context, *Client, string, string) (*APIKey, error) {
	return nil, n.no("Keys.Create")
}
func (n notOffered) exchangeKey(context.Context, *Client, string, string) (*APIKey, error) {
	return nil, n.no("Keys.Exchange")
}
func (n notOffered) callsPage(context.Context, *Client, CallQuery, string) ([]*CallRecord, string, error) {
	return nil, "", n.no("Records.Calls")
}
func (n notOffered) recurringCharges(context.Context, *Client) (*Charges, error) {
	return nil, n.no("Records.RecurringCharges")
}
func (n notOffered) session(context.Context, *Client) (*Session, error) {
	return nil, n.no("Agency.Session")
}
func (n notOffered) account(context.Context, *Client) (*Account, error) {
	return nil, n.no("Agency.Account")
}
func (n notOffered) sipRegistration(context.Context, *Client) (*SIPRegistration, error) {
	return nil, n.no("Agency.SIPRegistration")
}
func (n notOffered) signup(context.Context, *Client, *Signup) (*NewAccount, error) {
	return nil, n.no("Agency.Signup")
}
func (n notOffered) recoverAccount(context.Context, *Client, string) error {
	return n.no("Agency.Recover")
}
func (n notOffered) addProspects(context.Context, *Client, string, []Prospect, ProspectOptions) error {
	return n.no("Agency.AddProspects")
}
func (n notOffered) updateSettings(context.Context, *Client, *AccountSettings) (*SettingsUpdate, error) {
	return nil, n.no("Agency.UpdateSettings")
}
func (n notOffered) credits(context.Context, *Client, CreditQuery) ([]*Credit, error) {
	return nil, n.no("Records.Credits")
}
func (n notOffered) payments(context.Context, *Client) ([]*Payment, error) {
	return nil, n.no("Records.Payments")
}

// ProviderOption configures a provider at construction, before any client
// exists: which of the vendor's regions (and, as vendors publish them, API
// versions) it talks to. A provider refuses an option its vendor has no use
// for, and NewClient reports that as a *ValidationError, so nothing passed
// is silently ignored. Options apply in order; a later one of the same kind
// wins.
type ProviderOption func(*providerConfig) error

// providerConfig is what the provider options chose, read by the vendor's
// constructor.
type providerConfig struct {
	vendor string
	// regions are the vendor's named regions and their base URLs (nil: the
	// vendor has none).
	regions map[Region]string
	// base is the chosen region's base URL ("": the vendor's default).
	base string
	// versions are the API versions the SDK speaks for the vendor, the
	// default first (nil: the vendor has one).
	versions []APIVersion
	// version is the chosen one ("": the default).
	version APIVersion
}

// APIVersion names one of a vendor's API versions. A vendor's constructor
// with no InVersion option speaks the version its seed document describes,
// so existing code keeps its behaviour; new code should choose the
// current one.
type APIVersion string

// The API versions the SDK speaks, by vendor.
const (
	// VoiceTelV21 is VoiceTel's Account API v2.1.6, the default of VoiceTel().
	VoiceTelV21 APIVersion = "v2.1"
	// VoiceTelV22 is VoiceTel's current API, v2.2 (document 2.2.10): REST
	// paths under /v2.2/account, Bearer only, {"status","data"} envelopes,
	// and account settings, credit and payment history besides v2.1's
	// operations. Choose it for new code.
	VoiceTelV22 APIVersion = "v2.2"
	// WoodpeckerV1 is Woodpecker's agency API v1, the default of Woodpecker().
	WoodpeckerV1 APIVersion = "v1"
	// WoodpeckerV2 is Woodpecker's agency API v2 (/rest/v2), the only one
	// the vendor's developer site documents today: choose it for new code.
	WoodpeckerV2 APIVersion = "v2"
)

// InVersion selects the vendor's API version v. A vendor with one version,
// or without v, refuses it: NewClient reports a *ValidationError naming
// the versions it has.
func InVersion(v APIVersion) ProviderOption {
	return func(pc *providerConfig) error {
		for _, have := range pc.versions {
			if have == v {
				pc.version = v
				return nil
			}
		}
		if len(pc.versions) < 2 {
			return invalid(pc.vendor, "InVersion", pc.vendor+" has one API version in this SDK")
		}
		names := make([]string, len(pc.versions))
		for i, have := range pc.versions {
			names[i] = strconv.Quote(string(have))
		}
		return invalid(pc.vendor, "InVersion", pc.vendor+" has no API version "+strconv.Quote(string(v))+"; use one of "+strings.Join(names, ", "))
	}
}

// chosenVersion is the version the options chose, or the default.
func (pc providerConfig) chosenVersion() APIVersion {
	if pc.version == "" && len(pc.versions) > 0 {
		return pc.versions[0]
	}
	return pc.version
}

// Region names one of a vendor's regional deployments. Only the vendors
// that publish regional hosts accept one (today Kaleyra).
type Region string

// The regions vendors publish.
const (
	RegionIndia        Region = "india"
	RegionSingapore    Region = "singapore"
	RegionEurope       Region = "europe"
	RegionNorthAmerica Region = "north-america"
)

// InRegion selects the vendor's host for region r, so that no caller types a
// host by hand. WithBaseURL, when also given to NewClient, still wins (an
// emulator or a proxy). A vendor without regions, or without that region,
// refuses it.
func InRegion(r Region) ProviderOption {
	return func(pc *providerConfig) error {
		if pc.regions == nil {
			return invalid(pc.vendor, "InRegion", pc.vendor+" has no regional hosts")
		}
		base, ok := pc.regions[r]
		if !ok {
			names := make([]string, 0, len(pc.regions))
			for name := range pc.regions {
				names = append(names, strconv.Quote(string(name)))
			}
			sort.Strings(names)
			return invalid(pc.vendor, "InRegion", pc.vendor+" has no region "+strconv.Quote(string(r))+"; use one of "+strings.Join(names, ", "))
		}
		pc.base = base
		return nil
	}
}

// applyProviderOptions runs opts over the vendor's configuration.
func applyProviderOptions(pc providerConfig, opts []ProviderOption) (providerConfig, error) {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&pc); err != nil {
			return pc, err
		}
	}
	return pc, nil
}
