package credstore

import (
	"fmt"
	"os"
)

// checkSessionBus returns ErrNoSessionBus when godbus would find no D-Bus
// session bus. godbus v5 looks at DBUS_SESSION_BUS_ADDRESS, then at
// /run/user/UID/bus and /run/user/UID/dbus-session, and then runs
// dbus-launch, which starts a bus daemon that outlives pdauth. Checking the
// first two here keeps pdauth from leaving such a daemon behind.
func checkSessionBus() error {
	if address := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); address != "" && address != "autolaunch:" {
		return nil
	}
	runtimeDir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(runtimeDir + "/" + name); err == nil {
			return nil
		}
	}
	return ErrNoSessionBus
}
