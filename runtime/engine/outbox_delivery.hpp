#pragma once
// The outbox worker (docs/runtime.md, "Mailer"): sends the emails activations queued.
#include <cstddef>
#include <string_view>

#include "runtime/delivery/mailer.hpp"
#include "runtime/delivery/retry.hpp"
#include "runtime/engine/due_rows.hpp"
#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

// A row that has failed this many times is marked FAILED: with retry_delay's backoff that
// is about two hours of retrying, long enough to ride out a relay restart.
constexpr int kMaxMailAttempts = 8;

// Sends up to `limit` due PENDING outbox rows and marks each SENT, or records the failure:
// a retry at now + retry_delay(backoff), or FAILED when the mailer calls it permanent or
// the row has had kMaxMailAttempts. Returns how many rows were attempted (Drained).
//
// Delivery is at least once: the row is marked in the transaction that claimed it, right
// after the server's reply, so only a crash or a lost session in the moment between the
// server accepting the message and that COMMIT leaves the row PENDING, and a worker sends
// it again — with the same Message-ID (from the row), by which servers and clients
// recognise the duplicate. Each worker has at most one row in that moment, so one crash
// duplicates at most one message per mail worker (docs/runtime.md, "Mailer").
// For a mail worker's session (the COMMIT of a sent row need not wait for the WAL flush):
// that shortens the moment in which a crash of flowd duplicates the message just accepted,
// and a commit lost to a crash of PostgreSQL itself only leaves the row PENDING — sent
// again, never lost. A flowd crash loses nothing: the server has the commit, only its disk
// write is deferred. Once per session rather than a SET LOCAL per mail: a statement fewer
// per mail.
constexpr std::string_view kMailSessionSetup = "SET synchronous_commit = off";

Drained deliver_due(store::Connection& conn, delivery::Mailer& mailer, double now, size_t limit,
                   const delivery::Backoff& backoff = {});

}  // namespace flow::runtime::engine
