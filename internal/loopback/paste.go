package loopback

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrAlreadyDone is returned by Submit when a result was already delivered.
var ErrAlreadyDone = errors.New("the login has already received its result")

// ParsePastedURL reads the address a user copied from the browser after
// the redirect to redirect failed to load, as it does when the browser runs
// on another machine. It accepts the address with or without the scheme,
// and requires redirect's path and a query. Errors never repeat the text.
func ParsePastedURL(text string, redirect *url.URL) (url.Values, error) {
	text = strings.TrimSpace(text)
	if !strings.Contains(text, "://") {
		text = "http://" + text
	}
	u, err := url.Parse(text)
	if err != nil {
		return nil, errors.New("the pasted text is not a URL")
	}

	want := redirect.Path
	if want == "" {
		want = "/"
	}
	if u.Path != want {
		return nil, fmt.Errorf("the pasted URL's path is not %s", want)
	}
	if len(u.RawQuery) > maxQueryLength {
		return nil, errors.New("the pasted URL is too long")
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil || len(query) == 0 {
		return nil, errors.New("the pasted URL has no code or error parameter")
	}
	return query, nil
}

// Submit delivers an authorization response that reached pdauth another
// way than the loopback server, such as a URL pasted into the terminal. The
// state must match, exactly as for a callback.
func (s *Server) Submit(query url.Values) error {
	if !s.stateMatches(query.Get("state")) {
		return errors.New("the pasted URL belongs to another login: its state parameter does not match")
	}
	if !s.claim() {
		return ErrAlreadyDone
	}
	s.result <- resultFromQuery(query.Get("code"), query.Get("error"), query.Get("error_description"))
	return nil
}
