#include "lsp/navigation.hpp"

#include "lsp/keywords.hpp"

namespace flow::lsp {

namespace {

const Occurrence* symbol_at(const Document& document, Position position) {
  return document.names().at(document.offset_of(position));
}

}  // namespace

std::optional<Location> definition(const Document& document, Position position) {
  const Occurrence* symbol = symbol_at(document, position);
  if (symbol == nullptr) return std::nullopt;
  const Occurrence* found = document.names().definition_of(*symbol);
  if (found == nullptr) return std::nullopt;
  return document.location_of(found->span);
}

std::vector<Location> references(const Document& document, Position position, bool include_declaration) {
  std::vector<Location> out;
  const Occurrence* symbol = symbol_at(document, position);
  if (symbol == nullptr) return out;
  for (const Occurrence* o : document.names().occurrences_of(*symbol)) {
    if (include_declaration || !o->definition) out.push_back(document.location_of(o->span));
  }
  return out;
}

std::optional<Range> prepare_rename(const Document& document, Position position) {
  const Occurrence* symbol = symbol_at(document, position);
  if (symbol == nullptr) return std::nullopt;
  return document.range_of(symbol->span);
}

RenameResult rename(const Document& document, Position position, const std::string& new_name) {
  const Occurrence* symbol = symbol_at(document, position);
  if (symbol == nullptr) return {};
  if (!is_valid_name(new_name)) {
    return {std::nullopt, "`" + new_name + "` is not a valid name: use letters, digits and `_`, not a keyword"};
  }
  WorkspaceEdit edit;
  std::vector<TextEdit>& edits = edit[document.uri()];
  for (const Occurrence* o : document.names().occurrences_of(*symbol)) {
    edits.push_back({document.range_of(o->span), new_name});
  }
  return {std::move(edit), {}};
}

}  // namespace flow::lsp
