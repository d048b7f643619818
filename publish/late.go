package publish

import (
	"fmt"
	"time"
)

// PreciseLateness renders how long after its time something went out, for
// people checking that herald is punctual: tenths of a second below ten
// seconds ("0.4 s"), whole seconds below a minute ("42 s"), and Lateness
// past that ("2h13m").
func PreciseLateness(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	}
	return Lateness(d)
}
