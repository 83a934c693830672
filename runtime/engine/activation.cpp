#include "runtime/engine/activation.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "runtime/engine/contact.hpp"
#include "runtime/engine/error.hpp"
#include "runtime/engine/step_history.hpp"
#include "stdlib/json.hpp"
#include "vm/interpreter.hpp"

namespace flow::runtime::engine {

namespace {

using stdlib::Value;

// The event an execution starts or resumes with, as stored.
struct ClaimedEvent {
  std::string name;
  std::string data_json;
  double at = 0;  // created_at, epoch seconds
};

// An executions row as the caller locked it, with what was read with it (kActivationColumns),
// so that an activation needs no query of its own before it writes.
struct Claimed {
  int64_t id = 0, contact_id = 0, workflow_id = 0;
  std::optional<store::Bytes> frame;  // none: not started yet
  std::optional<int64_t> resume_event_id;
  std::optional<ClaimedEvent> event;  // the row resume_event_id names
  // The workflow's name and the module the execution started with (set at enrolment, not
  // the workflow's latest); none when the workflow row is gone.
  std::optional<std::string> workflow_name;
  std::optional<int64_t> module_hash;
  // Mails and webhook calls the execution has queued (executions.effects): the next one's
  // key is execution.step.(effects + 1), stable when a retried transaction runs the
  // activation again.
  int32_t effects = 0;
  Stored stored = Stored::Yes;
};

Value parse_or_string(const std::string& text) {
  auto parsed = stdlib::parse_json(text);
  if (auto* value = std::get_if<Value>(&parsed)) return std::move(*value);
  return Value::string(text);
}

Value event_value(const ClaimedEvent& event) {
  return vm::make_event(event.name, parse_or_string(event.data_json), event.at);
}

// call_webhooks_due (webhook_calls.hpp) fills the call's response and wakes the execution.
Value webhook_response(store::Connection& conn, const Claimed& execution) {
  const auto rows = conn.exec(
      "SELECT response_status, response_body FROM webhook_calls WHERE contact_id = $1 AND execution_id = $2 "
      "ORDER BY id DESC LIMIT 1",
      execution.contact_id, execution.id);
  if (rows.empty()) return vm::make_response(0, Value());
  const auto row = rows.one();
  const auto body = row.get<std::optional<std::string>>("response_body");
  return vm::make_response(row.get<std::optional<int32_t>>("response_status").value_or(0),
                           body ? parse_or_string(*body) : Value());
}

std::string key_of(const Claimed& execution, uint32_t step, int64_t seq) {
  return std::to_string(execution.id) + "." + std::to_string(step) + "." + std::to_string(seq);
}

// The writes of a batch of activations, one statement per table and kind (store::RowBatch):
// a track of 16 new contacts queues 16 mails and inserts 16 executions with two statements;
// a claim of 16 timers saves them with one. Updates find their rows through the primary key
// (`= ANY` of the ids; see HistoryRows) and each row's values by its id.
struct BatchWrites {
  ContactMerges contacts;
  HistoryRows history;
  store::RowBatch<11> mails;
  store::RowBatch<13> new_executions;
  store::RowBatch<11> stored_executions;

