#pragma once
// The rows of one statement, read by column name or index with typed getters. Values come
// in libpq's text format and are parsed here; reading NULL or an unparsable value into a
// non-optional type throws Error naming the column.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "runtime/store/param.hpp"

struct pg_result;

namespace flow::runtime::store {

// A column: its index, or its name as the statement spells it (`SELECT x AS name`).
class Column {
 public:
  Column(int index) : index_(index) {}
  Column(std::string_view name) : name_(name) {}
  Column(const char* name) : name_(name) {}
  int index_in(const pg_result* rows) const;

 private:
  int index_ = -1;
  std::string_view name_;
};

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

// One row. It shares ownership of the rows, so `exec(...).one()` may outlive its Result.
class Row {
 public:
  Row(std::shared_ptr<pg_result> rows, int row) : rows_(std::move(rows)), row_(row) {}

  bool is_null(Column column) const;

  // T: std::string, int32_t, int64_t, bool, double, Bytes, or std::optional of one of them.
  template <typename T>
  T get(Column column) const {
    if constexpr (is_optional<T>::value) {
      if (is_null(column)) return std::nullopt;
      return get<typename T::value_type>(column);
    } else {
      return parse<T>(column);
    }
  }

 private:
  template <typename T>
  T parse(Column column) const;

  std::shared_ptr<pg_result> rows_;
  int row_;
};

class Result {
 public:
  explicit Result(pg_result* result);

  int size() const;
  bool empty() const { return size() == 0; }
  int columns() const;
  // Rows changed by INSERT/UPDATE/DELETE (0 for other statements).
  int64_t affected_rows() const;
  // The command tag, e.g. "INSERT 0 1", "COMMIT".
  std::string_view command() const;

  Row operator[](int row) const { return Row(result_, row); }
  // The only row; throws when there is none or more than one.
  Row one() const;
  std::vector<Row> rows() const;

  class Iterator {
   public:
    Iterator(const Result& result, int row) : result_(&result), row_(row) {}
    Row operator*() const { return (*result_)[row_]; }
    Iterator& operator++() { return ++row_, *this; }
    bool operator==(const Iterator& other) const { return row_ == other.row_; }

   private:
    const Result* result_;
    int row_;
  };
  Iterator begin() const { return Iterator(*this, 0); }
  Iterator end() const { return Iterator(*this, size()); }

 private:
  std::shared_ptr<pg_result> result_;  // shared: Results are cheap to copy and return
};

}  // namespace flow::runtime::store
