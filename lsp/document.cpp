#include "lsp/document.hpp"

#include "compiler/compiler.hpp"
#include "grammar/parser.hpp"
#include "lsp/uri.hpp"
#include "lsp/utf16.hpp"

namespace flow::lsp {

Document::Document(std::string uri, std::string text, int64_t version)
    : uri_(std::move(uri)), path_(uri_to_path(uri_)), text_(std::move(text)), version_(version) {
  analyze();
}

void Document::apply_change(const std::optional<Range>& range, std::string_view text) {
  if (!range) {
    text_ = text;
    return;
  }
  const uint32_t begin = to_offset(text_, range->start);
  const uint32_t end = std::max(begin, to_offset(text_, range->end));
  text_.replace(begin, end - begin, text);
}

void Document::analyze() {
  sources_ = grammar::SourceSet{};
  sources_.add(path_, text_);
  // compile() parses again, but keeps its tree to itself; the editor needs the tree even
  // when the file does not parse, and then compile() would add nothing to the errors.
  grammar::DiagnosticList syntax;
  ast_ = grammar::parse(sources_, 0, syntax);
  syntax_errors_ = syntax.has_errors();
  if (syntax_errors_) {
    diagnostics_ = std::move(syntax);
  } else {
    diagnostics_ = grammar::DiagnosticList{};
    compiler::compile(sources_, {0}, diagnostics_);
  }
  names_ = NameIndex(ast_);
}

uint32_t Document::offset_of(Position position) const { return to_offset(text_, position); }

std::string_view Document::text_of(const grammar::Span& span) const {
  return std::string_view(file().text()).substr(span.begin.offset, span.end.offset - span.begin.offset);
}

Location Document::location_of(const grammar::Span& span) const {
  const grammar::SourceFile& file = sources_.file(span.file);
  return Location{span.file == 0 ? uri_ : path_to_uri(file.name()), to_range(file, span)};
}

Range Document::range_between(uint32_t begin, uint32_t end) const {
  const grammar::SourceFile& file = sources_.file(0);
  return to_range(file, grammar::Span{0, {begin}, {end}});
}

uint32_t Document::workflow_at(uint32_t offset) const {
  uint32_t found = grammar::kNone;
  for (const auto& [is_workflow, index] : ast_.order) {
    const grammar::Span& span = is_workflow ? ast_.workflows[index].span : ast_.templates[index].span;
    if (span.begin.offset > offset) break;
    found = is_workflow ? index : grammar::kNone;
  }
  return found;
}

}  // namespace flow::lsp
