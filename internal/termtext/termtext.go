// Package termtext makes text from servers, browsers and files safe to
// print to a terminal.
package termtext

import (
	"strings"
	"unicode"
)

// Printable replaces control characters in s with "?", so that the text
// cannot move the cursor, retitle the window or clear the screen when it is
// printed to a terminal. Unicode format characters, such as bidirectional
// overrides, are replaced too.
func Printable(s string) string {
	return strings.Map(printableRune, s)
}

// PrintableLines is Printable for a message of several lines: it keeps the
// line breaks.
func PrintableLines(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		return printableRune(r)
	}, s)
}

// Truncate cuts s to at most max bytes on a rune boundary and appends "…"
// when it cut anything.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

func printableRune(r rune) rune {
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) {
		return '?'
	}
	return r
}