  void defer(store::Connection& conn, double now) const;
};

void BatchWrites::defer(store::Connection& conn, double now) const {
  contacts.defer(conn);
  if (!stored_executions.empty()) {
    conn.defer_params(
        "UPDATE executions x SET (status, frame, wake_at, waiting_event, current_step, exit_reason, error, ended_at, "
        "effects) = (SELECT u.status, u.frame, to_timestamp(u.wake_at), u.waiting_event, u.current_step, "
        "u.exit_reason, u.error, CASE WHEN u.ended THEN to_timestamp($12::float8) END, u.effects "
        "FROM unnest($2::bigint[], $3::text[], $4::bytea[], $5::float8[], $6::text[], $7::integer[], $8::text[], "
        "$9::text[], $10::boolean[], $11::integer[]) AS u(id, status, frame, wake_at, waiting_event, current_step, "
        "exit_reason, error, ended, effects) WHERE u.id = x.id), resume_event_id = NULL, "
        "updated_at = to_timestamp($12::float8) WHERE x.contact_id = ANY ($1::bigint[]) AND x.id = ANY ($2::bigint[])",
        stored_executions.params({now}));
  }
  if (!new_executions.empty()) {
    conn.defer_params(
        "INSERT INTO executions (contact_id, id, status, frame, wake_at, waiting_event, current_step, exit_reason, "
        "error, started_at, updated_at, ended_at, effects, workflow_id, module_hash) SELECT x.contact_id, x.id, "
        "x.status, x.frame, to_timestamp(x.wake_at), x.waiting_event, x.current_step, x.exit_reason, x.error, "
        "to_timestamp($14::float8), to_timestamp($14::float8), CASE WHEN x.ended THEN to_timestamp($14::float8) END, "
        "x.effects, x.workflow_id, x.module_hash FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bytea[], "
        "$5::float8[], $6::text[], $7::integer[], $8::text[], $9::text[], $10::boolean[], $11::integer[], "
        "$12::bigint[], $13::bigint[]) AS x(contact_id, id, status, frame, wake_at, waiting_event, current_step, "
        "exit_reason, error, ended, effects, workflow_id, module_hash)",
        new_executions.params({now}));
  }
  // Both queues are due from the activation's clock, not the database's: the workers claim
  // by the injected clock too, so a test or a demo that jumps time sees the row as due.
  // WITH ORDINALITY: a message queued earlier gets the lower id.
  if (!mails.empty()) {
    conn.defer_params(
        "INSERT INTO outbox (contact_id, execution_id, message_id, to_address, from_address, reply_to, subject, "
        "html, text_body, template, list_unsubscribe, next_attempt_at) SELECT m.contact_id, m.execution_id, "
        "m.message_id, m.to_address, m.from_address, m.reply_to, m.subject, m.html, m.text_body, m.template, "
        "m.list_unsubscribe, to_timestamp($12::float8) FROM unnest($1::bigint[], $2::bigint[], $3::text[], "
        "$4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) "
        "WITH ORDINALITY AS m(contact_id, execution_id, message_id, to_address, from_address, reply_to, subject, "
        "html, text_body, template, list_unsubscribe, n) ORDER BY m.n",
        mails.params({now}));
  }
  history.defer(conn, now);
}

// Returns the mail's Message-ID, for its step's history.
// Marketing mail also carries `unsubscribe_url` as its List-Unsubscribe header.
std::string queue_mail(BatchWrites& writes, const Claimed& execution, const vm::Effect& effect,
                       const vm::effect::Send& send, int64_t seq, const std::string& unsubscribe_url) {
  const auto optional = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); };
  const std::string message_id = key_of(execution, effect.step, seq) + "@flowd";
  const bool marketing = send.type == bytecode::TemplateType::Marketing;
  writes.mails.add({execution.contact_id, execution.id, message_id, send.to, send.from, optional(send.reply_to),
                    send.subject, optional(send.html), optional(send.text), send.name,
                    marketing ? optional(unsubscribe_url) : std::nullopt});
  return message_id;
}

void queue_webhook(store::Connection& conn, const Claimed& execution, const vm::Effect& effect,
                   const vm::effect::Webhook& hook, int64_t seq, double now) {
  conn.defer(
      "INSERT INTO webhook_calls (contact_id, execution_id, idempotency_key, method, url, headers, body, timeout_ms, "
      "max_attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, to_timestamp($10::float8))",
      execution.contact_id, execution.id, key_of(execution, effect.step, seq),
      hook.method, hook.url, hook.headers.is(stdlib::Kind::Object) ? stdlib::to_json(hook.headers) : "{}",
      hook.body.is(stdlib::Kind::Null) ? std::nullopt : std::optional(stdlib::to_json(hook.body)),
      static_cast<int32_t>(hook.timeout * 1000), static_cast<int32_t>(hook.retries + 1), now);
  conn.notify_on_commit("flow_webhooks");  // transactional: the webhook workers hear it on COMMIT
}

