#pragma once
// A module made ready to run: verified once, its constants turned into Values, its Call
// instructions bound to native functions, common instruction sequences fused into
// superinstructions, and its identity (name + hash) computed for frames. A Program is
// immutable after load, so one Program may serve many interpreters on many threads.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "bytecode/module.hpp"
#include "stdlib/natives.hpp"
#include "stdlib/value.hpp"

namespace flow::vm {

// The number of bytecode opcodes; superinstructions are numbered after them.
inline constexpr uint8_t kOpCount = 0
#define FLOW_OP(Name, Shape, pops, pushes, doc) +1
#include "bytecode/opcodes.def"
    ;

// Superinstructions: sequences the compiler emits often, run as one instruction. They exist
// only in the Program's copy of the code (Program::code), never in a module, so the bytecode
// format, the verifier, frames and the disassembler know nothing of them. Each replaces the
// first 3 bytes of its sequence with [opcode][u16 index into Program::superinstruction] and
// resumes after the sequence, so every offset keeps its meaning: a frame's pc, a jump
// target, the source map. The rest of the sequence's bytes stay as they were.
//
// A path is a load (contact, event, reserved variables or a local) followed by GetFields.
// Its superinstructions read the loaded value in place instead of pushing a copy of each
// step, which saves a reference count increment and decrement per step.
enum class Fused : uint8_t {
  Path = kOpCount,  // a path of at least one field: push its value
  PathCompare,      // a path, Const k, a comparison (Eq Ne Lt Le Gt Ge): push the outcome
  PathCall,         // a path, Call f 1: push f(the path's value)
  CompareConst,     // Const k, a comparison: compare the top with constant k in place
};
inline constexpr size_t kFusedCount = 4;
static_assert(kOpCount + kFusedCount <= 256, "opcodes are bytes");

struct Superinstruction {
  enum class Source : uint8_t { Contact, Event, Reserved, Local };
  static constexpr size_t kMaxKeys = 4;  // longer paths continue with plain GetFields

  Source source = Source::Contact;
  uint8_t slot = 0;  // Source::Local
  uint8_t key_count = 0;
  bytecode::Op comparison = bytecode::Op::Eq;  // PathCompare, CompareConst
  uint16_t keys[kMaxKeys] = {};                // constants naming the fields, in order
  uint16_t operand = 0;                        // the constant compared with, or the function
  uint32_t next = 0;                           // offset after the sequence
};

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

  // The module's code with superinstructions fused in (same length, same offsets). Control
  // only enters a sequence at its start: fusing skips sequences that a jump, an entry or a
  // resume point leads into.
  const uint8_t* code() const { return code_.data(); }
  const Superinstruction& superinstruction(uint16_t i) const { return superinstructions_[i]; }

  // The effect op whose instruction ends right before `pc`, if `pc` is a place a frame can
  // be suspended at; Op::Null otherwise. Frames loaded from bytes are checked with this.
  bytecode::Op suspended_op(uint32_t pc) const;

 private:
  Program() = default;
  void fuse();

  bytecode::Module module_;
  uint64_t hash_ = 0;
  std::vector<stdlib::Value> constants_;  // immortal: shared by every interpreter
  std::vector<stdlib::Native> natives_;   // by Module::functions index
  std::vector<uint8_t> code_;             // module_.code with superinstructions
  std::vector<Superinstruction> superinstructions_;
  std::vector<std::pair<uint32_t, bytecode::Op>> resume_points_;  // sorted by pc
};

}  // namespace flow::vm
