package multiaccount

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestDecodeItemsNamesTheItemAndFillsTheCall: a vendor mapping gives only
// the item's name; the core fills operation, provider and status.
func TestDecodeItemsNamesTheItemAndFillsTheCall(t *testing.T) {
	resp := &response{status: 200, op: "SubAccounts.List", provider: "V"}
	type item struct {
		ID int `json:"id"`
	}
	norm := func(it item, raw json.RawMessage) string { return string(raw) }
	got, err := decodeItems(resp, "account", []json.RawMessage{[]byte(`{"id":1}`), []byte(`{"id":2}`)}, norm)
	if err != nil || len(got) != 2 || got[1] != `{"id":2}` {
		t.Fatalf("got %v, %v", got, err)
	}
	_, err = decodeItems(resp, "account", []json.RawMessage{[]byte(`{"id":1}`), []byte(`{"id":"x"}`)}, norm)
	var de *DecodeError
	if !errors.As(err, &de) || de.Reason != "account 1" || de.Operation != "SubAccounts.List" || de.Provider != "V" || de.StatusCode != 200 || de.Err == nil {
		t.Errorf("err = %#v", err)
	}
	_, err = decodeItemList(resp, "sub-account", []byte(`{"a":1}`), norm)
	if !errors.As(err, &de) || de.Reason != "not a list of sub-accounts" || de.Operation != "SubAccounts.List" {
		t.Errorf("err = %#v", err)
	}
	if _, err := decodeItemList(resp, "sub-account", []byte(`[]`), norm); err != nil {
		t.Errorf("empty list: %v", err)
	}
}
