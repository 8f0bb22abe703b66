package mock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/mock"
)

// TestNodeSDKInterop drives the official Sinch Node SDK against the mock
// (interop/node): its signed requests (millisecond x-timestamp, a decoded
// path signed and an encoded one sent) are accepted, and it surfaces the
// documented errorCode and message. It runs only when VCHECK_INTEROP is
// set, so that `go test ./...` stays fast and needs no network: `make
// interop` installs the pinned packages (npm ci) and sets it.
func TestNodeSDKInterop(t *testing.T) {
	if os.Getenv("VCHECK_INTEROP") == "" {
		t.Skip("set VCHECK_INTEROP=1 (make interop) to run the Node SDK against the mock")
	}
	dir, err := filepath.Abs(filepath.Join("..", "interop", "node"))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, "node_modules", "@sinch", "sdk-core"))
	require.NoError(t, err, "the SDK is not installed: run npm ci in interop/node (make interop does)")
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is not on PATH")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := mock.Start(ctx, mock.Config{})
	require.NoError(t, err)
	defer r.Close()

	type magic struct {
		Code    int    `json:"code"`
		HTTP    int    `json:"http"`
		Message string `json:"message"`
	}
	table := map[string]magic{}
	for _, s := range contracts.DefaultCatalog().Errors() {
		if s.Magic != "" {
			table[s.Magic] = magic{s.Code, s.HTTPStatus, strings.Join(s.Messages, " / ")}
		}
	}
	magicJSON, err := json.Marshal(table)
	require.NoError(t, err)

	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"VCHECK_URL="+r.URL,
		"VCHECK_KEY="+mock.DefaultCredentials().Key,
		"VCHECK_SECRET="+mock.DefaultCredentials().Secret.Reveal(),
		"VCHECK_CODE="+mock.Code,
		"VCHECK_MAGIC="+string(magicJSON),
		"NO_COLOR=1",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	t.Logf("node --test (%s):\n%s", dir, out.String())
	require.NoError(t, err, "the Node SDK interop test failed")
}
