#pragma once
// Compiles a test's inline .flow source; a source that does not compile throws with the
// rendered diagnostics, so a broken fixture fails its test with a readable message.
#include <string>

#include "bytecode/module.hpp"

namespace flow::runtime::testing {

bytecode::Module compile_flow(const std::string& text);

}  // namespace flow::runtime::testing
