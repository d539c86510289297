//go:build !linux

package credstore

// checkSessionBus does nothing: only the Linux keychain goes through D-Bus.
// On the BSDs go-keyring also uses D-Bus, and there godbus may start a bus
// with dbus-launch.
func checkSessionBus() error { return nil }
