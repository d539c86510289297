package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/PagerDuty/go-pagerduty"
	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
	"github.com/pdauth/pdauth/internal/credstore"
	"github.com/pdauth/pdauth/internal/iostreams"
	"github.com/pdauth/pdauth/internal/pdapi"
	"github.com/pdauth/pdauth/internal/pdoauth"
	"github.com/pdauth/pdauth/internal/session"
)

// WhoamiOptions holds the whoami command's dependencies, then its flags.
type WhoamiOptions struct {
	IO         *iostreams.IOStreams
	HTTPClient *http.Client
	Source     *session.Source
	Getenv     func(string) string
	Profile    string

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
	opts := &WhoamiOptions{
		IO:         f.IOStreams,
		HTTPClient: f.HTTPClient,
		Source:     newSessionSource(f),
		Getenv:     f.Getenv,
		Profile:    cmdutil.DefaultProfile,
	}

	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the logged-in PagerDuty user",
		Long: `Show the logged-in user from PagerDuty's GET /users/me: name, email, role,
user ID, account subdomain and API region. PDAUTH_API_URL, when set,
replaces the REST API URL saved at login.`,
		Example: `  pdauth whoami
  pdauth whoami --json | jq -r .email`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
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
	apiURL := ""
	if env := o.Getenv("PDAUTH_API_URL"); env != "" {
		var err error
		if apiURL, err = pdoauth.ParseServiceURL("PDAUTH_API_URL", env); err != nil {
			return cmdutil.UsageErrorf("%w", err)
		}
	}

	record, err := o.Source.Token(ctx, o.Profile)
	if err != nil {
		return sessionError(err)
	}
	if apiURL == "" {
		apiURL = record.APIURL
	}

	user, err := pdapi.CurrentUser(ctx, pdapi.NewClient(o.HTTPClient, apiURL, record.AccessToken))
	if errors.Is(err, pdapi.ErrUnauthorized) {
		return cmdutil.AuthError(err)
	}
	if err != nil {
		return err
	}
	return o.print(newWhoamiOutput(user, record, apiURL))
}

func newWhoamiOutput(user *pagerduty.User, record *credstore.Record, apiURL string) WhoamiOutput {
	subdomain := record.Subdomain
	if subdomain == "" {
		subdomain = pdapi.SubdomainFromHTMLURL(user.HTMLURL)
	}
	region := pdoauth.RegionName(apiURL)
	if region != "US" && region != "EU" && record.Region != "" {
		region = strings.ToUpper(record.Region)
	}
	return WhoamiOutput{
		ID:               user.ID,
		Name:             user.Name,
		Email:            user.Email,
		Role:             user.Role,
		TimeZone:         user.Timezone,
		HTMLURL:          user.HTMLURL,
		AccountSubdomain: subdomain,
		Region:           region,
		APIURL:           apiURL,
	}
}

func (o *WhoamiOptions) print(out WhoamiOutput) error {
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}

	tw := tabwriter.NewWriter(o.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Name:\t%s\n", out.Name)
	fmt.Fprintf(tw, "Email:\t%s\n", out.Email)
	fmt.Fprintf(tw, "Role:\t%s\n", out.Role)
	fmt.Fprintf(tw, "User ID:\t%s\n", out.ID)
	fmt.Fprintf(tw, "Account:\t%s\n", out.AccountSubdomain)
	fmt.Fprintf(tw, "Region:\t%s (%s)\n", out.Region, out.APIURL)
	return tw.Flush()
}
