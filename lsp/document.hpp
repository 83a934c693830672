#pragma once
// One open .flow file and what the compiler knows about it. Every change re-analyses the
// whole text (parse, then the same checks as `flowc check`), which is fast enough for a
// file of thousands of lines (docs/performance.md), so no query ever sees stale results.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"
#include "lsp/name_index.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

class Document {
 public:
  Document(std::string uri, std::string text, int64_t version = 0);

  // Applies one change of a didChange notification: `range` replaced by `text`, or the
  // whole text when there is no range. Call analyze() once all changes are in.
  void apply_change(const std::optional<Range>& range, std::string_view text);
  void set_version(int64_t version) { version_ = version; }
  void analyze();

  const std::string& uri() const { return uri_; }
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  int64_t version() const { return version_; }

  const grammar::SourceSet& sources() const { return sources_; }  // file 0 is this document
  const grammar::SourceFile& file() const { return sources_.file(0); }
  const grammar::Ast& ast() const { return ast_; }
  const NameIndex& names() const { return names_; }
  // What `flowc check` reports for this file alone; only the syntax errors when it does
  // not parse.
  const grammar::DiagnosticList& diagnostics() const { return diagnostics_; }
  bool has_syntax_errors() const { return syntax_errors_; }

  uint32_t offset_of(Position position) const;
  // The source text of a span of this document.
  std::string_view text_of(const grammar::Span& span) const;
  // A span anywhere in sources(): in this document or in a template file it reads.
  Location location_of(const grammar::Span& span) const;
  Range range_of(const grammar::Span& span) const { return location_of(span).range; }
  // The range between two byte offsets of this document.
  Range range_between(uint32_t begin, uint32_t end) const;
  // The workflow the byte `offset` is in (from its header to the next item), or kNone.
  uint32_t workflow_at(uint32_t offset) const;

 private:
  std::string uri_;
  std::string path_;
  std::string text_;
  int64_t version_ = 0;
  grammar::SourceSet sources_;
  grammar::Ast ast_;
  NameIndex names_;
  grammar::DiagnosticList diagnostics_;
  bool syntax_errors_ = false;
};

}  // namespace flow::lsp
