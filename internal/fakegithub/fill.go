package fakegithub

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// complete fills in every required property the fake does not model with a
// placeholder of the schema's type, so that answers carry the full shape
// GitHub documents. Values the fake sets are kept as they are and validated.
func complete(ref *openapi3.SchemaRef, v any, depth int) any {
	if ref == nil || ref.Value == nil || depth > 12 {
		return v
	}
	s := ref.Value
	if len(s.AllOf) > 0 {
		for _, sub := range s.AllOf {
			v = complete(sub, v, depth+1)
		}
	}
	if alts := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...); len(alts) > 0 {
		if v == nil && s.Nullable {
			return nil
		}
		// Prefer the alternative whose kind matches the value.
		for _, sub := range alts {
			if sub.Value == nil {
				continue
			}
			if kindMatches(sub.Value, v) {
				return complete(sub, v, depth+1)
			}
		}
		return v
	}
	if v == nil {
		if s.Nullable || (s.Type != nil && s.Type.IncludesNull()) {
			return nil
		}
		v = placeholder(s)
		if v == nil {
			return nil
		}
	}
	switch val := v.(type) {
	case map[string]any:
		for _, name := range s.Required {
			if _, ok := val[name]; ok {
				continue
			}
			val[name] = complete(s.Properties[name], nil, depth+1)
		}
		for name, sub := range s.Properties {
			if x, ok := val[name]; ok && x != nil {
				val[name] = complete(sub, x, depth+1)
			}
		}
		return val
	case []any:
		for i := range val {
			val[i] = complete(s.Items, val[i], depth+1)
		}
		return val
	case []map[string]any:
		out := make([]any, len(val))
		for i := range val {
			out[i] = complete(s.Items, val[i], depth+1)
		}
		return out
	}
	return v
}

func kindMatches(s *openapi3.Schema, v any) bool {
	if s.Type == nil || s.Type.IsEmpty() {
		_, isMap := v.(map[string]any)
		return isMap && (len(s.Properties) > 0 || len(s.AllOf) > 0) || v == nil
	}
	switch v.(type) {
	case nil:
		return true
	case map[string]any:
		return s.Type.Is("object")
	case []any, []map[string]any:
		return s.Type.Is("array")
	case string:
		return s.Type.Is("string")
	case bool:
		return s.Type.Is("boolean")
	case int, int64, float64:
		return s.Type.Is("integer") || s.Type.Is("number")
	}
	return false
}

func placeholder(s *openapi3.Schema) any {
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	if s.Type == nil || s.Type.IsEmpty() {
		if len(s.Properties) > 0 || len(s.AllOf) > 0 {
			return map[string]any{}
		}
		return nil
	}
	switch {
	case s.Type.Is("object"):
		return map[string]any{}
	case s.Type.Is("array"):
		return []any{}
	case s.Type.Is("boolean"):
		return false
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 0
	case s.Type.Is("string"):
		switch s.Format {
		case "date-time":
			return "2026-01-01T00:00:00Z"
		case "date":
			return "2026-01-01"
		case "uri", "url":
			return "https://github.invalid/placeholder"
		case "email":
			return "placeholder@github.invalid"
		}
		return ""
	}
	return nil
}
