#pragma once
// A small assembler for hand-written modules: interpreter tests that need exact control of
// the bytecode (a runtime error at a known place, a module the compiler would never write).
#include <cstdint>
#include <string>

#include "bytecode/module.hpp"

namespace flow::testing {

class Assembler {
 public:
  using Op = bytecode::Op;

  Assembler() {
    module_.name = "test";
    module_.files = {"test.flow"};
  }

  uint16_t string(const std::string& text) { return constant({bytecode::Constant::Kind::String, 0, text}); }
  uint16_t number(double n) { return constant({bytecode::Constant::Kind::Number, n, ""}); }
  uint16_t duration(double seconds) { return constant({bytecode::Constant::Kind::Duration, seconds, ""}); }
  uint16_t function(const std::string& name) {
    module_.functions.push_back(name);
    return static_cast<uint16_t>(module_.functions.size() - 1);
  }

  uint32_t here() const { return static_cast<uint32_t>(module_.code.size()); }

  // Every instruction emitted after this is reported at `line`:`column`.
  void at(uint32_t line, uint32_t column) { module_.source_map.push_back({here(), {0, line, column}}); }

  Assembler& op(Op op) {
    module_.code.push_back(static_cast<uint8_t>(op));
    return *this;
  }
  Assembler& op(Op op, uint32_t operand) {
    this->op(op);
    const size_t bytes = bytecode::instruction_size(op) - 1;
    for (size_t i = 0; i < bytes; ++i) module_.code.push_back(static_cast<uint8_t>(operand >> (8 * i)));
    return *this;
  }
  Assembler& call(const std::string& name, uint8_t argc) {
    op(Op::Call, function(name));
    module_.code.back() = argc;  // U16U8: the U8 written as the third operand byte
    return *this;
  }

  // Emits a jump to be patched; returns where its target lives.
  uint32_t jump(Op op) {
    this->op(op, 0);
    return here() - 4;
  }
  void patch(uint32_t operand_at, uint32_t target) {
    for (int i = 0; i < 4; ++i) module_.code[operand_at + i] = static_cast<uint8_t>(target >> (8 * i));
  }

  // A new step of the current workflow, entered here.
  Assembler& step(bytecode::StepKind kind, const std::string& label) {
    bytecode::Step s;
    s.workflow = static_cast<uint32_t>(module_.workflows.size() - 1);
    s.kind = kind;
    s.label = label;
    s.offset = here();
    module_.steps.push_back(s);
    return op(Op::Step, static_cast<uint32_t>(module_.steps.size() - 1));
  }

  // Starts a workflow at the current offset with `locals` slots (slot 0 is `response`).
  void workflow(const std::string& name, const std::string& trigger, uint8_t locals = 1) {
    bytecode::Workflow w;
    w.name = name;
    w.trigger = trigger;
    w.display_name = name;
    w.entry = here();
    w.local_count = locals;
    w.local_names.push_back("response");
    for (uint8_t i = 1; i < locals; ++i) w.local_names.push_back("local" + std::to_string(i));
    module_.workflows.push_back(w);
  }

  // Emits `Const text; Return` for each part and records the template.
  void simple_template(const std::string& name, bytecode::TemplateType type, const std::string& subject) {
    bytecode::Template t;
    t.name = name;
    t.type = type;
    t.subject = part(subject);
    t.from = part("from@example.test");
    t.html = part("<p>" + subject + "</p>");
    module_.templates.push_back(t);
  }
  uint32_t part(const std::string& text) {
    const uint32_t offset = here();
    op(Op::Const, string(text)).op(Op::Return);
    return offset;
  }

  bytecode::Module& module() { return module_; }

 private:
  uint16_t constant(bytecode::Constant c) {
    module_.constants.push_back(c);
    return static_cast<uint16_t>(module_.constants.size() - 1);
  }

  bytecode::Module module_;
};

}  // namespace flow::testing
