package jsonv

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// Tags that keep the hashes of different kinds apart.
const (
	tagNull uint64 = iota + 1
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagArray
	tagObject
	tagKey
	tagHugeExp
)

// secret seeds the hashes afresh in each process.
var secret = func() (s [6]uint64) {
	seed := maphash.MakeSeed()
	for k := range s {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteByte(byte(k))
		s[k] = h.Sum64() | 1
	}
	return s
}()

// mix folds two words into one, as wyhash does: the 128-bit product of the
// two (each keyed with a secret), high half xor low half.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a^secret[0], b^secret[1])
	return hi ^ lo
}

// hasher hashes a byte stream eight bytes at a time; how the stream is split
// into writes does not change the sum.
type hasher struct {
	h, w uint64
	n    int
}

func newHasher(tag uint64) hasher { return hasher{h: secret[2] ^ tag} }

func (x *hasher) writeByte(c byte) {
	x.w |= uint64(c) << (8 * uint(x.n&7))
	x.n++
	if x.n&7 == 0 {
		x.h = mix(x.h, x.w)
		x.w = 0
	}
}

func (x *hasher) write(p []byte) {
	for len(p) > 0 && x.n&7 != 0 {
		x.writeByte(p[0])
		p = p[1:]
	}
	for len(p) >= 8 {
		x.h = mix(x.h, binary.LittleEndian.Uint64(p))
		x.n += 8
		p = p[8:]
	}
	for _, c := range p {
		x.writeByte(c)
	}
}

func (x *hasher) sum() uint64 { return mix(x.h^x.w, uint64(x.n)^secret[3]) }

// hashKey hashes the raw content of a key as its unescaped bytes.
func hashKey(content []byte) uint64 {
	h := newHasher(tagKey)
	if bytes.IndexByte(content, '\\') < 0 {
		h.write(content)
		return h.sum()
	}
	u := unescaper{s: content}
	for {
		c, ok := u.next()
		if !ok {
			return h.sum()
		}
		h.writeByte(c)
	}
}
