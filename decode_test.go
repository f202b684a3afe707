package multiaccount

import (
	"encoding/json"
	"errors"
	"reflect"
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

// TestCreateFieldTables: every vendor's list names real SubAccountCreate
// fields, and a set field the vendor does not list is refused by name.
func TestCreateFieldTables(t *testing.T) {
	real := map[string]bool{}
	rt := reflect.TypeOf(SubAccountCreate{})
	for i := 0; i < rt.NumField(); i++ {
		real[rt.Field(i).Name] = true
	}
	for name, uses := range map[string][]string{"VoiceTel": voiceTelCreateFields, "Kaleyra": kaleyraCreateFields,
		"SerwerSMS": serwerSMSCreateFields, "Woodpecker": woodpeckerCreateFields} {
		for _, f := range uses {
			if !real[f] {
				t.Errorf("%s lists %q, which SubAccountCreate lacks", name, f)
			}
		}
	}
	in := &SubAccountCreate{Name: "n", Channels: []string{}, Phone: "1"}
	var ve *ValidationError
	if err := unusedCreateFields("SubAccounts.Create", "V", in, []string{"Name"}); !errors.As(err, &ve) || ve.Field != "Phone" {
		t.Errorf("err = %v, want Phone refused (an empty Channels is not set)", err)
	}
	if err := unusedCreateFields("SubAccounts.Create", "V", in, []string{"Name", "Phone"}); err != nil {
		t.Errorf("err = %v", err)
	}
}
