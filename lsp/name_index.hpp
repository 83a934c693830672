#pragma once
// Where each name a person chose is defined and used in one document: templates
// (`template NAME`, `send NAME`), labels (`label NAME`, `goto NAME`) and locals
// (`let NAME`, `NAME = …`, NAME in expressions). Labels and locals belong to their
// workflow. Definition, references, rename, hover and completion all read this index.
#include <cstdint>
#include <string>
#include <vector>

#include "grammar/ast.hpp"

namespace flow::lsp {

enum class NameKind : uint8_t { Template, Label, Local };

struct Occurrence {
  NameKind kind = NameKind::Template;
  uint32_t workflow = grammar::kNone;  // labels and locals: index into Ast::workflows
  std::string name;
  grammar::Span span;
  bool definition = false;

  bool same_symbol(const Occurrence& other) const {
    return kind == other.kind && workflow == other.workflow && name == other.name;
  }
};

class NameIndex {
 public:
  NameIndex() = default;
  explicit NameIndex(const grammar::Ast& ast);

  // The occurrence under a cursor at byte `offset` (a cursor just after a name is on it).
  const Occurrence* at(uint32_t offset) const;
  // Every occurrence of the symbol, in source order.
  std::vector<const Occurrence*> occurrences_of(const Occurrence& symbol) const;
  // The first definition of the symbol; null when it is used but never defined.
  const Occurrence* definition_of(const Occurrence& symbol) const;
  // The defined names of a kind (for templates, `workflow` is ignored), in source order.
  std::vector<std::string> defined(NameKind kind, uint32_t workflow) const;

 private:
  void add_workflow(const grammar::Ast& ast, uint32_t index);

  std::vector<Occurrence> occurrences_;
};

}  // namespace flow::lsp
