#pragma once
// A bound statement parameter. Values never enter the SQL text: each becomes one libpq
// parameter, in text format except Bytes (binary, so NUL bytes survive). std::nullopt and an
// empty std::optional bind SQL NULL. Cast in SQL where the type is not obvious: `$1::jsonb`.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace flow::runtime::store {

// Raw bytes for a bytea column (read back with Row::get<Bytes>).
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

class Param {
 public:
  Param(std::nullopt_t) {}
  Param(std::string_view text) : value_(std::string(text)) {}
  Param(const std::string& text) : value_(text) {}
  Param(const char* text) : value_(std::string(text)) {}
  Param(Bytes bytes) : value_(std::move(bytes.data)), binary_(true) {}
  Param(bool value) : value_(value ? "true" : "false") {}
  Param(int32_t value) : value_(std::to_string(value)) {}
  Param(int64_t value) : value_(std::to_string(value)) {}
  Param(double value);
  template <typename T>
  Param(const std::optional<T>& value) : Param(value ? Param(*value) : Param(std::nullopt)) {}

  bool is_null() const { return !value_; }
  bool is_binary() const { return binary_; }
  const std::string& value() const { return *value_; }

 private:
  std::optional<std::string> value_;
  bool binary_ = false;
};

// An array literal for an array parameter (`$1::bigint[]`, `$1::bytea[]`): a list of values
// bound as one parameter, e.g. for `unnest`, built element by element.
class ArrayLiteral {
 public:
  // A NULL stays NULL, Bytes become `\x` hex (bytea's text form), every other value is
  // quoted, so that any text is one element: commas, braces, spaces and "NULL" stay text.
  void add(const Param& value);
  std::string literal() const { return text_ + '}'; }

 private:
  std::string text_ = "{";
};

std::string array_literal(std::span<const int64_t> values);
std::string array_literal(std::span<const std::string> values);

}  // namespace flow::runtime::store
