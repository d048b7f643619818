package fakegithub

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// specOnce loads GitHub's OpenAPI description once per test binary: it is
// 13 MB and read-only once loaded.
var specOnce = sync.OnceValues(loadSpec)

// SpecPath returns the path of the OpenAPI description in the repository's
// testdata.
func SpecPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "github", "openapi", "api.github.com.json")
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
