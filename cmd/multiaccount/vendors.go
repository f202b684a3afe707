package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// vendorSpec is what the tool knows of one vendor: its command name, how
// to build its provider, where its credentials come from and which of
// them its emulator seeds.
type vendorSpec struct {
	name     string // command name, as in "multiaccount voicetel ..."
	aliases  []string
	title    string // the provider's own name
	emulated multiaccounttest.Vendor
	// versions are the API versions the SDK speaks for the vendor, the
	// default first (none: one version).
	versions []string
	// env lists the credential variables, in the order a file given to
	// --api-key-file fills them (one per line).
	env []string
	// auth builds the authenticator from the credential values, in env's
	// order; all are non-empty.
	auth func(vals []string) multiaccount.Authenticator
}

var vendorSpecs = []vendorSpec{
	{
		name: "voicetel", title: "VoiceTel", emulated: multiaccounttest.VoiceTel,
		versions: []string{string(multiaccount.VoiceTelV21), string(multiaccount.VoiceTelV22)},
		env:      []string{"VOICETEL_API_KEY"},
		auth:     func(v []string) multiaccount.Authenticator { return multiaccount.Bearer(v[0]) },
	},
	{
		name: "kaleyra", title: "Kaleyra", emulated: multiaccounttest.Kaleyra,
		env:  []string{"KALEYRA_API_KEY"},
		auth: func(v []string) multiaccount.Authenticator { return multiaccount.APIKeyAuth(v[0]) },
	},
	{
		name: "serwersms", title: "SerwerSMS", emulated: multiaccounttest.SerwerSMS,
		env:  []string{"SERWERSMS_TOKEN"},
		auth: func(v []string) multiaccount.Authenticator { return multiaccount.Bearer(v[0]) },
	},
	{
		name: "calltrackingmetrics", aliases: []string{"ctm"}, title: "CallTrackingMetrics", emulated: multiaccounttest.CallTrackingMetrics,
		env:  []string{"CTM_ACCESS_KEY", "CTM_SECRET_KEY"},
		auth: func(v []string) multiaccount.Authenticator { return multiaccount.KeyPair(v[0], v[1]) },
	},
	{
		name: "woodpecker", title: "Woodpecker", emulated: multiaccounttest.Woodpecker,
		versions: []string{string(multiaccount.WoodpeckerV1), string(multiaccount.WoodpeckerV2)},
		env:      []string{"WOODPECKER_API_KEY"},
		auth:     func(v []string) multiaccount.Authenticator { return multiaccount.APIKeyAuth(v[0]) },
	},
}

// provider builds the vendor's Provider from the global flags: the
// vendor's API version and region where it has them. A vendor without
// either refuses the flag (through the SDK) rather than ignore it.
func (v *vendorSpec) provider(g *globalFlags, getenv func(string) string) (multiaccount.Provider, error) {
	var opts []multiaccount.ProviderOption
	if g.apiVersion != "" {
		opts = append(opts, multiaccount.InVersion(multiaccount.APIVersion(g.apiVersion)))
	}
	if g.region != "" {
		opts = append(opts, multiaccount.InRegion(multiaccount.Region(g.region)))
	}
	switch v.emulated {
	case multiaccounttest.VoiceTel:
		return multiaccount.VoiceTel(opts...), nil
	case multiaccounttest.Woodpecker:
		return multiaccount.Woodpecker(opts...), nil
	case multiaccounttest.Kaleyra:
		sid := g.sid
		if sid == "" {
			sid = getenv("KALEYRA_SID")
		}
		if sid == "" && g.emulator {
			sid = multiaccounttest.KaleyraSID
		}
		if sid == "" {
			return multiaccount.Provider{}, &usageError{"kaleyra needs the parent account's SID: --sid or KALEYRA_SID"}
		}
		return multiaccount.Kaleyra(sid, opts...), nil
	}
	if len(opts) > 0 {
		return multiaccount.Provider{}, &usageError{fmt.Sprintf("%s has one API version and no regions: drop --api-version and --region", v.name)}
	}
	switch v.emulated {
	case multiaccounttest.SerwerSMS:
		return multiaccount.SerwerSMS(), nil
	case multiaccounttest.CallTrackingMetrics:
		return multiaccount.CallTrackingMetrics(), nil
	}
	return multiaccount.Provider{}, fmt.Errorf("no provider for %s", v.name)
}

// baseURLEnv is the variable that points a vendor at another host, as the
// lines `multiaccount emulator` prints set it.
func (v *vendorSpec) baseURLEnv() string { return strings.ToUpper(v.name) + "_BASE_URL" }

func vendorByName(name string) (*vendorSpec, bool) {
	for i := range vendorSpecs {
		v := &vendorSpecs[i]
		if v.name == name {
			return v, true
		}
		for _, a := range v.aliases {
			if a == name {
				return v, true
			}
		}
	}
	return nil, false
}

// offered reports whether vendor v, in API version ver ("" for its
// default), offers op.
func offered(op string, v *vendorSpec, ver string) bool {
	if ver == "" && len(v.versions) > 0 {
		ver = v.versions[0]
	}
	return supports[op][v.name] || supports[op][v.name+"@"+ver]
}

// offeredBy names the vendors (and versions) that offer op
// ("SubAccounts.List"), for --help and errors.
func offeredBy(op string) string {
	var names []string
	for name := range supports[op] {
		if vendor, ver, ok := strings.Cut(name, "@"); ok {
			name = vendor + " --api-version " + ver
		}
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "no vendor"
	}
	return strings.Join(names, ", ")
}

// supports says which vendor offers which operation: "woodpecker" in every
// API version the tool knows, "woodpecker@v2" in that one only.
// TestSupportTable proves it against the SDK for every version, so --help
// cannot drift from the library.
var supports = map[string]map[string]bool{
	"SubAccounts.List":         set("kaleyra", "serwersms", "calltrackingmetrics", "woodpecker"),
	"SubAccounts.Get":          set("kaleyra", "serwersms", "calltrackingmetrics", "woodpecker"),
	"SubAccounts.Create":       set("voicetel", "kaleyra", "serwersms", "calltrackingmetrics", "woodpecker"),
	"SubAccounts.CreateBatch":  set("woodpecker@v2"),
	"SubAccounts.Update":       set("kaleyra"),
	"SubAccounts.Delete":       set("kaleyra", "serwersms"),
	"SubAccounts.SetLimit":     set("serwersms"),
	"SubAccounts.Recharge":     set("kaleyra"),
	"SubAccounts.Users":        set("woodpecker@v2"),
	"Keys.List":                set("woodpecker"),
	"Keys.Create":              set("woodpecker"),
	"Keys.Exchange":            set("voicetel"),
	"Records.Calls":            set("voicetel", "calltrackingmetrics"),
	"Records.RecurringCharges": set("voicetel"),
	"Records.Credits":          set("voicetel@v2.2"),
	"Records.Payments":         set("voicetel@v2.2"),
	"Agency.UpdateSettings":    set("voicetel@v2.2"),
	"Agency.Account":           set("voicetel"),
	"Agency.Session":           set("calltrackingmetrics"),
	"Agency.SIPRegistration":   set("voicetel"),
	"Agency.Signup":            set("voicetel"),
	"Agency.Recover":           set("voicetel"),
	"Agency.AddProspects":      set("woodpecker"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
