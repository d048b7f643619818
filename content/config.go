package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
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
	// Line and Column are where the rule's name was written.
	Line, Column int
}

// PublishConfig is the `publish:` section.
type PublishConfig struct {
	// Strategy is merge, draft or rebuild; empty when the file does not
	// say (or says something unknown), and the mode chooses: merge with a
	// forge, draft in local mode, where there is nothing to merge.
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
	// at is the rule's value, where its error points.
	at *yaml.Node
}

// UnmarshalYAML reads a rule as a bare severity or a map of a severity
// and options.
func (r *rawRule) UnmarshalYAML(n *yaml.Node) error {
	r.at = n
	switch n.Kind {
	case yaml.ScalarNode:
		r.Severity = Severity(n.Value)
	case yaml.MappingNode:
		var m map[string]any
		if err := n.Decode(&m); err != nil {
			return err
		}
		if s, ok := m["severity"]; ok {
			r.at = mapValue(n, "severity") // where a bad severity is
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
	yamlTypeErrRE   = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
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
	// addAt reports a problem at n, the value concerned (the file's start
	// when there is none).
	addAt := func(n *yaml.Node, key, format string, args ...any) {
		line, col := 1, 1
		if n != nil {
			line, col = n.Line, n.Column
		}
		probs = append(probs, ConfigProblem{Line: line, Column: col, Key: key, Message: fmt.Sprintf(format, args...)})
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
	wrongType := map[string]bool{} // the keys of the type errors, said once
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
			m := yamlTypeErrRE.FindStringSubmatch(msg)
			if m == nil {
				add(line, "", "wrong type: %s", msg)
				continue
			}
			key, n := typeErrorAt(root, line, m[1], m[2])
			got := yamlTagNames[m[1]]
			if got == "" {
				got = "a " + strings.TrimPrefix(m[1], "!!")
			}
			if m[2] != "" {
				got += fmt.Sprintf(" (%q)", m[2])
			}
			wrongType[key] = true
			if key == "" {
				addAt(n, "", "wrong type: want %s, not %s", goTypeName(m[3]), got)
				continue
			}
			addAt(n, key, "wrong type for %s: want %s, not %s", key, goTypeName(m[3]), got)
		}
	}

	// Without version: the file is version 1, the only one there is; a
	// future version 2 will be what needs saying.
	if raw.Version != nil && *raw.Version != 1 && !wrongType["version"] {
		addAt(mapValue(root, "version"), "version", "version %d is not supported; this herald reads version 1", *raw.Version)
	}
	if raw.Profile != "" {
		if _, err := ProfileByName(raw.Profile); err != nil {
			addAt(mapValue(root, "profile"), "profile", "%v; the profile is detected instead", err)
		} else {
			cfg.Profile = raw.Profile
		}
	}
	cfg.Root = strings.Trim(raw.Root, "/")
	if raw.Timezone != "" {
		loc, err := time.LoadLocation(raw.Timezone)
		if err != nil || raw.Timezone == "Local" {
			addAt(mapValue(root, "timezone"), "timezone", "unknown time zone %q (use an IANA name such as Europe/Berlin); UTC is used instead", raw.Timezone)
		} else {
			cfg.Timezone = loc
		}
	}
	for key, globs := range map[string][]string{"content": raw.Content, "exclude": raw.Exclude} {
		for i, g := range globs {
			if err := validGlob(g); err != nil {
				addAt(itemOf(mapValue(root, key), i), key, "%v", err)
			}
		}
	}
	cfg.Content, cfg.Exclude = raw.Content, raw.Exclude
	cfg.Required, cfg.Fields, cfg.Words, cfg.Commands = raw.Required, raw.Fields, raw.Words, raw.Commands
	rules := mapValue(root, "rules")
	for _, name := range sortedKeys(raw.Rules) {
		r := raw.Rules[name]
		if r.err != "" {
			addAt(r.at, "rules."+name, "rule %s: %s", name, r.err)
			continue
		}
		if k := keyOf(rules, name); k != nil {
			r.Line, r.Column = k.Line, k.Column
		}
		cfg.Rules[name] = r.RuleConfig
	}
	if s := raw.Publish.Strategy; s != "" {
		if !contains(strategies, s) {
			addAt(valueOf(root, "publish", "strategy"), "publish.strategy", "unknown publish strategy %q (%s)", s, oneOf(s, strategies))
		} else {
			cfg.Publish.Strategy = s
		}
	}
	cfg.Publish.Rebuild = raw.Publish.Rebuild
	if t := raw.Publish.Rebuild.Trigger; t != "" && !contains(rebuildTriggers, t) {
		addAt(valueOf(root, "publish", "rebuild", "trigger"), "publish.rebuild.trigger", "unknown rebuild trigger %q (%s)", t, oneOf(t, rebuildTriggers))
	}
	if raw.Approvals != nil {
		if *raw.Approvals < 0 || *raw.Approvals > 100 {
			addAt(mapValue(root, "approvals"), "approvals", "approvals must be between 0 and 100, not %d", *raw.Approvals)
		} else {
			cfg.Approvals = *raw.Approvals
		}
	}
	if raw.Resync != "" {
		if n := len(strings.Fields(raw.Resync)); n != 5 && !strings.HasPrefix(raw.Resync, "@") {
			addAt(mapValue(root, "resync"), "resync", "resync %q is not a cron spec of five fields (such as \"*/5 * * * *\")", raw.Resync)
		} else {
			cfg.Resync = raw.Resync
		}
	}
	cfg.SiteURL = raw.SiteURL
	sortProblems(probs)
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
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyOf returns the key node named key of the map m, or nil.
func keyOf(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// valueOf returns the value at the path of keys from root, or the deepest
// node of the path that exists (so a problem points as near as it can).
func valueOf(root *yaml.Node, keys ...string) *yaml.Node {
	n := root
	for _, k := range keys {
		v := mapValue(n, k)
		if v == nil {
			return n
		}
		n = v
	}
	return n
}

// itemOf returns the i-th item of the list seq, or seq itself.
func itemOf(seq *yaml.Node, i int) *yaml.Node {
	if seq != nil && seq.Kind == yaml.SequenceNode && i < len(seq.Content) {
		return seq.Content[i]
	}
	return seq
}

// oneOf lists the known values, after the nearest one to s when it is
// likely a slip: `did you mean "draft"? one of merge, draft, rebuild`.
func oneOf(s string, known []string) string {
	list := "one of " + strings.Join(known, ", ")
	if near := Nearest(s, known); near != "" {
		return fmt.Sprintf("did you mean %q? %s", near, list)
	}
	return list
}

// yamlTagNames names YAML's tags as a person would.
var yamlTagNames = map[string]string{
	"!!str": "a string", "!!seq": "a list", "!!map": "a map", "!!int": "a number",
	"!!float": "a number", "!!bool": "true or false", "!!null": "nothing", "!!timestamp": "a date",
}

// goTypeName names the Go type a value was decoded into as the file's
// reader knows it.
func goTypeName(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case t == "[]string":
		return "a list of strings"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "a whole number"
	case t == "bool":
		return "true or false"
	}
	return "a map" // the sections and rules are structs and maps
}

// tagKinds is the node kind of each tag a type error names.
var tagKinds = map[string]yaml.Kind{"!!seq": yaml.SequenceNode, "!!map": yaml.MappingNode}

// typeErrorAt finds the value a type error of the decoder is about: the
// node on line with the error's tag (and value, for a scalar), and the
// dotted key it is the value of. yaml.v3 gives the line only.
func typeErrorAt(root *yaml.Node, line int, tag, value string) (string, *yaml.Node) {
	match := func(n *yaml.Node) bool {
		if n.Line != line {
			return false
		}
		if k, ok := tagKinds[tag]; ok {
			return n.Kind == k
		}
		return n.Kind == yaml.ScalarNode && (value == "" || n.Value == value)
	}
	var walk func(n *yaml.Node, key string) (string, *yaml.Node)
	walk = func(n *yaml.Node, key string) (string, *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if key != "" {
					k = key + "." + k
				}
				if v := n.Content[i+1]; match(v) {
					return k, v
				}
				if k, v := walk(n.Content[i+1], k); v != nil {
					return k, v
				}
			}
		case yaml.SequenceNode:
			for _, item := range n.Content {
				if match(item) {
					return key, item
				}
				if k, v := walk(item, key); v != nil {
					return k, v
				}
			}
		}
		return "", nil
	}
	if k, n := walk(root, ""); n != nil {
		return k, n
	}
	return "", &yaml.Node{Line: line, Column: 1}
}

// sortProblems orders problems by position, keeping the order of those at
// the same place.
func sortProblems(probs []ConfigProblem) {
	slices.SortStableFunc(probs, func(a, b ConfigProblem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