// When a suspended execution falls due by the clock: the end of its delay or wait.
std::optional<double> wake_at_of(const vm::Effect& effect) {
  if (const auto* delay = effect.as<vm::effect::Delay>()) return delay->until;
  if (const auto* wait = effect.as<vm::effect::Wait>()) return wait->deadline;
  return std::nullopt;
}

// Stores where the execution stopped: suspended (WAITING with its frame) or ended.
// `effects`: the mails and webhook calls queued so far, this activation's included.
void save(BatchWrites& writes, const Claimed& execution, const vm::Effect& effect, const vm::Frame& frame,
          int32_t effects) {
  std::string status = "WAITING";
  const std::optional<double> wake_at = wake_at_of(effect);
  std::optional<std::string> waiting_event, exit_reason, error;
  if (const auto* wait = effect.as<vm::effect::Wait>()) waiting_event = wait->event;
  if (const auto* exited = effect.as<vm::effect::Exited>()) status = "EXITED", exit_reason = exited->reason;
  if (effect.as<vm::effect::Completed>()) status = "COMPLETED";
  if (const auto* failed = effect.as<vm::effect::Failed>()) {
    status = "FAILED";
    error = failed->file.empty() ? failed->message
                                 : failed->file + ":" + std::to_string(failed->line) + ":" +
                                       std::to_string(failed->column) + ": " + failed->message;
  }
  std::optional<store::Bytes> bytes;
  if (!effect.is_final()) {
    const auto serialized = vm::serialize(frame);
    bytes = store::Bytes{std::string(serialized.begin(), serialized.end())};
  }
  std::optional<int32_t> step;
  if (effect.step != vm::kNoStep) step = static_cast<int32_t>(effect.step);
  if (execution.stored == Stored::No) {
    // A new execution is written once, as it stopped: no row version to update and index again.
    writes.new_executions.add({execution.contact_id, execution.id, status, bytes, wake_at, waiting_event, step,
                               exit_reason, error, effect.is_final(), effects, execution.workflow_id,
                               execution.module_hash});
    return;
  }
  writes.stored_executions.add({execution.contact_id, execution.id, status, bytes, wake_at, waiting_event, step,
                                exit_reason, error, effect.is_final(), effects});
}

vm::Effect failure(std::string message) {
  vm::effect::Failed failed;
  failed.message = std::move(message);
  return {vm::kNoStep, std::move(failed)};
}

// What one activation did, for its caller's NOTIFY and metrics.
struct Activated {
  bool mailed = false;  // mail was queued
  size_t steps = 0;     // step history rows written
  std::optional<double> wake_at;  // suspended until then
};

