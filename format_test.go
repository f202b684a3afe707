package multiaccount_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// Canary credentials: if any of them shows in a printed value, a secret
// leaked.
const (
	canaryPassword = "canary-pw-7Qx1"
	canaryKey      = "canary-key-Zr92"
)

func TestNormalizedTypesPrintReadably(t *testing.T) {
	bal := 12.5
	sa := &multiaccount.SubAccount{ID: "42", Name: "Acme", Password: canaryPassword, Balance: &bal,
		APIKeys: []multiaccount.APIKey{{Key: canaryKey, Label: "main", Raw: json.RawMessage(`{"label": "main", "key": "[REDACTED]"}`)}},
		Raw:     json.RawMessage("{\n  \"id\": 42,\n  \"name\": \"Acme\"\n}")}
	cases := []struct {
		format string
		v      any
		want   string
	}{
		{"%v", sa, `{42 Acme     [{[REDACTED] main {"label":"main","key":"[REDACTED]"}}] [REDACTED] 12.5 {"id":42,"name":"Acme"}}`},
		{"%+v", *sa, `{ID:42 Name:Acme Username: Email: Phone: Status: APIKeys:[{Key:[REDACTED] Label:main Raw:{"label":"main","key":"[REDACTED]"}}] Password:[REDACTED] Balance:12.5 Raw:{"id":42,"name":"Acme"}}`},
		{"%+v", multiaccount.SubAccount{ID: "1"}, `{ID:1 Name: Username: Email: Phone: Status: APIKeys:[] Password:[REDACTED] Balance:<nil> Raw:<nil>}`},
		{"%+v", &multiaccount.Account{Name: "A", Balance: &bal, Raw: json.RawMessage(`{"balance":12.5}`)}, `{Name:A Username: Email: Balance:12.5 Enabled:false Created:0001-01-01 00:00:00 +0000 UTC Raw:{"balance":12.5}}`},
		{"%v", multiaccount.NewAccount{Username: "u", Password: canaryPassword, Raw: json.RawMessage(`{}`)}, `{u [REDACTED] {}}`},
		{"%+v", multiaccount.SIPRegistration{URI: "sip:a@b", Raw: json.RawMessage(`[1, 2]`)}, `{URI:sip:a@b Agent: Raw:[1,2]}`},
		{"%v", &multiaccount.Credit{Amount: 25, Paid: true, Raw: json.RawMessage(`{"amount": 25}`)}, `{25 0001-01-01 00:00:00 +0000 UTC true {"amount":25}}`},
		{"%+v", multiaccount.Payment{TransactionID: "T1", Status: "Completed", Raw: json.RawMessage(`{"id": 1}`)}, `{Amount:0 Date:0001-01-01 00:00:00 +0000 UTC TransactionID:T1 Status:Completed PayerEmail: Raw:{"id":1}}`},
		{"%v", multiaccount.SettingsUpdate{Updated: []string{"notify"}, Raw: json.RawMessage(`{"updated": ["notify"]}`)}, `{[notify] {"updated":["notify"]}}`},
		{"%+v", multiaccount.CallRecord{ID: "c1", Duration: 90e9, Raw: json.RawMessage(`{"dur":90}`)}, `{ID:c1 AccountID: From: To: Start:0001-01-01 00:00:00 +0000 UTC Duration:1m30s Raw:{"dur":90}}`},
		{"%x", *sa, `%!x(multiaccount.SubAccount)`},
		{"%v", (*multiaccount.SubAccount)(nil), `<nil>`},
	}
	for _, tc := range cases {
		if got := fmt.Sprintf(tc.format, tc.v); got != tc.want {
			t.Errorf("%s of %T:\n got %s\nwant %s", tc.format, tc.v, got, tc.want)
		}
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		for _, v := range []any{sa, *sa, sa.APIKeys, multiaccount.NewAccount{Password: canaryPassword}} {
			if got := fmt.Sprintf(f, v); strings.Contains(got, canaryPassword) || strings.Contains(got, canaryKey) {
				t.Errorf("%s of %T shows a credential: %s", f, v, got)
			}
		}
	}
	if got := fmt.Sprintf("%#v", sa.APIKeys[0]); !strings.Contains(got, `Raw:json.RawMessage("{\"label\":\"main\",\"key\":\"[REDACTED]\"}")`) {
		t.Errorf("%%#v = %s", got)
	}
}

// Objects the SDK decoded from the emulator print their Raw as JSON text
// and never the seeded keys it redacted.
func TestDecodedObjectsPrintWithoutCredentials(t *testing.T) {
	srv, _ := emulator(t)
	ctx := context.Background()
	page := must(client(t, srv, multiaccounttest.Woodpecker).SubAccounts.List(ctx, nil)).get(t)
	acct := must(client(t, srv, multiaccounttest.VoiceTel).Agency.Account(ctx)).get(t)
	for _, v := range []any{page.Items[0], acct} {
		for _, f := range []string{"%v", "%+v", "%#v"} {
			got := fmt.Sprintf(f, v)
			for _, secret := range []string{multiaccounttest.WoodpeckerCompanyKey, multiaccounttest.WoodpeckerAgencyKey, multiaccounttest.VoiceTelAPIKey, multiaccounttest.VoiceTelPassword} {
				if strings.Contains(got, secret) {
					t.Errorf("%s of %T shows a seeded credential: %s", f, v, got)
				}
			}
			if strings.Contains(got, "Raw:[") || strings.Contains(got, "0xc") {
				t.Errorf("%s of %T prints bytes or an address: %s", f, v, got)
			}
		}
	}
	if got := fmt.Sprintf("%+v", acct); !strings.Contains(got, fmt.Sprintf("Balance:%v", *acct.Balance)) {
		t.Errorf("balance not printed as a number: %s", got)
	}
}

func TestPtr(t *testing.T) {
	v := "Acme"
	p := multiaccount.Ptr(v)
	if p == &v || *p != "Acme" {
		t.Fatalf("Ptr(%q) = %p (%q), want a pointer to a copy", v, p, *p)
	}
	if b := multiaccount.Ptr(false); b == nil || *b {
		t.Fatal("Ptr(false) must point at false")
	}
}
