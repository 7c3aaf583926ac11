// Package format is a stand-in until the real checkers land.
package format

func DateTime(b []byte) bool     { return true }
func Date(b []byte) bool         { return true }
func Time(b []byte) bool         { return true }
func Duration(b []byte) bool     { return true }
func Email(b []byte) bool        { return true }
func Hostname(b []byte) bool     { return true }
func IPv4(b []byte) bool         { return true }
func IPv6(b []byte) bool         { return true }
func URI(b []byte) bool          { return true }
func URIReference(b []byte) bool { return true }
func UUID(b []byte) bool         { return true }
func Byte(b []byte) bool         { return true }
func Regex(b []byte) bool        { return true }
func Int32(f float64) bool       { return f == float64(int32(f)) }
func Int64(f float64) bool       { return true }
