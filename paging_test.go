package multiaccount

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// mix is a fixed 64-bit mixer (splitmix64's finaliser): item hashes for
// tests that give the same answer every run.
func mix(i uint64) uint64 {
	i += 0x9e3779b97f4a7c15
	i = (i ^ i>>30) * 0xbf58476d1ce4e5b9
	i = (i ^ i>>27) * 0x94d049bb133111eb
	return i ^ i>>31
}

// walkProgress stops a walk at a cursor visited again, or at the second
// page in a row with no item not on the page before it (or, in a small
// walk, not seen before), and lets overlapping pages and one page of
// repeats through.
func TestWalkProgress(t *testing.T) {
	type page struct {
		items []uint64
		next  string
		want  bool
	}
	cases := []struct {
		name  string
		pages []page
	}{
		{"distinct pages", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{3, 4}, "3", true}, {[]uint64{5}, "4", true}}},
		{"the page before again, reordered", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{2, 1}, "3", true}, {[]uint64{1, 2}, "4", false}}},
		{"part of the page before", []page{{[]uint64{1, 2, 3}, "2", true}, {[]uint64{3, 1}, "3", true}, {[]uint64{1}, "4", false}}},
		{"one page of repeats between new ones", []page{{[]uint64{1}, "2", true}, {[]uint64{1}, "3", true}, {[]uint64{2}, "4", true}, {[]uint64{2}, "5", true}, {[]uint64{3}, "6", true}}},
		{"overlap with one new item", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{2, 3}, "3", true}, {[]uint64{3, 4}, "4", true}}},
		{"empty pages with a next cursor", []page{{[]uint64{1}, "2", true}, {nil, "3", true}, {nil, "4", false}}},
		{"the first cursor again", []page{{[]uint64{1}, "2", true}, {[]uint64{2}, "start", false}}},
		{"a cursor visited before", []page{{[]uint64{1}, "2", true}, {[]uint64{2}, "3", true}, {[]uint64{3}, "2", false}}},
		{"new mixes of old items", []page{{[]uint64{1}, "2", true}, {[]uint64{2}, "3", true}, {[]uint64{1, 2}, "4", true}, {[]uint64{2, 1}, "5", false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newWalkProgress("start")
			for i, pg := range tc.pages {
				for _, h := range pg.items {
					p.item(mix(h))
				}
				if got := p.page(pg.next); got != pg.want {
					t.Fatalf("page %d: progress = %v, want %v", i+1, got, pg.want)
				}
			}
		})
	}
}

