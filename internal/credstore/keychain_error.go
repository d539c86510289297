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

// ErrNoSessionBus is the cause of a KeychainError on Linux when there is no
// D-Bus session bus, which the Secret Service needs.
var ErrNoSessionBus = errors.New("no D-Bus session bus found (DBUS_SESSION_BUS_ADDRESS is not set)")

// KeychainError is a failed keychain call. Its message names the likely
// cause and what to do about it.
type KeychainError struct {
	Op  string // "read from", "write to" or "delete from"
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

	if errors.Is(err, ErrNoSessionBus) {
		return noBusHint
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
	case strings.Contains(msg, "couldn't determine address of session bus"):
		return noBusHint
	case strings.HasPrefix(msg, "dial unix"):
		return "The D-Bus session bus named by DBUS_SESSION_BUS_ADDRESS is not running. Log in to a desktop session again, or start a session bus and a keyring, for example with `dbus-run-session -- sh` and `gnome-keyring-daemon --unlock`."
	case strings.Contains(msg, "failed to unlock correct collection"):
		return "The keychain's default collection is locked or missing. Unlock or create it and try again."
	}
	return ""
}

const noBusHint = "The Secret Service needs a D-Bus session bus. Run pdauth in a desktop session, or start a session bus and a keyring, for example with `dbus-run-session -- sh` and `gnome-keyring-daemon --unlock`."
