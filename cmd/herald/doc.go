// Command herald is a Git-backed publishing bot for blogs and docs sites.
//
// Subcommands:
//
//	herald serve      webhooks, checks and feedback on pull requests, and
//	                  publishing at each post's time; as a GitHub App, with
//	                  a token, or on a plain Git repository (--repo, local
//	                  mode); /healthz and /readyz; the dashboard at /,
//	                  /metrics, /schedule and /schedule.ics on the admin
//	                  listener
//	herald schedule   the upcoming publications, as text, JSON or iCalendar
//	herald publish    --due: publish what is due now and exit (for cron)
//	herald demo       the whole cycle on a throwaway example site, offline
//	herald check      the checks of the bot, locally or in CI
//	herald version, herald healthcheck
//
// Settings come from flags, then HERALD_* environment variables (the flag's
// name in capitals, dashes as underscores), then the YAML file named by
// --config; a bad setting exits with status 2 and one line naming it.
//
// This package is the command line: it parses and checks the settings of
// each command and hands them to the packages that do the work:
// internal/connect wires the bot's service for the forge the settings
// name, internal/daemon runs herald serve's process, content/check checks
// and reports, internal/demo runs the demo. It holds no publishing or
// checking logic of its own, and keeps no state beyond the mirror cache in
// --data-dir.
package main
