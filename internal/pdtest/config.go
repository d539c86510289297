package pdtest

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Defaults that Start applies to zero Config and User fields.
const (
	DefaultAddr                = "127.0.0.1:0"
	DefaultClientID            = "pdauth-test-client"
	DefaultRedirectURI         = "http://localhost:5000/callback"
	DefaultSubdomain           = "pdauth-test"
	DefaultRegion              = "us"
	DefaultAccountID           = "PXACC01"
	DefaultAccessTokenLifetime = time.Hour
	DefaultCodeLifetime        = 30 * time.Second
)

// DefaultUser is the user that Start fills empty User fields from.
var DefaultUser = User{
	ID:       "PXUSR01",
	Name:     "Test User",
	Email:    "test.user@example.com",
	TimeZone: "Etc/UTC",
	Role:     "user",
	JobTitle: "Engineer",
}

// withDefaults returns cfg with defaults filled in, or an error naming the
// first invalid field.
func withDefaults(cfg Config) (Config, error) {
	setDefault(&cfg.Addr, DefaultAddr)
	setDefault(&cfg.ClientID, DefaultClientID)
	setDefault(&cfg.Subdomain, DefaultSubdomain)
	setDefault(&cfg.Region, DefaultRegion)
	setDefault(&cfg.AccountID, DefaultAccountID)
	cfg.User = userWithDefaults(cfg.User)
	if len(cfg.RedirectURIs) == 0 {
		cfg.RedirectURIs = []string{DefaultRedirectURI}
	}
	cfg.RedirectURIs = append([]string(nil), cfg.RedirectURIs...)
	if cfg.AccessTokenLifetime == 0 {
		cfg.AccessTokenLifetime = DefaultAccessTokenLifetime
	}
	if cfg.CodeLifetime == 0 {
		cfg.CodeLifetime = DefaultCodeLifetime
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")

	return cfg, validateConfig(cfg)
}

func setDefault(field *string, value string) {
	if *field == "" {
		*field = value
	}
}

func userWithDefaults(user User) User {
	setDefault(&user.ID, DefaultUser.ID)
	setDefault(&user.Name, DefaultUser.Name)
	setDefault(&user.Email, DefaultUser.Email)
	setDefault(&user.TimeZone, DefaultUser.TimeZone)
	setDefault(&user.Role, DefaultUser.Role)
	setDefault(&user.JobTitle, DefaultUser.JobTitle)
	return user
}

func validateConfig(cfg Config) error {
	if err := validateListenAddr(cfg.Addr); err != nil {
		return err
	}
	for _, uri := range cfg.RedirectURIs {
		if err := validateLoopbackURL(uri, "redirect URI"); err != nil {
			return err
		}
	}
	if cfg.APIURL != "" {
		if err := validateLoopbackURL(cfg.APIURL, "API URL"); err != nil {
			return err
		}
	}
	if cfg.Region != "us" && cfg.Region != "eu" {
		return fmt.Errorf("pdtest: invalid region %q: use \"us\" or \"eu\"", cfg.Region)
	}
	if cfg.AccessTokenLifetime < time.Second {
		return fmt.Errorf("pdtest: access token lifetime %s is shorter than 1s", cfg.AccessTokenLifetime)
	}
	if cfg.CodeLifetime < 0 {
		return fmt.Errorf("pdtest: code lifetime %s is negative", cfg.CodeLifetime)
	}
	return nil
}

func validateListenAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("pdtest: invalid listen address %q: %w", addr, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return fmt.Errorf("pdtest: listen address %q is not a loopback IP address: use 127.0.0.1:PORT or [::1]:PORT", addr)
	}
	return nil
}

// validateLoopbackURL checks that raw is an absolute http or https URL
// without a fragment whose host is localhost or a loopback IP.
func validateLoopbackURL(raw, label string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("pdtest: invalid %s %q: %w", label, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("pdtest: invalid %s %q: the scheme must be http or https", label, raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("pdtest: invalid %s %q: a fragment is not allowed", label, raw)
	}
	if !IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("pdtest: %s %q does not name a loopback host: use localhost, 127.0.0.1 or [::1]", label, raw)
	}
	return nil
}

// IsLoopbackHost reports whether host, a URL host name without port or
// brackets, is "localhost" or a loopback IP address such as 127.0.0.1 or
// ::1. It does not resolve names.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
