#include "stdlib/functions.hpp"

namespace flow::stdlib {

const std::vector<FunctionInfo>& function_table() {
  static const std::vector<FunctionInfo> table = {
#define FLOW_FUNCTION(name, min_args, max_args, signature, doc) {#name, min_args, max_args, signature, doc},
#include "stdlib/functions.def"
  };
  return table;
}

std::optional<uint16_t> find_function(std::string_view name) {
  const auto& table = function_table();
  for (size_t i = 0; i < table.size(); ++i) {
    if (table[i].name == name) return static_cast<uint16_t>(i);
  }
  return std::nullopt;
}

}  // namespace flow::stdlib
