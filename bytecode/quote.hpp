#pragma once
// Strings as the disassembler and the JSON graph print them: double-quoted, with the
// escapes JSON understands, so one function serves both listings.
#include <string>
#include <string_view>

namespace flow::bytecode {

std::string quote(std::string_view text);

}  // namespace flow::bytecode
