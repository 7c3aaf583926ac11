package format

import "unicode"

//go:generate go run gen_idna.go

// Punycode parameters, RFC 3492 §5.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
	// pcLimit bounds the running index: once it is above 64 × (U+10FFFF+1)
	// every code point it could produce is out of range, so any larger value
	// is an error and int arithmetic never overflows.
	pcLimit = 1 << 30

	// cccVirama is the canonical combining class of the viramas, which
	// the joiner rules of RFC 5892 Appendix A.1 and A.2 look for.
	cccVirama = 9
)

// aLabel reports whether s, an LDH label after its "xn--" prefix, is the
// Punycode (RFC 3492 §6.2) of a U-label that checkULabel accepts. It decodes
// into a fixed array on the stack: a label is at most 63 octets, so it can
// hold at most 59 code points.
func aLabel(s []byte) bool {
	var out [64]rune
	n := 0
	// Basic code points are those before the last delimiter.
	d := -1
	for i, c := range s {
		if c == '-' {
			d = i
		}
	}
	if d == 0 {
		// The encoder writes a delimiter only after basic code points
		// (RFC 3492 §6.3), so "xn---9ca" is not the A-label of é.
		return false
	}
	in := 0
	if d > 0 {
		for _, c := range s[:d] {
			// DNS names are case-insensitive, so compare basic code points
			// as lower case (XN--BCHER-KVA is xn--bcher-kva).
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out[n] = rune(c)
			n++
		}
		in = d + 1
	}
	cp, i, bias := pcInitialN, 0, pcInitialBias
	for in < len(s) {
		oldi, w := i, 1
		for k := pcBase; ; k += pcBase {
			if in == len(s) {
				return false
			}
			digit := pcDigit(s[in])
			in++
			if digit < 0 {
				return false
			}
			i += digit * w
			if i > pcLimit {
				return false
			}
			t := k - bias
			if t < pcTMin {
				t = pcTMin
			} else if t > pcTMax {
				t = pcTMax
			}
			if digit < t {
				break
			}
			w *= pcBase - t
			if w > pcLimit {
				w = pcLimit + 1 // any further non-zero digit overflows
			}
		}
		bias = pcAdapt(i-oldi, n+1, oldi == 0)
		cp += i / (n + 1)
		i %= n + 1
		if cp < 0x80 || cp > unicode.MaxRune || 0xD800 <= cp && cp <= 0xDFFF || n == len(out) {
			return false
		}
		copy(out[i+1:n+1], out[i:n])
		out[i] = rune(cp)
		n++
		i++
	}
	return checkULabel(out[:n])
}

func pcDigit(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return int(c - 'a')
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case '0' <= c && c <= '9':
		return int(c-'0') + 26
	}
	return -1
}

// pcAdapt is the bias adaptation function of RFC 3492 §6.1.
func pcAdapt(delta, points int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (pcBase-pcTMin)*pcTMax/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

// checkULabel applies to a decoded A-label the IDNA2008 rules that the JSON
// Schema Test Suite exercises:
//
//   - RFC 5890 §2.3.2.1: a U-label has at least one non-ASCII code point;
//
//   - RFC 5891 §4.2.3.1: no hyphen first or last, none in both the 3rd and
//     4th positions;
//
//   - RFC 5891 §4.2.3.2: it does not begin with a combining mark;
//
//   - RFC 5892 §2.6 exceptions (PVALID and DISALLOWED lists) and the
//     CONTEXTJ/CONTEXTO rules of RFC 5892 Appendix A;
//
//   - ASCII must be lower-case letters, digits and '-' (basic code points
//     are lower-cased by aLabel first);
//
//   - every other code point must be PVALID by the derivation of RFC 5892
//     §3 (LetterDigits, stable under NFKC and case folding, not ignorable,
//     not an old Hangul jamo, assigned), precomputed in idnaPValid by
//     gen_idna.go for the Unicode version of the Go release.
//
//   - the label is in NFC (RFC 5891 §5.4, see isNFC);
//
//   - the Bidi rule of RFC 5893 §2, label by label (see bidiRule).
//
// Not applied exactly: the Joining_Type of the ZERO WIDTH NON-JOINER rule,
// which is approximated (see joiningType).
func checkULabel(u []rune) bool {
	if len(u) == 0 || u[0] == '-' || u[len(u)-1] == '-' ||
		len(u) >= 4 && u[2] == '-' && u[3] == '-' || unicode.Is(unicode.M, u[0]) {
		return false
	}
	ascii := true
	for k, r := range u {
		if r < 0x80 {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				return false
			}
			continue
		}
		ascii = false
		switch {
		case r == 0x00DF, r == 0x03C2, r == 0x06FD, r == 0x06FE, r == 0x0F0B, r == 0x3007:
			// RFC 5892 §2.6 PVALID exceptions.
		case r == 0x0640, r == 0x07FA, r == 0x302E, r == 0x302F, 0x3031 <= r && r <= 0x3035, r == 0x303B:
			return false // §2.6 DISALLOWED exceptions
		case r == 0x00B7: // MIDDLE DOT, Appendix A.3: between two 'l'
			if k == 0 || k+1 == len(u) || u[k-1] != 'l' || u[k+1] != 'l' {
				return false
			}
		case r == 0x0375: // GREEK LOWER NUMERAL SIGN (KERAIA), A.4
			if k+1 == len(u) || !unicode.Is(unicode.Greek, u[k+1]) {
				return false
			}
		case r == 0x05F3, r == 0x05F4: // HEBREW GERESH / GERSHAYIM, A.5, A.6
			if k == 0 || !unicode.Is(unicode.Hebrew, u[k-1]) {
				return false
			}
		case r == 0x30FB: // KATAKANA MIDDLE DOT, A.7
			if !hasKana(u) {
				return false
			}
		case 0x0660 <= r && r <= 0x0669: // ARABIC-INDIC DIGITS, A.8
			if hasRange(u, 0x06F0, 0x06F9) {
				return false
			}
		case 0x06F0 <= r && r <= 0x06F9: // EXTENDED ARABIC-INDIC DIGITS, A.9
			if hasRange(u, 0x0660, 0x0669) {
				return false
			}
		case r == 0x200D: // ZERO WIDTH JOINER, A.2
			if k == 0 || combiningClass(u[k-1]) != cccVirama {
				return false
			}
		case r == 0x200C: // ZERO WIDTH NON-JOINER, A.1
			if !(k > 0 && combiningClass(u[k-1]) == cccVirama || zwnjJoins(u, k)) {
				return false
			}
		default:
			if !unicode.Is(idnaPValid, r) {
				return false
			}
		}
	}
	return !ascii && isNFC(u) && bidiRule(u)
}

