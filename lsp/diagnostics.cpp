#include "lsp/diagnostics.hpp"

namespace flow::lsp {

namespace {

DiagnosticSeverity severity(grammar::Severity severity) {
  switch (severity) {
    case grammar::Severity::Error: return DiagnosticSeverity::Error;
    case grammar::Severity::Warning: return DiagnosticSeverity::Warning;
    case grammar::Severity::Note: return DiagnosticSeverity::Information;
  }
  return DiagnosticSeverity::Error;
}

}  // namespace

std::map<std::string, std::vector<Diagnostic>> diagnostics_by_uri(const Document& document) {
  std::map<std::string, std::vector<Diagnostic>> out;
  out[document.uri()];
  for (const grammar::Diagnostic& d : document.diagnostics().items()) {
    const Location where = document.location_of(d.span);
    Diagnostic& item = out[where.uri].emplace_back();
    item.range = where.range;
    item.severity = severity(d.severity);
    item.code = grammar::info(d.kind).code;
    item.message = d.message;
    for (const grammar::Note& note : d.notes) item.related.push_back({document.location_of(note.span), note.message});
  }
  return out;
}

}  // namespace flow::lsp
