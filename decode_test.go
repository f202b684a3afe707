package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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

// TestDecodeListReadsByStagesWhenOnePassFails: the one pass and the staged
// reading agree; a broken item, a list that is not one and a missing list
// give the staged errors, which name what failed.
func TestDecodeListReadsByStagesWhenOnePassFails(t *testing.T) {
	type item struct {
		ID int `json:"id"`
	}
	norm := checked(func(it item, raw json.RawMessage) string { return string(raw) })
	c := &Client{v: kaleyra{}}
	read := func(body string, absentIsEmpty bool) ([]string, int, error) {
		resp := &response{status: 200, op: "SubAccounts.List", provider: "Kaleyra", body: []byte(body), c: c}
		var env struct {
			Total int            `json:"total"`
			Data  itemList[item] `json:"data"`
		}
		got, err := decodeList(c, resp, "sub-account", &env, &env.Data, absentIsEmpty, norm)
		return got, env.Total, err
	}
	got, total, err := read(`{"total":7,"data":[ {"id":1} , {"id":2}]}`, false)
	if err != nil || total != 7 || !reflect.DeepEqual(got, []string{`{"id":1}`, `{"id":2}`}) {
		t.Errorf("one pass: %q, total %d, %v", got, total, err)
	}
	var de *DecodeError
	for _, tc := range []struct {
		body          string
		absentIsEmpty bool
		reason        string
	}{
		{`{"total":7,"data":[{"id":1},{"id":"x"},{"id":3}]}`, false, "sub-account 1"},
		{`{"total":7,"data":{"id":1}}`, false, "not a list of sub-accounts"},
		{`{"total":7}`, false, "not a list of sub-accounts"},
		{`{"total":"seven","data":[]}`, false, `unexpected JSON string for field "total"`},
		{`{"data":[{"id":1}]`, false, "invalid JSON at byte 18"},
	} {
		_, _, err := read(tc.body, tc.absentIsEmpty)
		if !errors.As(err, &de) || de.Reason != tc.reason || de.Operation != "SubAccounts.List" {
			t.Errorf("%s: err = %v, want reason %q", tc.body, err, tc.reason)
		}
	}
	if got, total, err := read(`{"total":7}`, true); err != nil || len(got) != 0 || total != 7 {
		t.Errorf("absent list where that means none: %q, %d, %v", got, total, err)
	}
}

// TestRawSharedWithTheBodyIsCapped: an unchanged item's Raw shares the
// answer's bytes; appending to it must not write into the next item's.
func TestRawSharedWithTheBodyIsCapped(t *testing.T) {
	body := `{"items":[{"id":1,"username":"first"},{"id":2,"username":"second"}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	c, err := NewClient(SerwerSMS(), WithBaseURL(srv.URL), WithAuth(Bearer("serwer-token-123456")), WithLimitStore(NewMemoryLimitStore()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.SubAccounts.List(context.Background(), nil)
	if err != nil || len(p.Items) != 2 {
		t.Fatalf("%v, %v", p, err)
	}
	first, second := string(p.Items[0].Raw), string(p.Items[1].Raw)
	if first != `{"id":1,"username":"first"}` || second != `{"id":2,"username":"second"}` {
		t.Fatalf("Raw %s, %s", first, second)
	}
	_ = append(p.Items[0].Raw, `XXXXXXXXXXXXXXXX`...)
	if string(p.Items[1].Raw) != second || string(p.Items[0].Raw) != first {
		t.Errorf("after appending to the first Raw: %s, %s", p.Items[0].Raw, p.Items[1].Raw)
	}
}

// TestOptFloatIsPointerFlexFloat: optFloat decodes as *flexFloat does,
// present or absent, null, string or number, and fails where it fails.
func TestOptFloatIsPointerFlexFloat(t *testing.T) {
	for _, in := range []string{`{}`, `{"f":null}`, `{"f":1.5}`, `{"f":"2.25"}`, `{"f":""}`, `{"f":"x"}`, `{"f":[1]}`, `{"f":-0}`, `{"f":1e3}`, `{"f":true}`} {
		var p struct {
			F *flexFloat `json:"f"`
		}
		var o struct {
			F optFloat `json:"f"`
		}
		perr, oerr := unmarshalJSON([]byte(in), &p), unmarshalJSON([]byte(in), &o)
		if (perr == nil) != (oerr == nil) {
			t.Errorf("%s: *flexFloat error %v, optFloat error %v", in, perr, oerr)
			continue
		}
		if perr == nil && ((p.F != nil) != o.F.ok || p.F != nil && float64(*p.F) != o.F.v) {
			t.Errorf("%s: *flexFloat %v, optFloat %+v", in, p.F, o.F)
		}
	}
}
