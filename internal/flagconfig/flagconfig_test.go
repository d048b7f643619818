package flagconfig

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"25MiB": 25 << 20, "10MB": 10e6, "512KiB": 512 << 10, "1048576": 1 << 20, "1 GiB": 1 << 30, "7B": 7} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1MiB", "1.5MiB", "MiB", "99999999999GiB", "12 parsecs"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted it", in)
		}
	}
}
