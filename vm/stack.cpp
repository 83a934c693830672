#include "vm/stack.hpp"

namespace flow::vm {

void Stack::grow(size_t capacity) {
  auto* bigger = static_cast<Value*>(::operator new(capacity * sizeof(Value)));
  const size_t n = size();
  for (size_t i = 0; i < n; ++i) {
    new (bigger + i) Value(std::move(base_[i]));
    base_[i].~Value();
  }
  ::operator delete(base_);
  base_ = bigger;
  top_ = bigger + n;
  end_ = bigger + capacity;
}

}  // namespace flow::vm
