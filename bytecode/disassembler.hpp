#pragma once
// A readable listing of a module: header, constants, templates, workflows, steps, edges,
// and every instruction with its offset, operands (jumps as `-> target`, constants with
// their value) and source line:col. The listing is also the golden oracle of the compiler.
#include <string>

#include "bytecode/module.hpp"

namespace flow::bytecode {

std::string disassemble(const Module& module);

// A number as a person writes it: 3, 2.5, 86400, 1e+300 — the shortest text that reads
// back as the same double. The compiler's messages and step labels use it too.
std::string format_number(double value);
// One instruction at `offset`; sets `next` to the offset after it.
std::string disassemble_instruction(const Module& module, uint32_t offset, uint32_t& next);

}  // namespace flow::bytecode
