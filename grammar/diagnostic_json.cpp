#include "grammar/diagnostic_json.hpp"

namespace flow::grammar {

namespace {

nlohmann::json span_json(const SourceSet& sources, const Span& span) {
  const Pos begin = sources.begin(span);
  const Pos end = sources.end(span);
  return {{"file", sources.file(span.file).name()},
          {"line", begin.line},
          {"column", begin.column},
          {"end_line", end.line},
          {"end_column", end.column}};
}

}  // namespace

nlohmann::json diagnostic_json(const SourceSet& sources, const Diagnostic& diagnostic) {
  nlohmann::json out = span_json(sources, diagnostic.span);
  out["severity"] = severity_name(diagnostic.severity);
  out["code"] = info(diagnostic.kind).code;
  out["message"] = diagnostic.message;
  out["notes"] = nlohmann::json::array();
  for (const Note& note : diagnostic.notes) {
    nlohmann::json json_note = span_json(sources, note.span);
    json_note["message"] = note.message;
    out["notes"].push_back(std::move(json_note));
  }
  return out;
}

nlohmann::json diagnostics_json(const SourceSet& sources, const DiagnosticList& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const Diagnostic& diagnostic : diagnostics.items()) out.push_back(diagnostic_json(sources, diagnostic));
  return out;
}

}  // namespace flow::grammar
