package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/PagerDuty/go-pagerduty"
	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/pdapi"
	"github.com/pdauth/pdauth/internal/pdoauth"
	"github.com/pdauth/pdauth/internal/termtext"
)

// WhoamiOptions holds the whoami command's dependencies, then its flags.
type WhoamiOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Profile string

	JSON bool
}

// WhoamiOutput is the JSON object that whoami --json prints. Scripts rely
// on its field names.
type WhoamiOutput struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Email            string `json:"email"`
	Role             string `json:"role"`
	TimeZone         string `json:"time_zone"`
	HTMLURL          string `json:"html_url"`
	AccountSubdomain string `json:"account_subdomain"`
	Region           string `json:"region"`
	APIURL           string `json:"api_url"`
}

// NewCmdWhoami returns the whoami command. runF replaces whoamiRun in tests.
func NewCmdWhoami(f *cmdutil.Factory, runF func(*WhoamiOptions) error) *cobra.Command {
	opts := &WhoamiOptions{IO: f.IOStreams, Factory: f}

	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the logged-in PagerDuty user",
		Long: `Show the logged-in user from PagerDuty's GET /users/me: name, email, role,
user ID, account subdomain and API region.

PDAUTH_API_URL, when set, replaces the REST API URL saved at login. When
PDAUTH_TOKEN is set, whoami sends that token instead of the stored login, to
PDAUTH_API_URL or else https://api.pagerduty.com.`,
		Example: `  pdauth whoami
  pdauth whoami --profile eu --json | jq -r .email`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = f.Profile
			if runF != nil {
				return runF(opts)
			}
			return whoamiRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print one JSON object")
	return cmd
}

func whoamiRun(ctx context.Context, o *WhoamiOptions) error {
	override, err := apiURLOverride(o.Factory)
	if err != nil {
		return err
	}

	record, err := whoamiRecord(ctx, o.Factory, o.Profile)
	if err != nil {
		return err
	}
	apiURL := record.APIURL
	if override != "" {
		apiURL = override
	}

	client := pdapi.NewClient(o.Factory.HTTPClient, apiURL, record.AccessToken)
	user, err := pdapi.CurrentUser(ctx, client)
	if errors.Is(err, pdapi.ErrUnauthorized) {
		if o.Factory.Getenv("PDAUTH_TOKEN") != "" {
			return &cmdutil.ExitError{Code: cmdutil.ExitAuth, Err: fmt.Errorf("PDAUTH_TOKEN: %w\nSet PDAUTH_TOKEN to a valid token, or unset it to use the stored login", err)}
		}
		return cmdutil.AuthError(err, o.Profile)
	}
	if err != nil {
		return err
	}
	return o.print(newWhoamiOutput(user, record, apiURL))
}

// apiURLOverride returns PDAUTH_API_URL, validated, or "" when it is unset.
func apiURLOverride(f *cmdutil.Factory) (string, error) {
	env := f.Getenv("PDAUTH_API_URL")
	if env == "" {
		return "", nil
	}
	apiURL, err := pdoauth.ParseServiceURL("PDAUTH_API_URL", env)
	if err != nil {
		return "", cmdutil.UsageErrorf("%w", err)
	}
	return apiURL, nil
}

// whoamiRecord returns the stored record, or one made from PDAUTH_TOKEN when
// that is set, with the US REST API as its default API URL.
func whoamiRecord(ctx context.Context, f *cmdutil.Factory, profile string) (*credstore.Record, error) {
	if token := f.Getenv("PDAUTH_TOKEN"); token != "" {
		return &credstore.Record{AccessToken: token, APIURL: pdoauth.APIURLUS}, nil
	}
	return f.CurrentRecord(ctx, profile)
}

func newWhoamiOutput(user *pagerduty.User, record *credstore.Record, apiURL string) WhoamiOutput {
	subdomain := record.Subdomain
	if subdomain == "" {
		subdomain = pdapi.SubdomainFromHTMLURL(user.HTMLURL)
	}
	return WhoamiOutput{
		ID:               user.ID,
		Name:             user.Name,
		Email:            user.Email,
		Role:             user.Role,
		TimeZone:         user.Timezone,
		HTMLURL:          user.HTMLURL,
		AccountSubdomain: subdomain,
		Region:           regionName(apiURL, record.Region),
		APIURL:           apiURL,
	}
}

// regionName returns "US" or "EU" for PagerDuty's REST URLs, else the
// id_token's region claim in capitals, else the API host.
func regionName(apiURL, claim string) string {
	region := pdoauth.RegionName(apiURL)
	if region != "US" && region != "EU" && claim != "" {
		return strings.ToUpper(claim)
	}
	return region
}

func (o *WhoamiOptions) print(out WhoamiOutput) error {
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}

	p := termtext.Printable
	tw := tabwriter.NewWriter(o.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Name:\t%s\n", p(out.Name))
	fmt.Fprintf(tw, "Email:\t%s\n", p(out.Email))
	fmt.Fprintf(tw, "Role:\t%s\n", p(out.Role))
	fmt.Fprintf(tw, "User ID:\t%s\n", p(out.ID))
	fmt.Fprintf(tw, "Account:\t%s\n", p(out.AccountSubdomain))
	fmt.Fprintf(tw, "Region:\t%s (%s)\n", p(out.Region), p(out.APIURL))
	return tw.Flush()
}
