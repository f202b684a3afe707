package multiaccount

import (
	"errors"
	"hash/maphash"
	"iter"
	"math"
	"math/bits"
	"slices"
)

// errNoProgress ends an iteration whose vendor returned a page that makes
// no progress.
var errNoProgress = errors.New("the vendor returned a page that makes no progress")

// failedSeq is an iteration that yields err and ends.
func failedSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// paginate turns a page fetcher into a lazy iterator. A page that makes no
// progress (walkProgress) ends the iteration with a *DecodeError instead
// of looping forever: at most two pages of repeats are fetched for a
// server that ignores the page or offset and claims a huge total. key
// identifies an item.
func paginate[T any](c *Client, op, cursor string, key func(*maphash.Hash, T), fetch func(cursor string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var h maphash.Hash
		p := newWalkProgress(cursor)
		for {
			items, next, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			if next != "" {
				for _, it := range items {
					h.Reset()
					key(&h, it)
					p.item(h.Sum64())
				}
				if !p.page(next) {
					yield(zero, &DecodeError{Operation: op, Provider: c.Provider(), Reason: "pagination stalled: the vendor repeated a page or a cursor", Err: errNoProgress})
					return
				}
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			cursor = next
		}
	}
}

// itemKey writes an item's identity for a page walk: its ids, the last
// naming it within the others, when it has one (a field that changes
// between answers, such as a balance, does not make it another item),
// else its JSON.
func itemKey(h *maphash.Hash, raw []byte, ids ...string) {
	if len(ids) == 0 || ids[len(ids)-1] == "" {
		h.WriteByte('r')
		h.Write(raw)
		return
	}
	h.WriteByte('i')
	for _, id := range ids {
		h.WriteString(id)
		h.WriteByte(0)
	}
}

// walkProgress tells whether each page of a walk makes progress, keeping
// at most one page of item hashes and 132 kB, however long the walk (a set
// of every item seen grows with it and, at a cache miss per item, cost
// All over 100,000 items about 15% of its time). The walk has made none
// when:
//   - a page names a next cursor asked for before (the first smallWalk
//     cursors are kept);
//   - two pages in a row bring nothing new: no item that was not on the
//     page before, nor, while the walk has seen at most smallWalk distinct
//     items (kept exactly), any not seen before. A server that ignores the
//     page or offset, or cycles through pages, or serves ever other mixes
//     of the same items, is stopped so; one page of repeats is let
//     through, as items added while a small page size is read give one;
//   - the walk has yielded more than 1.5 times as many items as it has
//     seen distinct ones, plus 32 (the same servers with more items, or
//     one that mixes a new item among old ones). Past smallWalk, the
//     distinct items are counted by a HyperLogLog estimate, within a few
//     percent.
//
// A vendor's paging repeats items only when items come or go while it is
// read; one that grows by a whole page before each of two reads in a row,
// or repeats a third of what it yields, cannot be told from a stalled one
// and is taken for one.
//
// Items and cursors are known by 64-bit hashes of a seed the server cannot
// know.
type walkProgress struct {
	prev, cur []uint64 // item hashes of the page before and of this one
	items     int      // items in the walk's pages, repeats included
	stale     int      // pages in a row that brought nothing new
	small     hashSet  // the first smallWalk distinct items
	distinct  distinctCount
	cursors   hashSet // the first smallWalk cursors asked for
}

// smallWalk is how many distinct items, and cursors, walkProgress keeps
// exactly (64 kB each).
const smallWalk = 4096

// walkSeed hashes what has no maphash.Hash of its own: cursors, and items
// known by their JSON.
var walkSeed = maphash.MakeSeed()

func newWalkProgress(cursor string) *walkProgress {
	p := &walkProgress{distinct: newDistinctCount()}
	p.cursors.add(maphash.String(walkSeed, cursor))
	return p
}

// item adds an item's hash to the current page.
func (p *walkProgress) item(hash uint64) {
	p.cur = append(p.cur, hash)
	p.distinct.add(hash)
}

// page ends the current page, whose next cursor is next, and reports
// whether the walk is making progress.
func (p *walkProgress) page(next string) bool {
	revisit := false
	if p.cursors.n < smallWalk {
		revisit = !p.cursors.add(maphash.String(walkSeed, next))
	}
	p.items += len(p.cur)
	slices.Sort(p.cur)
	freshToPrev, fresh := false, false
	j := 0
	for _, h := range p.cur {
		for j < len(p.prev) && p.prev[j] < h {
			j++
		}
		if j == len(p.prev) || p.prev[j] != h {
			freshToPrev = true
		}
		if p.small.n < smallWalk && p.small.add(h) {
			fresh = true
		}
	}
	p.prev, p.cur = p.cur, p.prev[:0]
	distinct := float64(p.small.n)
	if p.small.n >= smallWalk { // full: past it, the estimate decides
		distinct, fresh = p.distinct.estimate(), true
	}
	if freshToPrev && fresh {
		p.stale = 0
	} else {
		p.stale++
	}
	return !revisit && p.stale < 2 && float64(p.items) <= 1.5*distinct+32
}

// hashSet is a set of 64-bit hashes: open addressing with linear probing,
// at most half full.
type hashSet struct {
	slots []uint64 // 0 marks an empty slot; the hash 0 is kept as 1
	n     int
}

// add adds h and reports whether it was not in the set.
func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
	}
}

// grow doubles the slots (to 256 at first) and adds the hashes again.
func (s *hashSet) grow() {
	old := s.slots
	s.slots, s.n = make([]uint64, max(256, 2*len(old))), 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// distinctCount estimates how many distinct 64-bit hashes it was given:
// a HyperLogLog of 4,096 one-byte registers (a standard error of 1.6%),
// with linear counting for small counts, where it is near exact. Its sums
// are kept as registers change, so that an estimate costs no pass.
type distinctCount struct {
	reg   [distinctRegisters]uint8
	inv   float64 // the sum over the registers of 2^-register
	zeros int     // registers still 0
}

const distinctRegisters = 1 << 12

func newDistinctCount() distinctCount {
	return distinctCount{inv: distinctRegisters, zeros: distinctRegisters}
}

// add counts h: the top 12 bits pick a register, which keeps the most
// leading zeros (plus one) seen in the other bits.
func (d *distinctCount) add(h uint64) {
	r := &d.reg[h>>52]
	rank := uint8(bits.LeadingZeros64(h<<12|1<<11)) + 1
	if rank <= *r {
		return
	}
	if *r == 0 {
		d.zeros--
	}
	d.inv += math.Ldexp(1, -int(rank)) - math.Ldexp(1, -int(*r))
	*r = rank
}

// estimate is the number of distinct hashes added, estimated.
func (d *distinctCount) estimate() float64 {
	const m = distinctRegisters
	e := 0.7213 / (1 + 1.079/m) * m * m / d.inv
	if e <= 2.5*m && d.zeros > 0 {
		e = m * math.Log(float64(m)/float64(d.zeros))
	}
	return e
}
