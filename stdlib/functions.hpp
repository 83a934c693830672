#pragma once
// What the compiler and tools know about each standard function (functions.def).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace flow::stdlib {

struct FunctionInfo {
  std::string_view name;
  uint8_t min_args;
  uint8_t max_args;
  std::string_view signature;
  std::string_view doc;
};

const std::vector<FunctionInfo>& function_table();
// Index into function_table(), or nullopt for an unknown name.
std::optional<uint16_t> find_function(std::string_view name);

}  // namespace flow::stdlib
