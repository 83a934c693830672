#include "grammar/diagnostic.hpp"

#include <algorithm>

namespace flow::grammar {

const std::vector<DiagnosticKindInfo>& all_diagnostic_kinds() {
  static const std::vector<DiagnosticKindInfo> kinds = {
#define FLOW_DIAGNOSTIC(Name, code, severity) {DiagnosticKind::Name, code, Severity::severity},
#include "grammar/diagnostic_kinds.def"
  };
  return kinds;
}

const DiagnosticKindInfo& info(DiagnosticKind kind) {
  return all_diagnostic_kinds()[static_cast<size_t>(kind)];
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

void DiagnosticSink::report(DiagnosticKind kind, Span span, std::string message, std::vector<Note> notes) {
  report(Diagnostic{kind, info(kind).severity, span, std::move(message), std::move(notes)});
}

bool DiagnosticList::has_errors() const { return error_count() > 0; }

size_t DiagnosticList::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

namespace {

// Tabs are kept in the caret line so the caret stays under the right character.
std::string caret_line(std::string_view line, const Span& span) {
  std::string out;
  uint32_t column = 1;
  size_t i = 0;
  for (; i < line.size() && column < span.begin.column; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
    ++column;
  }
  out += '^';
  if (span.end.line == span.begin.line && span.end.column > span.begin.column + 1) {
    out.append(span.end.column - span.begin.column - 1, '~');
  }
  return out;
}

void render_one(std::string& out, const SourceSet& sources, const Span& span, std::string_view severity,
                std::string_view message) {
  const SourceFile& file = sources.file(span.file);
  out += file.name() + ':' + std::to_string(span.begin.line) + ':' + std::to_string(span.begin.column) + ": ";
  out += severity;
  out += ": ";
  out += message;
  out += '\n';
  const std::string_view line = file.line(span.begin.line);
  out += "  ";
  out += line;
  out += "\n  ";
  out += caret_line(line, span);
  out += '\n';
}

}  // namespace

std::string render_text(const SourceSet& sources, const Diagnostic& diagnostic) {
  std::string out;
  render_one(out, sources, diagnostic.span, severity_name(diagnostic.severity), diagnostic.message);
  for (const Note& note : diagnostic.notes) render_one(out, sources, note.span, "note", note.message);
  return out;
}

}  // namespace flow::grammar
