package credstore

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/godbus/dbus/v5"
)

// ErrTimeout is the cause of a KeychainError when a keychain call did not
// return within the Store's timeout.
var ErrTimeout = errors.New("the keychain did not respond")

// KeychainError is a failed keychain call. Its message names the likely
// cause and what to do about it.
type KeychainError struct {
	Op  string // "read", "write" or "delete"
	Err error
}

func (e *KeychainError) Error() string {
	msg := fmt.Sprintf("could not %s the keychain: %v", e.Op, e.Err)
	if hint := keychainHint(e.Err); hint != "" {
		msg += "\n" + hint
	}
	return msg
}

func (e *KeychainError) Unwrap() error { return e.Err }

// keychainHint returns the probable cause of err and the fix, or "" when
// none is known. The Linux cases are the ones go-keyring v0.2.8 produces
// through the Secret Service D-Bus API.
func keychainHint(err error) string {
	if errors.Is(err, ErrTimeout) {
		if runtime.GOOS == "linux" {
			return "The keychain is probably locked and waiting for a password prompt that cannot be shown here (for example over SSH). Unlock the login keyring, for example by logging in to the desktop or with `gnome-keyring-daemon --unlock`, and try again."
		}
		return "The keychain is probably locked and waiting for a password prompt. Unlock it and try again."
	}

	var dbusErr dbus.Error
	if errors.As(err, &dbusErr) {
		switch dbusErr.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown":
			return "No Secret Service provider is running on the D-Bus session bus. Install and start one, such as gnome-keyring or KeePassXC with Secret Service integration."
		case "org.freedesktop.Secret.Error.NoSuchObject", "org.freedesktop.DBus.Error.UnknownObject":
			return "The keychain has no default collection. Create one (for example in GNOME's Passwords and Keys) and try again."
		}
	}

	msg := err.Error()
	switch {
	case strings.Contains(msg, "couldn't determine address of session bus"),
		strings.Contains(msg, "dbus-launch"):
		return "No D-Bus session bus was found, and the Secret Service needs one. Run pdauth in a desktop session, or start a session bus and a keyring, for example with `dbus-run-session -- sh` and `gnome-keyring-daemon --unlock`."
	case strings.Contains(msg, "failed to unlock correct collection"):
		return "The keychain's default collection is locked or missing. Unlock or create it and try again."
	}
	return ""
}
