package jsonv

import (
	"cmp"
	"slices"
)

// Duplicates consumes the array at the iterator, as Skip would, and reports
// the first pair of indexes i < j whose elements are Equal: the smallest j
// that repeats an earlier element, with the smallest such i. This is what
// uniqueItems needs.
//
// Each element is hashed canonically while it is read and checked (numbers
// by value, strings unescaped, object members in any order, the last of
// duplicate keys winning), so that Equal elements hash alike. The hashes are
// sorted and only elements with equal hashes are compared with Equal. Cost:
// one pass over the array, O(n log n) for the sort of n hashes (and of each
// object's members), plus one Equal per candidate pair. An array whose
// elements are all distinct costs no Equal at all, and in a group of equal
// hashes the search stops at the first confirmed pair. Only unequal elements
// whose 64-bit hashes collide cost extra Equal calls (O(g²) for a group of g
// of them). The hashes are keyed with secrets drawn afresh in each process
// (wyhash's multiply-fold mixing: a hash-flooding defence, not a
// cryptographic MAC), so such collisions are left to chance and cannot be
// computed ahead of time from the source.
//
// The hashes, spans and sort order live in the Iter and are reused: after
// warm-up it allocates nothing, except what Equal may for confirming objects
// of more than 16 members and math/big for exponents of more than 18 digits. If the value is not an array it is skipped and false
// returned; after a syntax error it returns false and the error is recorded.
func (it *Iter) Duplicates() (i, j int, dup bool) {
	if it.Peek() != Array {
		it.Skip()
		return 0, 0, false
	}
	it.dupHash, it.dupSpan = it.dupHash[:0], it.dupSpan[:0]
	for ok := it.FirstElem(); ok; ok = it.NextElem() {
		it.skipSpace()
		start := it.pos
		h := it.hashValue()
		it.dupHash = append(it.dupHash, h)
		it.dupSpan = append(it.dupSpan, start, it.pos)
	}
	if it.failed || len(it.dupHash) < 2 {
		return 0, 0, false
	}
	order := it.dupOrder[:0]
	for k := range it.dupHash {
		order = append(order, k)
	}
	it.dupOrder = order
	hs := it.dupHash
	slices.SortFunc(order, func(x, y int) int {
		if c := cmp.Compare(hs[x], hs[y]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	i, j = -1, -1
	for r := 0; r < len(order); {
		end := r + 1
		for end < len(order) && hs[order[end]] == hs[order[r]] {
			end++
		}
	group:
		for q := r + 1; q < end; q++ {
			if j >= 0 && order[q] >= j {
				break
			}
			for p := r; p < q; p++ {
				if Equal(it.element(order[p]), it.element(order[q])) {
					i, j = order[p], order[q]
					break group
				}
			}
		}
		r = end
	}
	if j < 0 {
		return 0, 0, false
	}
	return i, j, true
}

func (it *Iter) element(k int) []byte {
	return it.buf[it.dupSpan[2*k]:it.dupSpan[2*k+1]]
}

// hashValue consumes the value at the iterator and returns its canonical
// hash. After a syntax error the result is meaningless.
func (it *Iter) hashValue() uint64 {
	switch it.Peek() {
	case Null:
		it.Null()
		return mix(tagNull, secret[4])
	case Bool:
		if it.Bool() {
			return mix(tagTrue, secret[4])
		}
		return mix(tagFalse, secret[4])
	case Number:
		var d decimal
		d.parse(it.Number())
		return d.hash()
	case String:
		h := newHasher(tagString)
		h.write(it.String())
		return h.sum()
	case Array:
		h, n := secret[5]^tagArray, uint64(0)
		for ok := it.FirstElem(); ok; ok = it.NextElem() {
			h = mix(h, it.hashValue())
			n++
		}
		return mix(h, n)
	case Object:
		base := len(it.members)
		for k := it.FirstKey(); k != nil; k = it.NextKey() {
			kh := newHasher(tagKey)
			kh.write(k)
			it.members = append(it.members, member{key: kh.sum(), ks: it.keyStart + 1, ke: it.keyEnd - 1})
			m := len(it.members) - 1
			v := it.hashValue()
			it.members[m].valueHash = v
		}
		ms := sortMembers(it.members[base:], it.buf)
		// Sum: the order of the members does not matter.
		var sum uint64
		for _, m := range ms {
			sum += mix(m.key, m.valueHash)
		}
		it.members = it.members[:base]
		return mix(sum^tagObject, uint64(len(ms)))
	}
	return 0
}

// hash is consistent with equal: equal decimals hash alike.
func (d *decimal) hash() uint64 {
	h := newHasher(tagNumber)
	h.write(d.hi)
	h.write(d.lo)
	s := h.sum()
	if d.neg {
		s = ^s
	}
	exp := d.exp
	if d.bigExp != nil {
		// The exact exponent may still be an int64 once exp is added;
		// only beyond ±2^62 is it hashed as "huge, of this sign".
		x := d.bigExponent()
		if x.IsInt64() && x.Int64() > -1<<62 && x.Int64() < 1<<62 {
			exp = x.Int64()
		} else {
			return mix(s, tagHugeExp^uint64(x.Sign()+1)<<8)
		}
	}
	return mix(s, uint64(exp))
}
