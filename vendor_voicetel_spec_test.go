package multiaccount

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// VoiceTel publishes its OpenAPI document; a copy sits in the project's
// shared/specs. These tests check every request the SDK sends, and every
// fixture it decodes, against the document's schemas: required fields,
// JSON types and unknown fields.

type oaSchema struct {
	Ref        string               `json:"$ref"`
	Type       string               `json:"type"`
	Required   []string             `json:"required"`
	Properties map[string]*oaSchema `json:"properties"`
	Items      *oaSchema            `json:"items"`
	Enum       []any                `json:"enum"`
}

type oaDoc struct {
	Paths map[string]map[string]struct {
		RequestBody *struct {
			Content map[string]struct{ Schema *oaSchema } `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]struct{ Schema *oaSchema } `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*oaSchema `json:"schemas"`
	} `json:"components"`
}

func loadVoiceTelSpec(t *testing.T) *oaDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "shared", "specs", "voicetel", "account-v2.1.6.json"))
	if err != nil {
		t.Skipf("VoiceTel OpenAPI document not beside the checkout: %v", err)
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
	switch s.Type {
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
			} else if len(s.Properties) > 0 && where == "request" {
				errs = append(errs, where+"."+k+": not in the schema")
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{where + ": want an array"}
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
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s: want a string, got %v", where, v))
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
