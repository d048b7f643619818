package fakegithub

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// specOnce loads GitHub's OpenAPI description once per test binary: it is
// 13 MB and read-only once loaded.
var specOnce = sync.OnceValues(loadSpec)

// SpecPath returns the path of the OpenAPI description in the repository's
// testdata: next to this source file, or (for -trimpath builds) above the
// working directory, which is a package directory under go test.
func SpecPath() string {
	rel := filepath.Join("testdata", "github", "openapi", "api.github.com.json")
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "..", "..", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return rel
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return rel
		}
		dir = parent
	}
}

func loadSpec() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(SpecPath())
	if err != nil {
		return nil, fmt.Errorf("load GitHub OpenAPI description: %w", err)
	}
	return doc, nil
}
