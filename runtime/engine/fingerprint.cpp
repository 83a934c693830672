#include "runtime/engine/fingerprint.hpp"

#include <bit>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "bytecode/instruction.hpp"

namespace flow::runtime::engine {

namespace {

using bytecode::Instruction;
using bytecode::Module;
using bytecode::Op;

// FNV-1a 64, like bytecode::module_hash.
class Hasher {
 public:
  void byte(uint8_t value) {
    hash_ ^= value;
    hash_ *= 1099511628211ULL;
  }
  void number(uint64_t value) {
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(value >> (8 * i)));
  }
  void text(std::string_view value) {
    number(value.size());
    for (const char c : value) byte(static_cast<uint8_t>(c));
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 14695981039346656037ULL;
};

bool is_jump(Op op) {
  return op == Op::Jump || op == Op::JumpIfFalse || op == Op::JumpIfFalseKeep || op == Op::JumpIfTrueKeep ||
         op == Op::JumpIfNotNullKeep;
}

bool ends_path(Op op) { return op == Op::Jump || op == Op::Exit || op == Op::Complete || op == Op::Return; }

// The instructions reachable from `entry`, by offset.
std::map<uint32_t, Instruction> reachable(const Module& module, uint32_t entry) {
  std::map<uint32_t, Instruction> code;
  std::vector<uint32_t> todo{entry};
  while (!todo.empty()) {
    const uint32_t offset = todo.back();
    todo.pop_back();
    if (code.contains(offset)) continue;
    const auto instruction = bytecode::decode(module.code, offset);
    if (!instruction) continue;  // a loaded module is verified; nothing to follow here
    code.emplace(offset, *instruction);
    if (is_jump(instruction->op)) todo.push_back(instruction->a);
    if (!ends_path(instruction->op)) todo.push_back(offset + instruction->size);
  }
  return code;
}

// Hashes the code reachable from `entry` with every module-wide index replaced by what it
// names (constants by value, functions and templates by name, steps by kind, label and
// edges) and every code offset taken relative to `entry`. Collects the templates it sends.
void hash_code(Hasher& hasher, const Module& module, uint32_t entry, uint32_t first_step,
               std::set<std::string_view>& templates) {
  const auto relative = [&](uint32_t offset) { return static_cast<uint64_t>(offset) - entry; };
  for (const auto& [offset, instruction] : reachable(module, entry)) {
    hasher.number(relative(offset));
    hasher.byte(static_cast<uint8_t>(instruction.op));
    switch (instruction.op) {
      case Op::Const:
      case Op::GetField:
      case Op::Wait: {
        const auto& constant = module.constants.at(instruction.a);
        hasher.byte(static_cast<uint8_t>(constant.kind));
        if (constant.kind == bytecode::Constant::Kind::String) hasher.text(constant.string);
        else hasher.number(std::bit_cast<uint64_t>(constant.number));
        break;
      }
      case Op::Call:
        hasher.text(module.functions.at(instruction.a));
        hasher.byte(instruction.b);
        break;
      case Op::Send:
        hasher.text(module.templates.at(instruction.a).name);
        templates.insert(module.templates.at(instruction.a).name);
        break;
      case Op::Step: {
        const auto& step = module.steps.at(instruction.a);
        hasher.number(instruction.a - first_step);
        hasher.byte(static_cast<uint8_t>(step.kind));
        hasher.text(step.label);
        for (const auto& edge : module.edges) {
          if (edge.from != instruction.a) continue;
          hasher.number(edge.to == bytecode::Edge::kEnd ? UINT64_MAX : static_cast<uint64_t>(edge.to) - first_step);
          hasher.text(edge.label);
        }
        break;
      }
      default:
        hasher.number(is_jump(instruction.op) ? relative(instruction.a) : instruction.a);
        hasher.byte(instruction.b);
    }
  }
}

uint32_t first_step_of(const Module& module, uint32_t workflow_index) {
  for (uint32_t i = 0; i < module.steps.size(); ++i) {
    if (module.steps[i].workflow == workflow_index) return i;
  }
  return 0;
}

}  // namespace

uint64_t workflow_fingerprint(const Module& module, const bytecode::Workflow& workflow) {
  Hasher hasher;
  hasher.text(workflow.name);
  hasher.text(workflow.trigger);
  hasher.text(workflow.display_name);
  hasher.text(workflow.description);
  hasher.byte(static_cast<uint8_t>(workflow.reentry));
  hasher.byte(workflow.local_count);
  const auto index = static_cast<uint32_t>(&workflow - module.workflows.data());
  std::set<std::string_view> templates;
  hash_code(hasher, module, workflow.entry, first_step_of(module, index), templates);
  // Sorted by name (std::set), so the templates' order in the module does not matter.
  for (const std::string_view name : templates) {
    const bytecode::Template& used = *module.find_template(name);
    hasher.text(used.name);
    hasher.byte(static_cast<uint8_t>(used.type));
    for (const uint32_t part : {used.subject, used.from, used.reply_to, used.html, used.text}) {
      hasher.byte(part == bytecode::kNoPart ? 0 : 1);
      std::set<std::string_view> none;  // template parts send nothing
      if (part != bytecode::kNoPart) hash_code(hasher, module, part, 0, none);
    }
  }
  return hasher.value();
}

}  // namespace flow::runtime::engine
