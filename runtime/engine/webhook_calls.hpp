#pragma once
// The webhook worker (docs/runtime.md, "Webhooks"): performs the calls activations queued
// and hands each answer back to its execution.
#include <cstddef>

#include "runtime/delivery/retry.hpp"
#include "runtime/delivery/webhook_client.hpp"
#include "runtime/engine/due_rows.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

// Performs up to `limit` due PENDING webhook_calls rows, each with the row's idempotency
// key (the same on every attempt, so a receiver can drop repeats). A retryable failure with
// attempts left is scheduled again at now + retry_delay. Otherwise the call is over: DONE
// when the receiver gave a final answer (2xx, or a status a retry won't change), FAILED when
// it gave none or the attempts ran out; either way the response (status 0/NULL when none) is
// stored, the execution's wake_at set to now and flow_work NOTIFYed, so run_due resumes it with
// `response.status`/`response.body` (activation reads the execution's latest call).
// Returns how many rows were attempted (Drained). Like the mailer, at least once: a crash between the
// call and the commit repeats the call with the same key.
Drained call_webhooks_due(store::Connection& conn, delivery::WebhookClient& client, double now, size_t limit,
                         const delivery::Backoff& backoff = {});

}  // namespace flow::runtime::engine
