// libFuzzer target: any bytes, as a .flow file and as a template file, must parse without
// crashing, hanging or tripping a sanitizer. Built and run by tests/fuzz/run.sh.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "grammar/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flow::grammar;
  SourceSet sources;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const uint32_t flow_file = sources.add("fuzz.flow", text);
  const uint32_t template_file = sources.add("fuzz.html", text);
  DiagnosticList diagnostics;
  Ast ast = parse(sources, flow_file, diagnostics);
  parse_template_text(ast, sources, template_file, diagnostics);
  // Rendering copies the source line, so render a few: a one-line megabyte of broken holes
  // has a diagnostic per hole, and rendering them all would time out in the harness.
  const size_t rendered = std::min<size_t>(diagnostics.items().size(), 8);
  for (size_t i = 0; i < rendered; ++i) render_text(sources, diagnostics.items()[i]);
  return 0;
}
