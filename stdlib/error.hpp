#pragma once
// A runtime error of an expression: a type error, a division by zero, a malformed regular
// expression. The interpreter catches it and ends the execution as failed, adding the
// source location of the instruction that raised it.
#include <stdexcept>
#include <string>

namespace flow::stdlib {

class RuntimeError : public std::runtime_error {
 public:
  explicit RuntimeError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace flow::stdlib
