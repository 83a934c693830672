#pragma once
// The interpreter's operand stack: a growable array whose push, pop and top are inline and
// branch only on "full". verify() bounds how deep a path can go but not by a number known
// here, so the stack grows instead of trusting a fixed size.
#include <cassert>
#include <cstddef>
#include <new>

#include "stdlib/value.hpp"

namespace flow::vm {

class Stack {
 public:
  using Value = stdlib::Value;

  Stack() { grow(64); }
  ~Stack() {
    clear();
    ::operator delete(base_);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  size_t size() const { return static_cast<size_t>(top_ - base_); }
  bool empty() const { return top_ == base_; }
  Value* data() { return base_; }
  Value& back() {
    assert(!empty());
    return top_[-1];
  }
  Value& operator[](size_t i) { return base_[i]; }

  void push(const Value& v) {
    if (top_ == end_) grow(2 * capacity());
    new (top_++) Value(v);
  }
  void push(Value&& v) {
    if (top_ == end_) grow(2 * capacity());
    new (top_++) Value(std::move(v));
  }
  void pop() {
    assert(!empty());
    (--top_)->~Value();
  }
  Value take() {
    Value v = std::move(back());
    pop();
    return v;
  }
  // Drops everything above `size`.
  void truncate(size_t size) {
    while (this->size() > size) pop();
  }
  void clear() { truncate(0); }

 private:
  size_t capacity() const { return static_cast<size_t>(end_ - base_); }
  void grow(size_t capacity);  // out of line: rare, and it keeps push small

  Value* base_ = nullptr;
  Value* top_ = nullptr;
  Value* end_ = nullptr;
};

}  // namespace flow::vm
