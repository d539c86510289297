package credstore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// leakFragmentLength is the length in bytes of the token fragments that
// FuzzDecodeRecord looks for in error messages, so that a message showing
// only part of the token also fails. A shorter fragment, such as ": ", can
// be valid JSON where the filler is not, so the two inputs fail with
// different fixed messages and only one of them contains the fragment.
const leakFragmentLength = 8

// FuzzDecodeRecord decodes prefix + token + suffix, where token is inserted
// with JSON string escaping, so that seeds which end prefix with
// `"access_token":"` make token the record's access token. A decoded record
// must re-encode and decode to an equal record. No error message may
// contain the token.
func FuzzDecodeRecord(f *testing.F) {
	const marker = "pdus+_FUZZ-access-token-7Kq2vX9m"
	full := `","refresh_token":"pdus+_refresh","expiry":"2030-01-02T03:04:05Z","scope":"openid read",` +
		`"client_id":"client","token_url":"https://identity.pagerduty.com/oauth/token","api_url":"https://api.pagerduty.com",` +
		`"subdomain":"acme","region":"us","user_id":"PUSER01","user_name":"Jane Doe","user_email":"jane@example.com"}`
	minimal := `","client_id":"c","token_url":"t","api_url":"a"}`

	f.Add([]byte(`{"access_token":"`), marker, []byte(full))
	f.Add([]byte(`{"access_token":"`), marker, []byte(minimal))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t"}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t","api_url":"a","expiry":"2030-01-02T03:04:05.123456789+05:30"}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t","api_url":"a","expiry":"0000-01-01T00:00:00+00:01"}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t","api_url":"a","expiry":null}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t","api_url":"a","expiry":"tomorrow"}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":5,"token_url":"t","api_url":"a"}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t","api_url":"a","ACCESS_TOKEN":""}`))
	f.Add([]byte(`{"access_token":"`), marker, []byte(`","client_id":"c","token_url":"t","api_url":"a"`))
	f.Add([]byte(`{"access_token":"`), marker+strings.Repeat("x", MaxRecordSize), []byte(minimal))
	// This input is already in the form Encode writes, so these two seeds
	// encode to exactly MaxRecordSize bytes and to one byte more.
	padding := MaxRecordSize - len(`{"access_token":"`+marker+minimal)
	f.Add([]byte(`{"access_token":"`), marker+strings.Repeat("x", padding), []byte(minimal))
	f.Add([]byte(`{"access_token":"`), marker+strings.Repeat("x", padding+1), []byte(minimal))
	f.Add([]byte(`{"access_token":"`), "<\u2028\"\\\x00\xff", []byte(minimal))
	f.Add([]byte(`{"client_id":"c","token_url":"t","api_url":"a","access_token":`), marker, []byte(`}`))
	f.Add([]byte(`[`), marker, []byte(`]`))
	f.Add([]byte(`null`), "", []byte(``))

	f.Fuzz(func(t *testing.T, prefix []byte, token string, suffix []byte) {
		input := insertToken(prefix, token, suffix)
		record, err := DecodeRecord(input)
		if err != nil {
			checkNoTokenInError(t, "DecodeRecord", err, token, func(filler string) error {
				_, err := DecodeRecord(insertToken(prefix, filler, suffix))
				return err
			})
			return
		}

		data, err := record.Encode()
		if err != nil {
			checkSizeError(t, record, err)
			checkNoTokenInError(t, "Encode", err, record.AccessToken, func(filler string) error {
				other := *record
				other.AccessToken = filler
				_, err := other.Encode()
				return err
			})
			return
		}
		if len(data) > MaxRecordSize {
			t.Errorf("Encode() returned %d bytes, more than MaxRecordSize (%d)", len(data), MaxRecordSize)
		}

		again, err := DecodeRecord(data)
		if err != nil {
			t.Fatalf("DecodeRecord(Encode()) error = %v, encoded record %s", err, data)
		}
		checkRecordsEqual(t, again, record)
	})
}

// insertToken returns prefix + token + suffix, with token escaped as the
// contents of a JSON string.
func insertToken(prefix []byte, token string, suffix []byte) []byte {
	quoted, err := json.Marshal(token)
	if err != nil {
		panic(err) // json.Marshal never fails on a string
	}
	escaped := quoted[1 : len(quoted)-1]

	input := make([]byte, 0, len(prefix)+len(escaped)+len(suffix))
	input = append(input, prefix...)
	input = append(input, escaped...)
	return append(input, suffix...)
}

// checkNoTokenInError fails when err's message contains the token or any
// leakFragmentLength bytes of it. To tell a leak from fixed text that
// happens to match, retry runs the same step with the token replaced by a
// filler of the same length, and a fragment that the retry's message also
// contains is not counted.
func checkNoTokenInError(t *testing.T, step string, err error, token string, retry func(filler string) error) {
	t.Helper()
	token = decodedToken(token)
	message := err.Error()
	if len(token) < leakFragmentLength {
		return
	}

	var fragments []string
	for start := 0; start+leakFragmentLength <= len(token); start++ {
		fragment := token[start : start+leakFragmentLength]
		if strings.Contains(message, fragment) {
			fragments = append(fragments, fragment)
		}
	}
	if len(fragments) == 0 {
		return
	}

	filler := strings.Repeat("~", len(token))
	if filler == token {
		filler = strings.Repeat("^", len(token))
	}
	fillerMessage := ""
	if other := retry(filler); other != nil {
		fillerMessage = other.Error()
	}
	for _, fragment := range fragments {
		if !strings.Contains(fillerMessage, fragment) {
			t.Errorf("%s error contains %q, part of the %d-byte access token: %v", step, fragment, len(token), err)
			return
		}
	}
}

// decodedToken returns token as json.Unmarshal returns it from a JSON
// string: each invalid UTF-8 byte becomes U+FFFD.
func decodedToken(token string) string {
	quoted, _ := json.Marshal(token)
	var decoded string
	if err := json.Unmarshal(quoted, &decoded); err != nil {
		panic(err) // json.Marshal output of a string always decodes
	}
	return decoded
}

// checkSizeError checks that Encode failed only because the JSON of the
// record is larger than MaxRecordSize.
func checkSizeError(t *testing.T, record *Record, err error) {
	t.Helper()
	data, marshalErr := json.Marshal(record)
	if marshalErr != nil {
		t.Errorf("Encode() error = %v for a record that DecodeRecord accepted, and json.Marshal fails too: %v", err, marshalErr)
		return
	}
	if len(data) <= MaxRecordSize {
		t.Errorf("Encode() error = %v for a record of %d bytes, within MaxRecordSize (%d)", err, len(data), MaxRecordSize)
	}
}

// checkRecordsEqual compares records field by field. Expiry must be the
// same instant with the same UTC offset, because the JSON form keeps the
// offset, but its *time.Location may be another value.
func checkRecordsEqual(t *testing.T, got, want *Record) {
	t.Helper()
	if !got.Expiry.Equal(want.Expiry) || got.Expiry.Format(time.RFC3339Nano) != want.Expiry.Format(time.RFC3339Nano) {
		t.Errorf("Expiry after re-encoding = %v, want %v", got.Expiry, want.Expiry)
	}
	gotRest, wantRest := *got, *want
	gotRest.Expiry, wantRest.Expiry = time.Time{}, time.Time{}
	if gotRest != wantRest {
		t.Errorf("record after re-encoding = %+v, want %+v", gotRest, wantRest)
	}
}
