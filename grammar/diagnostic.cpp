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

// A span with its ends as line and column.
struct LineSpan {
  Pos begin;
  Pos end;
};

// Tabs are kept in the caret line so the caret stays under the right character.
std::string caret_line(std::string_view line, const LineSpan& span) {
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

// A line as shown under a message, and the span shifted to match it.
struct Excerpt {
  std::string text;
  LineSpan span;
};

// A very long line (a minified HTML template, say) is cut to a window of code points
// around the caret, marked with `…` at the cut ends, so one message stays readable.
Excerpt excerpt_around(std::string_view line, LineSpan span) {
  constexpr uint32_t kMaxColumns = 160;
  constexpr uint32_t kContext = 60;  // columns kept before the caret
  if (count_code_points(line) <= kMaxColumns) return {std::string(line), span};
  const uint32_t first = span.begin.column > kContext ? span.begin.column - kContext : 1;
  std::string text = first > 1 ? "…" : "";
  uint32_t column = 1, taken = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const bool starts_code_point = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (starts_code_point && i > 0) ++column;
    if (column < first) continue;
    if (starts_code_point && ++taken > kMaxColumns) {
      text += "…";
      break;
    }
    text += line[i];
  }
  const uint32_t shift = first - 1 - (first > 1 ? 1 : 0);  // `…` takes one column
  span.begin.column -= shift;
  if (span.end.line == span.begin.line) span.end.column = std::max(span.begin.column, span.end.column - shift);
  return {std::move(text), span};
}

void render_one(std::string& out, const SourceSet& sources, const Span& where, std::string_view severity,
                std::string_view message) {
  const SourceFile& file = sources.file(where.file);
  const LineSpan span{file.position(where.begin.offset), file.position(where.end.offset)};
  out += file.name() + ':' + std::to_string(span.begin.line) + ':' + std::to_string(span.begin.column) + ": ";
  out += severity;
  out += ": ";
  out += message;
  out += '\n';
  const Excerpt excerpt = excerpt_around(file.line(span.begin.line), span);
  out += "  ";
  out += excerpt.text;
  out += "\n  ";
  out += caret_line(excerpt.text, excerpt.span);
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
