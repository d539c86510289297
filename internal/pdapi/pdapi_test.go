package pdapi

import "testing"

func TestSubdomainFromHTMLURL(t *testing.T) {
	tests := []struct {
		htmlURL string
		want    string
	}{
		{htmlURL: "https://acme.pagerduty.com/users/P123", want: "acme"},
		{htmlURL: "https://acme.eu.pagerduty.com/users/P123", want: "acme"},
		{htmlURL: "https://pagerduty.com/users/P123", want: ""},
		{htmlURL: "https://a.b.pagerduty.com/users/P123", want: ""},
		{htmlURL: "https://acme.pagerduty.com.evil.example/users/P123", want: ""},
		{htmlURL: "::not a url", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.htmlURL, func(t *testing.T) {
			if got := SubdomainFromHTMLURL(tt.htmlURL); got != tt.want {
				t.Errorf("SubdomainFromHTMLURL() = %q, want %q", got, tt.want)
			}
		})
	}
}
