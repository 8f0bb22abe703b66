//go:build !unix

package kit

import "os/exec"

// ownProcessGroup does nothing here: without process groups a kill
// reaches the adapter's own process only.
func ownProcessGroup(*exec.Cmd) {}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
