package cmdutil

import (
	"net/http"
	"os"
	"time"

	"github.com/pdauth/pdauth/internal/browser"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
)

// DefaultProfile is the keychain account used until profiles can be chosen.
const DefaultProfile = "default"

// HTTPTimeout bounds each request to the token endpoint and the REST API,
// including reading the response.
const HTTPTimeout = 30 * time.Second

// Factory holds every outside-world dependency the commands use, so that
// tests can replace each one.
type Factory struct {
	IOStreams  *iostreams.IOStreams
	HTTPClient *http.Client
	Keyring    credstore.Keyring
	Getenv     func(key string) string
	Now        func() time.Time

	// OpenBrowser opens a URL in the user's browser without waiting for it.
	OpenBrowser func(url string) error
}

// New returns the Factory of a real run: the process's streams and
// environment, the system keychain, and an HTTP client that keeps Go's
// default transport, so HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE apply.
func New() *Factory {
	streams := iostreams.System()
	launcher := &browser.Launcher{Command: os.Getenv("BROWSER"), Stderr: streams.ErrOut}
	return &Factory{
		IOStreams:   streams,
		HTTPClient:  &http.Client{Timeout: HTTPTimeout},
		Keyring:     credstore.SystemKeyring{},
		Getenv:      os.Getenv,
		Now:         time.Now,
		OpenBrowser: launcher.Open,
	}
}

// Store returns the credential store over the Factory's keychain.
func (f *Factory) Store() *credstore.Store {
	return &credstore.Store{Keyring: f.Keyring}
}
