#pragma once
// A module made ready to run: verified once, its constants turned into Values, its Call
// instructions bound to native functions, and its identity (name + hash) computed for
// frames. A Program is immutable after load, so one Program may serve many interpreters
// on many threads.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "bytecode/module.hpp"
#include "stdlib/natives.hpp"
#include "stdlib/value.hpp"

namespace flow::vm {

class Program {
 public:
  struct Error {
    std::string message;
  };
  // Fails with the problems bytecode::verify finds, one a line. A program that loads can
  // be run without crashing, whatever the inputs.
  static std::variant<Program, Error> load(bytecode::Module module);

  Program(Program&&) noexcept = default;
  Program& operator=(Program&&) noexcept = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program();

  const bytecode::Module& module() const { return module_; }
  uint64_t hash() const { return hash_; }
  const stdlib::Value& constant(uint32_t k) const { return constants_[k]; }
  stdlib::Native native(uint32_t f) const { return natives_[f]; }

  // The effect op whose instruction ends right before `pc`, if `pc` is a place a frame can
  // be suspended at; Op::Null otherwise. Frames loaded from bytes are checked with this.
  bytecode::Op suspended_op(uint32_t pc) const;

 private:
  Program() = default;

  bytecode::Module module_;
  uint64_t hash_ = 0;
  std::vector<stdlib::Value> constants_;  // immortal: shared by every interpreter
  std::vector<stdlib::Native> natives_;   // by Module::functions index
  std::vector<std::pair<uint32_t, bytecode::Op>> resume_points_;  // sorted by pc
};

}  // namespace flow::vm
