package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ConfigFile is the path of the repository configuration.
const ConfigFile = ".herald.yml"

// Severity is how much a finding matters.
type Severity string

// The severities, from none to most.
const (
	SeverityOff     Severity = "off"
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Valid reports whether s is one of the four severities.
func (s Severity) Valid() bool {
	switch s {
	case SeverityOff, SeverityInfo, SeverityWarning, SeverityError:
		return true
	}
	return false
}

// Rank orders severities: off 0, info 1, warning 2, error 3.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityError:
		return 3
	}
	return 0
}

// Config is the decoded .herald.yml. Every key is documented in
// docs/config.md; the zero value of each field means "the default".
type Config struct {
	// Version is the config format version; only 1 exists.
	Version int
	// Profile forces a site profile (docusaurus, hugo, jekyll); empty to detect.
	Profile string
	// Root forces the folder of the site; empty to detect with the profile.
	Root string
	// Timezone reads dates without an offset and shows times; UTC by default.
	Timezone *time.Location
	// Content are globs of post files relative to the repository root; the
	// profile's defaults when empty.
	Content []string
	// Exclude are globs of files that are never posts.
	Exclude []string
	// Required lists front-matter fields every post must have.
	Required []string
	// Fields lists extra front-matter keys the site understands, so
	// unknown-field does not question them.
	Fields []string
	// Words is the project vocabulary for the spelling rule.
	Words []string
	// Rules sets the severity and options of rules, by rule ID.
	Rules map[string]RuleConfig
	// Publish says how a post goes live.
	Publish PublishConfig
	// Approvals is the number of approving reviews a PR needs (default 1).
	Approvals int
	// Resync is the cron spec of the full reconcile (default "*/5 * * * *").
	Resync string
	// SiteURL is the public address of the site, for links in feedback.
	SiteURL string
	// Commands lists the /herald comment commands allowed; all when empty.
	Commands []string
	// Line is where each top-level key was written, for findings.
	Line map[string]int
}

// RuleConfig is the configuration of one rule.
type RuleConfig struct {
	// Severity overrides the default; empty keeps it.
	Severity Severity
	// Options are the rule's other keys, as decoded from YAML.
	Options map[string]any
	// Line is where the rule was configured.
	Line int
}

// PublishConfig is the `publish:` section.
type PublishConfig struct {
	// Strategy is merge (default), draft or rebuild.
	Strategy string
	// Rebuild says how to trigger a deploy with the rebuild strategy.
	Rebuild RebuildConfig
}

// RebuildConfig is the `publish.rebuild:` section.
type RebuildConfig struct {
	// Trigger is workflow_dispatch, repository_dispatch, hook or empty-commit.
	Trigger string
	// Workflow is the workflow file for workflow_dispatch.
	Workflow string
	// Ref is the branch for workflow_dispatch; the default branch when empty.
	Ref string
	// EventType is the event type for repository_dispatch (default "herald-publish").
	EventType string
	// URL is the build hook for the hook trigger.
	URL string
}

// ConfigProblem is a defect in .herald.yml.
type ConfigProblem struct {
	Line, Column int
	Key          string // the key concerned, dotted ("publish.strategy"); empty when none
	Message      string
}

// Error formats the problem as .herald.yml:line:column: message.
func (p ConfigProblem) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", ConfigFile, p.Line, p.Column, p.Message)
}

// DefaultConfig returns the configuration used when .herald.yml is absent.
func DefaultConfig() *Config {
	return &Config{
		Version:   1,
		Timezone:  time.UTC,
		Rules:     map[string]RuleConfig{},
		Publish:   PublishConfig{Strategy: "merge"},
		Approvals: 1,
		Resync:    "*/5 * * * *",
		Line:      map[string]int{},
	}
}

type rawConfig struct {
	Version   *int               `yaml:"version"`
	Profile   string             `yaml:"profile"`
	Root      string             `yaml:"root"`
	Timezone  string             `yaml:"timezone"`
	Content   []string           `yaml:"content"`
	Exclude   []string           `yaml:"exclude"`
	Required  []string           `yaml:"required"`
	Fields    []string           `yaml:"fields"`
	Words     []string           `yaml:"words"`
	Rules     map[string]rawRule `yaml:"rules"`
	Publish   rawPublish         `yaml:"publish"`
	Approvals *int               `yaml:"approvals"`
	Resync    string             `yaml:"resync"`
	SiteURL   string             `yaml:"site_url"`
	Commands  []string           `yaml:"commands"`
}

