#pragma once
// The database schema as numbered migrations. A migration is never edited once released:
// change the schema by appending one.
#include <limits>
#include <span>
#include <string_view>

#include "runtime/store/connection.hpp"

namespace flow::runtime::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;  // several statements
};

// All migrations, in version order.
std::span<const Migration> migrations();

// Applies the migrations `connection`'s database lacks, each in its own transaction under
// a transaction-scoped advisory lock, and records them in flow_schema_migrations. Running
// it again, or from several processes at once, applies each migration exactly once.
// Returns how many this call applied. `up_to` stops after that version (tests of a
// migration's data conversion start from the schema before it).
int migrate(Connection& connection, int up_to = std::numeric_limits<int>::max());

}  // namespace flow::runtime::store
