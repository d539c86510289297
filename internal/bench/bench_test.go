package bench

import "testing"

func TestParseLoopbackURL(t *testing.T) {
	tests := []struct {
		raw    string
		wantOK bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:5000/callback", true},
		{"http://[::1]:8080", true},
		{"http://127.1.2.3", true},
		{"https://127.0.0.1:8080", false},
		{"http://identity.pagerduty.invalid", false},
		{"http://10.0.0.1", false},
		{"http://localhost.invalid", false},
		{"::not a url", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := ParseLoopbackURL(tt.raw)
			if tt.wantOK && err != nil {
				t.Errorf("ParseLoopbackURL(%q) = %v, want no error", tt.raw, err)
			}
			if !tt.wantOK && err == nil {
				t.Errorf("ParseLoopbackURL(%q) succeeded, want an error", tt.raw)
			}
		})
	}
}
