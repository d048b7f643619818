//go:build !race

package main

// raceBuild makes the end-to-end tests build the binary with the race
// detector when the tests run with it.
const raceBuild = false
