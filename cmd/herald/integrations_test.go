package main

// Tests of what runs herald elsewhere: the GitHub Action (action.yml), the
// pre-commit hook (.pre-commit-hooks.yaml), the Kubernetes manifests
// (deploy/kubernetes) and the release script (scripts/release). Each file
// is parsed, and what it runs is run: the Action's shell steps with bash
// as the runner would, the hook's entry as pre-commit would, the manifests'
// command line through herald serve's own flag parsing, the release script
// for one target.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// repoRoot is the top of herald's repository, seen from cmd/herald.
const repoRoot = "../.."

// actionFile is the part of action.yml the tests read.
type actionFile struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Author      string            `yaml:"author"`
	Branding    map[string]string `yaml:"branding"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

func readAction(t *testing.T) actionFile {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		// KnownFields: a key the test does not know is one it does not check.
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// expr matches one ${{ ... }} expression of a workflow file.
var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// TestActionShape reads action.yml: a composite action with the inputs
// the docs name, Go from go.mod when it builds herald, the SARIF upload,
// shell steps that read their inputs from the environment only (an input
// pasted into a script is a script injection), and references that
// resolve.
func TestActionShape(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using %q, want composite", a.Runs.Using)
	}
	for name, def := range map[string]string{
		"path": ".", "format": "github", "fail-level": "error", "upload-sarif": "false", "version": "",
		"diff-base": "${{ github.event.pull_request.base.sha }}", "diff-head": "${{ github.event.pull_request.head.sha }}",
	} {
		in, ok := a.Inputs[name]
		switch {
		case !ok:
			t.Errorf("no input %q", name)
		case in.Default != def:
			t.Errorf("input %q: default %q, want %q", name, in.Default, def)
		case in.Description == "":
			t.Errorf("input %q has no description", name)
		}
	}
	ids := map[string]bool{}
	var setupGo, sarif *actionStep
	for i, s := range a.Runs.Steps {
		if s.ID != "" {
			ids[s.ID] = true
		}
		switch {
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			setupGo = &a.Runs.Steps[i]
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			sarif = &a.Runs.Steps[i]
		case s.Uses == "" && s.Shell != "bash":
			t.Errorf("step %q: shell %q, want bash (composite run steps name their shell)", s.Name, s.Shell)
		}
		if s.Run != "" {
			if m := expr.FindString(s.Run); m != "" {
				t.Errorf("step %q pastes %s into its script: pass it in env", s.Name, m)
			}
			cmd := exec.Command("bash", "-n")
			cmd.Stdin = strings.NewReader(s.Run)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("step %q: bash -n: %v\n%s", s.Name, err, out)
			}
		}
	}
	switch {
	case setupGo == nil:
		t.Error("no actions/setup-go step")
	case setupGo.With["go-version-file"] != "${{ github.action_path }}/go.mod" || setupGo.If != "inputs.version == ''":
		t.Errorf("setup-go: with %v, if %q; want the action's go.mod when no version is given", setupGo.With, setupGo.If)
	}
	if _, err := os.Stat(filepath.Join(repoRoot, "go.mod")); err != nil {
		t.Error(err)
	}
	if sarif == nil || sarif.With["sarif_file"] != "${{ steps.check.outputs.sarif-file }}" {
		t.Errorf("upload-sarif step %+v, want it to upload steps.check.outputs.sarif-file", sarif)
	}
	// Every expression names a declared input or an earlier step.
	src, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`\b(inputs|steps)\.([A-Za-z0-9_-]+)`)
	for _, m := range ref.FindAllStringSubmatch(string(src), -1) {
		switch {
		case m[1] == "inputs" && a.Inputs[m[2]].Description == "":
			t.Errorf("%s: no such input", m[0])
		case m[1] == "steps" && !ids[m[2]]:
			t.Errorf("%s: no step has that id", m[0])
		}
	}
}

// actionRun runs the bash steps of action.yml one after the other in dir,
// as the runner does: each step's env with its expressions evaluated, the
// outputs of earlier steps, bash -eo pipefail. Steps that use another
// action are recorded, not run.
type actionRun struct {
	t       *testing.T
	a       actionFile
	dir     string
	temp    string
	inputs  map[string]string // given with:, over the defaults
	github  map[string]string // github.* context
	outputs map[string]map[string]string
	path    []string // added to GITHUB_PATH
	stdout  strings.Builder
	uses    []string
}

// step runs the step with id or name and returns its exit status and
// what it printed.
func (r *actionRun) step(name string) (int, string) {
	r.t.Helper()
	var s *actionStep
	for i := range r.a.Runs.Steps {
		if st := &r.a.Runs.Steps[i]; st.ID == name || st.Name == name {
			s = st
		}
	}
	if s == nil {
		r.t.Fatalf("action.yml has no step %q", name)
	}
	if s.Uses != "" {
		r.uses = append(r.uses, s.Uses)
		return 0, ""
	}
	out := filepath.Join(r.temp, "output-"+name)
	ghPath := filepath.Join(r.temp, "path-"+name)
	for _, f := range []string{out, ghPath} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	env := append(cleanEnv(), "RUNNER_TEMP="+r.temp, "RUNNER_OS=Linux", "RUNNER_ARCH="+arch,
		"GITHUB_OUTPUT="+out, "GITHUB_PATH="+ghPath, "PATH="+strings.Join(append(r.path, os.Getenv("PATH")), string(os.PathListSeparator)))
	for k, v := range s.Env {
		env = append(env, k+"="+r.eval(v))
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Dir, cmd.Env = r.dir, env
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		r.t.Fatal(err)
	}
	r.stdout.WriteString(b.String())
	r.outputs[s.ID] = readKeyValues(r.t, out)
	r.path = append(r.path, strings.Fields(readFile(r.t, ghPath))...)
	return code, b.String()
}

// eval evaluates the ${{ }} expressions of v: inputs, steps' outputs and
// the github context the tests give. Any other expression fails the test,
// which then needs to learn it.
func (r *actionRun) eval(v string) string {
	return expr.ReplaceAllStringFunc(v, func(m string) string {
		e := expr.FindStringSubmatch(m)[1]
		if name, ok := strings.CutPrefix(e, "inputs."); ok {
			if in, ok := r.inputs[name]; ok {
				return in
			}
			def, ok := r.a.Inputs[name]
			if !ok {
				r.t.Fatalf("no input %q", name)
			}
			return r.eval(def.Default)
		}
		if rest, ok := strings.CutPrefix(e, "steps."); ok {
			id, key, _ := strings.Cut(rest, ".outputs.")
			return r.outputs[id][key]
		}
		if v, ok := r.github[e]; ok {
			return v
		}
		r.t.Fatalf("the test cannot evaluate ${{ %s }}", e)
		return ""
	})
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readKeyValues reads a GITHUB_OUTPUT file of key=value lines.
func readKeyValues(t *testing.T, name string) map[string]string {
	t.Helper()
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(readFile(t, name)))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			kv[k] = v
		}
	}
	return kv
}

// gitFixture copies the site at src into a new Git repository, commits it
// on main, then commits the files of change (path: content) on a branch,
// and returns the folder and the two commits.
func gitFixture(t *testing.T, src string, change map[string]string) (dir, base, head string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	base = git("rev-parse", "HEAD")
	git("checkout", "-q", "-b", "change")
	for p, content := range change {
		name := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("add", ".")
	git("commit", "-q", "--allow-empty", "-m", "change")
	head = git("rev-parse", "HEAD")
	git("checkout", "-q", "main") // the Action checks head from Git, not the work tree
	return dir, base, head
}

const (
	// newPostError is a new post whose one error is an unknown author.
	newPostError = "---\ntitle: New\ndate: 2099-03-04T10:00:00+01:00\nauthors: [gerit91]\ntags: [news]\n---\n\nA short post.\n"
	// newPostWarnings is a new post with a warning (date-zone) and no error.
	newPostWarnings = "---\ntitle: New\ndate: 2099-04-04T10:00:00+01:00\nauthors: [gerrit91]\ntags: [news]\n---\n\nA short post.\n"
	newPost         = "blog/2099/03-new/index.md"
)

// releaseServer serves heraldBin as the release download of version for
// this machine, with a SHA256SUMS that matches it or not.
func releaseServer(t *testing.T, version string, goodSum bool) string {
	t.Helper()
	bin, err := os.ReadFile(heraldBin)
	if err != nil {
		t.Fatal(err)
	}
	name := "herald-linux-" + runtime.GOARCH
	sum := sha256.Sum256(bin)
	if !goodSum {
		sum = sha256.Sum256(append(bin, 0))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+version+"/"+name, func(w http.ResponseWriter, _ *http.Request) { w.Write(bin) })
	mux.HandleFunc("GET /"+version+"/SHA256SUMS", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "%s  herald-darwin-arm64\n%s  %s\n", strings.Repeat("0", 64), hex.EncodeToString(sum[:]), name)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestActionRun runs the Action's shell steps on a pull request of a
// real site: a release downloaded and verified, annotations on the post
// the pull request adds and none on the posts it leaves alone, the
// counts, the SARIF file, and the verdict of each fail level.
func TestActionRun(t *testing.T) {
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("the test serves this machine's herald as a linux release")
	}
	a := readAction(t)
	newRun := func(t *testing.T, dir string, github, inputs map[string]string) *actionRun {
		github["github.action_path"] = mustAbs(t, repoRoot)
		github["github.action_ref"] = ""
		return &actionRun{t: t, a: a, dir: dir, temp: t.TempDir(), github: github, inputs: inputs, outputs: map[string]map[string]string{}}
	}
	pr := func(base, head string) map[string]string {
		return map[string]string{"github.event.pull_request.base.sha": base, "github.event.pull_request.head.sha": head}
	}
	install := func(t *testing.T, r *actionRun) {
		t.Helper()
		r.inputs["version"] = "v9.9.9"
		r.inputs["release-url"] = releaseServer(t, "v9.9.9", true) + "/"
		if code, out := r.step("install"); code != 0 {
			t.Fatalf("install: exit %d\n%s", code, out)
		}
	}

	t.Run("error on the new post", func(t *testing.T) {
		dir, base, head := gitFixture(t, fosdem, map[string]string{newPost: newPostError})
		r := newRun(t, dir, pr(base, head), map[string]string{"upload-sarif": "true"})
		install(t, r)
		if r.path[0] != filepath.Join(r.temp, "herald-bin") {
			t.Errorf("GITHUB_PATH %v", r.path)
		}
		code, out := r.step("check")
		if code != 0 {
			t.Fatalf("check: exit %d\n%s", code, out)
		}
		want := "::error file=" + newPost + ",line=4,col=11,endLine=4,endColumn=18,title=unknown-author::unknown author \"gerit91\""
		if !strings.Contains(out, want) {
			t.Errorf("no annotation %s in:\n%s", want, out)
		}
		if strings.Contains(out, fosdemPost) {
			t.Errorf("the post the change leaves alone is annotated:\n%s", out)
		}
		got := r.outputs["check"]
		if got["exit-code"] != "1" || got["errors"] != "1" || got["warnings"] != "0" {
			t.Errorf("outputs %v, want exit-code 1, errors 1, warnings 0", got)
		}
		var sarif struct {
			Runs []struct {
				Results []struct {
					RuleID string `json:"ruleId"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(readFile(t, got["sarif-file"])), &sarif); err != nil {
			t.Fatalf("sarif-file %q: %v", got["sarif-file"], err)
		}
		if len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 1 || sarif.Runs[0].Results[0].RuleID != "unknown-author" {
			t.Errorf("SARIF %+v, want one unknown-author result", sarif)
		}
		r.step("Upload SARIF")
		if len(r.uses) != 1 || !strings.HasPrefix(r.uses[0], "github/codeql-action/upload-sarif@") {
			t.Errorf("uses %v", r.uses)
		}
		if code, out := r.step("Verdict"); code != 1 || !strings.Contains(out, "::error title=herald::1 errors, 0 warnings, 0 infos; fail-level error fails the job") {
			t.Errorf("verdict: exit %d, %s", code, out)
		}
		r.inputs["fail-level"] = "never"
		if code, out := r.step("Verdict"); code != 0 {
			t.Errorf("fail-level never: exit %d, %s", code, out)
		}
	})

	t.Run("warnings and the fail levels", func(t *testing.T) {
		dir, base, head := gitFixture(t, fosdem, map[string]string{newPost: newPostWarnings})
		for _, tt := range []struct {
			level string
			fails bool
		}{{"error", false}, {"warning", true}, {"info", true}, {"never", false}} {
			r := newRun(t, dir, pr(base, head), map[string]string{"fail-level": tt.level, "format": "text"})
			install(t, r)
			if code, out := r.step("check"); code != 0 || !strings.Contains(out, newPost+":3:7: warning date-zone") {
				t.Fatalf("check: exit %d\n%s", code, out)
			}
			if got := r.outputs["check"]; got["exit-code"] != "0" || got["errors"] != "0" || got["warnings"] == "0" || got["sarif-file"] != "" {
				t.Errorf("outputs %v", got)
			}
			if code, out := r.step("Verdict"); (code != 0) != tt.fails {
				t.Errorf("fail-level %s: exit %d, want failing %v\n%s", tt.level, code, tt.fails, out)
			}
		}
	})

	t.Run("the whole site outside a pull request", func(t *testing.T) {
		dir, _, _ := gitFixture(t, fosdem, nil)
		r := newRun(t, dir, pr("", ""), map[string]string{})
		install(t, r)
		if code, out := r.step("check"); code != 0 || !strings.Contains(out, "::error file="+fosdemPost) {
			t.Errorf("check: exit %d\n%s", code, out)
		}
		if got := r.outputs["check"]; got["errors"] == "0" || got["exit-code"] != "1" {
			t.Errorf("outputs %v", got)
		}
	})

	t.Run("a site in a folder", func(t *testing.T) {
		repo := t.TempDir()
		if err := os.CopyFS(filepath.Join(repo, "website"), os.DirFS(fosdem)); err != nil {
			t.Fatal(err)
		}
		dir, _, _ := gitFixture(t, repo, nil)
		r := newRun(t, dir, pr("", ""), map[string]string{"path": "website"})
		install(t, r)
		if code, out := r.step("check"); code != 0 || !strings.Contains(out, "::error file=website/"+fosdemPost) {
			t.Errorf("check: exit %d\n%s", code, out)
		}
	})

	t.Run("refused", func(t *testing.T) {
		dir, base, head := gitFixture(t, fosdem, map[string]string{newPost: newPostError})
		shallow := filepath.Join(t.TempDir(), "shallow")
		if out, err := exec.Command("git", "clone", "-q", "--depth=1", "--branch=change", "file://"+dir, shallow).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v\n%s", err, out)
		}
		for _, tt := range []struct {
			name   string
			dir    string
			inputs map[string]string
			want   string
			code   int
		}{
			{"a shallow checkout", shallow, nil, "give actions/checkout fetch-depth: 0", 1},
			{"an unknown fail level", dir, map[string]string{"fail-level": "warnings"}, "fail-level warnings: want error, warning, info or never", 1},
			{"an unknown format", dir, map[string]string{"format": "annotations"}, `unknown format "annotations"`, exitUsage},
			{"a missing folder", dir, map[string]string{"path": "site"}, "site: no such file or directory", exitUsage},
		} {
			t.Run(tt.name, func(t *testing.T) {
				inputs := map[string]string{}
				for k, v := range tt.inputs {
					inputs[k] = v
				}
				r := newRun(t, tt.dir, pr(base, head), inputs)
				install(t, r)
				if code, out := r.step("check"); code != tt.code || !strings.Contains(out, tt.want) {
					t.Errorf("exit %d, want %d and %q:\n%s", code, tt.code, tt.want, out)
				}
			})
		}
	})

	t.Run("built from the action's source", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short: not building herald again")
		}
		r := newRun(t, t.TempDir(), pr("", ""), map[string]string{})
		r.github["github.action_ref"] = "v9.8.7"
		code, out := r.step("install")
		if code != 0 || !strings.Contains(out, "herald v9.8.7\n") {
			t.Fatalf("install: exit %d, want it to build and print herald v9.8.7:\n%s", code, out)
		}
		if got := r.outputs["install"]["herald"]; got != filepath.Join(r.temp, "herald-bin", "herald") {
			t.Errorf("herald output %q", got)
		}
	})

	t.Run("a release that does not match its checksum", func(t *testing.T) {
		r := newRun(t, t.TempDir(), pr("", ""), map[string]string{"version": "v9.9.9", "release-url": releaseServer(t, "v9.9.9", false)})
		code, out := r.step("install")
		if code != 1 || !strings.Contains(out, "::error title=herald::herald-linux-"+runtime.GOARCH+" of v9.9.9 does not match its SHA256SUMS") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if len(r.path) != 0 || r.outputs["install"]["herald"] != "" {
			t.Errorf("installed anyway: path %v, outputs %v", r.path, r.outputs["install"])
		}
	})
}

