package credstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pdauth/pdauth/internal/credstore/credstoretest"
)

// truncatingKeyring accepts writes but keeps only the first 100 bytes.
type truncatingKeyring struct{ *credstoretest.Memory }

func (k truncatingKeyring) Set(service, user, password string) error {
	return k.Memory.Set(service, user, password[:min(len(password), 100)])
}

// hangingKeyring never returns, like a Secret Service waiting on a prompt.
type hangingKeyring struct{ release chan struct{} }

func (k hangingKeyring) Get(string, string) (string, error) { <-k.release; return "", nil }
func (k hangingKeyring) Set(string, string, string) error   { <-k.release; return nil }
func (k hangingKeyring) Delete(string, string) error        { <-k.release; return nil }

func testRecord() *Record {
	return &Record{
		AccessToken:  "pdus+_0access",
		RefreshToken: "pdus+_1refresh",
		Expiry:       time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
		Scope:        "openid read",
		ClientID:     "client",
		TokenURL:     "https://identity.pagerduty.com/oauth/token",
		APIURL:       "https://api.pagerduty.com",
		Subdomain:    "acme",
		Region:       "us",
		UserID:       "PUSER01",
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	kr := credstoretest.NewMemory()
	store := &Store{Keyring: kr}

	if err := store.Save("default", testRecord()); err != nil {
		t.Fatalf("Save() error = %v", err)
	}
	got, err := store.Load("default")
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if *got != *testRecord() {
		t.Errorf("Load() = %+v, want %+v", got, testRecord())
	}
	if _, err := kr.Get(Service, "default"); err != nil {
		t.Errorf("record not stored under service %q account %q", Service, "default")
	}
}

func TestLoadNotFound(t *testing.T) {
	store := &Store{Keyring: credstoretest.NewMemory()}
	if _, err := store.Load("default"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load() error = %v, want ErrNotFound", err)
	}
}

func TestSaveDetectsBadReadBack(t *testing.T) {
	store := &Store{Keyring: truncatingKeyring{credstoretest.NewMemory()}}
	err := store.Save("default", testRecord())
	if err == nil || !strings.Contains(err.Error(), "different login record") {
		t.Fatalf("Save() error = %v, want a read-back mismatch", err)
	}
}

func TestSaveRejectsOversizedRecord(t *testing.T) {
	kr := credstoretest.NewMemory()
	store := &Store{Keyring: kr}
	record := testRecord()
	record.AccessToken = strings.Repeat("a", MaxRecordSize)

	err := store.Save("default", record)
	if err == nil || !strings.Contains(err.Error(), "more than the 2000 bytes") {
		t.Fatalf("Save() error = %v, want a size error", err)
	}
	if kr.Len() != 0 {
		t.Errorf("keyring written despite the size error: %d entries", kr.Len())
	}
}

func TestKeychainCallTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	store := &Store{Keyring: hangingKeyring{release}, Timeout: 50 * time.Millisecond}

	_, err := store.Load("default")

	var kcErr *KeychainError
	if !errors.As(err, &kcErr) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("Load() error = %v, want a KeychainError wrapping ErrTimeout", err)
	}
	if !strings.Contains(err.Error(), "locked") {
		t.Errorf("error %q does not name the likely cause", err)
	}
}

func TestKeychainCallInterrupted(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	done := make(chan struct{})
	store := &Store{Keyring: hangingKeyring{release}, Timeout: time.Minute, Done: done}
	time.AfterFunc(10*time.Millisecond, func() { close(done) })

	_, err := store.Load("default")
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Load() error = %v, want ErrInterrupted", err)
	}
}

// slowKeyring is a Memory keyring whose writes take delay.
type slowKeyring struct {
	*credstoretest.Memory
	delay time.Duration
}

func (k slowKeyring) Set(service, user, password string) error {
	time.Sleep(k.delay)
	return k.Memory.Set(service, user, password)
}

func TestSaveFinishesAfterInterrupt(t *testing.T) {
	// A refreshed token pair must be saved even when Ctrl-C comes while the
	// keychain writes it, because the server has already rotated the
	// refresh token.
	done := make(chan struct{})
	close(done)
	keyring := slowKeyring{Memory: credstoretest.NewMemory(), delay: 20 * time.Millisecond}
	store := &Store{Keyring: keyring, Done: done}

	if err := store.Save("default", testRecord()); err != nil {
		t.Fatalf("Save() error = %v, want nil after an interrupt", err)
	}
	if _, err := (&Store{Keyring: keyring}).Load("default"); err != nil {
		t.Errorf("record not stored: %v", err)
	}
}

func TestCheckWritableLeavesNothing(t *testing.T) {
	kr := credstoretest.NewMemory()
	store := &Store{Keyring: kr}

	if err := store.CheckWritable("default"); err != nil {
		t.Fatalf("CheckWritable() error = %v", err)
	}
	if kr.Len() != 0 {
		t.Errorf("CheckWritable left %d entries behind", kr.Len())
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{name: "not JSON", data: "pdus+_0secret", wantErr: "not valid JSON"},
		{name: "no access token", data: `{"client_id":"c","token_url":"u","api_url":"a"}`, wantErr: "missing access token"},
		{name: "no API URL", data: `{"access_token":"t","client_id":"c","token_url":"u"}`, wantErr: "missing API URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRecord([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("DecodeRecord() error = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q repeats the stored value", err)
			}
		})
	}
}

func TestExpiresWithin(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		expiry time.Time
		want   bool
	}{
		{name: "no expiry", expiry: time.Time{}, want: false},
		{name: "in an hour", expiry: now.Add(time.Hour), want: false},
		{name: "in four minutes", expiry: now.Add(4 * time.Minute), want: true},
		{name: "past", expiry: now.Add(-time.Minute), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Record{Expiry: tt.expiry}
			if got := r.ExpiresWithin(now, 5*time.Minute); got != tt.want {
				t.Errorf("ExpiresWithin() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckWritableDetectsTruncation(t *testing.T) {
	store := &Store{Keyring: truncatingKeyring{credstoretest.NewMemory()}}
	err := store.CheckWritable("default")
	if err == nil || !strings.Contains(err.Error(), "different value than the 2000 bytes") {
		t.Fatalf("CheckWritable() error = %v, want a read-back mismatch", err)
	}
}