// isNFC reports whether a label of code points that are each NFC-stable
// (as PVALID ones are) is in Normalization Form C (RFC 5891 §5.4). It is
// the quick check of UAX #15 §9 (marks in canonical order), and for the
// marks whose NFC_Quick_Check is Maybe, whether NFC changes the mark and
// the starter before it when nothing between them blocks it.
func isNFC(u []rune) bool {
	prev := uint8(0)
	for k, r := range u {
		c := combiningClass(r)
		if c != 0 && prev > c {
			return false // canonical reordering would move r
		}
		prev = c
		if !unicode.Is(nfcMaybe, r) {
			continue
		}
		for j := k - 1; j >= 0; j-- {
			cj := combiningClass(u[j])
			if cj == 0 {
				if nfcChanges(u[j], r) {
					return false
				}
				break
			}
			if cj >= c {
				break // blocked
			}
		}
	}
	return true
}

// cccRange gives code points lo..hi the canonical combining class ccc.
type cccRange struct {
	lo, hi rune
	ccc    uint8
}

// combiningClass returns the canonical combining class of a U-label code
// point (0 for those not in nfcCCC).
func combiningClass(r rune) uint8 {
	lo, hi := 0, len(nfcCCC)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch e := &nfcCCC[m]; {
		case r < e.lo:
			hi = m
		case r > e.hi:
			lo = m + 1
		default:
			return e.ccc
		}
	}
	return 0
}

// nfcChanges reports whether NFC changes starter s followed by mark m.
func nfcChanges(s, m rune) bool {
	key := uint64(s)<<21 | uint64(m)
	lo, hi := 0, len(nfcPairs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch {
		case nfcPairs[mid] < key:
			lo = mid + 1
		case nfcPairs[mid] > key:
			hi = mid
		default:
			return true
		}
	}
	return false
}

// bidiRule applies the Bidi rule of RFC 5893 §2 to a label holding a
// right-to-left character (Bidi_Class R, AL or AN); other labels pass. The
// RFC asks for the rule on every label of a domain name with such a label;
// like common IDNA libraries this checks each label on its own, so an
// all-LTR label beside an RTL one is not held to it.
func bidiRule(u []rune) bool {
	rtl := false
	for _, r := range u {
		if c := bidiClass(r); c == 'R' || c == 'A' {
			rtl = true
			break
		}
	}
	if !rtl {
		return true
	}
	// 1. An RTL label starts with R or AL.
	if bidiClass(u[0]) != 'R' {
		return false
	}
	var en, an bool
	last := byte(0) // class of the last character that is not NSM
	for _, r := range u {
		switch c := bidiClass(r); c {
		case 'L':
			return false // 2. only R, AL, AN, EN, ES, CS, ET, ON, BN, NSM
		case 'E':
			en = true
			last = c
		case 'A':
			an = true
			last = c
		case 'R', 'N':
			last = c
		}
	}
	// 3. It ends with R, AL, EN or AN, then any NSM; 4. not both EN and AN.
	return last != 'N' && !(en && an)
}

