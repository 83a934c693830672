#pragma once
// Go to definition, find references and rename, for templates, labels and locals (the
// names in NameIndex). A document is checked on its own, like `flowc check FILE`, so its
// names are defined in it and every answer stays inside it.
#include <optional>
#include <string>
#include <vector>

#include "lsp/document.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

std::optional<Location> definition(const Document& document, Position position);
std::vector<Location> references(const Document& document, Position position, bool include_declaration);

// The range of the name a rename at `position` would change; nullopt when there is none.
std::optional<Range> prepare_rename(const Document& document, Position position);

struct RenameResult {
  std::optional<WorkspaceEdit> edit;  // nullopt: nothing to rename here
  std::string error;                  // set when the new name is refused
};
RenameResult rename(const Document& document, Position position, const std::string& new_name);

}  // namespace flow::lsp
