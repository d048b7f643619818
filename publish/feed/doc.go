// Package feed makes the publishing schedule visible: a JSON document and an
// iCalendar (RFC 5545) feed served over HTTP, and a plain-text table for the
// "herald schedule" command.
//
// It renders what a [Source] returns and nothing else: it does not compute
// the schedule (package publish does), read Git or the forge, or cache. Times
// are shown in UTC, in the site's time zone and relative to now ("in 3
// days"); the calendar carries them in UTC only, so every calendar client
// converts them correctly whatever its own zone.
package feed
