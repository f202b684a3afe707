package multiaccount

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// errorParsers are the five vendors' response checks.
var errorParsers = []vendor{voiceTel{}, kaleyra{}, serwerSMS{}, callTrackingMetrics{}, woodpecker{}}

// pickedBodies are answers whose members the scan must pick as the
// decoder reads them: names in other cases, escaped or folded to ASCII
// by the decoder, duplicates (the last one wins), failures after a long
// list, nested members of the same names, and bodies that are not
// objects or not JSON.
var pickedBodies = []string{
	`{"data":[{"status":500,"error":"x"}],"status":200,"code":"RBC103"}`,
	`{"data":[],"STATUS":500,"code":"RBC2348","message":"m","error":{"e":"d"}}`,
	`{"data":[],"st\u0061tus":500,"code":"x"}`,
	`{"data":[],"ſtatus":500}`,
	`{"status":500,"status":200}`,
	`{"status":200,"status":500}`,
	`{"success":true,"items":[{"success":false}],"Success":false}`,
	`{"error":{"code":1011,"type":"t","message":"m"}}`,
	`{"items":[{"id":1010,"error":{"code":1010}}],"success":true}`,
	`{"items":[{"id":1010}],"ERROR":{"code":"1010"}}`,
	`{"items":[],"error":{"code":1010},"error":null}`,
	`{"Error":null,"success":false}`,
	`{"statusCode":"429","status":"error","message":"slow down"}`,
	`{"cdr":[{"key":["1","2"]}],"statusCode":"200","status":"Success","Error":{"code":"500"}}`,
	`{"status":{"status":"ERROR","code":"E_TOO_MANY_REQUESTS","msg":"busy"}}`,
	`{"error":"E_INVALID","title":"t","detail":"d"}`,
	`{"accounts":[{"id":1}],"status":"error","reason":"r"}`,
	` { "status" : 500 , "code" : "x" } `,
	`{"data":"\"status\":500","x":"\\","status":200}`,
	`[{"status":500}]`,
	` [{"status":{"status":"ERROR","code":"E_X"}}]`,
	`[{"code":"RBC422"}`,
	`[`,
	`null`,
	`"status"`,
	`{"status":500`,
	`{"status" 500}`,
	`{"a":1,}`,
	`{"status":500}trailing`,
	`{"status":5xx0}`,
	``,
	`{`,
	`{"`,
	`{"status":"`,
}

// TestVendorErrorIsParseError: the check from picked members gives what
// parseError of the whole body gives, for every vendor, status and
// recorded answer.
func TestVendorErrorIsParseError(t *testing.T) {
	bodies := slices.Clone(pickedBodies)
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if d.Name() == "fuzz" || strings.HasPrefix(path, filepath.Join("testdata", "fuzz")) {
			return nil
		}
		b, err := os.ReadFile(path)
		bodies = append(bodies, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) < len(pickedBodies)+50 {
		t.Fatalf("only %d bodies: the recorded answers are missing", len(bodies))
	}
	for _, b := range bodies {
		for _, status := range []int{200, 201, 400, 401, 404, 429, 500} {
			checkVendorError(t, status, []byte(b))
		}
	}
}

func checkVendorError(t *testing.T, status int, body []byte) {
	t.Helper()
	for _, v := range errorParsers {
		if got, want := vendorError(v, status, body), v.parseError(status, body); !reflect.DeepEqual(got, want) {
			t.Errorf("%T, HTTP %d, %q:\n got %+v\nwant %+v", v, status, body, got, want)
		}
	}
	// SerwerSMS's retry check reads the same failure, once: what a
	// decode of its error object says.
	var env serwerSMSError
	want := bytes.Contains(body, []byte("1010")) && json.Unmarshal(body, &env) == nil && env.Error != nil && env.Error.Code == "1010"
	st := &callState{c: &Client{v: serwerSMS{}}}
	if got := serwerSMSUnavailable(st, status, body); got != want {
		t.Errorf("serwerSMSUnavailable(%q) = %v, want %v", body, got, want)
	}
	if want && st.vendorError(status, body) != st.checkedErr {
		t.Errorf("%q: the failure was read again for the response check", body)
	}
}

// FuzzVendorErrorIsParseError is TestVendorErrorIsParseError on any body.
func FuzzVendorErrorIsParseError(f *testing.F) {
	for _, b := range pickedBodies {
		f.Add(200, []byte(b))
		f.Add(400, []byte(b))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		checkVendorError(t, status, body)
	})
}

// The names picked are the envelope's, embedded structs' included.
func TestErrorMembersOf(t *testing.T) {
	type inner struct {
		Code string `json:"code"`
	}
	type env struct {
		inner
		Status  int `json:"status,omitempty"`
		Message string
		Skipped string `json:"-"`
		hidden  string
	}
	_ = env{}.hidden
	if got, want := errorMembersOf[env](), []string{"code", "status", "Message"}; !slices.Equal(got, want) {
		t.Errorf("errorMembersOf = %q, want %q", got, want)
	}
	if got, want := kaleyraErrorMembers, []string{"code", "message", "error", "status"}; !slices.Equal(got, want) {
		t.Errorf("Kaleyra's error members = %q, want %q", got, want)
	}
}
