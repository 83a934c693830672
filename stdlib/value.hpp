#pragma once
// The values of Flow: null, bool, number, string, list, object, time and duration.
//
// A Value is 16 bytes: a kind tag and either a double (numbers, times as seconds since the
// Unix epoch, durations in seconds), a bool, or a pointer to an immutable, reference-counted
// heap cell (strings, lists, objects). Copying is a tag copy plus, for heap kinds, one
// increment. Heap cells are never changed after they are built, so sharing needs no copies.
//
// Reference counts are not atomic: one execution's values belong to one thread. Values
// shared between threads (a program's constants, interned keys) are immortal: counting is
// off for them, so concurrent reads never write.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flow::stdlib {

// Heap kinds come last so that "is it on the heap" is one comparison.
enum class Kind : uint8_t { Null, Bool, Number, Time, Duration, String, List, Object };
std::string_view kind_name(Kind kind);  // "null", "bool", "number", ...

class Value;
using Field = std::pair<Value, Value>;  // (string key, value)

namespace detail {
struct Cell {
  static constexpr uint32_t kImmortal = UINT32_MAX;
  uint32_t refs = 1;
  Kind kind;
  bool interned = false;  // a string in the key table: equal text means the same cell
  explicit Cell(Kind k) : kind(k) {}
};
void destroy(Cell* cell);
}  // namespace detail

class Value {
 public:
  Value() noexcept : kind_(Kind::Null), word_(0) {}
  static Value boolean(bool b) { Value v(Kind::Bool); v.word_ = b; return v; }
  static Value number(double n) { Value v(Kind::Number); v.number_ = n; return v; }
  static Value time(double seconds_since_epoch) { Value v(Kind::Time); v.number_ = seconds_since_epoch; return v; }
  static Value duration(double seconds) { Value v(Kind::Duration); v.number_ = seconds; return v; }
  static Value string(std::string text);
  // A string for an object key. Short keys are interned (one immortal cell per text, for the
  // life of the process) so that looking a field up is usually a pointer comparison.
  static Value key(std::string_view text);
  static Value list(std::vector<Value> items);
  // Keys must be strings and distinct (ObjectBuilder ensures it where that is not known).
  static Value object(std::vector<Field> fields);

  Value(const Value& other) noexcept : kind_(other.kind_), word_(other.word_) { retain(); }
  Value(Value&& other) noexcept : kind_(other.kind_), word_(other.word_) { other.kind_ = Kind::Null; }
  // Copy first, then release: `other` may live inside the cell this value lets go of.
  Value& operator=(const Value& other) noexcept {
    other.retain();
    release();
    kind_ = other.kind_;
    word_ = other.word_;
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      release();
      kind_ = other.kind_;
      word_ = other.word_;
      other.kind_ = Kind::Null;
    }
    return *this;
  }
  ~Value() { release(); }
  void swap(Value& other) noexcept {
    std::swap(kind_, other.kind_);
    std::swap(word_, other.word_);
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is(Kind kind) const { return kind_ == kind; }

  // Accessors; each requires the matching kind.
  bool as_bool() const { return word_ != 0; }
  double as_number() const { return number_; }  // Number, Time and Duration
  inline const std::string& as_string() const;
  inline const std::vector<Value>& as_list() const;
  inline const std::vector<Field>& as_object() const;

  // The value of `key` in an object; nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const;
  // The same with a string Value key; a key cell shared with the object's (a constant used
  // to build it) matches without comparing text. Inline: it is the VM's GetField.
  inline const Value* find(const Value& key) const;

  // Turn reference counting off for this value and everything in it (see above), and back
  // on so that the owner can free it. Only for a value whose cells nothing else shares.
  void make_immortal() { set_refs(detail::Cell::kImmortal); }
  void make_mortal() { set_refs(1); }
  bool is_interned() const { return kind_ == Kind::String && cell_->interned; }

 private:
  explicit Value(Kind kind) : kind_(kind), word_(0) {}
  static Value on(Kind kind, detail::Cell* cell) {
    Value v(kind);
    v.cell_ = cell;
    return v;
  }
  void set_refs(uint32_t refs);
  bool on_heap() const { return kind_ >= Kind::String; }
  void retain() const {
    if (on_heap() && cell_->refs != detail::Cell::kImmortal) ++cell_->refs;
  }
  void release() {
    if (on_heap() && cell_->refs != detail::Cell::kImmortal && --cell_->refs == 0) detail::destroy(cell_);
  }

  Kind kind_;
  // The payload is copied as one word whatever the kind, and a bool is a whole word (0 or
  // 1): were it a byte, copying a freshly made boolean would load 8 bytes right after a
  // 1-byte store, which the CPU cannot forward (a stall of about a dozen cycles, the largest
  // single cost of `a == b and ...` before).
  union {
    uint64_t word_;  // Bool, and every copy
    double number_;
    detail::Cell* cell_;
  };
};
static_assert(sizeof(Value) == 16, "a Value is a tag and one word");

namespace detail {
struct StringCell : Cell {
  explicit StringCell(std::string t) : Cell(Kind::String), text(std::move(t)) {}
  std::string text;
};
struct ListCell : Cell {
  explicit ListCell(std::vector<Value> i) : Cell(Kind::List), items(std::move(i)) {}
  std::vector<Value> items;
};
struct ObjectCell : Cell {
  explicit ObjectCell(std::vector<Field> f);
  std::vector<Field> fields;
  bool interned_keys;  // every key is interned (as JSON's and constants' short keys are)
};
}  // namespace detail

const std::string& Value::as_string() const { return static_cast<const detail::StringCell*>(cell_)->text; }
const std::vector<Value>& Value::as_list() const { return static_cast<const detail::ListCell*>(cell_)->items; }
const std::vector<Field>& Value::as_object() const { return static_cast<const detail::ObjectCell*>(cell_)->fields; }

const Value* Value::find(const Value& key) const {
  if (kind_ != Kind::Object || key.kind_ != Kind::String) return nullptr;
  const auto* object = static_cast<const detail::ObjectCell*>(cell_);
  if (key.cell_->interned && object->interned_keys) {
    // Equal texts share a cell: one pointer comparison per field, no cell read.
    for (const Field& field : object->fields) {
      if (field.first.cell_ == key.cell_) return &field.second;
    }
    return nullptr;
  }
  const std::string& wanted = key.as_string();
  for (const Field& field : object->fields) {
    if (field.first.cell_ == key.cell_) return &field.second;
    if (field.first.cell_->interned && key.cell_->interned) continue;  // two texts, two cells
    const std::string& name = field.first.as_string();
    if (name.size() == wanted.size() && name.compare(wanted) == 0) return &field.second;
  }
  return nullptr;
}

// Builds an object whose keys may repeat: a later set() replaces the earlier value in place,
// so the first occurrence fixes the order (as in JavaScript).
class ObjectBuilder {
 public:
  void reserve(size_t n) { fields_.reserve(n); }
  void set(Value key, Value value);
  void set(std::string_view key, Value value) { set(Value::key(key), std::move(value)); }
  Value build() { return Value::object(std::move(fields_)); }

 private:
  std::vector<Field> fields_;
};

}  // namespace flow::stdlib