type rawPublish struct {
	Strategy string        `yaml:"strategy"`
	Rebuild  RebuildConfig `yaml:"rebuild"`
}

type rawRule struct {
	RuleConfig
	err string
}

// UnmarshalYAML reads a rule as a bare severity or a map of a severity
// and options.
func (r *rawRule) UnmarshalYAML(n *yaml.Node) error {
	r.Line = n.Line
	switch n.Kind {
	case yaml.ScalarNode:
		r.Severity = Severity(n.Value)
	case yaml.MappingNode:
		var m map[string]any
		if err := n.Decode(&m); err != nil {
			return err
		}
		if s, ok := m["severity"]; ok {
			str, _ := s.(string)
			r.Severity = Severity(str)
			if str == "" {
				r.err = fmt.Sprintf("severity must be one of off, info, warning, error, not %v", s)
			}
			delete(m, "severity")
		}
		r.Options = m
	default:
		r.err = "a rule is configured with a severity (off, info, warning, error) or a map {severity: ..., options}"
	}
	if r.err == "" && r.Severity != "" && !r.Severity.Valid() {
		r.err = fmt.Sprintf("severity %q must be one of off, info, warning, error", r.Severity)
	}
	return nil
}

var (
	yamlErrLineRE   = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlIntoTypeRE  = regexp.MustCompile(` into \S+`)
	configKeys      = []string{"version", "profile", "root", "timezone", "content", "exclude", "required", "fields", "words", "rules", "publish", "approvals", "resync", "site_url", "commands"}
	publishKeys     = []string{"strategy", "rebuild"}
	rebuildKeys     = []string{"trigger", "workflow", "ref", "event_type", "url"}
	strategies      = []string{"merge", "draft", "rebuild"}
	rebuildTriggers = []string{"workflow_dispatch", "repository_dispatch", "hook", "empty-commit"}
)

// maxConfigSize bounds .herald.yml.
const maxConfigSize = 256 << 10

