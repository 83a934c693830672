#pragma once
// The event names and contact data fields a .flow file uses. Completion offers those of
// every .flow file in the workspace, so a field set by `update contact` in one workflow
// is suggested when another reads `contact.data.`.
#include <set>
#include <string>

#include "grammar/ast.hpp"

namespace flow::lsp {

struct Facts {
  std::set<std::string> events;       // triggers and `wait for` events
  std::set<std::string> data_fields;  // `contact.data.x`, `update contact { x: … }`, template data

  void merge(const Facts& other);
};

Facts collect_facts(const grammar::Ast& ast);

}  // namespace flow::lsp