// Servers that never repeat the page before but only ever serve the same
// items, few or many, stop the walk by the time it has yielded 1.5 times
// as many items as there are (plus 32 and a page); legitimate walks,
// overlapping pages included, run to their end.
func TestWalkProgressEndsEndlessRepeats(t *testing.T) {
	cases := []struct {
		name     string
		page     func(n int) []uint64 // page n's items, from 1
		distinct int                  // items the server has, 0: unbounded
		pages    int                  // the walk's length, when legitimate
	}{
		{"a cycle of two pages", func(n int) []uint64 { return []uint64{uint64(2 * (n % 2)), uint64(2*(n%2) + 1)} }, 4, 0},
		{"a cycle of 30 pages of 100", func(n int) []uint64 { return seq(uint64(n%30)*100, 100) }, 3000, 0},
		{"a cycle of 80 pages of 100 (past smallWalk)", func(n int) []uint64 { return seq(uint64(n%80)*100, 100) }, 8000, 0},
		{"mixes of 20,000 items, 100 a page", func(n int) []uint64 { return seq(mix(uint64(n))%19_900, 100) }, 20_000, 0},
		{"mixes of 16 items (page n: n's binary digits)", func(n int) []uint64 {
			var out []uint64
			for i := 0; i < 16; i++ {
				if n&(1<<i) != 0 {
					out = append(out, uint64(i))
				}
			}
			return out
		}, 16, 0},
		{"one new item and 99 repeats", func(n int) []uint64 {
			out := seq(0, 99)
			if n%2 == 0 {
				out = seq(1000, 99)
			}
			return append(out, uint64(1_000_000+n))
		}, 0, 0},
		{"10,000 distinct pages of 100", func(n int) []uint64 { return seq(uint64(n)*100, 100) }, 0, 10_000},
		{"pages of 100 overlapping by 10", func(n int) []uint64 { return seq(uint64(n)*90, 100) }, 0, 5_000},
		{"100,000 pages of 1", func(n int) []uint64 { return []uint64{uint64(n)} }, 0, 100_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newWalkProgress("0")
			items := 0
			limit := tc.pages
			if limit == 0 {
				limit = 100_000
			}
			for n := 1; n <= limit; n++ {
				pg := tc.page(n)
				items += len(pg)
				for _, h := range pg {
					p.item(mix(h))
				}
				if p.page(strconv.Itoa(n)) {
					continue
				}
				if tc.pages > 0 {
					t.Fatalf("a legitimate walk stopped at page %d (%d items)", n, items)
				}
				bound := 1.5*1.05*float64(tc.distinct) + 32 + float64(len(pg))
				if tc.distinct > 0 && float64(items) > bound {
					t.Errorf("stopped at page %d after %d items, want by %.0f (1.5 times the %d distinct, plus 32 and a page)", n, items, bound, tc.distinct)
				}
				return
			}
			if tc.pages == 0 {
				t.Fatalf("not stopped after %d pages (%d items)", limit, items)
			}
		})
	}
}

// seq is n item numbers from first.
func seq(first uint64, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = first + uint64(i)
	}
	return out
}

// distinctCount is within 5% of the truth (3 standard errors), and exact
// for a handful.
func TestDistinctCount(t *testing.T) {
	for _, n := range []int{0, 1, 2, 10, 100, 1_000, 10_000, 100_000, 1_000_000} {
		d := newDistinctCount()
		for rep := 0; rep < 3; rep++ { // repeats do not count
			for i := 0; i < n; i++ {
				d.add(mix(uint64(i)))
			}
			if n > 1000 {
				break
			}
		}
		got := d.estimate()
		if tol := max(0.05*float64(n), 0.5); math.Abs(got-float64(n)) > tol {
			t.Errorf("%d distinct: estimate %.1f, want within %.1f", n, got, tol)
		}
	}
}

// Past smallWalk distinct items, the page before again, twice, still ends
// the walk.
func TestWalkProgressPastSmallWalkSeesARepeat(t *testing.T) {
	p := newWalkProgress("0")
	n := 1
	for ; n <= 2*smallWalk/100; n++ {
		for _, h := range seq(uint64(n)*100, 100) {
			p.item(mix(h))
		}
		if !p.page(strconv.Itoa(n)) {
			t.Fatalf("page %d of distinct items: no progress", n)
		}
	}
	for i, want := range []bool{true, false} {
		for _, h := range seq(uint64(n-1)*100, 100) {
			p.item(mix(h))
		}
		if got := p.page(strconv.Itoa(n + i)); got != want {
			t.Errorf("page %d repeats page %d: progress = %v, want %v", n+i, n-1, got, want)
		}
	}
}

// A walk keeps one page of item hashes, however long it is.
func TestWalkProgressMemoryIsOnePage(t *testing.T) {
	p := newWalkProgress("")
	const pages, size = 2000, 100
	for n := 0; n < pages; n++ {
		for i := 0; i < size; i++ {
			p.item(mix(uint64(n*size + i)))
		}
		if !p.page(strconv.Itoa(n + 1)) {
			t.Fatalf("page %d of distinct items: no progress", n+1)
		}
	}
	if c := cap(p.prev) + cap(p.cur); c > 4*size {
		t.Errorf("item hashes held: capacity %d after %d items, want about two pages (%d)", c, pages*size, 2*size)
	}
	if p.small.n != smallWalk || len(p.small.slots) > 2*smallWalk {
		t.Errorf("exact set: %d hashes in %d slots after %d items, want %d in %d", p.small.n, len(p.small.slots), pages*size, smallWalk, 2*smallWalk)
	}
}