// hook is one entry of .pre-commit-hooks.yaml.
type hook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	Files         string   `yaml:"files"`
	Args          []string `yaml:"args"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	RequireSerial bool     `yaml:"require_serial"`
	MinimumPC     string   `yaml:"minimum_pre_commit_version"`
}

// TestPreCommitHook reads .pre-commit-hooks.yaml and runs the hook's
// entry as pre-commit would: the herald that `go install ./...` of this
// repository builds, in the repository, with the staged files that match
// `files` appended unless pass_filenames is false.
func TestPreCommitHook(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(hooks) != 1 || hooks[0].ID != "herald-check" {
		t.Fatalf("hooks %+v, want one, herald-check", hooks)
	}
	h := hooks[0]
	entry := strings.Fields(h.Entry)
	// language golang: pre-commit runs go install ./... in this repository,
	// which names the binary after the main package's folder.
	if h.Language != "golang" || len(entry) < 2 || entry[0] != filepath.Base(mustAbs(t, ".")) || entry[1] != "check" {
		t.Errorf("language %q, entry %q; want golang, herald check", h.Language, h.Entry)
	}
	// pre-commit matches files with Python's re.search; these patterns mean
	// the same in Go.
	files := regexp.MustCompile(h.Files)
	for p, want := range map[string]bool{
		"blog/2026/02-fosdem-recap/index.md": true, "docs/intro.mdx": true, "content/posts/a.markdown": true,
		".herald.yml": true, "website/.herald.yml": true,
		"main.go": false, "blog/authors.yml": false, "static/img/a.png": false, "notes.md.txt": false,
	} {
		if got := files.MatchString(p); got != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, p, got, want)
		}
	}

	// run runs the hook in dir as pre-commit does and returns what it left.
	run := func(t *testing.T, dir string) result {
		t.Helper()
		args := append(slices.Clone(entry[1:]), h.Args...)
		if h.PassFilenames == nil || *h.PassFilenames {
			out, err := exec.Command("git", "-C", dir, "ls-files").Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range strings.Fields(string(out)) {
				if files.MatchString(p) {
					args = append(args, p)
				}
			}
		}
		cmd := exec.Command(heraldBin, args...)
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{stdout.String(), stderr.String(), code}
	}

	t.Run("a post with errors fails the commit", func(t *testing.T) {
		dir, _, _ := gitFixture(t, fosdem, map[string]string{newPost: newPostError})
		if out, err := exec.Command("git", "-C", dir, "checkout", "-q", "change").CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		res := run(t, dir)
		if res.code != exitFindings || !strings.Contains(res.stdout, newPost+":4:11: error unknown-author") {
			t.Errorf("exit %d, want 1 naming the new post\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
		}
	})
	t.Run("a clean site passes", func(t *testing.T) {
		site := t.TempDir()
		for p, content := range map[string]string{
			"docusaurus.config.js":     "export default {};\n",
			"blog/2026-01-05-hello.md": "---\ntitle: Hello\ndate: 2026-01-05\n---\n\nA short post.\n\n<!-- truncate -->\n\nMore of it.\n",
		} {
			name := filepath.Join(site, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		dir, _, _ := gitFixture(t, site, nil)
		if res := run(t, dir); res.code != exitOK {
			t.Errorf("exit %d, want 0\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
		}
	})
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// k8sDoc is one YAML document of deploy/kubernetes, as a tree.
type k8sDoc struct {
	file string
	node map[string]any
}

// dig follows keys (strings) and indexes (ints) into a YAML tree.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func digString(v any, path ...any) string {
	s, _ := dig(v, path...).(string)
	return s
}

func digList(v any, path ...any) []any {
	l, _ := dig(v, path...).([]any)
	return l
}

// serveFlags lists the flags of the built herald serve, from its --help.
func serveFlags(t *testing.T) map[string]bool {
	t.Helper()
	res := herald(t, nil, "serve", "--help")
	if res.code != exitOK {
		t.Fatalf("herald serve --help: exit %d\n%s", res.code, res.stderr)
	}
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(res.stdout+res.stderr, -1) {
		flags[m[1]] = true
	}
	if !flags["listen"] || !flags["data-dir"] {
		t.Fatalf("no --listen or --data-dir in herald serve --help:\n%s%s", res.stdout, res.stderr)
	}
	return flags
}

// TestKubernetesManifests parses every document of deploy/kubernetes and
// checks that they fit herald serve: the command line and HERALD_*
// variables are ones it accepts (its real flag set and its own parsing),
// the probes and Services reach the ports it listens on, the admin
// listener is reachable from its Service, each replica has its own
// writable data directory under a read-only, non-root root, and the
// Secret's example has every key the Deployment reads and no values.
func TestKubernetesManifests(t *testing.T) {
	dir := filepath.Join(repoRoot, "deploy", "kubernetes")
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no manifests in %s: %v", dir, err)
	}
	var docs []k8sDoc
	byKind := map[string][]map[string]any{}
	for _, name := range names {
		dec := yaml.NewDecoder(bytes.NewReader([]byte(readFile(t, name))))
		for {
			var node map[string]any
			err := dec.Decode(&node)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if node == nil {
				continue
			}
			base := filepath.Base(name)
			if digString(node, "apiVersion") == "" || digString(node, "kind") == "" {
				t.Errorf("%s: a document without apiVersion or kind", base)
			}
			if digString(node, "kind") != "Kustomization" && digString(node, "metadata", "name") == "" {
				t.Errorf("%s: a %s without metadata.name", base, digString(node, "kind"))
			}
			docs = append(docs, k8sDoc{base, node})
			byKind[digString(node, "kind")] = append(byKind[digString(node, "kind")], node)
		}
	}
	one := func(kind string) map[string]any {
		t.Helper()
		if len(byKind[kind]) != 1 {
			t.Fatalf("%d documents of kind %s, want 1", len(byKind[kind]), kind)
		}
		return byKind[kind][0]
	}

	// The kustomization applies every manifest but the Secret's example.
	kust := one("Kustomization")
	var resources []string
	for _, r := range digList(kust, "resources") {
		resources = append(resources, r.(string))
	}
	for _, d := range docs {
		want := d.file != "kustomization.yaml" && d.file != "secret.example.yaml"
		if got := slices.Contains(resources, d.file); got != want {
			t.Errorf("kustomization.yaml lists %s: %v, want %v", d.file, got, want)
		}
	}
	for _, d := range docs {
		if d.file == "secret.example.yaml" && digString(d.node, "kind") != "Secret" {
			t.Errorf("secret.example.yaml holds a %s", digString(d.node, "kind"))
		}
	}

	dep := one("Deployment")
	if r, _ := dig(dep, "spec", "replicas").(int); r != 2 {
		t.Errorf("replicas %v, want 2", dig(dep, "spec", "replicas"))
	}
	pod := dig(dep, "spec", "template")
	labels, _ := dig(pod, "metadata", "labels").(map[string]any)
	selects := func(sel any) bool {
		m, _ := sel.(map[string]any)
		if len(m) == 0 {
			return false
		}
		for k, v := range m {
			if labels[k] != v {
				return false
			}
		}
		return true
	}
	if !selects(dig(dep, "spec", "selector", "matchLabels")) {
		t.Errorf("the Deployment's selector does not select its pods")
	}
	if dig(pod, "spec", "securityContext", "runAsNonRoot") != true {
		t.Error("pod securityContext: runAsNonRoot is not true")
	}
	if uid, _ := dig(pod, "spec", "securityContext", "runAsUser").(int); uid == 0 {
		t.Error("pod securityContext: runAsUser is 0 or missing")
	}
	containers := digList(pod, "spec", "containers")
	if len(containers) != 1 {
		t.Fatalf("%d containers, want 1", len(containers))
	}
	c := containers[0]
	for key, want := range map[string]any{"readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false} {
		if got := dig(c, "securityContext", key); got != want {
			t.Errorf("container securityContext.%s %v, want %v", key, got, want)
		}
	}
	for _, r := range []string{"requests", "limits"} {
		if digString(c, "resources", r, "memory") == "" {
			t.Errorf("no resources.%s.memory", r)
		}
	}
	if digString(c, "resources", "requests", "cpu") == "" {
		t.Error("no resources.requests.cpu")
	}

	// The command line: serve and flags of herald serve, as --name=value.
	flags := serveFlags(t)
	args := digList(c, "args")
	if len(args) == 0 || args[0] != "serve" {
		t.Fatalf("args %v, want serve first", args)
	}
	var serveArgs []string
	set := map[string]string{}
	for _, a := range args[1:] {
		s := a.(string)
		serveArgs = append(serveArgs, s)
		name, value, _ := strings.Cut(strings.TrimLeft(s, "-"), "=")
		if !strings.HasPrefix(s, "--") || !flags[name] {
			t.Errorf("argument %q: not a flag of herald serve (--help lists %v)", s, slices.Sorted(maps.Keys(flags)))
		}
		set[name] = value
	}
	// The environment: HERALD_* variables of herald serve's flags, with
	// stand-ins for the Secret's values.
	secretKeys := map[string]bool{}
	env := map[string]string{}
	for _, e := range digList(c, "env") {
		name := digString(e, "name")
		value := digString(e, "value")
		if key := digString(e, "valueFrom", "secretKeyRef", "key"); key != "" {
			if digString(e, "valueFrom", "secretKeyRef", "name") != "herald" {
				t.Errorf("env %s: from the Secret %q, want herald", name, digString(e, "valueFrom", "secretKeyRef", "name"))
			}
			secretKeys[key] = true
			value = map[string]string{"github-app-id": "123456"}[key]
			if value == "" {
				value = "stand-in-" + key
			}
		}
		env[name] = value
		flag := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "HERALD_"), "_", "-"))
		switch {
		case !strings.HasPrefix(name, "HERALD_") && name != "GOMEMLIMIT" && name != "GOGC":
			t.Errorf("env %s: herald reads HERALD_* variables (and GOMEMLIMIT, GOGC)", name)
		case strings.HasPrefix(name, "HERALD_") && name != envWebhookSecret && !flags[flag]:
			t.Errorf("env %s: herald serve has no flag --%s", name, flag)
		case strings.HasPrefix(name, "HERALD_") && name != envWebhookSecret:
			if _, dup := set[flag]; !dup {
				set[flag] = value
			}
		}
	}
	if _, err := parseServeFlags(serveArgs, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Errorf("herald serve refuses the manifest's settings: %v", err)
	}

	// Volumes: the data directory is a writable emptyDir (one per replica),
	// so is /tmp, and the App key file is in a mounted Secret.
	volumes := map[string]any{}
	for _, v := range digList(pod, "spec", "volumes") {
		volumes[digString(v, "name")] = v
	}
	mounts := map[string]any{} // mount path: volume
	for _, m := range digList(c, "volumeMounts") {
		v, ok := volumes[digString(m, "name")]
		if !ok {
			t.Errorf("volumeMount %s: no such volume", digString(m, "name"))
			continue
		}
		if dig(m, "readOnly") == true {
			v = "read-only"
		}
		mounts[digString(m, "mountPath")] = v
	}
	for _, p := range []string{set["data-dir"], "/tmp"} {
		if v := mounts[p]; dig(v, "emptyDir") == nil {
			t.Errorf("%q (the data directory or /tmp) is not a writable emptyDir: %v", p, v)
		}
	}
	if key := set["github-app-key"]; key != "" {
		found := false
		for mp, v := range mounts {
			if v != "read-only" {
				continue
			}
			for _, vol := range digList(pod, "spec", "volumes") {
				for _, it := range digList(vol, "secret", "items") {
					if filepath.Join(mp, digString(it, "path")) == key && dig(vol, "secret", "secretName") == "herald" {
						found = true
						secretKeys[digString(it, "key")] = true
					}
				}
			}
		}
		if !found {
			t.Errorf("--github-app-key %s is no file of the Secret herald mounted read-only", key)
		}
	}

	// Ports: the probes ask the public listener; each Service reaches one
	// listener; the admin one listens beyond loopback.
	ports := map[string]int{} // name and number: number
	for _, p := range digList(c, "ports") {
		n, _ := dig(p, "containerPort").(int)
		ports[digString(p, "name")] = n
		ports[fmt.Sprint(n)] = n
	}
	listenPort := func(flag string) int {
		t.Helper()
		host, port, err := net.SplitHostPort(set[flag])
		if err != nil {
			t.Fatalf("--%s %q: %v", flag, set[flag], err)
		}
		if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
			t.Errorf("--%s %q listens on loopback only: no Service reaches it", flag, set[flag])
		}
		n, ok := ports[port]
		if !ok {
			t.Errorf("--%s %q: the container declares no port %s", flag, set[flag], port)
		}
		return n
	}
	webhookPort, adminPort := listenPort("listen"), listenPort("admin-listen")
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		got := digString(c, probe, "httpGet", "path")
		port := ports[fmt.Sprint(dig(c, probe, "httpGet", "port"))]
		if got != path || port != webhookPort {
			t.Errorf("%s asks %s on port %d, want %s on %d (--listen)", probe, got, port, path, webhookPort)
		}
	}
	served := map[int]string{}
	for _, svc := range byKind["Service"] {
		if !selects(dig(svc, "spec", "selector")) {
			t.Errorf("Service %s does not select herald's pods", digString(svc, "metadata", "name"))
		}
		for _, p := range digList(svc, "spec", "ports") {
			target := ports[fmt.Sprint(dig(p, "targetPort"))]
			if target == 0 {
				t.Errorf("Service %s: targetPort %v is no port of the container", digString(svc, "metadata", "name"), dig(p, "targetPort"))
			}
			served[target] = digString(svc, "metadata", "name")
		}
	}
	if served[webhookPort] == "" || served[adminPort] == "" || served[webhookPort] == served[adminPort] {
		t.Errorf("Services by port %v: want one for the webhook port %d and another for the admin port %d", served, webhookPort, adminPort)
	}

	pdb := one("PodDisruptionBudget")
	if !selects(dig(pdb, "spec", "selector", "matchLabels")) {
		t.Error("the PodDisruptionBudget does not select herald's pods")
	}
	if m, _ := dig(pdb, "spec", "minAvailable").(int); m < 1 || m >= 2 {
		t.Errorf("PodDisruptionBudget minAvailable %v, want 1 of the 2 replicas", dig(pdb, "spec", "minAvailable"))
	}

	secret := one("Secret")
	data, _ := dig(secret, "stringData").(map[string]any)
	for k := range secretKeys {
		if _, ok := data[k]; !ok {
			t.Errorf("secret.example.yaml has no key %s, which the Deployment reads", k)
		}
	}
	for k, v := range data {
		if v != "" {
			t.Errorf("secret.example.yaml: %s has a value; the example shows the shape only", k)
		}
		if !secretKeys[k] {
			t.Errorf("secret.example.yaml: the Deployment does not read %s", k)
		}
	}
	if digString(secret, "metadata", "name") != "herald" || dig(secret, "data") != nil {
		t.Errorf("Secret %s, data %v; want herald with stringData only", digString(secret, "metadata", "name"), dig(secret, "data"))
	}
}

// TestReleaseScript checks the builds scripts/release plans (static,
// versioned, for linux/amd64, linux/arm64 and darwin/arm64) and, unless
// -short, runs it for this machine: the binary is static, says its
// version, and SHA256SUMS holds its hash.
func TestReleaseScript(t *testing.T) {
	script := mustAbs(t, filepath.Join(repoRoot, "scripts", "release"))
	// The toolchain the script pins is the one go.mod names.
	gomod := readFile(t, filepath.Join(repoRoot, "go.mod"))
	want := regexp.MustCompile(`(?m)^toolchain (go\S+)$`).FindStringSubmatch(gomod)
	if want == nil {
		want = regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(gomod)
		want[1] = "go" + want[1]
	}
	if got := regexp.MustCompile(`(?m)^export GOTOOLCHAIN=(\S+)$`).FindStringSubmatch(readFile(t, script)); got == nil || got[1] != want[1] {
		t.Errorf("scripts/release sets GOTOOLCHAIN %v, go.mod wants %s", got, want[1])
	}

	cmd := exec.Command(script, "-n", "v1.2.3")
	cmd.Env = append(cleanEnv(), "TARGETS=", "DIST=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/release -n: %v\n%s", err, out)
	}
	var planned []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		line = strings.TrimSpace(line)
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "CGO_ENABLED=0" || !strings.HasPrefix(f[1], "GOOS=") || !strings.HasPrefix(f[2], "GOARCH=") ||
			!strings.Contains(line, `main.version=v1.2.3`) || !strings.Contains(line, "-trimpath") || !strings.HasSuffix(line, " ./cmd/herald") {
			t.Errorf("planned build %q: want CGO_ENABLED=0 GOOS=.. GOARCH=.. go build -trimpath with -X main.version=v1.2.3 of ./cmd/herald", line)
			continue
		}
		planned = append(planned, strings.TrimPrefix(f[1], "GOOS=")+"/"+strings.TrimPrefix(f[2], "GOARCH="))
	}
	if w := []string{"linux/amd64", "linux/arm64", "darwin/arm64"}; !slices.Equal(planned, w) {
		t.Errorf("targets %v, want %v", planned, w)
	}

	if testing.Short() {
		t.Skip("-short: not building a release")
	}
	dist := t.TempDir()
	cmd = exec.Command(script, "v0.0.0-test")
	cmd.Env = append(cleanEnv(), "TARGETS="+runtime.GOOS+"/"+runtime.GOARCH, "DIST="+dist)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release: %v\n%s", err, out)
	}
	name := "herald-" + runtime.GOOS + "-" + runtime.GOARCH
	bin := filepath.Join(dist, name)
	v, err := exec.Command(bin, "version").Output()
	if err != nil || string(v) != "herald v0.0.0-test\n" {
		t.Errorf("%s version: %q, %v", name, v, err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got, want := readFile(t, filepath.Join(dist, "SHA256SUMS")), hex.EncodeToString(sum[:])+"  "+name+"\n"; got != want {
		t.Errorf("SHA256SUMS %q, want %q", got, want)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is dynamically linked (%v)", name, p.Type)
			}
		}
	}
}
