#pragma once
// Rows gathered for one `INSERT … SELECT … FROM unnest($1::type[], $2::type[], …)`: one
// statement for a batch instead of one per row, which is most of what a short INSERT costs
// (its round trip, parse-bind-execute, its executor start-up). Each column becomes one array
// parameter, $1 … $Columns in order; the statement adds its own scalars after them.
#include <array>
#include <cstddef>
#include <vector>

#include "runtime/store/param.hpp"

namespace flow::runtime::store {

template <size_t Columns>
class RowBatch {
 public:
  void add(const std::array<Param, Columns>& row) {
    for (size_t i = 0; i < Columns; ++i) columns_[i].add(row[i]);
    ++size_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The column arrays as parameters, followed by `scalars`.
  std::vector<Param> params(std::initializer_list<Param> scalars = {}) const {
    std::vector<Param> out;
    out.reserve(Columns + scalars.size());
    for (const ArrayLiteral& column : columns_) out.emplace_back(column.literal());
    out.insert(out.end(), scalars.begin(), scalars.end());
    return out;
  }

 private:
  std::array<ArrayLiteral, Columns> columns_;
  size_t size_ = 0;
};

}  // namespace flow::runtime::store
