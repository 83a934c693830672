#include "runtime/engine/compile_source.hpp"

#include <filesystem>

#include "compiler/compiler.hpp"
#include "grammar/parser.hpp"

namespace flow::runtime::engine {

namespace {

std::string_view slice(const grammar::SourceSet& sources, const grammar::Span& span) {
  const std::string_view text = sources.file(span.file).text();
  return text.substr(span.begin.offset, span.end.offset - span.begin.offset);
}

// A string literal as its author meant it: escapes resolved, holes as written.
std::string string_text(const grammar::SourceSet& sources, const grammar::Ast& ast, const grammar::Expr& expr) {
  std::string out;
  for (const grammar::StringPart& part : expr.parts) {
    if (part.hole == grammar::kNone) {
      out += part.text;
      continue;
    }
    const std::string_view hole = slice(sources, ast.expr(part.hole).span);
    out += part.raw ? "{{{ " : "{{ ";
    out.append(hole);
    out += part.raw ? " }}}" : " }}";
  }
  return out;
}

std::optional<std::string> file_text(const grammar::SourceSet& sources, const std::string& name) {
  for (uint32_t id = 0; id < sources.size(); ++id) {
    if (sources.file(id).name() == name) return sources.file(id).text();
  }
  return std::nullopt;
}

// Parsed again (the compiler keeps no syntax tree): cheap, and the compile succeeded, so
// every setting is well-formed. Template files are the ones the compiler added to `sources`.
nlohmann::json templates_as_written(const grammar::SourceSet& sources, const std::vector<uint32_t>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const uint32_t file : files) {
    grammar::DiagnosticList ignored;
    const grammar::Ast ast = grammar::parse(sources, file, ignored);
    for (const grammar::Template& declared : ast.templates) {
      nlohmann::json entry = {{"name", declared.name.text}, {"type", "marketing"}, {"subject", nullptr},
                              {"from", nullptr},           {"reply_to", nullptr}, {"html", nullptr},
                              {"text", nullptr}};
      for (const grammar::Setting& setting : declared.settings) {
        if (!entry.contains(setting.key.text) || setting.key.text == "name") continue;
        const grammar::Expr& value = ast.expr(setting.value);
        if (value.kind != grammar::ExprKind::String) {
          entry[setting.key.text] = std::string(slice(sources, value.span));  // `type marketing`
          continue;
        }
        std::string text = string_text(sources, ast, value);
        if (setting.from_file) {
          const std::filesystem::path flow_file = sources.file(file).name();
          text = file_text(sources, (flow_file.parent_path() / text).lexically_normal().generic_string()).value_or("");
        }
        entry[setting.key.text] = std::move(text);
      }
      out.push_back(std::move(entry));
    }
  }
  return out;
}

}  // namespace

CompiledSource compile_source(const std::vector<SourceFile>& files, bool read_template_files) {
  CompiledSource out;
  std::vector<uint32_t> ids;
  for (const SourceFile& file : files) {
    out.source += "// " + std::filesystem::path(file.name).filename().string() + "\n" + file.text + "\n";
    ids.push_back(out.sources.add(file.name, file.text));
  }
  if (files.size() == 1) out.source = files.front().text;  // nothing to tell apart
  compiler::Options options;
  if (!read_template_files) options.read_file = [](const std::string&) { return std::optional<std::string>(); };
  out.module = compiler::compile(out.sources, ids, out.diagnostics, options);
  if (out.module) out.templates = templates_as_written(out.sources, ids);
  return out;
}

}  // namespace flow::runtime::engine
