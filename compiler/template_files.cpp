#include "compiler/template_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/text.hpp"
#include "grammar/parser.hpp"

namespace flow::compiler {

std::optional<std::string> read_file_from_disk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

ExprId load_template_file(Program& program, uint32_t unit, const std::string& path, const grammar::Span& path_span) {
  grammar::Ast& ast = program.units[unit].ast;
  const std::filesystem::path flow_file = program.sources.file(ast.file).name();
  const std::string resolved = (flow_file.parent_path() / path).lexically_normal().generic_string();
  const auto text = program.options.read_file(resolved);
  if (!text) {
    program.sink.report(grammar::DiagnosticKind::TemplateFileUnreadable, path_span,
                        "cannot read template file " + quote(resolved) + "; the path is relative to the .flow file");
    return kNone;
  }
  const uint32_t file = program.sources.add(resolved, *text);
  return grammar::parse_template_text(ast, program.sources, file, program.sink);
}

}  // namespace flow::compiler
