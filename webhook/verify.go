package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// Signature headers GitHub sends.
const (
	headerSignature256  = "X-Hub-Signature-256"
	headerSignatureSHA1 = "X-Hub-Signature"
	signaturePrefix     = "sha256="
)

// Errors about a delivery's signature; the receiver answers each with 401.
var (
	errSignatureMissing  = errors.New("missing " + headerSignature256 + " header")
	errSignatureSHA1Only = errors.New("missing " + headerSignature256 + " header (an " + headerSignatureSHA1 + " SHA-1 signature is not accepted; GitHub sends both when the webhook has a secret)")
	errSignatureMismatch = errors.New(headerSignature256 + " does not match the body for any configured secret")
)

// signatureError marks errors that must be answered with 401.
type signatureError struct {
	reason string // "missing" or "invalid", the metric label
	err    error
}

func (e *signatureError) Error() string { return e.err.Error() }
func (e *signatureError) Unwrap() error { return e.err }

// verifier checks X-Hub-Signature-256 against one or more secrets.
type verifier struct {
	secrets [][]byte
}

// start parses header, which must be "sha256=<64 hex digits>", and returns
// the check to write the body through. A malformed header is refused here,
// before any of the body is read.
func (v *verifier) start(header string) (*sigCheck, error) {
	hexSum, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok {
		return nil, &signatureError{"invalid", fmt.Errorf("%s must start with %q", headerSignature256, signaturePrefix)}
	}
	if len(hexSum) != 2*sha256.Size {
		return nil, &signatureError{"invalid", fmt.Errorf("%s must hold %d hex digits, got %d characters", headerSignature256, 2*sha256.Size, len(hexSum))}
	}
	c := &sigCheck{macs: make([]hash.Hash, len(v.secrets))}
	if _, err := hex.Decode(c.want[:], []byte(hexSum)); err != nil {
		return nil, &signatureError{"invalid", fmt.Errorf("%s is not hexadecimal", headerSignature256)}
	}
	for i, s := range v.secrets {
		c.macs[i] = hmac.New(sha256.New, s)
	}
	return c, nil
}

// sigCheck computes the HMAC of a body under every secret as the body
// streams in, so that the answer is known the moment the last byte arrives.
type sigCheck struct {
	macs []hash.Hash
	want [sha256.Size]byte
}

// Write adds p to every HMAC. It never fails.
func (c *sigCheck) Write(p []byte) (int, error) {
	for _, m := range c.macs {
		m.Write(p)
	}
	return len(p), nil
}

// verify reports whether the body written matches the signature under any
// of the secrets. Each comparison is constant time.
func (c *sigCheck) verify() error {
	for _, m := range c.macs {
		var got [sha256.Size]byte
		if hmac.Equal(m.Sum(got[:0]), c.want[:]) {
			return nil
		}
	}
	return &signatureError{"invalid", errSignatureMismatch}
}

// Sign returns the X-Hub-Signature-256 value GitHub would send for body
// signed with secret. Tools that replay deliveries use it.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}
