#include "lsp/name_index.hpp"

#include <algorithm>
#include <set>

#include "lsp/ast_walk.hpp"

namespace flow::lsp {

using grammar::StmtKind;

NameIndex::NameIndex(const grammar::Ast& ast) {
  for (const grammar::Template& item : ast.templates) {
    occurrences_.push_back({NameKind::Template, grammar::kNone, item.name.text, item.name.span, true});
  }
  for (uint32_t w = 0; w < ast.workflows.size(); ++w) add_workflow(ast, w);
  std::sort(occurrences_.begin(), occurrences_.end(),
            [](const Occurrence& a, const Occurrence& b) { return a.span.begin.offset < b.span.begin.offset; });
}

void NameIndex::add_workflow(const grammar::Ast& ast, uint32_t index) {
  const grammar::Workflow& workflow = ast.workflows[index];
  // Locals are workflow-wide (one slot each), so a name is a local wherever it is used
  // once some `let` declares it; anything else (`contact`, a typo) is not indexed.
  std::set<std::string> locals;
  compiler::for_each_stmt(ast, workflow.body, [&](grammar::StmtId id) {
    if (ast.stmt(id).kind == StmtKind::Let) locals.insert(ast.stmt(id).name.text);
  });
  compiler::for_each_stmt(ast, workflow.body, [&](grammar::StmtId id) {
    const grammar::Stmt& s = ast.stmt(id);
    const auto add = [&](NameKind kind, bool definition) {
      occurrences_.push_back(
          {kind, kind == NameKind::Template ? grammar::kNone : index, s.name.text, s.name.span, definition});
    };
    switch (s.kind) {
      case StmtKind::Send: add(NameKind::Template, false); break;
      case StmtKind::Label: add(NameKind::Label, true); break;
      case StmtKind::Goto: add(NameKind::Label, false); break;
      case StmtKind::Let: add(NameKind::Local, true); break;
      case StmtKind::Assign:
        if (locals.contains(s.name.text)) add(NameKind::Local, false);
        break;
      default: break;
    }
  });
  for_each_expr(ast, workflow, [&](grammar::ExprId id) {
    const grammar::Expr& e = ast.expr(id);
    if (e.kind == grammar::ExprKind::Variable && locals.contains(e.name.text)) {
      occurrences_.push_back({NameKind::Local, index, e.name.text, e.name.span, false});
    }
  });
}

const Occurrence* NameIndex::at(uint32_t offset) const {
  for (const Occurrence& o : occurrences_) {
    if (o.span.begin.offset <= offset && offset <= o.span.end.offset) return &o;
  }
  return nullptr;
}

std::vector<const Occurrence*> NameIndex::occurrences_of(const Occurrence& symbol) const {
  std::vector<const Occurrence*> out;
  for (const Occurrence& o : occurrences_) {
    if (o.same_symbol(symbol)) out.push_back(&o);
  }
  return out;
}

const Occurrence* NameIndex::definition_of(const Occurrence& symbol) const {
  for (const Occurrence* o : occurrences_of(symbol)) {
    if (o->definition) return o;
  }
  return nullptr;
}

std::vector<std::string> NameIndex::defined(NameKind kind, uint32_t workflow) const {
  std::vector<std::string> names;
  for (const Occurrence& o : occurrences_) {
    const bool in_scope = kind == NameKind::Template || o.workflow == workflow;
    if (o.kind == kind && o.definition && in_scope && std::find(names.begin(), names.end(), o.name) == names.end()) {
      names.push_back(o.name);
    }
  }
  return names;
}

}  // namespace flow::lsp
