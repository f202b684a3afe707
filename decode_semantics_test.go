package multiaccount

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The SDK decodes through go-json-experiment/json's v1 package
// (unmarshalJSON), which promises encoding/json's semantics. These tests
// hold it to that promise on the SDK's own types: for every input, both
// decoders must agree on success and on the value decoded.

// semanticsTargets are fresh values of the shapes the vendor mappings
// decode into: envelopes with flexible scalars, raw fields, maps, lists.
func semanticsTargets() []func() any {
	type flexItem struct {
		ID      flexString      `json:"id"`
		N       flexInt         `json:"n"`
		F       *flexFloat      `json:"f"`
		Name    string          `json:"name"`
		On      *bool           `json:"on"`
		Raw     json.RawMessage `json:"raw"`
		Tags    []string        `json:"tags"`
		Nested  map[string]any  `json:"nested"`
		Counter int             `json:"counter"`
	}
	return []func() any{
		func() any { return new(kaleyraEnvelope) },
		func() any { return new(voiceTelEnvelope) },
		func() any { return new(serwerSMSError) },
		func() any { return new(flexItem) },
		func() any { return new([]flexItem) },
		func() any { return new([]json.RawMessage) },
		func() any { return new(map[string]json.RawMessage) },
		func() any { return new(any) },
		func() any { return new(string) },
		func() any { return new(flexString) },
		func() any { return new(flexInt) },
	}
}

// semanticsCases are the inputs the issue names: strings or numbers,
// nulls, unknown fields, duplicate keys, case, and the broken ones.
var semanticsCases = []string{
	`{"id":"7","n":"12","f":"1.5","name":"a"}`,
	`{"id":7,"n":12,"f":1.5,"name":"a"}`,
	`{"id":7.25,"n":"12.0","f":"x"}`,
	`{"n":"1e3"}`,
	`{"id":null,"n":null,"f":null,"name":null,"on":null,"raw":null,"tags":null,"nested":null}`,
	`{"unknown":{"deep":[1,2,{"x":null}]},"name":"kept"}`,
	`{"name":"first","name":"second"}`,
	`{"NAME":"upper","Id":"mixed","ID":"later"}`,
	`{"name":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/"}`,
	"{\"name\":\"bad \xff utf8\"}",
	`{"name":"lone \ud800 surrogate"}`,
	`{"counter":12345678901234567890}`,
	`{"counter":1.5}`,
	`{"counter":"3"}`,
	`{"on":"true"}`,
	`{"tags":["a",null,"c"]}`,
	`{"tags":"not a list"}`,
	`{"raw":{"a":[1,2]} ,"nested":{"k":1e400}}`,
	`[{"id":"1"},{"id":2},null,{"id":"3","n":"bad"}]`,
	`[]`,
	`null`,
	`"just a string"`,
	`12`,
	`{"code":"RBC103","data":[{"sid":"HX1"}],"status":"200","total":"3","limit":5,"offset":null}`,
	`{"error":{"code":1012,"message":"bad"},"success":false}`,
	`{"status":"error","statusCode":"429","message":"slow down"}`,
	`{"a":1,}`,
	`{"a":1`,
	`{"a":01}`,
	`{"a":1} trailing`,
	"{\"id\":\"bad \xff id\",\"n\":\"1\xff\"}",
	`{"id":"esc\u00e9\n","n":" 12 ","f":"-0.5e1"}`,
	`{"id":true}`, `{"id":{"x":1}}`, `{"id":[1]}`, `{"id":-0.0e+5}`,
	` {"name" : "spaces" } `,
	``,
}

func checkSameDecoding(t *testing.T, in []byte) {
	t.Helper()
	for _, target := range semanticsTargets() {
		want, got := target(), target()
		wantErr := json.Unmarshal(in, want)
		gotErr := unmarshalJSON(in, got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%T from %q: encoding/json error %v, unmarshalJSON error %v", want, in, wantErr, gotErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Errorf("%T from %q:\nencoding/json  %#v\nunmarshalJSON %#v", want, in, want, got)
		}
	}
	if json.Valid(in) != validJSON(in) {
		t.Errorf("Valid(%q): encoding/json %v, validJSON %v", in, json.Valid(in), validJSON(in))
	}
}

func TestDecoderKeepsEncodingJSONSemantics(t *testing.T) {
	for _, in := range semanticsCases {
		checkSameDecoding(t, []byte(in))
	}
}

// TestDecoderKeepsSemanticsOnFixtures runs every recorded vendor answer
// through both decoders.
func TestDecoderKeepsSemanticsOnFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("fixtures: %d files, %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkSameDecoding(t, b)
	}
}

func FuzzDecoderKeepsEncodingJSONSemantics(f *testing.F) {
	for _, in := range semanticsCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkSameDecoding(t, in)
	})
}

// TestItemListMatchesStagedDecode: a list read in the envelope's one pass
// (itemList) gives the items and item JSON that decoding the list field
// on its own and splitting it gives, for every list the semantics cases
// and the fixtures hold.
func TestItemListMatchesStagedDecode(t *testing.T) {
	var lists [][]byte
	for _, in := range semanticsCases {
		lists = append(lists, []byte(in))
	}
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(b, &top) == nil {
			for _, v := range top {
				lists = append(lists, v)
			}
		}
		lists = append(lists, b)
	}
	type item struct {
		ID   flexString `json:"id"`
		SID  string     `json:"sid"`
		Name string     `json:"name"`
		N    *flexInt   `json:"n"`
	}
	arrays := 0
	for _, list := range lists {
		body := []byte(`{"before":[1,{"x":"y"}], "data" :  ` + string(list) + ` ,"after":"z"}`)
		var env struct {
			Data itemList[item] `json:"data"`
		}
		env.Data.body = body
		fastErr := unmarshalJSON(body, &env)

		var want []item
		wantErr := unmarshalJSON(list, &want)
		if wantErr == nil && len(list) > 0 && list[0] == '[' {
			arrays++
			if fastErr != nil {
				t.Errorf("%s: one pass failed (%v) where the list decodes alone", list, fastErr)
				continue
			}
			if !reflect.DeepEqual(env.Data.items, want) {
				t.Errorf("%s: items %#v, want %#v", list, env.Data.items, want)
			}
			raws := splitArray(list)
			if len(raws) != len(env.Data.raws) {
				t.Errorf("%s: %d item JSONs, want %d", list, len(env.Data.raws), len(raws))
				continue
			}
			for i := range raws {
				if !bytes.Equal(raws[i], env.Data.raws[i]) {
					t.Errorf("%s: item %d JSON %s, want %s", list, i, env.Data.raws[i], raws[i])
				}
			}
		} else if fastErr == nil && !(string(list) == "null" && env.Data.items == nil) {
			t.Errorf("%s: one pass accepted what the list decode refuses (%v)", list, wantErr)
		}
	}
	if arrays < 15 {
		t.Fatalf("only %d lists exercised", arrays)
	}
}
