package multiaccount

import (
	"errors"
	"hash/maphash"
	"strconv"
	"testing"
)

// walkProgress sees a page repeated (in any order), a cycle of pages and
// a cursor visited again, and lets overlapping pages through.
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
		{"the page before again, reordered", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{2, 1}, "3", false}}},
		{"a page of the page before's items, one twice", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{2, 2, 1}, "3", false}}},
		{"overlap with one new item", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{2, 3}, "3", true}, {[]uint64{3, 4}, "4", true}}},
		{"a cycle of two pages", []page{{[]uint64{1, 2}, "2", true}, {[]uint64{3, 4}, "3", true}, {[]uint64{2, 1}, "4", false}}},
		{"an empty page with a next cursor", []page{{[]uint64{1}, "2", true}, {nil, "3", false}}},
		{"part of the page before", []page{{[]uint64{1, 2, 3}, "2", true}, {[]uint64{3, 1}, "3", false}}},
		{"the first cursor again", []page{{[]uint64{1}, "2", true}, {[]uint64{2}, "start", false}}},
		{"a cursor visited before", []page{{[]uint64{1}, "2", true}, {[]uint64{2}, "3", true}, {[]uint64{3}, "2", false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newWalkProgress("start")
			for i, pg := range tc.pages {
				for _, h := range pg.items {
					p.item(h)
				}
				if got := p.page(pg.next); got != pg.want {
					t.Fatalf("page %d: progress = %v, want %v", i+1, got, pg.want)
				}
			}
		})
	}
}

// A long walk keeps one page of item hashes, not every item seen.
func TestWalkProgressMemoryIsOnePage(t *testing.T) {
	p := newWalkProgress("")
	const pages, size = 2000, 100
	for n := 0; n < pages; n++ {
		for i := 0; i < size; i++ {
			p.item(maphash.Comparable(seed, n*size+i))
		}
		if !p.page(strconv.Itoa(n + 1)) {
			t.Fatalf("page %d of distinct items: no progress", n+1)
		}
	}
	if c := cap(p.prev) + cap(p.cur); c > 4*size {
		t.Errorf("item hashes held: capacity %d after %d items, want about two pages (%d)", c, pages*size, 2*size)
	}
	if len(p.pages) != pages {
		t.Errorf("%d page fingerprints, want one per page (%d)", len(p.pages), pages)
	}
}

var seed = maphash.MakeSeed()

// paginate ends a walk that cycles through two pages, after one cycle.
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
	if n != 4 || fetches != 3 {
		t.Errorf("%d items from %d fetches, want the cycle's 4 items and one page of repeats (3 fetches)", n, fetches)
	}
}