// A server that ignores the offset and answers each page with another mix
// of the same few sub-accounts (page n: those picked by n's binary digits,
// so no page repeats another and each has one the page before lacked)
// cannot keep All fetching: the walk ends at the second page in a row
// with no sub-account not seen before.
func TestAllEndsOnMixesOfTheSameItems(t *testing.T) {
	const pool = 16
	var hits atomic.Int64
	c := kaleyraListServer(t, func(int, int) ([]map[string]any, int) {
		n := hits.Add(1)
		data := []map[string]any{}
		for i := 0; i < pool; i++ {
			if n&(1<<i) != 0 {
				data = append(data, map[string]any{"sid": "SID" + strconv.Itoa(i), "account_name": "n" + strconv.Itoa(i), "status": "active"})
			}
		}
		return data, 1 << 40
	})
	n, err := drain(c.SubAccounts.All(context.Background(), nil))
	if !errors.Is(err, errNoProgress) {
		t.Fatalf("after %d requests and %d items err = %v, want stalled paging", hits.Load(), n, err)
	}
	// Pages 1 to 6: {0}, {1}, {0, 1}, {2}, {0, 2} and {1, 2}: the last two
	// bring nothing new.
	if hits.Load() != 6 || n != 7 {
		t.Errorf("%d requests, %d items yielded; want 6 requests and the first 5 pages' 7 items", hits.Load(), n)
	}
}

// paginate ends a walk that cycles through two pages at the second page
// in a row with nothing new.
func TestPaginateEndsACycle(t *testing.T) {
	c, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth("k")))
	if err != nil {
		t.Fatal(err)
	}
	fetches := 0
	pages := [][]*SubAccount{{{ID: "1"}, {ID: "2"}}, {{ID: "3"}, {ID: "4"}}}
	seq := paginate(c, "SubAccounts.All", "", subAccountKey, func(cursor string) ([]*SubAccount, string, error) {
		fetches++
		return pages[(fetches-1)%2], strconv.Itoa(fetches), nil
	})
	n, err := drain(seq)
	if !errors.Is(err, errNoProgress) {
		t.Fatalf("err = %v after %d items, want stalled paging", err, n)
	}
	// Pages 3 and 4 repeat 1 and 2.
	if n != 6 || fetches != 4 {
		t.Errorf("%d items from %d fetches, want 6 items from 4 fetches", n, fetches)
	}
}

// hashSet is a set: every hash once, whatever its order and however the
// table grew, at most half full.
func TestHashSet(t *testing.T) {
	var s hashSet
	const n = 5_000
	for i := 0; i < n; i++ {
		if !s.add(mix(uint64(i))) {
			t.Fatalf("hash of %d: already in the set", i)
		}
	}
	for i := n - 1; i >= 0; i-- {
		if s.add(mix(uint64(i))) {
			t.Fatalf("hash of %d: added twice", i)
		}
	}
	if s.n != n || 2*s.n > len(s.slots) || len(s.slots) > 4*n {
		t.Errorf("%d hashes in %d slots, want %d in at most %d", s.n, len(s.slots), n, 4*n)
	}
	// Hashes that share their low bits probe past each other; 0 is kept.
	var c hashSet
	for i := uint64(0); i <= 100; i++ {
		if !c.add(i << 40) {
			t.Fatalf("%#x: already in the set", i<<40)
		}
	}
	for i := uint64(0); i <= 100; i++ {
		if c.add(i << 40) {
			t.Fatalf("%#x: added twice", i<<40)
		}
	}
}

