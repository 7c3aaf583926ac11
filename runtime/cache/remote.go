package cache

import (
	"context"
	"encoding/binary"
	"errors"
	"time"
)

// get returns the entry stored under key (kb in full), from memory or the
// remote store.
func (s *Store) get(key uint64, kb []byte) (*entry, bool) {
	if s.remote == nil {
		return s.c.GetIfPresent(key)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.remote.Timeout())
	defer cancel()
	val, found, err := s.remote.Get(ctx, kb)
	if err != nil || !found {
		return nil, false
	}
	e, err := decodeEntry(kb, val)
	if err != nil {
		return nil, false // written by another version, or damaged: a miss
	}
	return e, true
}

// set stores e under key, in memory or, encoded, in the remote store for as
// long as it can be served.
func (s *Store) set(key uint64, e *entry) {
	if s.remote == nil {
		s.c.Set(key, e)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.remote.Timeout())
	defer cancel()
	ttl := time.Duration(e.fresh + max(e.swr, e.sie))
	_ = s.remote.Set(ctx, e.key, encodeEntry(e), ttl) // a failed store is a miss next time
}

// entryVersion starts an encoded entry, so that gateways of another
// version sharing the store read its entries as misses.
const entryVersion = 1

// encodeEntry writes e as: version, status, stored, fresh, swr, sie, the
// header count, each name and value, then the body; integers as varints,
// byte strings length-prefixed. The key is the store's own key.
func encodeEntry(e *entry) []byte {
	b := make([]byte, 0, 64+len(e.body)+32*len(e.names))
	b = binary.AppendUvarint(b, entryVersion)
	b = binary.AppendUvarint(b, uint64(e.status))
	for _, v := range []int64{e.stored, e.fresh, e.swr, e.sie} {
		b = binary.AppendVarint(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(e.names)))
	for i := range e.names {
		b = appendPart(b, e.names[i])
		b = appendPart(b, e.values[i])
	}
	return append(b, e.body...)
}

var errEntry = errors.New("cache: not an entry of this version")

// decodeEntry reads what encodeEntry wrote, stored under key.
func decodeEntry(key, b []byte) (*entry, error) {
	u := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	i := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	part := func() []byte {
		n := u()
		if b == nil || n > uint64(len(b)) {
			b = nil
			return nil
		}
		p := b[:n:n]
		b = b[n:]
		return p
	}
	if u() != entryVersion || b == nil {
		return nil, errEntry
	}
	e := &entry{key: key, status: int(u())}
	e.stored, e.fresh, e.swr, e.sie = i(), i(), i(), i()
	n := u()
	if b == nil || n > uint64(len(b)) {
		return nil, errEntry
	}
	for range n {
		k, v := part(), part()
		if b == nil {
			return nil, errEntry
		}
		e.names = append(e.names, k)
		e.values = append(e.values, v)
		e.index(k, v)
	}
	if e.status < 100 || e.status > 999 {
		return nil, errEntry
	}
	e.body = b
	return e, nil
}
