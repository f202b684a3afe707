package multiaccount

import (
	"context"
	"testing"
)

func TestVoiceTelSmoke(t *testing.T) {
	c, mt := mockClient(t, VoiceTel(), WithAuth(Bearer("k")))
	rec := respond(t, c, mt, "POST", "v2.1/account/info/", 200, fixture(t, "voicetel", "info.json"))
	a, err := c.Agency.Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "4592086960" || *a.Balance != 25.5 {
		t.Fatalf("%+v", a)
	}
	if got := rec.last(t).Header.Get("Authorization"); got != "Bearer k" {
		t.Fatalf("auth %q", got)
	}
}
