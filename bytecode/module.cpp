#include "bytecode/module.hpp"

#include <algorithm>
#include <array>

namespace flow::bytecode {

namespace {

constexpr size_t operand_bytes(OperandShape shape) {
  switch (shape) {
    case OperandShape::None: return 0;
    case OperandShape::U8: return 1;
    case OperandShape::U16: return 2;
    case OperandShape::U16U8: return 3;
    case OperandShape::Jump: return 4;
  }
  return 0;
}

// The one table every other view of the instruction set is read from.
constexpr OpInfo kOps[] = {
#define FLOW_OP(Name, Shape, pops, pushes, doc) {#Name, OperandShape::Shape, pops, pushes, doc},
#include "bytecode/opcodes.def"
};

}  // namespace

const OpInfo& op_info(Op op) { return kOps[static_cast<size_t>(op)]; }

size_t op_count() { return std::size(kOps); }

size_t instruction_size(Op op) { return 1 + operand_bytes(op_info(op).shape); }

std::string_view step_kind_name(StepKind kind) {
  static constexpr std::array<std::string_view, 8> names = {"send",    "delay",  "wait", "condition",
                                                            "webhook", "update", "exit", "set"};
  return names[static_cast<size_t>(kind)];
}

std::string_view template_type_name(TemplateType type) {
  static constexpr std::array<std::string_view, 3> names = {"marketing", "transactional", "headless"};
  return names[static_cast<size_t>(type)];
}

SourceLoc Module::location_of(uint32_t offset) const {
  // The last entry at or before `offset`: upper_bound finds the first one after it.
  const auto after = std::upper_bound(source_map.begin(), source_map.end(), offset,
                                      [](uint32_t value, const auto& entry) { return value < entry.first; });
  if (after == source_map.begin()) return {};
  return std::prev(after)->second;
}

const Workflow* Module::find_workflow(std::string_view name) const {
  const auto it = std::find_if(workflows.begin(), workflows.end(), [&](const Workflow& w) { return w.name == name; });
  return it == workflows.end() ? nullptr : &*it;
}

const Template* Module::find_template(std::string_view name) const {
  const auto it = std::find_if(templates.begin(), templates.end(), [&](const Template& t) { return t.name == name; });
  return it == templates.end() ? nullptr : &*it;
}

}  // namespace flow::bytecode
