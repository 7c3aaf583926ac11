package pattern

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
)

// dfa is a deterministic automaton for one pattern over ASCII input, built
// once at start-up from the RE2 program by subset construction. Checking a
// string is then a table lookup per byte instead of regexp's simulation;
// input with a byte from 0x80 up goes to regexp, which knows UTF-8. A
// pattern the construction does not cover (word boundaries, multi-line
// anchors) or whose automaton grows past maxStates keeps regexp alone.
type dfa struct {
	// class maps a byte to its equivalence class: bytes no instruction
	// tells apart. Bytes from 0x80 up have a class of their own, which
	// leads to dead.
	class [256]uint8
	// next is the transition table. A state is the offset of its row, its
	// number times the row length, so a step is one addition and one
	// load: next[state+class] is the next state.
	next  []uint32
	endOK []bool // by state: the state matches when the input ends there
	// loop holds, for each state that has one, the set of ASCII bytes
	// that lead from the state back to itself ([a-z] in [a-z]+), as a
	// 256-bit mask; loopOf gives a state's set by its offset, 0 (the empty
	// set) for the others. match reads a run of such bytes against the
	// set instead of the table: table steps depend on each other, one
	// load after another, while set tests do not.
	loop     [][4]uint64
	loopOf   []uint16
	start    uint32
	accepted uint32 // the state accepted (dead's is 0)
	empty    bool   // the empty input matches: it is at once the beginning and the end
}

// table is the automaton as buildDFA constructs it, with states numbered
// from 0 and ASCII classes only; compile lays it out for match.
type table struct {
	class [128]uint8 // byte → equivalence class: bytes no instruction tells apart
	k     int        // number of classes
	next  []uint16   // state*k + class → state
	endOK []bool     // the state matches when the input ends there
	start uint16
	empty bool // the empty input matches: it is at once the beginning and the end
}

// compile lays t out for match: one more class for the bytes from 0x80 up,
// and states as row offsets.
func (t *table) compile() *dfa {
	stride := t.k + 1 // at most 129, and states at most maxStates: offsets fit
	states := len(t.endOK)
	d := &dfa{
		next:     make([]uint32, states*stride),
		endOK:    make([]bool, states*stride),
		start:    uint32(int(t.start) * stride),
		accepted: uint32(accepted * stride),
		empty:    t.empty,
	}
	for c := range d.class {
		d.class[c] = uint8(t.k)
		if c < len(t.class) {
			d.class[c] = t.class[c]
		}
	}
	d.loop = make([][4]uint64, 1, 8) // loop[0] is the empty set
	d.loopOf = make([]uint16, states*stride)
	for s := range states {
		d.endOK[s*stride] = t.endOK[s]
		for c := range t.k {
			d.next[s*stride+c] = uint32(int(t.next[s*t.k+c]) * stride)
		}
		d.next[s*stride+t.k] = dead // non-ASCII: match reads it as a refusal
		if s == dead || s == accepted {
			continue // match never reads on from them
		}
		var set [4]uint64
		for c := range t.class {
			if int(t.next[s*t.k+int(t.class[c])]) == s {
				set[c>>6] |= 1 << (c & 63)
			}
		}
		if set != ([4]uint64{}) {
			d.loopOf[s*stride] = uint16(len(d.loop))
			d.loop = append(d.loop, set)
		}
	}
	return d
}

const (
	maxStates = 512
	dead      = 0 // no match can start or continue: never left
	accepted  = 1 // a match was found: the search is over
)

// match reports whether b contains a match, and ok=false when b has a
// non-ASCII byte the automaton does not read.
func (d *dfa) match(b []byte) (matched, ok bool) {
	if len(b) == 0 {
		return d.empty, true
	}
	s := d.start
	if s == d.accepted {
		return true, true
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		n := d.next[s+uint32(d.class[c])]
		if n <= d.accepted { // dead or accepted: the search is over
			if n == dead && c >= 0x80 {
				return false, false // the automaton does not read it
			}
			return n == d.accepted, true
		}
		if n == s {
			// A byte that loops most often starts a run that does.
			set := &d.loop[d.loopOf[s]]
			for i+1 < len(b) && set[b[i+1]>>6]&(1<<(b[i+1]&63)) != 0 {
				i++
			}
		}
		s = n
	}
	return d.endOK[s], true
}

