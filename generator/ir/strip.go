package ir

// WithoutKeys deletes, at every level of a decoded JSON value (maps and
// slices of any, as encoding/json's Unmarshal into an any gives), the
// object members named keys, and returns v. Two parts of the IR that differ
// only in those members (positions, documentation) then marshal alike: the
// emitters and lowering compare parts so, to emit one function for several.
func WithoutKeys(v any, keys ...string) any {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range keys {
			delete(x, k)
		}
		for k, e := range x {
			x[k] = WithoutKeys(e, keys...)
		}
	case []any:
		for i, e := range x {
			x[i] = WithoutKeys(e, keys...)
		}
	}
	return v
}
