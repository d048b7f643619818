// Package webhook receives GitHub webhook deliveries and turns them into
// reconcile requests, queued and run with bounded concurrency.
//
// It knows nothing about posts, sites or publishing. A delivery is a hint that
// one repository, or one pull request in it, should be reconciled now; the
// reconciler (the bot) re-reads everything it acts on from Git and the forge.
// So requests may be merged, a lost delivery only delays work until the next
// resync, and the receiver can answer within milliseconds.
//
// The parts, wired together by the command:
//
//	metrics, _ := webhook.NewMetrics(registry)
//	queue := webhook.NewQueue(bot, webhook.WithQueueMetrics(metrics))  // bot implements Handler
//	recv, _ := webhook.NewReceiver(queue, secrets, webhook.WithMetrics(metrics))
//	srv, _ := webhook.NewServer(recv, webhook.WithGatherer(registry))
//	go queue.Run(ctx)        // workers; drains on ctx done
//	go srv.Serve(ctx, ln)    // HTTP; graceful shutdown on ctx done
//	... reconcile everything once, then srv.SetReady(true)
//
// Receiver is the http.Handler of the endpoint. It reads at most a body limit
// (25 MiB by default: 413 past it), verifies X-Hub-Signature-256 (HMAC-SHA256,
// constant-time comparison, any of several secrets for rotation) before it
// parses anything (401 when missing, SHA-1 only or wrong), accepts JSON and
// form-encoded (payload=) bodies (415 for other types), reads from the
// payload only the fields herald uses (400 when they do not decode; the rest
// of the body is skipped, never built into values), answers ping with 200
// and events GitHub does not document with 202, and remembers the
// X-GitHub-Delivery of accepted deliveries in a bounded, expiring cache so a
// redelivery is answered 200 without queueing anything again. Each delivery
// becomes one Request per repository (installation events name several),
// with the pull request number when the event is about one (pull_request,
// pull_request_review*, issue_comment on a pull request, check_suite and
// check_run with pull requests). Events about plain issues and events naming
// no repository are answered 202 and not dispatched. A Request carries, as
// hints, the sender, the head commit and the check run's or status's name:
// neutral fields, so the reconciler never sees GitHub's wire types.
//
// Dispatcher is what the receiver hands requests to. Queue is the production
// Dispatcher: it coalesces requests per repository (see Queue), serialises the
// work of each repository and runs repositories in parallel on a bounded pool;
// when full it returns ErrQueueFull and the receiver answers 503 with
// Retry-After. DispatchFunc turns any function, such as a Handler's Reconcile,
// into a synchronous Dispatcher for tests and one-shot tools.
//
// Server puts the receiver next to /healthz, /readyz and /metrics and shuts
// down gracefully. Metrics go to a registry the caller passes in, never to the
// global one.
//
// The package refuses to: run without a secret unless told
// WithInsecureNoSignature; trust anything in a delivery before its signature
// is checked (metric labels of unverified deliveries do not use the event
// header); retry failed reconciles (the resync does); keep state across
// restarts or share the delivery cache between replicas (the reconciler's
// side effects are safe to repeat, so a duplicate costs only work).
package webhook
