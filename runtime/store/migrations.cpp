#include "runtime/store/migrations.hpp"

#include <cstdint>

#include "runtime/store/transaction.hpp"

namespace flow::runtime::store {

namespace {

// Migration 1 is the schema of docs/runtime.md; keep the two identical.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE flow_settings (key text PRIMARY KEY, value text NOT NULL);      -- api keys, hmac secret
CREATE TABLE workflows (
  id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, trigger text NOT NULL,
  display_name text NOT NULL, description text NOT NULL DEFAULT '',
  reentry boolean NOT NULL, enabled boolean NOT NULL,
  source text NOT NULL, module bytea NOT NULL, module_hash bigint NOT NULL,
  version integer NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ON workflows (trigger) WHERE enabled;
CREATE TABLE contacts (
  id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, subscribed boolean NOT NULL DEFAULT true,
  data jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE events (
  id bigserial, contact_id bigint NOT NULL, name text NOT NULL, data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (contact_id, id));
CREATE TABLE executions (
  id bigserial, contact_id bigint NOT NULL, workflow_id bigint NOT NULL,
  status text NOT NULL,            -- RUNNING WAITING COMPLETED EXITED FAILED CANCELLED
  frame bytea,                     -- vm::Frame serialised; null once ended
  wake_at timestamptz,             -- when a worker should run it (null: nothing to do now)
  waiting_event text,              -- set while WAITING in a `wait for`
  resume_event_id bigint,          -- the event that won a wait, set by /v1/track
  current_step integer, exit_reason text, error text,
  started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz, PRIMARY KEY (contact_id, id));
CREATE INDEX executions_due ON executions (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX executions_waiting ON executions (contact_id, waiting_event) WHERE status = 'WAITING';
CREATE INDEX executions_by_workflow ON executions (workflow_id, status);
CREATE TABLE step_history (
  id bigserial, contact_id bigint NOT NULL, execution_id bigint NOT NULL, step integer NOT NULL,
  kind text NOT NULL, label text NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz,
  outcome jsonb, error text, PRIMARY KEY (contact_id, id));
CREATE TABLE outbox (
  id bigserial, contact_id bigint NOT NULL, execution_id bigint NOT NULL,
  message_id text NOT NULL UNIQUE,  -- stable across retries: <execution.step.seq@host>
  to_address text NOT NULL, from_address text NOT NULL, reply_to text, subject text NOT NULL,
  html text, text_body text, template text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING',  -- PENDING SENT FAILED SKIPPED
  attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz, last_error text, PRIMARY KEY (contact_id, id));
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'PENDING';
CREATE TABLE webhook_calls (
  id bigserial, contact_id bigint NOT NULL, execution_id bigint NOT NULL,
  idempotency_key text NOT NULL UNIQUE, method text NOT NULL, url text NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}', body text, timeout_ms integer NOT NULL, max_attempts integer NOT NULL,
  status text NOT NULL DEFAULT 'PENDING',  -- PENDING DONE FAILED
  attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL DEFAULT now(),
  response_status integer, response_body text, last_error text, PRIMARY KEY (contact_id, id));
CREATE INDEX webhook_calls_due ON webhook_calls (next_attempt_at) WHERE status = 'PENDING';
)sql";

// Migration 2: modules stored once by hash; each execution names the module it started with
// (an edit of its workflow does not change the code it runs); each workflow has a
// fingerprint of its own code, templates and settings (an unchanged workflow in a changed
// module is not redeployed, so not locked). docs/runtime.md, "Schema (migration 2)".
constexpr std::string_view kModulesByHash = R"sql(
CREATE TABLE modules (
  hash bigint PRIMARY KEY, bytes bytea NOT NULL,
  templates jsonb NOT NULL DEFAULT '[]',  -- the templates as written, for GET /v1/templates
  created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO modules (hash, bytes)
  SELECT DISTINCT ON (module_hash) module_hash, module FROM workflows ORDER BY module_hash;
ALTER TABLE workflows DROP COLUMN module, ADD COLUMN fingerprint bigint,
  ADD FOREIGN KEY (module_hash) REFERENCES modules (hash);
ALTER TABLE executions ADD COLUMN module_hash bigint;
UPDATE executions e SET module_hash = w.module_hash FROM workflows w WHERE w.id = e.workflow_id;
CREATE INDEX executions_active_module ON executions (module_hash) WHERE status IN ('RUNNING', 'WAITING');
)sql";

// Migration 3: the unsubscribe URL of a marketing email, for its List-Unsubscribe and
// List-Unsubscribe-Post headers (RFC 2369, RFC 8058); null for other mail.
// docs/runtime.md, "Schema (migration 3)".
constexpr std::string_view kListUnsubscribe = R"sql(
ALTER TABLE outbox ADD COLUMN list_unsubscribe text;
)sql";

// Migration 4: a counter of the mails and webhook calls an execution has queued, kept in its
// own row, so that the activation that locks the row reads the latest count and numbers the
// next key execution.step.(effects + 1) without counting rows of other tables (a count read
// with the claim could predate a commit). Live executions start from what they queued.
// docs/runtime.md, "Schema (migration 4)".
constexpr std::string_view kEffectCounter = R"sql(
ALTER TABLE executions ADD COLUMN effects integer NOT NULL DEFAULT 0;
UPDATE executions e SET effects =
    (SELECT count(*) FROM outbox o WHERE o.contact_id = e.contact_id AND o.execution_id = e.id)
  + (SELECT count(*) FROM webhook_calls h WHERE h.contact_id = e.contact_id AND h.execution_id = e.id)
  WHERE status IN ('RUNNING', 'WAITING');
)sql";

// Migration 5: when a module stopped being run by any workflow, so that it can be deleted
// once nothing can start or run it (engine/module_gc.hpp). docs/runtime.md, "Schema
// (migration 5)".
constexpr std::string_view kRetiredModules = R"sql(
ALTER TABLE modules ADD COLUMN retired_at timestamptz;
UPDATE modules m SET retired_at = now() WHERE NOT EXISTS (SELECT 1 FROM workflows w WHERE w.module_hash = m.hash);
)sql";

