#include "compile_flow.hpp"

#include <stdexcept>

#include "compiler/compiler.hpp"

namespace flow::runtime::testing {

bytecode::Module compile_flow(const std::string& text) {
  grammar::SourceSet sources;
  grammar::DiagnosticList diagnostics;
  const uint32_t file = sources.add("test.flow", text);
  auto module = compiler::compile(sources, {file}, diagnostics);
  if (!module) {
    std::string errors;
    for (const auto& diagnostic : diagnostics.items()) errors += grammar::render_text(sources, diagnostic) + "\n";
    throw std::runtime_error("does not compile:\n" + errors);
  }
  return std::move(*module);
}

}  // namespace flow::runtime::testing