// buildDFA returns the automaton of expr (Go syntax, unanchored search, as
// regexp.Compile reads it), or nil.
func buildDFA(expr string) *dfa {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	for i := range prog.Inst {
		in := &prog.Inst[i]
		if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
			return nil
		}
	}
	b := &builder{prog: prog, index: map[string]uint16{}}
	b.classes()
	d := &b.t
	// States 0 and 1 are dead and accepted; both loop on every class.
	for range 2 {
		b.sets = append(b.sets, nil)
		d.endOK = append(d.endOK, false)
		for range d.k {
			d.next = append(d.next, uint16(len(b.sets)-1))
		}
	}
	d.endOK[accepted] = true
	first, ok := b.state(b.closure(nil, []uint32{uint32(prog.Start)}, true, false))
	if !ok {
		return nil
	}
	d.start = first
	d.empty = regexp.MustCompile(expr).MatchString("")
	for s := 2; s < len(b.sets); s++ {
		for c := 0; c < d.k; c++ {
			var moved []uint32
			for _, pc := range b.sets[s] {
				in := &prog.Inst[pc]
				if isRune(in.Op) && in.MatchRune(rune(b.rep[c])) {
					moved = append(moved, in.Out)
				}
			}
			// A match may also start at the next position: the search is
			// unanchored.
			moved = append(moved, uint32(prog.Start))
			t, ok := b.state(b.closure(nil, moved, false, false))
			if !ok {
				return nil
			}
			d.next[s*d.k+c] = t
		}
	}
	return d.compile()
}

type builder struct {
	prog  *syntax.Prog
	t     table
	rep   []byte     // a byte of each class
	sets  [][]uint32 // the instructions each state stands for
	index map[string]uint16
}

func isRune(op syntax.InstOp) bool {
	return op == syntax.InstRune || op == syntax.InstRune1 || op == syntax.InstRuneAny || op == syntax.InstRuneAnyNotNL
}

// classes groups the ASCII bytes that every rune instruction treats alike.
func (b *builder) classes() {
	byKey := map[string]uint8{}
	for c := 0; c < 128; c++ {
		var key strings.Builder
		for i := range b.prog.Inst {
			in := &b.prog.Inst[i]
			if isRune(in.Op) {
				if in.MatchRune(rune(c)) {
					key.WriteByte('1')
				} else {
					key.WriteByte('0')
				}
			}
		}
		id, ok := byKey[key.String()]
		if !ok {
			id = uint8(len(b.rep))
			byKey[key.String()] = id
			b.rep = append(b.rep, byte(c))
		}
		b.t.class[c] = id
	}
	b.t.k = len(b.rep)
}

// closure follows the instructions that consume nothing from pcs. A
// begin-of-text assertion holds only when atBegin; an end-of-text one holds
// when atEnd, and is otherwise kept in the set unresolved (the end is not
// known yet). It returns nil for a set that holds a match: the search is
// over.
func (b *builder) closure(out []uint32, pcs []uint32, atBegin, atEnd bool) []uint32 {
	seen := map[uint32]bool{}
	stack := append([]uint32(nil), pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			return nil
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			switch syntax.EmptyOp(in.Arg) {
			case syntax.EmptyBeginText:
				if atBegin {
					stack = append(stack, in.Out)
				}
			case syntax.EmptyEndText:
				if atEnd {
					stack = append(stack, in.Out)
				} else {
					out = append(out, pc)
				}
			}
		case syntax.InstFail:
		default: // a rune instruction waits for the next byte
			out = append(out, pc)
		}
	}
	if out == nil {
		out = []uint32{} // no match possible from here: the dead state
	}
	return out
}

// state returns the number of the state standing for set, adding it; nil
// stands for accepted, an empty set for dead.
func (b *builder) state(set []uint32) (uint16, bool) {
	switch {
	case set == nil:
		return accepted, true
	case len(set) == 0:
		return dead, true
	}
	sort.Slice(set, func(i, j int) bool { return set[i] < set[j] })
	var key strings.Builder
	for i, pc := range set {
		if i > 0 && pc == set[i-1] {
			continue
		}
		key.WriteString(strconv.FormatUint(uint64(pc), 36))
		key.WriteByte(',')
	}
	if s, ok := b.index[key.String()]; ok {
		return s, true
	}
	if len(b.sets) >= maxStates {
		return 0, false
	}
	s := uint16(len(b.sets))
	b.index[key.String()] = s
	b.sets = append(b.sets, set)
	b.t.endOK = append(b.t.endOK, b.endMatches(set))
	for range b.t.k {
		b.t.next = append(b.t.next, dead)
	}
	return s, true
}

// endMatches reports whether the input ending in a state with set matches:
// its end-of-text assertions hold there.
func (b *builder) endMatches(set []uint32) bool {
	var ends []uint32
	for _, pc := range set {
		if in := &b.prog.Inst[pc]; in.Op == syntax.InstEmptyWidth {
			ends = append(ends, in.Out)
		}
	}
	if len(ends) == 0 {
		return false
	}
	return b.closure(nil, ends, false, true) == nil
}