// kaleyraListServer is a Kaleyra server answering each list request with
// page(offset, limit) and the total it returns.
func kaleyraListServer(t *testing.T, page func(offset, limit int) ([]map[string]any, int)) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		data, total := page(off, lim)
		b, _ := json.Marshal(map[string]any{"code": "RBC103", "message": "ok", "data": data, "total": total})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Kaleyra(kSID), WithAuth(APIKeyAuth("k")), WithBaseURL(srv.URL), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A sub-account created while All reads pages of 1 shifts the list by
// one: the next page repeats the last, and the walk goes on to the end.
func TestAllGoesOnPastAnItemCreatedWhileReading(t *testing.T) {
	var mu sync.Mutex
	list := []string{"A", "B", "C", "D", "E"}
	requests := 0
	c := kaleyraListServer(t, func(off, lim int) ([]map[string]any, int) {
		mu.Lock()
		defer mu.Unlock()
		if requests++; requests == 3 {
			list = append([]string{"NEW"}, list...)
		}
		var out []map[string]any
		for i := off; i < off+lim && i < len(list); i++ {
			out = append(out, map[string]any{"sid": list[i], "account_name": list[i], "status": "active"})
		}
		return out, len(list)
	})
	var got []string
	for sa, err := range c.SubAccounts.All(context.Background(), &ListOptions{PageSize: 1}) {
		if err != nil {
			t.Fatalf("walk stopped after %v: %v", got, err)
		}
		got = append(got, sa.ID)
	}
	if want := "A B B C D E"; strings.Join(got, " ") != want {
		t.Errorf("sub-accounts = %v, want %s", got, want)
	}
}

// An item is known by its id: one served again with a field changed (a
// balance) is a repeat, and a server serving it forever stops the walk.
func TestAllKnowsAnItemByItsID(t *testing.T) {
	requests := 0
	c := kaleyraListServer(t, func(int, int) ([]map[string]any, int) {
		requests++
		return []map[string]any{{"sid": "SAME", "account_name": "same", "status": "active", "balance": 100 - float64(requests)/100}}, 1 << 40
	})
	n, err := drain(c.SubAccounts.All(context.Background(), nil))
	if !errors.Is(err, errNoProgress) || requests != 3 {
		t.Errorf("%d requests, %d items, err = %v; want stalled paging after 3 requests", requests, n, err)
	}
}

// Cursors are kept up to smallWalk, so that a long walk's memory does not
// grow with its pages.
func TestWalkProgressKeepsSmallWalkCursors(t *testing.T) {
	p := newWalkProgress("0")
	const pages = 3 * smallWalk
	for n := 1; n <= pages; n++ {
		p.item(mix(uint64(n)))
		if !p.page(strconv.Itoa(n) + strings.Repeat("x", 40)) {
			t.Fatalf("page %d: no progress", n)
		}
	}
	if p.cursors.n != smallWalk || len(p.cursors.slots) > 2*smallWalk {
		t.Errorf("cursors: %d in %d slots after %d pages, want %d in at most %d", p.cursors.n, len(p.cursors.slots), pages, smallWalk, 2*smallWalk)
	}
}

// Woodpecker v2's page walks know a company by its id too: one served
// again and again with a count that changes still stops the walk.
func TestWoodpeckerV2WalkKnowsACompanyByItsID(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := requests.Add(1)
		if n > 50 { // ends a walk that does not stop itself
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"content":[{"id":1,"name":"A","prospects_count":`+strconv.FormatInt(n, 10)+`}],"pagination_data":{"total_elements":99999999,"total_pages":99999999}}`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Woodpecker(InVersion(WoodpeckerV2)), WithBaseURL(srv.URL), WithAuth(APIKeyAuth("agencykey1")), withPrivateLimiters())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SubAccounts.Get(context.Background(), "2")
	if !errors.Is(err, errNoProgress) || requests.Load() != 3 {
		t.Errorf("%d requests, err = %v; want stalled paging after 3", requests.Load(), err)
	}
}
