package main

import (
	"context"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/flagconfig"
)

// TestHealthcheck probes a running herald serve, a server that is not
// healthy, a port where nothing listens and a URL that is not one.
func TestHealthcheck(t *testing.T) {
	r := startServe(t, []string{"--webhook-secret", "s"}, nil, &fakeBot{})
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "starting", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/healthz"
	l.Close()

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"herald serve", []string{"--url", r.url + "/healthz"}, exitOK, ""},
		{"unhealthy", []string{"--url", sick.URL + "/healthz"}, exitFindings, "herald healthcheck: " + sick.URL + "/healthz answered 503 Service Unavailable\n"},
		{"nothing listening", []string{"--url", closed}, exitFindings, "connection refused"},
		{"not a URL", []string{"--url", "http://[::1"}, exitUsage, `herald healthcheck: --url "http://[::1": `},
		{"unknown flag", []string{"--port", "8080"}, exitUsage, "flag provided but not defined: -port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			code := runHealthcheck(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) || (tt.stderr == "" && stderr.String() != "") {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.stderr)
			}
		})
	}
}

// TestDockerfile checks what the image relies on, since no test here can
// build it: the health check's command and URL match herald's defaults, the
// command and each HERALD_* variable it sets exist, and the data volume is
// made writable by the user the image runs as.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	cmds := commands()

	hc := regexp.MustCompile(`CMD \["/usr/local/bin/herald", "([a-z]+)", "--url", "http://127\.0\.0\.1:(\d+)/healthz"\]`).FindStringSubmatch(df)
	if hc == nil {
		t.Fatal("no HEALTHCHECK running herald with --url http://127.0.0.1:PORT/healthz")
	}
	if _, ok := cmds[hc[1]]; !ok {
		t.Errorf("HEALTHCHECK runs herald %s, which is not a command", hc[1])
	}
	var cfg serveConfig
	fs, _, _ := serveFlagSet(&cfg)
	if listen := fs.Lookup("listen").DefValue; listen != ":"+hc[2] {
		t.Errorf("HEALTHCHECK probes port %s; herald serve listens on %s by default", hc[2], listen)
	}
	if !strings.Contains(df, "EXPOSE "+hc[2]+"\n") {
		t.Errorf("the image does not EXPOSE the port %s it serves on", hc[2])
	}

	cmd := regexp.MustCompile(`(?m)^CMD \["([a-z]+)"\]`).FindStringSubmatch(df)
	if cmd == nil {
		t.Fatal("no CMD naming herald's command")
	}
	if _, ok := cmds[cmd[1]]; !ok {
		t.Errorf("CMD runs herald %s, which is not a command", cmd[1])
	}

	flags := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { flags[flagconfig.EnvName(f.Name)] = true })
	envs := regexp.MustCompile(`(?m)^ENV (HERALD_[A-Z_]+)=(\S+)`).FindAllStringSubmatch(df, -1)
	if len(envs) == 0 {
		t.Fatal("no ENV HERALD_* in the Dockerfile")
	}
	dataDir := ""
	for _, e := range envs {
		if !flags[e[1]] {
			t.Errorf("ENV %s sets no flag of herald serve", e[1])
		}
		if e[1] == flagconfig.EnvName("data-dir") {
			dataDir = e[2]
		}
	}
	if dataDir == "" {
		t.Fatal("the image sets no HERALD_DATA_DIR")
	}
	if !strings.Contains(df, `VOLUME ["`+dataDir+`"]`) {
		t.Errorf("HERALD_DATA_DIR=%s is not the image's volume", dataDir)
	}
	// A volume mounted where the image has no directory is created owned
	// by root, where the nonroot user cannot clone mirrors.
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(df)
	if user == nil {
		t.Fatal("the image runs as root")
	}
	if !regexp.MustCompile(`(?m)^COPY --from=build --chown=` + regexp.QuoteMeta(user[1]) + ` \S+ ` + regexp.QuoteMeta(dataDir) + `\n`).MatchString(df) {
		t.Errorf("the image has no %s owned by %s: a volume mounted there would be root's", dataDir, user[1])
	}
}