// bidiClass returns the Bidi_Class of a code point that checkULabel
// accepts, as 'R' (R or AL), 'A' (AN), 'E' (EN), 'M' (NSM), 'N' (ES, CS, ET,
// ON, BN) or 'L'.
func bidiClass(r rune) byte {
	switch {
	case r < 0x80:
		switch {
		case '0' <= r && r <= '9':
			return 'E'
		case r == '-':
			return 'N'
		}
		return 'L'
	case unicode.Is(bidiRTL, r):
		return 'R'
	case unicode.Is(bidiNSM, r):
		return 'M'
	case unicode.Is(bidiAN, r):
		return 'A'
	case unicode.Is(bidiEN, r):
		return 'E'
	case unicode.Is(bidiNeutral, r):
		return 'N'
	}
	return 'L'
}

func hasKana(u []rune) bool {
	for _, r := range u {
		if r != 0x30FB && unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

func hasRange(u []rune, lo, hi rune) bool {
	for _, r := range u {
		if lo <= r && r <= hi {
			return true
		}
	}
	return false
}

// zwnjJoins reports whether the ZERO WIDTH NON-JOINER at u[k] matches
// RFC 5892 A.1's
//
//	(Joining_Type:{L,D})(Joining_Type:T)*\u200C(Joining_Type:T)*(Joining_Type:{R,D})
func zwnjJoins(u []rune, k int) bool {
	i := k - 1
	for i >= 0 && joiningType(u[i]) == 'T' {
		i--
	}
	if i < 0 {
		return false
	}
	if jt := joiningType(u[i]); jt != 'L' && jt != 'D' {
		return false
	}
	j := k + 1
	for j < len(u) && joiningType(u[j]) == 'T' {
		j++
	}
	if j == len(u) {
		return false
	}
	jt := joiningType(u[j])
	return jt == 'R' || jt == 'D'
}

// joiningType approximates the Unicode Joining_Type property
// (ArabicShaping.txt), which Go's unicode package does not carry: marks and
// format characters are Transparent, letters of the cursive scripts are
// Dual_Joining except the common Arabic and Syriac Right_Joining letters
// listed in rightJoining, and everything else is Non_Joining. It is only
// used by the ZERO WIDTH NON-JOINER rule. Against ArabicShaping.txt it is
// wrong for about 150 of the PVALID code points, mostly Right_Joining
// letters of Mandaic, Syriac and the Arabic extensions taken as
// Dual_Joining, and a few Non_Joining ones (U+0621 HAMZA) taken as
// Dual_Joining: a ZWNJ beside those letters may be judged wrongly.
func joiningType(r rune) byte {
	switch {
	case r == 0x200C || r == 0x200D:
		return 'U'
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 'T'
	case !unicode.IsLetter(r):
		return 'U'
	case unicode.Is(rightJoining, r):
		return 'R'
	case unicode.In(r, unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian,
		unicode.Mandaic, unicode.Manichaean, unicode.Psalter_Pahlavi, unicode.Adlam,
		unicode.Hanifi_Rohingya, unicode.Sogdian, unicode.Old_Uyghur, unicode.Chorasmian, unicode.Phags_Pa):
		return 'D'
	}
	return 'U'
}

// rightJoining holds the Right_Joining letters of the Arabic and Syriac
// blocks (alef, dal, reh, waw, teh marbuta and their variants).
var rightJoining = &unicode.RangeTable{R16: []unicode.Range16{
	{0x0622, 0x0625, 1}, {0x0627, 0x0629, 2}, {0x062F, 0x0632, 1}, {0x0648, 0x0648, 1},
	{0x0671, 0x0673, 1}, {0x0675, 0x0677, 1}, {0x0688, 0x0699, 1}, {0x06C0, 0x06C0, 1},
	{0x06C3, 0x06CB, 1}, {0x06CD, 0x06CF, 2}, {0x06D2, 0x06D3, 1}, {0x06D5, 0x06D5, 1},
	{0x06EE, 0x06EF, 1}, {0x0710, 0x0710, 1}, {0x0715, 0x0719, 1}, {0x071E, 0x071E, 1},
	{0x0728, 0x072C, 2}, {0x072F, 0x072F, 1}, {0x074D, 0x074D, 1}, {0x0759, 0x075B, 1},
	{0x076B, 0x076C, 1}, {0x0771, 0x0771, 1}, {0x0773, 0x0774, 1}, {0x0778, 0x0779, 1},
}}
