#include "runtime/engine/step_history.hpp"

#include "stdlib/json.hpp"

namespace flow::runtime::engine {

namespace {

bool suspends(bytecode::StepKind kind) {
  return kind == bytecode::StepKind::Delay || kind == bytecode::StepKind::Wait || kind == bytecode::StepKind::Webhook;
}

std::string outcome_json(const vm::Effect& effect, std::string_view result) {
  const stdlib::Value value = vm::to_value(effect);
  if (result.empty()) return stdlib::to_json(value);
  stdlib::ObjectBuilder out;
  for (const auto& field : value.as_object()) out.set(field.first, field.second);
  out.set("result", stdlib::Value::string(std::string(result)));
  return stdlib::to_json(out.build());
}

}  // namespace

StepHistory::StepHistory(store::Connection& conn, const bytecode::Module& module, int64_t contact_id,
                         int64_t execution_id, double now)
    : conn_(conn), module_(module), contact_id_(contact_id), execution_id_(execution_id), now_(now) {}

void StepHistory::record(const vm::Effect& effect, std::string_view result) {
  const auto* failed = effect.as<vm::effect::Failed>();
  const std::optional<std::string> error = failed ? std::optional(failed->message) : std::nullopt;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const bytecode::Step& step = module_.steps.at(pending_[i]);
    const bool produced = i + 1 == pending_.size() && effect.step == pending_[i];
    const bool open = produced && suspends(step.kind) && !effect.is_final();
    conn_.exec(
        "INSERT INTO step_history (contact_id, execution_id, step, kind, label, started_at, finished_at, outcome, "
        "error) VALUES ($1, $2, $3, $4, $5, to_timestamp($6::float8), "
        "CASE WHEN $7 THEN NULL ELSE to_timestamp($6::float8) END, $8::jsonb, $9)",
        contact_id_, execution_id_, static_cast<int32_t>(pending_[i]), std::string(bytecode::step_kind_name(step.kind)),
        step.label, now_, open, produced ? std::optional(outcome_json(effect, result)) : std::nullopt,
        produced ? error : std::nullopt);
  }
  pending_.clear();
}

void StepHistory::close_open() {
  conn_.exec(
      "UPDATE step_history SET finished_at = to_timestamp($3::float8) "
      "WHERE contact_id = $1 AND execution_id = $2 AND finished_at IS NULL",
      contact_id_, execution_id_, now_);
}

}  // namespace flow::runtime::engine
