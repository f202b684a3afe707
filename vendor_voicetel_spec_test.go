package multiaccount

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// VoiceTel publishes its OpenAPI documents; copies sit in the project's
// shared/specs. These tests check every request the SDK sends, and every
// fixture it decodes, against the document's schemas: required fields,
// JSON types (OpenAPI 3.1 type lists and null included), enums, patterns,
// formats, array bounds and unknown fields; for v2.2 also methods, query
// parameters, security and statuses (vendor_voicetel22_spec_test.go).

type oaSchema struct {
	Ref        string               `json:"$ref"`
	Type       oaType               `json:"type"`
	Required   []string             `json:"required"`
	Properties map[string]*oaSchema `json:"properties"`
	Items      *oaSchema            `json:"items"`
	Enum       []any                `json:"enum"`
	OneOf      []*oaSchema          `json:"oneOf"`
	Pattern    string               `json:"pattern"`
	Format     string               `json:"format"`
	MinItems   *int                 `json:"minItems"`
	MaxItems   *int                 `json:"maxItems"`
	MinLength  *int                 `json:"minLength"`
	MaxLength  *int                 `json:"maxLength"`
}

// oaType is a schema's type: one name (OpenAPI 3.0) or a list of them
// (3.1, e.g. ["string","null"]).
type oaType []string

func (t *oaType) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = oaType{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("type is neither a name nor a list of names: %s", b)
	}
	*t = many
	return nil
}