// Runs one execution from its frame (or its trigger) to the next suspension or its end.
// `contact` is the contact as the VM sees it ({email, subscribed, data}, see
// contact_value); an `update contact` step updates it too, so that a later activation of
// the same contact in the caller's transaction sees the change.
Activated activate(store::Connection& conn, BatchWrites& writes, const ActivationContext& context,
                   const Claimed& execution, stdlib::Value& contact) {
  if (!execution.workflow_name || !execution.module_hash) {
    // Enrolled by a /v1/track that raced the workflow's deletion: nothing to run it with.
    save(writes, execution, failure("its workflow was deleted"), vm::Frame(), execution.effects);
    return {};
  }
  const std::string& name = *execution.workflow_name;
  std::shared_ptr<const vm::Program> program;
  try {
    program = context.programs.get(conn, static_cast<uint64_t>(*execution.module_hash));
  } catch (const Refused& error) {
    // Retrying cannot cure a module that does not load: fail the execution rather than
    // leave it due for every worker forever.
    save(writes, execution, failure(error.what()), vm::Frame(), execution.effects);
    return {};
  }
  const auto& module = program->module();
  const bytecode::Workflow* workflow = module.find_workflow(name);
  if (!workflow) {
    save(writes, execution, failure("workflow `" + name + "` is not in its stored module"), vm::Frame(),
         execution.effects);
    return {};
  }

  stdlib::ObjectBuilder reserved;
  const std::string unsubscribe_url = context.unsubscribe_url(execution.contact_id);
  reserved.set("unsubscribeUrl", Value::string(unsubscribe_url));
  reserved.set("workflow", Value::string(name));
  reserved.set("execution", Value::string(std::to_string(execution.id)));

  StepHistory history(writes.history, module, execution.contact_id, execution.id);
  vm::Interpreter interpreter(*program);
  interpreter.set_step_observer([&](uint32_t step) { history.entered(step); });

  // The trigger of a new execution, or the event that won a wait.
  Value event;
  if (execution.event) event = event_value(*execution.event);
  const bool has_event = execution.event.has_value();
  // With an event, the activation runs as of the event's arrival, not as of when a worker got
  // to it: the VM settles a wait by Inputs::now, and an event accepted before the deadline
  // has won the race however late it is processed.
  const double now = has_event ? event.find("at")->as_number() : context.now;
  vm::Inputs inputs{contact, reserved.build(), now};
  vm::Frame frame;
  vm::Effect effect;
  if (!execution.frame) {
    effect = has_event ? interpreter.start(static_cast<uint32_t>(workflow - module.workflows.data()), event, inputs, frame)
                       : failure("the execution has neither a frame nor a trigger event");
  } else {
    const auto& data = execution.frame->data;
    auto loaded = vm::deserialize({reinterpret_cast<const uint8_t*>(data.data()), data.size()}, *program);
    if (auto* error = std::get_if<vm::FrameError>(&loaded)) {
      effect = failure(error->message);
    } else {
      frame = std::move(std::get<vm::Frame>(loaded));
      const vm::Awaiting awaited = frame.awaiting;
      const uint32_t step_before = frame.step;
      const double deadline = frame.wake_at;
      vm::Resume resume = vm::Resume::done();
      if (has_event) resume = vm::Resume::event(event);
      else if (awaited == vm::Awaiting::Event) resume = vm::Resume::timeout();
      else if (awaited == vm::Awaiting::Webhook) resume = vm::Resume::response(webhook_response(conn, execution));
      effect = interpreter.resume(frame, resume, inputs);
      // Woken early (or by another event), the VM hands back the same wait or delay: the
      // step is still open. Otherwise the suspension is over.
      const bool still_waiting = !history.has_pending() && !effect.is_final() && effect.step == step_before &&
                                 (effect.as<vm::effect::Delay>() || effect.as<vm::effect::Wait>());
      if (!still_waiting) {
        history.close_open(resumed_outcome(awaited, deadline, resume, now, execution.resume_event_id));
      }
    }
  }

  bool mailed = false;
  int32_t effects = execution.effects;
  for (;;) {
    if (const auto* send = effect.as<vm::effect::Send>()) {
      // A marketing email to an unsubscribed contact is recorded, never delivered or failed.
      stdlib::ObjectBuilder sent;
      sent.set("result", Value::string(send->suppressed ? "suppressed" : "queued"));
      if (!send->suppressed) {
        sent.set("message_id", Value::string(queue_mail(writes, execution, effect, *send, ++effects, unsubscribe_url)));
      }
      mailed = mailed || !send->suppressed;
      history.record(effect, sent.build());
    } else if (const auto* update = effect.as<vm::effect::Update>()) {
      writes.contacts.add(execution.contact_id, stdlib::to_json(update->fields));
      // The same rule as the SQL merge, so the next step sees what the database now holds.
      inputs.contact = vm::apply_update(inputs.contact, update->fields);
      contact = inputs.contact;
      history.record(effect);
    } else {
      if (const auto* hook = effect.as<vm::effect::Webhook>()) queue_webhook(conn, execution, effect, *hook, ++effects, context.now);
      history.record(effect);
      save(writes, execution, effect, frame, effects);
      return {mailed, history.recorded(), wake_at_of(effect)};
    }
    effect = interpreter.resume(frame, vm::Resume::done(), inputs);
  }
}

