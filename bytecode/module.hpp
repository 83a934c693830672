#pragma once
// A compiled module: what `flowc build` writes to a .flowb file and what the VM runs.
// Plain data with indices instead of pointers, so it serialises trivially (module_io.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flow::bytecode {

enum class Op : uint8_t {
#define FLOW_OP(Name, Shape, pops, pushes, doc) Name,
#include "bytecode/opcodes.def"
};

enum class OperandShape : uint8_t { None, U8, U16, U16U8, Jump };

struct OpInfo {
  std::string_view name;
  OperandShape shape;
  int8_t pops;    // -1: given by an operand
  int8_t pushes;
  std::string_view doc;
};

const OpInfo& op_info(Op op);
size_t op_count();
// Size in bytes of an instruction of `op`, opcode included.
size_t instruction_size(Op op);

struct Constant {
  enum class Kind : uint8_t { Number, String, Duration } kind = Kind::Number;
  double number = 0;  // Number; Duration in seconds
  std::string string;
  bool operator==(const Constant&) const = default;
};

enum class StepKind : uint8_t { Send, Delay, Wait, Condition, Webhook, Update, Exit, Set };
std::string_view step_kind_name(StepKind kind);  // "send", "delay", ...

struct SourceLoc {
  uint32_t file = 0;  // index into Module::files
  uint32_t line = 0;
  uint32_t column = 0;
  bool operator==(const SourceLoc&) const = default;
};

// A step: a node of the workflow's step graph, entered by an Op::Step instruction.
struct Step {
  uint32_t workflow = 0;  // index into Module::workflows
  StepKind kind = StepKind::Send;
  std::string label;      // human-readable, e.g. `send welcome`, `if contact.data.plan == "pro"`
  SourceLoc loc;
  uint32_t offset = 0;    // code offset of its Op::Step
  bool operator==(const Step&) const = default;
};

// An edge of the step graph. `to` is a step index, or kEnd for "the execution ends".
struct Edge {
  static constexpr uint32_t kEnd = UINT32_MAX;
  uint32_t from = 0;
  uint32_t to = kEnd;
  std::string label;  // "", "yes", "no", "received", "timeout", "goto NAME", "else if …"
  bool operator==(const Edge&) const = default;
};

enum class TemplateType : uint8_t { Marketing, Transactional, Headless };
std::string_view template_type_name(TemplateType type);

// A part that renders to text. kNoPart when the template does not have it.
inline constexpr uint32_t kNoPart = UINT32_MAX;

struct Template {
  std::string name;
  TemplateType type = TemplateType::Marketing;
  // Code offsets of parts, each ending in Op::Return.
  uint32_t subject = kNoPart, from = kNoPart, reply_to = kNoPart, html = kNoPart, text = kNoPart;
  SourceLoc loc;
  bool operator==(const Template&) const = default;
};

enum class Reentry : uint8_t { Never, Allowed };

struct Workflow {
  std::string name;         // the identifier after `workflow`
  std::string trigger;      // event name
  std::string display_name; // `name "…"` (defaults to the identifier)
  std::string description;
  Reentry reentry = Reentry::Never;
  bool enabled = true;
  uint32_t entry = 0;       // code offset
  uint8_t local_count = 0;  // slots the frame needs
  std::vector<std::string> local_names;  // slot -> name (for the debugger and disassembly)
  SourceLoc loc;
  bool operator==(const Workflow&) const = default;
};

struct Module {
  std::string name;
  std::vector<std::string> files;  // source file names, for SourceLoc::file
  std::vector<Constant> constants;
  std::vector<std::string> functions;  // stdlib function names, indexed by Op::Call
  std::vector<Template> templates;
  std::vector<Workflow> workflows;
  std::vector<Step> steps;
  std::vector<Edge> edges;
  std::vector<uint8_t> code;
  // Source map: sorted by offset; an instruction's location is the last entry at or before it.
  std::vector<std::pair<uint32_t, SourceLoc>> source_map;

  SourceLoc location_of(uint32_t offset) const;
  const Workflow* find_workflow(std::string_view name) const;
  const Template* find_template(std::string_view name) const;
  bool operator==(const Module&) const = default;
};

}  // namespace flow::bytecode
