package feed

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
)

// Shared serves schedule (the calendar) to whoever knows token, the way
// calendar services share a feed: the URL is the secret. The route must
// name the token as its {token} wildcard. A wrong token is answered like
// any unknown path, after a comparison in constant time.
func Shared(token string, schedule http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hashing first makes the comparison's time independent of the
		// length of what was sent, too.
		got := sha256.Sum256([]byte(r.PathValue("token")))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "private, max-age=300")
		w.Header().Set("Referrer-Policy", "no-referrer")
		schedule.ServeHTTP(w, r)
	})
}
