package multiaccount

import (
	"errors"
	"testing"
)

// Provider options: a version or region the vendor has is taken; anything
// else is refused by NewClient with a *ValidationError naming the option,
// never silently ignored.
func TestProviderOptionsRefuseWhatTheVendorLacks(t *testing.T) {
	cases := []struct {
		name string
		p    Provider
		auth Authenticator
		want string // "" = accepted; else the field and a fragment of the reason
	}{
		{"VoiceTel default", VoiceTel(), Bearer("k"), ""},
		{"VoiceTel v2.1", VoiceTel(InVersion(VoiceTelV21)), Bearer("k"), ""},
		{"VoiceTel unknown version", VoiceTel(InVersion("v9")), Bearer("k"), "InVersion"},
		{"VoiceTel region", VoiceTel(InRegion(RegionEurope)), Bearer("k"), "InRegion"},
		{"Woodpecker v1", Woodpecker(InVersion(WoodpeckerV1)), APIKeyAuth("k"), ""},
		{"Woodpecker VoiceTel's version", Woodpecker(InVersion(VoiceTelV21)), APIKeyAuth("k"), "InVersion"},
		{"Kaleyra version", Kaleyra("sid", InVersion(WoodpeckerV1)), APIKeyAuth("k"), "InVersion"},
	}
	for _, tc := range cases {
		_, err := NewClient(tc.p, WithAuth(tc.auth))
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.want {
			t.Errorf("%s: err = %v, want a *ValidationError on %s", tc.name, err, tc.want)
		}
	}
	if v := VoiceTel().v.(voiceTel).version; v != VoiceTelV21 {
		t.Errorf("VoiceTel() speaks %q, want the seed's %q", v, VoiceTelV21)
	}
	if v := Woodpecker().v.(woodpecker).version; v != WoodpeckerV1 {
		t.Errorf("Woodpecker() speaks %q, want the seed's %q", v, WoodpeckerV1)
	}
}
