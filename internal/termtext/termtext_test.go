package termtext

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct {
		in, want, wantLines string
	}{
		{in: "Jane Doe", want: "Jane Doe", wantLines: "Jane Doe"},
		{in: "a\x1b]0;title\x07b", want: "a?]0;title?b", wantLines: "a?]0;title?b"},
		{in: "line 1\nline 2\r", want: "line 1?line 2?", wantLines: "line 1\nline 2?"},
		{in: "x\u202ey\u200bz\u0085", want: "x?y?z?", wantLines: "x?y?z?"},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := PrintableLines(tt.in); got != tt.wantLines {
			t.Errorf("PrintableLines(%q) = %q, want %q", tt.in, got, tt.wantLines)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("abc", 3); got != "abc" {
		t.Errorf("Truncate(abc, 3) = %q", got)
	}
	if got := Truncate("aé", 2); got != "a…" {
		t.Errorf("Truncate(aé, 2) = %q, want the split rune dropped", got)
	}
}
