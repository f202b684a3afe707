package multiaccount_test

import (
	"strings"
	"testing"
)

// freshUserCode is a user's package in its own module: code that handles
// VoiceTel's rate limit, and its test, which drives the limit by advancing
// one FakeClock shared by the emulator and the Client. It needs no clock
// adapter and no conversion of seeded IDs.
var freshUserCode = map[string]string{
	"refresh/refresh.go": `// Package refresh is a user's code built on multiaccount.
package refresh

import (
	"context"
	"errors"
	"time"

	"github.com/multiaccount/multiaccount"
)

// Account returns the account's username or, when the vendor's limit
// stops the call, how long to wait before trying again.
func Account(ctx context.Context, c *multiaccount.Client) (string, time.Duration, error) {
	acct, err := c.Agency.Account(ctx)
	var rl *multiaccount.RateLimitError
	if errors.As(err, &rl) {
		return "", rl.RetryAfter, nil
	}
	if err != nil {
		return "", 0, err
	}
	return acct.Username, 0, nil
}

// Keys lists a company's key labels.
func Keys(ctx context.Context, c *multiaccount.Client, companyID string) ([]string, error) {
	keys, err := c.Keys.List(ctx, companyID)
	if err != nil {
		return nil, err
	}
	var labels []string
	for _, k := range keys {
		labels = append(labels, k.Label)
	}
	return labels, nil
}
`,
	"refresh/refresh_test.go": `package refresh_test

import (
	"context"
	"testing"
	"time"

	"example.com/agencytool/refresh"
	"github.com/multiaccount/multiaccount/multiaccounttest"
)

func TestAccountWaitsOutTheLimit(t *testing.T) {
	clock := multiaccounttest.NewFakeClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	srv := multiaccounttest.NewServer(multiaccounttest.WithClock(clock))
	defer srv.Close()
	c, err := srv.Client(multiaccounttest.VoiceTel)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 1; i <= 6; i++ {
		user, wait, err := refresh.Account(ctx, c)
		if err != nil || wait != 0 || user != multiaccounttest.VoiceTelUsername {
			t.Fatalf("call %d: %q %v %v", i, user, wait, err)
		}
	}
	_, wait, err := refresh.Account(ctx, c)
	if err != nil || wait != time.Hour {
		t.Fatalf("7th call: wait %v, err %v; want a wait of 1h", wait, err)
	}
	clock.Advance(wait + time.Minute)
	user, wait, err := refresh.Account(ctx, c)
	if err != nil || wait != 0 || user != multiaccounttest.VoiceTelUsername {
		t.Fatalf("after the wait: %q %v %v", user, wait, err)
	}
}

func TestKeysOfSeededCompany(t *testing.T) {
	srv := multiaccounttest.NewServer()
	defer srv.Close()
	c, err := srv.Client(multiaccounttest.Woodpecker)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := refresh.Keys(context.Background(), c, multiaccounttest.WoodpeckerCompanyID)
	if err != nil || len(labels) == 0 {
		t.Fatalf("labels %v, err %v", labels, err)
	}
}
`,
}

// The done-when: a fresh user's module (replace directive to this
// checkout) tests its own rate-limit handling by advancing one fake clock,
// with no adapter and no fmt.Sprint of IDs.
func TestFreshUserModuleTestsItsRateLimitHandling(t *testing.T) {
	for name, src := range freshUserCode {
		for _, banned := range []string{"fmt.Sprint", "strconv"} {
			if strings.Contains(src, banned) {
				t.Fatalf("%s uses %s: seeded IDs should need no conversion", name, banned)
			}
		}
	}
	files := map[string]string{}
	for k, v := range freshUserCode {
		files[k] = v
	}
	_, goCmd := userModule(t, files)
	out := goCmd("test", "-count=1", "./...")
	if !strings.Contains(out, "ok  \texample.com/agencytool/refresh") {
		t.Fatalf("the user's tests did not pass:\n%s", out)
	}
}
