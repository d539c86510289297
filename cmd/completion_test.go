package cmd

import (
	"strings"
	"testing"

	"github.com/pdauth/pdauth/internal/pdtest"
)

func TestCompletionScripts(t *testing.T) {
	// Each script starts with a line that names the shell, as cobra writes it.
	tests := []struct {
		shell  string
		marker string
	}{
		{"bash", "# bash completion V2 for pdauth"},
		{"zsh", "#compdef pdauth"},
		{"fish", "# fish completion for pdauth"},
		{"powershell", "# powershell completion for pdauth"},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			h := newHarness(t, pdtest.Config{})

			code, stdout, stderr := h.run("completion", tt.shell)
			if code != 0 {
				t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
			}
			if strings.TrimSpace(stdout) == "" {
				t.Fatal("stdout is empty, want a completion script")
			}
			if !strings.HasPrefix(stdout, tt.marker) {
				t.Errorf("script starts with %q, want %q", firstLine(stdout), tt.marker)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
			if stats := h.server.Stats(); stats != (pdtest.Stats{}) {
				t.Errorf("server requests = %+v, want none", stats)
			}
		})
	}
}

// TestCompletionCommands checks the candidates that every shell's script
// gets from the hidden __complete command.
func TestCompletionCommands(t *testing.T) {
	h := newHarness(t, pdtest.Config{})

	code, stdout, stderr := h.run("__complete", "")
	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	candidates := map[string]bool{}
	for line := range strings.SplitSeq(stdout, "\n") {
		name, _, _ := strings.Cut(line, "\t")
		candidates[name] = true
	}
	for _, want := range []string{"completion", "login", "token", "version", "whoami"} {
		if !candidates[want] {
			t.Errorf("completion candidates lack %q; output:\n%s", want, stdout)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
