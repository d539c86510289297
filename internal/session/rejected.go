package session

import (
	"os"
	"path/filepath"
	"time"

	"github.com/pdauth/pdauth/internal/credstore"
)

// The refresh-rejected marker lets the offline status command tell that the
// server rejected the stored refresh token, without changing the stored
// record, which stays as it was so that status can still show whose login
// it was. The marker contains the record's expiry, not a secret, and counts
// only while the stored record has that expiry, so a new login voids it.

func rejectedMarker(lockDir, profile string) string {
	return filepath.Join(lockDir, profile+".refresh-rejected")
}

func expiryStamp(record *credstore.Record) string {
	return record.Expiry.UTC().Format(time.RFC3339Nano)
}

// markRefreshRejected records that record's refresh token was rejected.
func markRefreshRejected(lockDir, profile string, record *credstore.Record) {
	_ = os.MkdirAll(lockDir, 0o700)
	_ = os.WriteFile(rejectedMarker(lockDir, profile), []byte(expiryStamp(record)), 0o600)
}

// RefreshRejected reports whether the server rejected the refresh token of
// the stored record, as the last refresh attempt found.
func RefreshRejected(lockDir, profile string, record *credstore.Record) bool {
	data, err := os.ReadFile(rejectedMarker(lockDir, profile))
	return err == nil && string(data) == expiryStamp(record)
}

// ClearRefreshRejected removes the profile's marker, at login and logout.
func ClearRefreshRejected(lockDir, profile string) {
	_ = os.Remove(rejectedMarker(lockDir, profile))
}
