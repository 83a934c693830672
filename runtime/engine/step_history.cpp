#include "runtime/engine/step_history.hpp"

#include <spdlog/spdlog.h>

#include "stdlib/json.hpp"

namespace flow::runtime::engine {

namespace {

using stdlib::Value;

bool suspends(bytecode::StepKind kind) {
  return kind == bytecode::StepKind::Delay || kind == bytecode::StepKind::Wait || kind == bytecode::StepKind::Webhook;
}

// A send's rendered bodies stay in its outbox row (found by its message_id), so that a
// history row stays small however large the email.
bool kept_in_history(std::string_view field) { return field != "html" && field != "text"; }

// The effect as an outcome: `effect` (an object) less the bodies, with the fields of `extra`
// (an object, or null for none) set on it.
Value outcome_value(const Value& effect, const Value& extra) {
  stdlib::ObjectBuilder out;
  for (const auto& field : effect.as_object())
    if (kept_in_history(field.first.as_string())) out.set(field.first, field.second);
  if (extra.is(stdlib::Kind::Object))
    for (const auto& field : extra.as_object()) out.set(field.first, field.second);
  return out.build();
}

Value object_of(std::initializer_list<std::pair<std::string_view, Value>> fields) {
  stdlib::ObjectBuilder out;
  for (const auto& [key, value] : fields) out.set(key, value);
  return out.build();
}

// The VM does not say which arm a condition took, but the step graph does: the arm is the
// edge from the condition to the step entered next (kEnd when the execution ended there).
// Arms that lead to the same step cannot be told apart, and need not be: null.
Value branch_taken(const bytecode::Module& module, uint32_t condition, uint32_t next) {
  Value branch;
  int arms = 0;
  for (const bytecode::Edge& edge : module.edges) {
    if (edge.from == condition && edge.to == next) branch = Value::string(edge.label), ++arms;
  }
  return object_of({{"branch", arms == 1 ? branch : Value()},
                    {"next", next == bytecode::Edge::kEnd ? Value() : Value::number(next)}});
}

}  // namespace

void HistoryRows::add(int64_t contact_id, int64_t execution_id, int32_t step, std::string_view kind,
                      const std::string& label, bool open, const std::optional<std::string>& outcome,
                      const std::optional<std::string>& error) {
  rows_.add({contact_id, execution_id, step, kind, label, open, outcome, error});
}

void HistoryRows::close(int64_t contact_id, int64_t execution_id, const std::string& outcome) {
  closed_.add({contact_id, execution_id, outcome});
}

void HistoryRows::defer(store::Connection& conn, double now) const {
  if (!closed_.empty()) {
    // Each row's outcome is the one at its execution's place in the array.
    static const std::string how = "($3::jsonb[])[array_position($2::bigint[], h.execution_id)]";
    static const std::string close =
        "UPDATE step_history h SET finished_at = to_timestamp($4::float8), outcome = CASE WHEN jsonb_typeof(" + how +
        ") = 'object' THEN coalesce(h.outcome, '{}'::jsonb) || " + how + " ELSE h.outcome END "
        "WHERE h.contact_id = ANY ($1::bigint[]) AND h.execution_id = ANY ($2::bigint[]) AND h.finished_at IS NULL";
    conn.defer_params(close, closed_.params({now}));
  }
  if (rows_.empty()) return;
  // WITH ORDINALITY: ids in the order the steps ran, the order a history is read in.
  conn.defer_params(
      "INSERT INTO step_history (contact_id, execution_id, step, kind, label, started_at, finished_at, outcome, "
      "error) SELECT x.contact_id, x.execution_id, x.step, x.kind, x.label, to_timestamp($9::float8), "
      "CASE WHEN x.open THEN NULL ELSE to_timestamp($9::float8) END, x.outcome, x.error "
      "FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::text[], $6::boolean[], $7::jsonb[], "
      "$8::text[]) WITH ORDINALITY AS x(contact_id, execution_id, step, kind, label, open, outcome, error, n) "
      "ORDER BY x.n",
      rows_.params({now}));
}

StepHistory::StepHistory(HistoryRows& rows, const bytecode::Module& module, int64_t contact_id,
                         int64_t execution_id)
    : rows_(rows), module_(module), contact_id_(contact_id), execution_id_(execution_id) {}

// The outcome of the pending step at `index`, or "" for none (a `let`).
std::string StepHistory::outcome_of(size_t index, const vm::Effect& effect, const Value& extra) const {
  const uint32_t step = pending_[index];
  const bool last = index + 1 == pending_.size();
  if (module_.steps.at(step).kind == bytecode::StepKind::Condition) {
    if (!last) return stdlib::to_json(branch_taken(module_, step, pending_[index + 1]));
    // The last step entered: the execution ended in the arm, or the condition failed.
    if (effect.as<vm::effect::Completed>()) return stdlib::to_json(branch_taken(module_, step, bytecode::Edge::kEnd));
  }
  if (!last || effect.step != step) return {};
  return stdlib::to_json(outcome_value(vm::to_value(effect), extra));
}

void StepHistory::record(const vm::Effect& effect, const Value& extra) {
  const auto* failed = effect.as<vm::effect::Failed>();
  for (size_t i = 0; i < pending_.size(); ++i) {
    const bytecode::Step& step = module_.steps.at(pending_[i]);
    const bool produced = i + 1 == pending_.size() && effect.step == pending_[i];
    const bool open = produced && suspends(step.kind) && !effect.is_final();
    const std::string outcome = outcome_of(i, effect, extra);
    rows_.add(contact_id_, execution_id_, static_cast<int32_t>(pending_[i]), bytecode::step_kind_name(step.kind),
              step.label, open, outcome.empty() ? std::nullopt : std::optional(outcome),
              produced && failed ? std::optional(failed->message) : std::nullopt);
    ++recorded_;
    spdlog::debug("execution {} step {} {} \"{}\"", execution_id_, pending_[i], bytecode::step_kind_name(step.kind),
                  step.label);
  }
  pending_.clear();
}

void StepHistory::close_open(const Value& how) { rows_.close(contact_id_, execution_id_, stdlib::to_json(how)); }

Value resumed_outcome(vm::Awaiting awaited, double deadline, const vm::Resume& resume, double now,
                      std::optional<int64_t> event_id) {
  switch (awaited) {
    case vm::Awaiting::Event:
      if (resume.kind == vm::Resume::Kind::Event && vm::beats_deadline(now, deadline)) {
        const Value* name = resume.value.find("name");
        return object_of({{"result", Value::string("received")},
                          {"event_id", event_id ? Value::number(static_cast<double>(*event_id)) : Value()},
                          {"event", name ? *name : Value()}});
      }
      return object_of({{"result", Value::string("timeout")}});
    case vm::Awaiting::Webhook: {
      const Value* status = resume.value.find("status");
      return object_of({{"result", Value::string("response")}, {"status", status ? *status : Value()}});
    }
    case vm::Awaiting::Delay: return object_of({{"result", Value::string("elapsed")}});
    default: return Value();
  }
}

}  // namespace flow::runtime::engine
