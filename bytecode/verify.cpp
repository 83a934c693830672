// verify(): everything a loaded module must satisfy before the VM may run it, so the VM
// can trust operands, jump targets and stack depths without checking them again.
#include <set>

#include "bytecode/instruction.hpp"
#include "bytecode/module_io.hpp"
#include "stdlib/functions.hpp"

namespace flow::bytecode {

namespace {

std::string at(uint32_t offset) {
  std::string digits = std::to_string(offset);
  return "at " + std::string(digits.size() < 4 ? 4 - digits.size() : 0, '0') + digits;
}

bool is_effect(Op op) {
  switch (op) {
    case Op::Step: case Op::Send: case Op::Delay: case Op::Wait: case Op::Webhook:
    case Op::Update: case Op::Exit: case Op::Complete: return true;
    default: return false;
  }
}

bool is_terminator(Op op) { return op == Op::Complete || op == Op::Exit || op == Op::Return; }

// Code is entered either as a workflow or as a template part; each may use only its own ops.
struct Context {
  bool is_template = false;
  uint32_t workflow = 0;
  uint32_t locals = 0;
};

class Verifier {
 public:
  explicit Verifier(const Module& m) : m_(m), boundary_(m.code.size(), false) {}

  std::vector<std::string> run() {
    if (!decode_all()) return problems_;
    for (uint32_t offset = 0; offset < m_.code.size(); offset += decode(m_.code, offset)->size) {
      check_operands(offset, *decode(m_.code, offset));
    }
    check_tables();
    if (!problems_.empty()) return problems_;
    for (uint32_t w = 0; w < m_.workflows.size(); ++w) {
      check_paths(m_.workflows[w].entry, Context{false, w, m_.workflows[w].local_count});
    }
    for (const Template& t : m_.templates) {
      for (uint32_t part : {t.subject, t.from, t.reply_to, t.html, t.text}) {
        if (part != kNoPart) check_paths(part, Context{true, 0, 0});
      }
    }
    return problems_;
  }

 private:
  void problem(std::string message) { problems_.push_back(std::move(message)); }

  // A linear sweep: every byte belongs to exactly one well-formed instruction.
  bool decode_all() {
    for (uint32_t offset = 0; offset < m_.code.size();) {
      const auto in = decode(m_.code, offset);
      if (!in) {
        problem(at(offset) + ": unknown opcode or truncated instruction");
        return false;
      }
      boundary_[offset] = true;
      offset += in->size;
    }
    return true;
  }

  bool is_instruction(uint32_t offset) const { return offset < m_.code.size() && boundary_[offset]; }

  bool is_string_constant(uint32_t k) const {
    return k < m_.constants.size() && m_.constants[k].kind == Constant::Kind::String;
  }

  void check_operands(uint32_t offset, const Instruction& in) {
    const std::string where = at(offset) + ": " + std::string(op_info(in.op).name);
    switch (in.op) {
      case Op::Const:
        if (in.a >= m_.constants.size()) problem(where + " names a missing constant");
        break;
      case Op::GetField:
      case Op::Wait:
        if (!is_string_constant(in.a)) problem(where + " needs a string constant");
        break;
      case Op::Call: check_call(where, in); break;
      case Op::Step:
        if (in.a >= m_.steps.size()) problem(where + " names a missing step");
        break;
      case Op::Send:
        if (in.a >= m_.templates.size()) problem(where + " names a missing template");
        break;
      default:
        if (op_info(in.op).shape == OperandShape::Jump && !is_instruction(in.a)) {
          problem(where + " jumps to " + std::to_string(in.a) + ", which is not the start of an instruction");
        }
    }
  }

  void check_call(const std::string& where, const Instruction& in) {
    if (in.a >= m_.functions.size()) return problem(where + " names a missing function");
    const auto f = stdlib::find_function(m_.functions[in.a]);
    if (!f) return problem(where + " calls unknown function `" + m_.functions[in.a] + "`");
    const auto& info = stdlib::function_table()[*f];
    if (in.b < info.min_args || in.b > info.max_args) problem(where + " passes a wrong argument count");
  }

  void check_loc(const SourceLoc& loc, const std::string& what) {
    if (loc.file >= m_.files.size()) problem(what + " names a missing source file");
  }

