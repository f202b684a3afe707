package multiaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
)

// Benchmarks for the SDK's own overhead per call (the pipeline with an
// in-memory transport) and its hot helpers. Compare runs with benchstat:
//
//	go test -run '^$' -bench . -benchmem -count 10 > new.txt
//	benchstat old.txt new.txt

// BenchmarkPipelineVoiceTelRegistration is the whole pipeline per call
// (request, limits, attempt transport, retries engine, authentication,
// bounded read, error check, decode, Raw redaction) on a minimal in-memory
// transport (/SDK), beside a hand-written net/http + encoding/json call on
// the same transport (/baseline: one POST with the key in the body and the
// header, io.ReadAll, one json.Unmarshal into a struct, no Raw), so that a
// ratio comes from one run.
func BenchmarkPipelineVoiceTelRegistration(b *testing.B) {
	body := fixture(b, "voicetel", "registration.json")
	ctx := context.Background()
	b.Run("SDK", func(b *testing.B) {
		c, err := NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL("https://bench.example.test"),
			WithHTTPClient(&http.Client{Transport: memTransport(body)}))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.Agency.SIPRegistration(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		hc := &http.Client{Transport: memTransport(body)}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			reqBody, err := json.Marshal(map[string]string{"apikey": "k"})
			if err != nil {
				b.Fatal(err)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://bench.example.test/v2.1/account/registration/", bytes.NewReader(reqBody))
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer k")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				StatusCode string `json:"statusCode"`
				Account    struct {
					URI   string `json:"uri"`
					Agent string `json:"agent"`
				} `json:"account"`
			}
			if err := json.Unmarshal(raw, &out); err != nil || out.StatusCode != "200" || out.Account.URI == "" {
				b.Fatal(err, out)
			}
		}
	})
}

// memTransport answers every request with 200 and body, allocating only
// the response (httpmock's matching allocates a dozen more per call).
type memTransport []byte

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(m)), ContentLength: int64(len(m)), Request: req}, nil
}

// BenchmarkPipelineHTTPMock is the pipeline on httpmock's transport, as
// measured before issue 13 (its own matching is in the figure).
func BenchmarkPipelineHTTPMock(b *testing.B) {
	mt := httpmock.NewMockTransport()
	body := fixture(b, "voicetel", "registration.json")
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		return httpmock.NewBytesResponse(200, body), nil
	})
	c, err := NewClient(VoiceTel(), WithAuth(Bearer("k")), WithBaseURL("https://bench.example.test"),
		WithHTTPClient(&http.Client{Transport: mt}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := c.Agency.SIPRegistration(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedactJSON(b *testing.B) {
	raw := fixture(b, "voicetel", "add.json")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = redactJSON(raw, nil, voiceTelRedact...)
	}
}

func BenchmarkRedactJSONNothingToRedact(b *testing.B) {
	raw := fixture(b, "voicetel", "info.json")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = redactJSON(raw, nil, voiceTelRedact...)
	}
}

// woodpeckerStatuses20k is a full chunk's answer: 20,000 per-prospect
// statuses, one in a thousand refused.
func woodpeckerStatuses20k() ([]Prospect, []byte) {
	ps := make([]Prospect, woodpeckerProspectsPerRequest)
	var b bytes.Buffer
	b.WriteString(`{"status":{"status":"OK","code":"OK"},"prospects":[`)
	for i := range ps {
		ps[i].Email = fmt.Sprintf("p%d@example.com", i)
		if i > 0 {
			b.WriteByte(',')
		}
		if i%1000 == 7 {
			fmt.Fprintf(&b, `{"email":%q,"status":"ERROR","code":"E_EMAIL","msg":"Invalid e-mail"}`, ps[i].Email)
		} else {
			fmt.Fprintf(&b, `{"id":%d,"email":%q,"status":"OK"}`, i, ps[i].Email)
		}
	}
	b.WriteString(`]}`)
	return ps, b.Bytes()
}

// BenchmarkWoodpeckerRefusedProspects reads a chunk's statuses and matches
// the refusals to the caller's prospects.
func BenchmarkWoodpeckerRefusedProspects(b *testing.B) {
	ps, body := woodpeckerStatuses20k()
	resp := &response{status: 200, body: body}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := (woodpecker{}).refusedProspects("Agency.AddProspects", resp, ps, 0, len(ps)); err != nil || len(r) != 20 {
			b.Fatal(len(r), err)
		}
	}
}

// BenchmarkWoodpeckerRefusedProspectsBaseline is the hand-written floor:
// one plain decode of the same answer into a slice of structs.
func BenchmarkWoodpeckerRefusedProspectsBaseline(b *testing.B) {
	_, body := woodpeckerStatuses20k()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out struct {
			Prospects []struct{ Email, Status, Code, Msg string }
		}
		if err := json.Unmarshal(body, &out); err != nil || len(out.Prospects) != woodpeckerProspectsPerRequest {
			b.Fatal(err)
		}
	}
}

// BenchmarkResponseCheck: a success's check, from the members the scan
// picks (vendorError) beside parseError's decode of the whole body, on a
// page of 100 CallTrackingMetrics accounts.
func BenchmarkResponseCheck(b *testing.B) {
	body := ctmAccountsPage(100)
	v := callTrackingMetrics{}
	b.Run("picked", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if vendorError(v, 200, body) != nil {
				b.Fatal("a failure")
			}
		}
	})
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if v.parseError(200, body) != nil {
				b.Fatal("a failure")
			}
		}
	})
}
