package jsonv

// Evaluated records which members of one object (by ordinal: 0 for the first
// key read, 1 for the next, ...) or which items of one array (by index) some
// subschema has evaluated, for unevaluatedProperties and unevaluatedItems.
//
// The zero value is empty and ready. Ordinals below 64 live in a word and
// cost no allocation; higher ones grow a slice (kept across Reset). SetFrom
// is a watermark, not bits, so "every item from i on" costs nothing however
// long the array. Every method accepts a nil receiver: setting is then a
// no-op and Has reports false, so generated code can pass nil when nothing
// needs recording.
type Evaluated struct {
	low  uint64   // ordinals 0..63
	high []uint64 // ordinals 64.., 64 a word
	from int      // when > 0, every ordinal >= from-1 is set
}

// Set marks ordinal i. Negative ordinals are ignored.
func (e *Evaluated) Set(i int) {
	switch {
	case e == nil || i < 0:
	case i < 64:
		e.low |= 1 << uint(i)
	case e.from > 0 && i >= e.from-1:
	default:
		w := i/64 - 1
		for len(e.high) <= w {
			e.high = append(e.high, 0)
		}
		e.high[w] |= 1 << uint(i%64)
	}
}

// SetFrom marks every ordinal from i on (items after prefixItems).
func (e *Evaluated) SetFrom(i int) {
	if e == nil {
		return
	}
	if i < 0 {
		i = 0
	}
	if e.from == 0 || i+1 < e.from {
		e.from = i + 1
	}
}

// SetAll marks every ordinal.
func (e *Evaluated) SetAll() { e.SetFrom(0) }

// Has reports whether ordinal i is marked.
func (e *Evaluated) Has(i int) bool {
	switch {
	case e == nil || i < 0:
		return false
	case e.from > 0 && i >= e.from-1:
		return true
	case i < 64:
		return e.low&(1<<uint(i)) != 0
	}
	w := i/64 - 1
	return w < len(e.high) && e.high[w]&(1<<uint(i%64)) != 0
}

// Merge adds every ordinal o marks (the union); o may be nil.
func (e *Evaluated) Merge(o *Evaluated) {
	if e == nil || o == nil || e == o {
		return
	}
	e.low |= o.low
	for len(e.high) < len(o.high) {
		e.high = append(e.high, 0)
	}
	for w, bits := range o.high {
		e.high[w] |= bits
	}
	if o.from > 0 {
		e.SetFrom(o.from - 1)
	}
}

// Reset clears every mark, keeping the slice for reuse.
func (e *Evaluated) Reset() {
	if e == nil {
		return
	}
	e.low, e.high, e.from = 0, e.high[:0], 0
}
