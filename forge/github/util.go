package github

import (
	"encoding/json"
	"errors"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func jsonRaw(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	return json.RawMessage(b), err
}
