package multiaccount

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// Benchmarks for the SDK's own overhead per call (the pipeline with an
// in-memory transport) and its hot helpers. Compare runs with benchstat:
//
//	go test -run '^$' -bench . -benchmem -count 10 > new.txt
//	benchstat old.txt new.txt

func BenchmarkPipelineVoiceTelRegistration(b *testing.B) {
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
	b.ResetTimer()
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
		_ = redactJSON(raw, voiceTelRedact...)
	}
}

func BenchmarkRedactJSONNothingToRedact(b *testing.B) {
	raw := fixture(b, "voicetel", "info.json")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = redactJSON(raw, voiceTelRedact...)
	}
}

func BenchmarkSlidingWindowReserve(b *testing.B) {
	w := &slidingWindow{lim: windowLimit{n: 6, per: time.Hour}}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Ten minutes apart: every reservation succeeds and evicts one.
		now = now.Add(10 * time.Minute)
		if _, _, ok := w.reserve(now, 0); !ok {
			b.Fatal("refused")
		}
	}
}
