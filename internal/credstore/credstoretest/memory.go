// Package credstoretest provides keychains for tests of code that uses
// credstore: an in-memory one and one that always fails.
package credstoretest

import (
	"sync"

	"github.com/zalando/go-keyring"
)

// Memory is an in-memory keychain that behaves like go-keyring's providers:
// a missing entry is keyring.ErrNotFound. It is safe for concurrent use.
type Memory struct {
	mu      sync.Mutex
	secrets map[string]string
	writes  int
}

// NewMemory returns an empty Memory keychain.
func NewMemory() *Memory {
	return &Memory{secrets: map[string]string{}}
}

// Get returns the secret stored for service and user.
func (m *Memory) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.secrets[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

// Set stores a secret, replacing any previous one.
func (m *Memory) Set(service, user, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.secrets[service+"/"+user] = password
	m.writes++
	return nil
}

// Delete removes a secret.
func (m *Memory) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.secrets[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(m.secrets, service+"/"+user)
	return nil
}

// Len returns the number of stored secrets.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.secrets)
}

// Writes returns the number of Set calls so far.
func (m *Memory) Writes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.writes
}

// Failing is a keychain whose every call returns Err, as a machine without a
// Secret Service does.
type Failing struct{ Err error }

// Get returns f.Err.
func (f Failing) Get(string, string) (string, error) { return "", f.Err }

// Set returns f.Err.
func (f Failing) Set(string, string, string) error { return f.Err }

// Delete returns f.Err.
func (f Failing) Delete(string, string) error { return f.Err }