// DecodeConfig decodes .herald.yml strictly. It always returns a usable
// configuration: a defect (an unknown key, a wrong type, an unknown
// profile or time zone) becomes a ConfigProblem with its line and the
// setting falls back to its default.
func DecodeConfig(src []byte) (*Config, []ConfigProblem) {
	cfg := DefaultConfig()
	var probs []ConfigProblem
	add := func(line int, key, format string, args ...any) {
		probs = append(probs, ConfigProblem{Line: line, Column: 1, Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if len(src) > maxConfigSize {
		add(1, "", "the file is %d bytes; herald reads at most %d", len(src), maxConfigSize)
		return cfg, probs
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlErrLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		add(line, "", "invalid YAML: %s", msg)
		return cfg, probs
	}
	if len(doc.Content) == 0 {
		return cfg, nil // an empty file means all defaults
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		add(root.Line, "", "the configuration must be a map of keys, such as `version: 1`")
		return cfg, probs
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		cfg.Line[root.Content[i].Value] = root.Content[i].Line
	}
	// Strict pass: unknown keys, with the nearest known key.
	checkKeys(root, "", configKeys, &probs)
	if p := mapValue(root, "publish"); p != nil {
		checkKeys(p, "publish.", publishKeys, &probs)
		if r := mapValue(p, "rebuild"); r != nil {
			checkKeys(r, "publish.rebuild.", rebuildKeys, &probs)
		}
	}

	var raw rawConfig
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			add(1, "", "invalid configuration: %v", err)
			return cfg, probs
		}
		for _, e := range te.Errors {
			line, msg := 1, e
			if m := yamlErrLineRE.FindStringSubmatch(e); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = m[2]
			}
			msg = strings.ReplaceAll(msg, "!!str", "a string")
			msg = strings.ReplaceAll(msg, "!!seq", "a list")
			msg = strings.ReplaceAll(msg, "!!map", "a map")
			msg = strings.ReplaceAll(msg, "!!int", "a number")
			add(line, "", "wrong type: %s", yamlIntoTypeRE.ReplaceAllString(msg, " where another type is expected"))
		}
	}

	// Without version: the file is version 1, the only one there is; a
	// future version 2 will be what needs saying.
	if raw.Version != nil && *raw.Version != 1 {
		add(cfg.Line["version"], "version", "version %d is not supported; this herald reads version 1", *raw.Version)
	}
	if raw.Profile != "" {
		if _, err := ProfileByName(raw.Profile); err != nil {
			add(cfg.Line["profile"], "profile", "%v; the profile is detected instead", err)
		} else {
			cfg.Profile = raw.Profile
		}
	}
	cfg.Root = strings.Trim(raw.Root, "/")
	if raw.Timezone != "" {
		loc, err := time.LoadLocation(raw.Timezone)
		if err != nil || raw.Timezone == "Local" {
			add(cfg.Line["timezone"], "timezone", "unknown time zone %q (use an IANA name such as Europe/Berlin); UTC is used instead", raw.Timezone)
		} else {
			cfg.Timezone = loc
		}
	}
	for _, g := range append(append([]string{}, raw.Content...), raw.Exclude...) {
		if err := validGlob(g); err != nil {
			add(cfg.Line["content"], "content", "%v", err)
		}
	}
	cfg.Content, cfg.Exclude = raw.Content, raw.Exclude
	cfg.Required, cfg.Fields, cfg.Words, cfg.Commands = raw.Required, raw.Fields, raw.Words, raw.Commands
	for name, r := range raw.Rules {
		if r.err != "" {
			add(r.Line, "rules."+name, "rule %s: %s", name, r.err)
			continue
		}
		cfg.Rules[name] = r.RuleConfig
	}
	if s := raw.Publish.Strategy; s != "" {
		if !contains(strategies, s) {
			add(lineOf(root, "publish", "strategy"), "publish.strategy", "unknown publish strategy %q (one of %s)", s, strings.Join(strategies, ", "))
		} else {
			cfg.Publish.Strategy = s
		}
	}
	cfg.Publish.Rebuild = raw.Publish.Rebuild
	if t := raw.Publish.Rebuild.Trigger; t != "" && !contains(rebuildTriggers, t) {
		add(lineOf(root, "publish", "rebuild"), "publish.rebuild.trigger", "unknown rebuild trigger %q (one of %s)", t, strings.Join(rebuildTriggers, ", "))
	}
	if raw.Approvals != nil {
		if *raw.Approvals < 0 || *raw.Approvals > 100 {
			add(cfg.Line["approvals"], "approvals", "approvals must be between 0 and 100, not %d", *raw.Approvals)
		} else {
			cfg.Approvals = *raw.Approvals
		}
	}
	if raw.Resync != "" {
		if n := len(strings.Fields(raw.Resync)); n != 5 && !strings.HasPrefix(raw.Resync, "@") {
			add(cfg.Line["resync"], "resync", "resync %q is not a cron spec of five fields (such as \"*/5 * * * *\")", raw.Resync)
		} else {
			cfg.Resync = raw.Resync
		}
	}
	cfg.SiteURL = raw.SiteURL
	return cfg, probs
}

// UnmarshalYAML decodes the rebuild section's snake_case keys.
func (r *RebuildConfig) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Trigger   string `yaml:"trigger"`
		Workflow  string `yaml:"workflow"`
		Ref       string `yaml:"ref"`
		EventType string `yaml:"event_type"`
		URL       string `yaml:"url"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	*r = RebuildConfig(raw)
	return nil
}

func checkKeys(m *yaml.Node, prefix string, known []string, probs *[]ConfigProblem) {
	if m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if contains(known, k.Value) {
			continue
		}
		msg := fmt.Sprintf("unknown key %q", prefix+k.Value)
		if s := Nearest(k.Value, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", prefix+s)
		} else {
			msg += fmt.Sprintf(" (known keys: %s)", strings.Join(known, ", "))
		}
		*probs = append(*probs, ConfigProblem{Line: k.Line, Column: k.Column, Key: prefix + k.Value, Message: msg})
	}
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func lineOf(root *yaml.Node, keys ...string) int {
	n := root
	line := 1
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			break
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line = n.Content[i].Line
				n = n.Content[i+1]
				break
			}
		}
	}
	return line
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
