#pragma once
// Diagnostics: a kind from the registry (diagnostic_kinds.def), a severity, a message and
// a span, plus notes. The front end never prints: it reports to a DiagnosticSink chosen by
// the caller, so the CLI, the tests and the language server share one stream.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/source.hpp"

namespace flow::grammar {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagnosticKind : uint16_t {
#define FLOW_DIAGNOSTIC(Name, code, severity) Name,
#include "grammar/diagnostic_kinds.def"
};

struct DiagnosticKindInfo {
  DiagnosticKind kind;
  std::string_view code;  // e.g. "unknown-template"
  Severity severity;
};

const DiagnosticKindInfo& info(DiagnosticKind kind);
const std::vector<DiagnosticKindInfo>& all_diagnostic_kinds();
std::string_view severity_name(Severity severity);

struct Note {
  Span span;
  std::string message;
};

struct Diagnostic {
  DiagnosticKind kind;
  Severity severity;
  Span span;
  std::string message;  // lower-case start, no trailing period
  std::vector<Note> notes;
};

class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  virtual void report(Diagnostic diagnostic) = 0;

  // Reports a diagnostic of `kind` with the kind's default severity.
  void report(DiagnosticKind kind, Span span, std::string message, std::vector<Note> notes = {});
};

class DiagnosticList final : public DiagnosticSink {
 public:
  using DiagnosticSink::report;
  void report(Diagnostic diagnostic) override { items_.push_back(std::move(diagnostic)); }
  const std::vector<Diagnostic>& items() const { return items_; }
  bool has_errors() const;
  size_t error_count() const;

 private:
  std::vector<Diagnostic> items_;
};

// `file:line:col: error: message`, the source line, a caret (with `~` under the rest of a
// one-line span), then the notes in the same shape.
std::string render_text(const SourceSet& sources, const Diagnostic& diagnostic);

}  // namespace flow::grammar
