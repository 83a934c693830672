#include "runtime/store/param.hpp"

#include <charconv>

namespace flow::runtime::store {

// Shortest text that reads back as the same double (std::to_string would round to 6 places).
Param::Param(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  value_ = std::string(buffer, end);
}

}  // namespace flow::runtime::store
