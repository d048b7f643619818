// Package dashboard renders herald's page for people: at "/" on the admin
// listener, one section per repository with its upcoming posts (when each
// goes live, in UTC, in the site's zone and relative to now, and what holds
// it back), its recent publications and how late each went out, and how the
// last reconcile went.
//
// It renders what a [Source] returns and nothing else: it does not compute
// the schedule, read Git or the forge, or keep anything. The page is plain
// HTML from html/template, with its CSS inline and no script, so it works
// in any browser, without JavaScript, at 360 pixels wide, and loads nothing
// from elsewhere (the admin listener may have no way out).
package dashboard