// Migration 6: a mail worker claims a batch of outbox rows at once and marks each one as it
// goes (engine/outbox_delivery.hpp). A claimed row is SENDING, stamped with the token of the
// claiming session's advisory lock; a row whose token nobody holds any more (its session
// ended) is PENDING again. The partial index keeps that check to the few rows in flight.
// docs/runtime.md, "Schema (migration 6)".
constexpr std::string_view kLeasedOutbox = R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by bigint;
CREATE INDEX outbox_sending ON outbox (claimed_by) WHERE status = 'SENDING';
)sql";

constexpr Migration kMigrations[] = {
    {1, "schema: settings, workflows, contacts, events, executions, history, outbox, webhooks", kSchema},
    {2, "modules by hash, executions keep their module, workflow fingerprints", kModulesByHash},
    {3, "outbox.list_unsubscribe for marketing email", kListUnsubscribe},
    {4, "executions.effects: the mails and webhook calls queued, for their keys", kEffectCounter},
    {5, "modules.retired_at: old modules are deleted once nothing runs them", kRetiredModules},
    {6, "outbox.claimed_by: mail workers claim batches, held by their session's advisory lock", kLeasedOutbox},
};

// pg_advisory_xact_lock key shared by every flowd on a database: "Flow" in ASCII.
constexpr int64_t kMigrationLock = 0x466C6F77;

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int migrate(Connection& connection, int up_to) {
  int applied = 0;
  for (const Migration& migration : migrations()) {
    if (migration.version > up_to) break;
    // READ COMMITTED matters: each statement after the lock takes a fresh snapshot, so a
    // process that waited for the lock sees the bookkeeping its predecessor committed.
    const bool ran = with_transaction(connection, [&](Connection& db) {
      db.exec("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
      db.exec(
          "CREATE TABLE IF NOT EXISTS flow_schema_migrations ("
          "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      if (!db.exec("SELECT 1 FROM flow_schema_migrations WHERE version = $1", migration.version).empty())
        return false;
      db.exec_script(migration.sql);
      db.exec("INSERT INTO flow_schema_migrations (version) VALUES ($1)", migration.version);
      return true;
    });
    applied += ran ? 1 : 0;
  }
  return applied;
}

}  // namespace flow::runtime::store
