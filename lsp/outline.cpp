#include "lsp/outline.hpp"

#include <algorithm>

#include "lsp/syntax_at.hpp"

namespace flow::lsp {

namespace {

using grammar::StmtKind;

SymbolKind step_kind(StmtKind kind) {
  switch (kind) {
    case StmtKind::Let: return SymbolKind::Variable;
    case StmtKind::Label: return SymbolKind::Key;
    default: return SymbolKind::Event;
  }
}

// `name` is the first line of the item's text; the selection range covers it.
DocumentSymbol symbol(const Document& document, const grammar::Span& span, SymbolKind kind) {
  DocumentSymbol out;
  out.name = first_line(document.text_of(span));
  out.kind = kind;
  out.range = document.range_of(span);
  out.selection_range =
      document.range_between(span.begin.offset, span.begin.offset + static_cast<uint32_t>(out.name.size()));
  return out;
}

std::vector<DocumentSymbol> steps(const Document& document, const grammar::Block& block) {
  std::vector<DocumentSymbol> out;
  for (const grammar::StmtId id : block) {
    const grammar::Stmt& s = document.ast().stmt(id);
    DocumentSymbol& step = out.emplace_back(symbol(document, s.span, step_kind(s.kind)));
    for (const grammar::Block& inner : s.blocks) {
      for (DocumentSymbol& child : steps(document, inner)) step.children.push_back(std::move(child));
    }
  }
  return out;
}

}  // namespace

std::vector<DocumentSymbol> document_symbols(const Document& document) {
  const grammar::Ast& ast = document.ast();
  std::vector<DocumentSymbol> out;
  for (const auto& [is_workflow, index] : ast.order) {
    if (is_workflow) {
      const grammar::Workflow& workflow = ast.workflows[index];
      DocumentSymbol& item = out.emplace_back(symbol(document, workflow.span, SymbolKind::Function));
      item.children = steps(document, workflow.body);
      // A workflow whose `}` is missing has a span of its header only; editors want the
      // steps inside it.
      if (!item.children.empty()) item.range.end = std::max(item.range.end, item.children.back().range.end);
    } else {
      out.push_back(symbol(document, ast.templates[index].span, SymbolKind::Struct));
    }
  }
  return out;
}

}  // namespace flow::lsp
