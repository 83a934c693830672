#include "stdlib/value.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace flow::stdlib {

namespace {

using detail::ListCell;
using detail::ObjectCell;
using detail::StringCell;

bool same_text(const std::string& a, std::string_view b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string_view kind_name(Kind kind) {
  static constexpr std::array<std::string_view, 8> names = {"null", "bool",     "number", "time",
                                                            "duration", "string", "list",   "object"};
  return names[static_cast<size_t>(kind)];
}

void detail::destroy(Cell* cell) {
  switch (cell->kind) {
    case Kind::String: delete static_cast<StringCell*>(cell); break;
    case Kind::List: delete static_cast<ListCell*>(cell); break;
    case Kind::Object: delete static_cast<ObjectCell*>(cell); break;
    default: break;
  }
}

Value Value::string(std::string text) { return on(Kind::String, new StringCell(std::move(text))); }

Value Value::key(std::string_view text) {
  // Bounded, so hostile input cannot grow the table without end: past the bounds keys are
  // plain strings, which find() compares by text.
  static constexpr size_t kMaxLength = 64, kMaxKeys = 1 << 16;
  static std::mutex mutex;
  static auto* table = new std::unordered_map<std::string_view, StringCell*>();  // never freed: keys outlive everything
  if (text.size() > kMaxLength) return string(std::string(text));
  std::lock_guard lock(mutex);
  if (const auto it = table->find(text); it != table->end()) {
    Value v(Kind::String);
    v.cell_ = it->second;
    return v;
  }
  if (table->size() >= kMaxKeys) return string(std::string(text));
  auto* cell = new StringCell(std::string(text));
  cell->refs = detail::Cell::kImmortal;
  cell->interned = true;
  table->emplace(cell->text, cell);
  Value v(Kind::String);
  v.cell_ = cell;
  return v;
}

Value Value::list(std::vector<Value> items) { return on(Kind::List, new ListCell(std::move(items))); }

detail::ObjectCell::ObjectCell(std::vector<Field> f) : Cell(Kind::Object), fields(std::move(f)) {
  interned_keys =
      std::all_of(fields.begin(), fields.end(), [](const Field& entry) { return entry.first.is_interned(); });
}

Value Value::object(std::vector<Field> fields) { return on(Kind::Object, new ObjectCell(std::move(fields))); }

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::Object) return nullptr;
  for (const Field& field : as_object()) {
    if (same_text(field.first.as_string(), key)) return &field.second;
  }
  return nullptr;
}

void Value::set_refs(uint32_t refs) {
  if (!on_heap() || is_interned()) return;
  cell_->refs = refs;
  if (kind_ == Kind::List) {
    for (const Value& item : as_list()) const_cast<Value&>(item).set_refs(refs);
  } else if (kind_ == Kind::Object) {
    for (const Field& field : as_object()) {
      const_cast<Value&>(field.first).set_refs(refs);
      const_cast<Value&>(field.second).set_refs(refs);
    }
  }
}

void ObjectBuilder::set(Value key, Value value) {
  for (Field& field : fields_) {
    if (field.first.as_string() == key.as_string()) {
      field.second = std::move(value);
      return;
    }
  }
  fields_.emplace_back(std::move(key), std::move(value));
}

}  // namespace flow::stdlib
