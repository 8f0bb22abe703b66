//go:build !race

package runner

// raceBuild: see race_internal_test.go.
const raceBuild = false
