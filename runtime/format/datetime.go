package format

// DateTime reports whether b is an RFC 3339 §5.6 date-time:
//
//	date-time = full-date "T" full-time
//
// with "T" and "Z" matched case-insensitively (§5.6 NOTE) and the rules of
// Date and Time for each half.
func DateTime(b []byte) bool {
	if len(b) < 11 || b[10] != 'T' && b[10] != 't' {
		return false
	}
	return Date(b[:10]) && Time(b[11:])
}

// Date reports whether b is an RFC 3339 §5.6 full-date, YYYY-MM-DD, with the
// day checked against the real month length (§5.7, Gregorian leap years).
func Date(b []byte) bool {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits reads a fixed-width unsigned decimal number.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Time reports whether b is an RFC 3339 §5.6 full-time:
//
//	full-time    = partial-time time-offset
//	partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
//	time-secfrac = "." 1*DIGIT
//	time-offset  = "Z" / time-numoffset        ; "z" too
//	time-numoffset = ("+" / "-") time-hour ":" time-minute
//
// The offset is required. Hours are 00-23 and minutes 00-59, in the time and
// in the offset. Second 60 is accepted only where it is a leap second, that
// is where the time converted to UTC with the offset is 23:59:60 (§5.7).
func Time(b []byte) bool {
	if len(b) < 9 || b[2] != ':' || b[5] != ':' {
		return false
	}
	h, ok1 := digits(b[0:2])
	m, ok2 := digits(b[3:5])
	s, ok3 := digits(b[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 60 {
		return false
	}
	i := 8
	if b[i] == '.' {
		i++
		j := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == j {
			return false
		}
	}
	if i >= len(b) {
		return false
	}
	offset := 0 // minutes east of UTC
	switch b[i] {
	case 'Z', 'z':
		if i+1 != len(b) {
			return false
		}
	case '+', '-':
		o := b[i+1:]
		if len(o) != 5 || o[2] != ':' {
			return false
		}
		oh, ok1 := digits(o[0:2])
		om, ok2 := digits(o[3:5])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return false
		}
		offset = oh*60 + om
		if b[i] == '-' {
			offset = -offset
		}
	default:
		return false
	}
	if s == 60 {
		utc := ((h*60+m-offset)%1440 + 1440) % 1440
		return utc == 23*60+59
	}
	return true
}

// Duration reports whether b is an ISO 8601 duration as RFC 3339 Appendix A
// writes its grammar:
//
//	duration   = "P" (dur-date / dur-time / dur-week)
//	dur-date   = (dur-day / dur-month / dur-year) [dur-time]
//	dur-time   = "T" (dur-hour / dur-minute / dur-second)
//	dur-week   = 1*DIGIT "W"
//	dur-year   = 1*DIGIT "Y" [dur-month]
//	dur-month  = 1*DIGIT "M" [dur-day]
//	dur-day    = 1*DIGIT "D"
//	dur-hour   = 1*DIGIT "H" [dur-minute]
//	dur-minute = 1*DIGIT "M" [dur-second]
//	dur-second = 1*DIGIT "S"
//
// So elements come in order without gaps (P1Y2D and PT1H2S are invalid),
// weeks stand alone, "T" needs a time element, there are no fractions or
// signs, and the letters are upper case only as the grammar spells them.
func Duration(b []byte) bool {
	if len(b) < 3 || b[0] != 'P' {
		return false
	}
	i := 1
	if b[i] != 'T' {
		// Date elements, or a lone week.
		n, u := durElem(b, &i)
		if n == 0 {
			return false
		}
		if u == 'W' {
			return i == len(b)
		}
		if !durRun(b, &i, u, "YMD") {
			return false
		}
		if i == len(b) {
			return true
		}
		if b[i] != 'T' {
			return false
		}
	}
	i++ // the 'T'
	if i == len(b) {
		return false
	}
	n, u := durElem(b, &i)
	if n == 0 || !durRun(b, &i, u, "HMS") {
		return false
	}
	return i == len(b)
}

// durElem reads 1*DIGIT and the unit letter after them, returning how many
// digits it read (0 when there are none or no letter follows).
func durElem(b []byte, i *int) (int, byte) {
	j := *i
	for j < len(b) && isDigit(b[j]) {
		j++
	}
	n := j - *i
	if n == 0 || j == len(b) {
		return 0, 0
	}
	*i = j + 1
	return n, b[j]
}

// durRun checks that unit u (already read) is one of units, then reads the
// following elements of the run while each has the next unit of units.
func durRun(b []byte, i *int, u byte, units string) bool {
	k := 0
	for k < len(units) && units[k] != u {
		k++
	}
	if k == len(units) {
		return false
	}
	for k++; k < len(units); k++ {
		j := *i
		if j == len(b) || !isDigit(b[j]) {
			return true
		}
		n, u := durElem(b, &j)
		if n == 0 || u != units[k] {
			return false
		}
		*i = j
	}
	return true
}
