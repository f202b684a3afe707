package multiaccount_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/multiaccount/multiaccount"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

// Errors that real calls return name the provider and the operation, once.
func TestReturnedErrorsNameProviderAndOperation(t *testing.T) {
	srv, _ := emulator(t)
	ctx := context.Background()
	kaleyra := client(t, srv, multiaccounttest.Kaleyra)
	voicetel := client(t, srv, multiaccounttest.VoiceTel)
	for i := 0; i < 6; i++ {
		must(voicetel.Agency.Account(ctx)).get(t)
	}
	_, rateErr := voicetel.Agency.Account(ctx)
	_, createErr := kaleyra.SubAccounts.Create(ctx, &multiaccount.SubAccountCreate{Name: "A"})
	_, nilErr := kaleyra.SubAccounts.Update(ctx, "x", nil)
	_, getErr := kaleyra.SubAccounts.Get(ctx, multiaccounttest.KaleyraSID+"_999999")
	_, clientErr := multiaccount.NewClient(multiaccount.VoiceTel(), multiaccount.WithClock(nil))
	var iterErr error
	for _, err := range kaleyra.Records.Calls(ctx, &multiaccount.CallQuery{PageSize: -1}) {
		iterErr = err
	}
	cases := []struct {
		name string
		err  error
		want string // the exact text, or a prefix ending in ": "
	}{
		{"unsupported", kaleyra.SubAccounts.SetLimit(ctx, "1", multiaccount.MessageLimit{Type: "eco"}),
			"multiaccount: Kaleyra SubAccounts.SetLimit: not offered by this provider"},
		{"local rate limit", rateErr, "multiaccount: VoiceTel Agency.Account: client-side rate limit"},
		{"vendor validation", createErr, "multiaccount: Kaleyra SubAccounts.Create: invalid "},
		{"service validation", nilErr, "multiaccount: Kaleyra SubAccounts.Update: invalid u: is nil"},
		{"iterator validation", iterErr, "multiaccount: Kaleyra Records.Calls: invalid PageSize: is negative"},
		{"api", getErr, "multiaccount: Kaleyra SubAccounts.Get: HTTP 404"},
		{"NewClient", clientErr, "multiaccount: VoiceTel NewClient: invalid WithClock: clock is nil"},
	}
	for _, tc := range cases {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		got := tc.err.Error()
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q…", tc.name, got, tc.want)
		}
		if n := strings.Count(got, "multiaccount:"); n != 1 {
			t.Errorf("%s: prefix appears %d times: %q", tc.name, n, got)
		}
		if !regexp.MustCompile(`^multiaccount: [A-Za-z]+ [A-Za-z]+(\.[A-Za-z]+)?: `).MatchString(got) {
			t.Errorf("%s: %q is not multiaccount: <Provider> <Operation>: …", tc.name, got)
		}
	}
	if !errors.Is(cases[0].err, multiaccount.ErrUnsupported) {
		t.Error("unsupported must still match ErrUnsupported")
	}
	var ve *multiaccount.ValidationError
	if !errors.As(createErr, &ve) || ve.Provider != "Kaleyra" {
		t.Errorf("ValidationError.Provider = %+v", ve)
	}
}