  void check_tables() {
    std::set<std::string_view> names;
    for (const Template& t : m_.templates) {
      if (!names.insert(t.name).second) problem("template `" + t.name + "` is defined twice");
      for (uint32_t part : {t.subject, t.from, t.reply_to, t.html, t.text}) {
        if (part != kNoPart && !is_instruction(part)) problem("template `" + t.name + "` has a part outside the code");
      }
      if (t.subject == kNoPart || t.from == kNoPart || t.html == kNoPart) {
        problem("template `" + t.name + "` lacks a subject, from or html part");
      }
      check_loc(t.loc, "template `" + t.name + "`");
    }
    names.clear();
    for (const Workflow& w : m_.workflows) {
      if (!names.insert(w.name).second) problem("workflow `" + w.name + "` is defined twice");
      if (!is_instruction(w.entry)) problem("workflow `" + w.name + "` starts outside the code");
      if (w.local_count == 0 || w.local_names.size() != w.local_count) {
        problem("workflow `" + w.name + "` has inconsistent locals");
      }
      check_loc(w.loc, "workflow `" + w.name + "`");
    }
    for (uint32_t s = 0; s < m_.steps.size(); ++s) {
      const Step& step = m_.steps[s];
      const std::string what = "step " + std::to_string(s);
      if (step.workflow >= m_.workflows.size()) problem(what + " belongs to a missing workflow");
      const auto in = is_instruction(step.offset) ? decode(m_.code, step.offset) : std::nullopt;
      if (!in || in->op != Op::Step || in->a != s) problem(what + " does not start with its Step instruction");
      check_loc(step.loc, what);
    }
    for (const Edge& e : m_.edges) {
      if (e.from >= m_.steps.size() || (e.to != Edge::kEnd && e.to >= m_.steps.size())) {
        problem("an edge names a missing step");
      }
    }
    for (size_t i = 0; i < m_.source_map.size(); ++i) {
      const auto& [offset, loc] = m_.source_map[i];
      if (offset >= m_.code.size() || (i > 0 && offset <= m_.source_map[i - 1].first)) {
        problem("the source map is not sorted by code offset");
      }
      check_loc(loc, "the source map");
    }
  }

  // Follows every path from `entry`, tracking the operand stack depth: no instruction may
  // pop more than is there, paths must agree on the depth where they meet, effects must
  // suspend with an empty stack (a frame stores locals, never the stack) and code may not
  // run off its end.
  void check_paths(uint32_t entry, Context context) {
    std::vector<int> depth(m_.code.size(), -1);
    std::vector<uint32_t> work;
    const size_t before = problems_.size();
    auto reach = [&](uint32_t offset, int d, uint32_t from) {
      if (offset >= m_.code.size()) return problem(at(from) + ": code runs off the end");
      if (depth[offset] == -1) {
        depth[offset] = d;
        work.push_back(offset);
      } else if (depth[offset] != d) {
        problem(at(offset) + ": paths arrive with different stack depths");
      }
    };
    reach(entry, 0, entry);
    while (!work.empty() && problems_.size() == before) {
      const uint32_t offset = work.back();
      work.pop_back();
      const Instruction in = *decode(m_.code, offset);
      const int d = depth[offset];
      const int after = d - static_cast<int>(pop_count(in));
      if (!allowed(offset, in, context)) continue;
      if (after < 0) {
        problem(at(offset) + ": " + std::string(op_info(in.op).name) + " pops more values than the stack holds");
        continue;
      }
      if (is_effect(in.op) && after != 0) problem(at(offset) + ": an effect must leave the stack empty");
      if (in.op == Op::Return && after != 0) problem(at(offset) + ": Return must leave the stack empty");
      const int pushed = after + op_info(in.op).pushes;
      switch (in.op) {
        case Op::Jump: reach(in.a, d, offset); break;
        case Op::JumpIfFalse:
          reach(in.a, after, offset);
          reach(offset + in.size, after, offset);
          break;
        case Op::JumpIfFalseKeep:
        case Op::JumpIfTrueKeep:
        case Op::JumpIfNotNullKeep:
          reach(in.a, d, offset);  // taken: the tested value stays
          reach(offset + in.size, after, offset);
          break;
        default:
          if (!is_terminator(in.op)) reach(offset + in.size, pushed, offset);
      }
    }
  }

  bool allowed(uint32_t offset, const Instruction& in, const Context& context) {
    const std::string where = at(offset) + ": " + std::string(op_info(in.op).name);
    const bool workflow_only = is_effect(in.op) || in.op == Op::LoadLocal || in.op == Op::StoreLocal;
    if (context.is_template && workflow_only) return problem(where + " cannot appear in a template"), false;
    if (!context.is_template && in.op == Op::Return) return problem(where + " cannot appear in a workflow"), false;
    if ((in.op == Op::LoadLocal || in.op == Op::StoreLocal) && in.a >= context.locals) {
      return problem(where + " uses a local slot the workflow does not have"), false;
    }
    if (in.op == Op::Step && (m_.steps[in.a].workflow != context.workflow || m_.steps[in.a].offset != offset)) {
      return problem(where + " enters a step of another place"), false;
    }
    return true;
  }

  const Module& m_;
  std::vector<bool> boundary_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> verify(const Module& module) { return Verifier(module).run(); }

}  // namespace flow::bytecode