// oaOperation is one method of a path.
type oaOperation struct {
	Parameters []struct {
		Name     string    `json:"name"`
		In       string    `json:"in"`
		Required bool      `json:"required"`
		Schema   *oaSchema `json:"schema"`
	} `json:"parameters"`
	// Security nil inherits the document's; an empty list means none.
	Security    *[]map[string][]string `json:"security"`
	RequestBody *struct {
		Required bool                                  `json:"required"`
		Content  map[string]struct{ Schema *oaSchema } `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct{ Schema *oaSchema } `json:"content"`
	} `json:"responses"`
}

type oaDoc struct {
	Paths      map[string]map[string]oaOperation `json:"paths"`
	Components struct {
		Schemas map[string]*oaSchema `json:"schemas"`
	} `json:"components"`
	// strict also refuses unknown fields below a request's top level and
	// in answers: a fixture then holds only what the document describes.
	strict bool
}

func loadVoiceTelSpec(t *testing.T) *oaDoc {
	return loadOpenAPI(t, "account-v2.1.6.json")
}

// loadOpenAPI reads one of VoiceTel's documents from shared/specs beside
// the checkout, or beside any directory above it (a worktree sits deeper
// than the main checkout), skipping the test without it.
func loadOpenAPI(t *testing.T, name string) *oaDoc {
	t.Helper()
	d := loadOpenAPIOrNil(t, name)
	if d == nil {
		t.Skipf("VoiceTel OpenAPI document %s not beside the checkout or above it", name)
	}
	return d
}

// loadOpenAPIOrNil is loadOpenAPI returning nil without the document.
func loadOpenAPIOrNil(t *testing.T, name string) *oaDoc {
	t.Helper()
	var b []byte
	err := os.ErrNotExist
	for dir, _ := filepath.Abs(".."); err != nil; dir = filepath.Dir(dir) {
		b, err = os.ReadFile(filepath.Join(dir, "shared", "specs", "voicetel", name))
		if dir == filepath.Dir(dir) {
			break
		}
	}
	if err != nil {
		return nil
	}
	var d oaDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func (d *oaDoc) resolve(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// validate reports where v does not match s.
func (d *oaDoc) validate(where string, s *oaSchema, v any) []string {
	s = d.resolve(s)
	if s == nil {
		return nil
	}
	var errs []string
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			found = found || fmt.Sprint(e) == fmt.Sprint(v)
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", where, v, s.Enum))
		}
	}
	if len(s.OneOf) > 0 {
		matches := 0
		for _, alt := range s.OneOf {
			if len(d.validate(where, alt, v)) == 0 {
				matches++
			}
		}
		if matches != 1 {
			errs = append(errs, fmt.Sprintf("%s: matches %d of oneOf's schemas, want 1", where, matches))
		}
	}
	if len(s.Type) == 0 {
		return errs
	}
	// A value of any listed type is valid; report against the first.
	var first []string
	for i, typ := range s.Type {
		e := d.validateType(where, typ, s, v)
		if len(e) == 0 {
			return errs
		}
		if i == 0 {
			first = e
		}
	}
	return append(errs, first...)
}

// validateType reports where v is not a valid typ under s.
func (d *oaDoc) validateType(where, typ string, s *oaSchema, v any) []string {
	var errs []string
	switch typ {
	case "null":
		if v != nil {
			errs = append(errs, where+": want null")
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return []string{where + ": want an object"}
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				errs = append(errs, where+"."+r+": required")
			}
		}
		for k, x := range m {
			if p, ok := s.Properties[k]; ok {
				errs = append(errs, d.validate(where+"."+k, p, x)...)
			} else if len(s.Properties) > 0 && (where == "request" || d.strict) {
				errs = append(errs, where+"."+k+": not in the schema")
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{where + ": want an array"}
		}
		if (s.MinItems != nil && len(a) < *s.MinItems) || (s.MaxItems != nil && len(a) > *s.MaxItems) {
			errs = append(errs, fmt.Sprintf("%s: %d items, outside the schema's bounds", where, len(a)))
		}
		for i, x := range a {
			errs = append(errs, d.validate(fmt.Sprintf("%s[%d]", where, i), s.Items, x)...)
		}
	case "integer":
		if n, ok := v.(json.Number); !ok || strings.ContainsAny(n.String(), ".eE") {
			errs = append(errs, fmt.Sprintf("%s: want an integer, got %v", where, v))
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			errs = append(errs, fmt.Sprintf("%s: want a number, got %v", where, v))
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: want a string, got %v", where, v))
			break
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", where, str, s.Pattern))
		}
		if s.Format == "date-time" {
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", where, str))
			}
		}
		if n := utf8.RuneCountInString(str); (s.MinLength != nil && n < *s.MinLength) || (s.MaxLength != nil && n > *s.MaxLength) {
			errs = append(errs, fmt.Sprintf("%s: length %d outside the schema's bounds", where, n))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: want a boolean, got %v", where, v))
		}
	}
	return errs
}

func TestVoiceTelRequestsMatchTheOpenAPIDocument(t *testing.T) {
	spec := loadVoiceTelSpec(t)
	c, mt := voiceTelClient(t, WithClock(newFakeClock()))
	ctx := context.Background()
	calls := map[string]func(){
		"add":    func() { _ = createAcme(c) },
		"apikey": func() { _, _ = c.Keys.Exchange(ctx, "1234567890", "abc1234567") },
		"cdr": func() {
			_, _ = collectCalls(ctx, c, &CallQuery{Start: time.Unix(1699913600, 0), End: time.Unix(1700000000, 0)})
		},
		"info":         func() { _, _ = c.Agency.Account(ctx) },
		"mrc":          func() { _, _ = c.Records.RecurringCharges(ctx) },
		"recover":      func() { _ = c.Agency.Recover(ctx, "john@example.com") },
		"registration": func() { _, _ = c.Agency.SIPRegistration(ctx) },
		"signup":       func() { _, _ = c.Agency.Signup(ctx, &Signup{Name: "John", Email: "john@example.com", Promo: "P"}) },
	}
	for op, call := range calls {
		path := "/v2.1/account/" + op + "/"
		pathItem, ok := spec.Paths[path]["post"]
		if !ok || pathItem.RequestBody == nil {
			t.Errorf("%s: not a POST with a body in the document", path)
			continue
		}
		rec := respond(t, c, mt, "POST", strings.TrimPrefix(path, "/"), 200, fixture(t, "voicetel", op+".json"))
		call()
		for _, e := range spec.validate("request", pathItem.RequestBody.Content["application/json"].Schema, jsonAny(t, rec.last(t).Body)) {
			t.Errorf("%s: %s", path, e)
		}
		// The fixture the SDK decodes matches the documented 200 answer.
		for _, e := range spec.validate("response", pathItem.Responses["200"].Content["application/json"].Schema, jsonAny(t, fixture(t, "voicetel", op+".json"))) {
			t.Errorf("%s fixture: %s", path, e)
		}
	}
	// The check itself can fail: a body with the username as a string and
	// no email breaks the add/ schema twice.
	bad := spec.validate("request", spec.Paths["/v2.1/account/add/"]["post"].RequestBody.Content["application/json"].Schema,
		jsonAny(t, []byte(`{"name":"A","username":"4592086960","apikey":"k"}`)))
	if len(bad) != 2 {
		t.Errorf("validator found %v in a body with two faults", bad)
	}
	// Error fixtures match the error schema.
	errSchema := &oaSchema{Ref: "#/components/schemas/errorResponse"}
	for _, name := range []string{"error_400.json", "error_401.json", "error_404.json", "error_409.json", "error_429.json"} {
		for _, e := range spec.validate("error", errSchema, jsonAny(t, fixture(t, "voicetel", name))) {
			t.Errorf("%s: %s", name, e)
		}
	}
}

func jsonAny(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return v
}