// The event columns event_name, event_data, event_at of a row, when there is an event.
std::optional<ClaimedEvent> event_of(const store::Row& row) {
  const auto name = row.get<std::optional<std::string>>("event_name");
  if (!name) return std::nullopt;
  return ClaimedEvent{*name, row.get<std::string>("event_data"), row.get<double>("event_at")};
}

Claimed claimed_execution(const store::Row& row) {
  Claimed execution;
  execution.id = row.get<int64_t>("id");
  execution.contact_id = row.get<int64_t>("contact_id");
  execution.workflow_id = row.get<int64_t>("workflow_id");
  execution.frame = row.get<std::optional<store::Bytes>>("frame");
  execution.resume_event_id = row.get<std::optional<int64_t>>("resume_event_id");
  execution.event = event_of(row);
  execution.workflow_name = row.get<std::optional<std::string>>("workflow_name");
  execution.module_hash = row.get<std::optional<int64_t>>("module_hash");
  execution.effects = row.get<int32_t>("effects");
  return execution;
}

// A claim that reached its row just after a track's resume committed: the row is the latest
// version (resume_event_id set), but the claim's snapshot predates the commit, so the join
// found no event. Events never change once written, so reading it now is enough.
void read_event_again(store::Connection& conn, Claimed& execution) {
  const auto rows = conn.exec(
      "SELECT name AS event_name, data::text AS event_data, extract(epoch FROM created_at)::float8 AS event_at "
      "FROM events WHERE contact_id = $1 AND id = $2",
      execution.contact_id, *execution.resume_event_id);
  // None: the event went with its contact, and the activation fails for want of it.
  if (!rows.empty()) execution.event = event_of(rows.one());
}

}  // namespace

const std::string_view kActivationColumns =
    "e.id, e.contact_id, e.workflow_id, e.frame, e.resume_event_id, e.effects, w.name AS workflow_name, "
    "COALESCE(e.module_hash, w.module_hash) AS module_hash, c.email, c.subscribed, c.data::text AS contact_data, "
    "ev.name AS event_name, ev.data::text AS event_data, extract(epoch FROM ev.created_at)::float8 AS event_at";

Activations activate_all(store::Connection& conn, const ActivationContext& context,
                         const std::vector<store::Row>& rows, Stored stored) {
  std::vector<Claimed> executions;
  // Two executions of one contact in a batch: the second sees what the first's
  // `update contact` wrote.
  std::unordered_map<int64_t, stdlib::Value> contacts;
  for (const store::Row& row : rows) {
    executions.push_back(claimed_execution(row));
    executions.back().stored = stored;
    if (executions.back().resume_event_id && !executions.back().event) read_event_again(conn, executions.back());
    auto [contact, first] = contacts.try_emplace(executions.back().contact_id);
    if (first) {
      contact->second =
          contact_value(row.get<std::string>("email"), row.get<bool>("subscribed"), row.get<std::string>("contact_data"));
    }
  }
  // In the order they were enrolled: a contact's executions then see each other's updates
  // in the same order whichever way the claim's index returned them.
  std::stable_sort(executions.begin(), executions.end(),
                   [](const Claimed& a, const Claimed& b) { return a.id < b.id; });
  bool queued_mail = false;
  Activations out;
  BatchWrites writes;
  for (const Claimed& execution : executions) {
    const Activated activated = activate(conn, writes, context, execution, contacts.at(execution.contact_id));
    queued_mail |= activated.mailed;
    out.steps += activated.steps;
    if (activated.wake_at && (!out.next_wake || *activated.wake_at < *out.next_wake)) out.next_wake = activated.wake_at;
  }
  // Last, after every finish_open_steps of the batch: a step a suspension left open in this
  // batch stays open.
  writes.defer(conn, context.now);
  // NOTIFY is transactional: the mailer hears it only if this commits.
  if (queued_mail) conn.notify_on_commit("flow_outbox");
  return out;
}

}  // namespace flow::runtime::engine
