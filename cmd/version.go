package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pdauth/pdauth/internal/cmdutil"
)

// NewCmdVersion returns the version command, which prints the same line as
// pdauth --version.
func NewCmdVersion(f *cmdutil.Factory, version string) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the pdauth version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IOStreams.Out, "pdauth version %s\n", version)
			return err
		},
	}
}
