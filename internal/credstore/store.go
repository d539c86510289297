package credstore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name under which pdauth stores records.
// The keychain account is the profile name.
const Service = "pdauth"

// DefaultTimeout bounds each keychain call. A locked Secret Service
// collection answers an unlock request with a password prompt and go-keyring
// waits for it with no time limit, so an unbounded call can hang forever on
// a machine with no desktop to show that prompt.
const DefaultTimeout = 5 * time.Second

// ErrNotFound is returned by Load when the keychain has no record for the
// profile.
var ErrNotFound = errors.New("not logged in")

// Keyring is the part of go-keyring's interface that Store uses. Tests pass
// an in-memory implementation; production code passes SystemKeyring.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// SystemKeyring is the operating system's keychain through go-keyring. On
// Linux each call first checks that a D-Bus session bus exists.
type SystemKeyring struct{}

// Get reads a secret. A missing secret is keyring.ErrNotFound.
func (SystemKeyring) Get(service, user string) (string, error) {
	if err := checkSessionBus(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

// Set creates or replaces a secret.
func (SystemKeyring) Set(service, user, password string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

// Delete removes a secret. A missing secret is keyring.ErrNotFound.
func (SystemKeyring) Delete(service, user string) error {
	if err := checkSessionBus(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// ErrInterrupted is returned by Load when the Store's Done channel closed
// while the keychain read was waiting.
var ErrInterrupted = errors.New("interrupted")

// Store reads and writes login records in a Keyring, bounding every call by
// Timeout.
type Store struct {
	Keyring Keyring
	Timeout time.Duration // per keychain call; zero means DefaultTimeout

	// Done, when closed, makes a waiting Load return ErrInterrupted at
	// once, for example on Ctrl-C. Writes and deletes still run until they
	// end or time out, so that an interrupt never drops a token that was
	// already obtained or leaves a change half done. Nil never closes.
	Done <-chan struct{}
}

// Load returns the profile's record, ErrNotFound when there is none, or a
// *KeychainError when the keychain fails.
func (s *Store) Load(profile string) (*Record, error) {
	data, err := s.get(profile, s.Done)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return DecodeRecord([]byte(data))
}

// Save stores the profile's record, replacing any previous one, then reads it
// back and compares, so that a keychain which accepts a write but keeps
// something else is reported instead of trusted.
func (s *Store) Save(profile string, r *Record) error {
	data, err := r.Encode()
	if err != nil {
		return err
	}

	if err := s.set(profile, string(data)); err != nil {
		return err
	}

	stored, err := s.get(profile, nil)
	if err != nil {
		return fmt.Errorf("could not read the login record back after saving it: %w", err)
	}
	if !bytes.Equal([]byte(stored), data) {
		return errors.New("the keychain returned a different login record than the one just saved")
	}
	return nil
}

// Delete removes the profile's record. It returns ErrNotFound when there is
// none.
func (s *Store) Delete(profile string) error {
	err := s.delete(profile)
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// CheckWritable writes, reads back and deletes a throwaway entry next to the
// profile's record. Login calls it before opening the browser, so that a
// keychain which cannot store the token fails the login before the user
// approves anything. The entry is MaxRecordSize bytes long, so a keychain
// that rejects or truncates a record of that size fails here too.
func (s *Store) CheckWritable(profile string) error {
	account := profile + ".check"
	probe := strings.Repeat("pdauth keychain check ", MaxRecordSize/22+1)[:MaxRecordSize]

	if err := s.set(account, probe); err != nil {
		return err
	}

	got, err := s.get(account, nil)
	if err != nil {
		return err
	}
	if got != probe {
		return fmt.Errorf("the keychain returned a different value than the %d bytes just written", len(probe))
	}

	return s.delete(account)
}

func (s *Store) get(account string, interrupt <-chan struct{}) (string, error) {
	return s.callValue("read from", interrupt, func() (string, error) { return s.Keyring.Get(Service, account) })
}

func (s *Store) set(account, value string) error {
	return s.call("write to", func() (string, error) {
		return "", s.Keyring.Set(Service, account, value)
	})
}

func (s *Store) delete(account string) error {
	return s.call("delete from", func() (string, error) {
		return "", s.Keyring.Delete(Service, account)
	})
}

func (s *Store) call(op string, fn func() (string, error)) error {
	_, err := s.callValue(op, nil, fn)
	return err
}

// callValue runs fn with the Store's timeout, and returns ErrInterrupted
// when interrupt closes first. In both cases the goroutine running fn is
// left behind: go-keyring offers no way to cancel a call, and the process
// exits soon after.
func (s *Store) callValue(op string, interrupt <-chan struct{}, fn func() (string, error)) (string, error) {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}

	type result struct {
		value string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		value, err := fn()
		done <- result{value, err}
	}()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil && !errors.Is(r.err, keyring.ErrNotFound) {
			return "", &KeychainError{Op: op, Err: r.err}
		}
		return r.value, r.err
	case <-timer.C:
		return "", &KeychainError{Op: op, Err: fmt.Errorf("%w within %s", ErrTimeout, timeout)}
	case <-interrupt:
		return "", ErrInterrupted
	}
}
