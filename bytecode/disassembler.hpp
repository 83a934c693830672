#pragma once
// A readable listing of a module: header, constants, templates, workflows, steps, edges,
// and every instruction with its offset, operands (jumps as `-> target`, constants with
// their value) and source line:col. The listing is also the golden oracle of the compiler.
#include <string>

#include "bytecode/module.hpp"

namespace flow::bytecode {

std::string disassemble(const Module& module);
// One instruction at `offset`; sets `next` to the offset after it.
std::string disassemble_instruction(const Module& module, uint32_t offset, uint32_t& next);

}  // namespace flow::bytecode
