// Package flagconfig fills a command's flags from the environment and a
// YAML configuration file, and holds the flag value types herald's
// commands share (byte sizes, repeatable strings). It knows no herald
// setting: the commands define their flags and check their values.
package flagconfig

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// EnvName is the environment variable that sets a flag: HERALD_ and the
// flag's name in capitals with dashes as underscores
// (--github-app-id -> HERALD_GITHUB_APP_ID).
func EnvName(flagName string) string {
	return "HERALD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Layer fills the flags the command line left unset, first from the
// environment, then from the configuration file named by the "config" flag
// (YAML, keys are flag names): flags win over the environment, which wins
// over the file. Flags named in skip are left to the caller; keys of the
// file for which elsewhere reports true belong to another command (the file
// is shared with herald serve) and are ignored. Each error names the
// setting and where it came from.
func Layer(fs *flag.FlagSet, getenv func(string) string, elsewhere func(string) bool, skip ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	skipped := func(name string) bool {
		for _, s := range skip {
			if s == name {
				return true
			}
		}
		return false
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || set[f.Name] || skipped(f.Name) {
			return
		}
		v := getenv(EnvName(f.Name))
		if v == "" {
			return
		}
		if e := fs.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s=%q: %v", EnvName(f.Name), v, e)
			return
		}
		set[f.Name] = true
	})
	if err != nil {
		return err
	}
	return layerFile(fs, getenv, elsewhere, set, skipped)
}

// layerFile fills the flags still unset from the YAML file named by the
// "config" flag, if any.
func layerFile(fs *flag.FlagSet, getenv func(string) string, elsewhere func(string) bool, set map[string]bool, skipped func(string) bool) error {
	cf := fs.Lookup("config")
	if cf == nil || cf.Value.String() == "" {
		return nil
	}
	file := cf.Value.String()
	src, rerr := os.ReadFile(file)
	if rerr != nil {
		return fmt.Errorf("--config %s: cannot read it: %v", file, UnwrapPath(rerr))
	}
	var values map[string]any
	if err := yaml.Unmarshal(src, &values); err != nil {
		return fmt.Errorf("--config %s: not YAML: %v", file, err)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := fs.Lookup(k)
		if f == nil && elsewhere != nil && elsewhere(k) {
			continue
		}
		if f == nil || k == "config" {
			return fmt.Errorf("--config %s: unknown setting %q (the keys are flag names, such as listen or github-app-id)", file, k)
		}
		if set[k] || skipped(k) && getenv(EnvName(k)) != "" {
			continue
		}
		if err := setFromFile(fs, file, k, values[k]); err != nil {
			return err
		}
	}
	return nil
}

// setFromFile sets the flag k to the file's value v: a scalar, or a list
// for a repeatable flag.
func setFromFile(fs *flag.FlagSet, file, k string, v any) error {
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	for _, it := range items {
		var s string
		switch it := it.(type) {
		case nil:
			continue
		case string:
			s = it
		case bool:
			s = strconv.FormatBool(it)
		case int:
			s = strconv.Itoa(it)
		case float64:
			s = strconv.FormatFloat(it, 'f', -1, 64)
		default:
			return fmt.Errorf("--config %s: %s: want a string, number or boolean, not %T", file, k, it)
		}
		if err := fs.Set(k, s); err != nil {
			return fmt.Errorf("--config %s: %s: %q: %v", file, k, s, err)
		}
	}
	return nil
}

// UnwrapPath drops the *os.PathError wrapping, whose path the caller names.
func UnwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// List is a repeatable string flag.
type List []string

// String says how many values were given.
func (l *List) String() string { return strconv.Itoa(len(*l)) + " values" }

// Set adds v.
func (l *List) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// Size is a byte size flag: a number with an optional unit
// (B, KB, MB, GB, KiB, MiB, GiB).
type Size struct{ N *int64 }

// String shows the size, in MiB when it is a whole number of them.
func (s Size) String() string {
	if s.N == nil {
		return ""
	}
	if *s.N%(1<<20) == 0 {
		return strconv.FormatInt(*s.N>>20, 10) + "MiB"
	}
	return strconv.FormatInt(*s.N, 10)
}

// Set reads v with ParseSize.
func (s Size) Set(v string) error {
	n, err := ParseSize(v)
	if err != nil {
		return err
	}
	*s.N = n
	return nil
}

// ParseSize reads "25MiB", "10MB", "512KiB" or "1048576".
func ParseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
	}
	num, mult := strings.TrimSpace(v), int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size such as 25MiB, 10MB or 1048576", v)
	}
	return n * mult, nil
}
