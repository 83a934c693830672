#include "stdlib/operators.hpp"

#include <charconv>
#include <cmath>

#include "stdlib/error.hpp"
#include "stdlib/json.hpp"
#include "stdlib/time.hpp"

namespace flow::stdlib {

namespace {

[[noreturn]] void type_error(std::string_view op, const Value& a, const Value& b) {
  throw RuntimeError("cannot " + std::string(op) + " " + std::string(kind_name(a.kind())) + " and " +
                     std::string(kind_name(b.kind())));
}

bool both(const Value& a, const Value& b, Kind kind) { return a.is(kind) && b.is(kind); }

template <typename T>
Order order_of(const T& a, const T& b) {
  return a < b ? Order::Less : b < a ? Order::Greater : Order::Equal;
}

// An ISO-8601 string next to a time is read as a time, so that
// `contact.data.trialEnds < now()` works on the strings JSON gives us.
std::optional<double> as_time(const Value& v) {
  if (v.is(Kind::Time)) return v.as_number();
  if (v.is(Kind::String)) return parse_iso8601(v.as_string());
  return std::nullopt;
}

}  // namespace

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return false;
    case Kind::Bool: return v.as_bool();
    case Kind::Number:
    case Kind::Duration: return v.as_number() != 0 && !std::isnan(v.as_number());
    case Kind::String: return !v.as_string().empty();
    default: return true;
  }
}

bool equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::Null: return true;
    case Kind::Bool: return a.as_bool() == b.as_bool();
    case Kind::Number:
    case Kind::Time:
    case Kind::Duration: return a.as_number() == b.as_number();
    case Kind::String: return a.as_string() == b.as_string();
    case Kind::List: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!equal(x[i], y[i])) return false;
      }
      return true;
    }
    case Kind::Object: {
      // Key order does not matter: {a: 1, b: 2} == {b: 2, a: 1}.
      const auto& x = a.as_object();
      if (x.size() != b.as_object().size()) return false;
      for (const Field& field : x) {
        const Value* other = b.find(field.first);
        if (!other || !equal(field.second, *other)) return false;
      }
      return true;
    }
  }
  return false;
}

Order compare(const Value& a, const Value& b) {
  if (a.kind() == b.kind()) {
    switch (a.kind()) {
      case Kind::Number:
      case Kind::Time:
      case Kind::Duration:
        if (std::isnan(a.as_number()) || std::isnan(b.as_number())) return Order::Unordered;
        return order_of(a.as_number(), b.as_number());
      case Kind::String: return order_of(a.as_string(), b.as_string());
      default: return Order::Unordered;
    }
  }
  if (a.is(Kind::Time) || b.is(Kind::Time)) {
    const auto x = as_time(a), y = as_time(b);
    if (x && y) return order_of(*x, *y);
  }
  return Order::Unordered;
}

Value add(const Value& a, const Value& b) {
  if (both(a, b, Kind::Number)) return Value::number(a.as_number() + b.as_number());
  if (both(a, b, Kind::String)) return Value::string(a.as_string() + b.as_string());
  if (both(a, b, Kind::Duration)) return Value::duration(a.as_number() + b.as_number());
  if (a.is(Kind::Time) && b.is(Kind::Duration)) return Value::time(a.as_number() + b.as_number());
  if (a.is(Kind::Duration) && b.is(Kind::Time)) return Value::time(a.as_number() + b.as_number());
  if (both(a, b, Kind::List)) {
    std::vector<Value> items = a.as_list();
    items.insert(items.end(), b.as_list().begin(), b.as_list().end());
    return Value::list(std::move(items));
  }
  type_error("add", a, b);
}

Value subtract(const Value& a, const Value& b) {
  if (both(a, b, Kind::Number)) return Value::number(a.as_number() - b.as_number());
  if (both(a, b, Kind::Duration)) return Value::duration(a.as_number() - b.as_number());
  if (both(a, b, Kind::Time)) return Value::duration(a.as_number() - b.as_number());
  if (a.is(Kind::Time) && b.is(Kind::Duration)) return Value::time(a.as_number() - b.as_number());
  type_error("subtract", a, b);
}

Value multiply(const Value& a, const Value& b) {
  if (both(a, b, Kind::Number)) return Value::number(a.as_number() * b.as_number());
  if (a.is(Kind::Duration) && b.is(Kind::Number)) return Value::duration(a.as_number() * b.as_number());
  if (a.is(Kind::Number) && b.is(Kind::Duration)) return Value::duration(a.as_number() * b.as_number());
  type_error("multiply", a, b);
}

Value divide(const Value& a, const Value& b) {
  const bool by_number = b.is(Kind::Number) && (a.is(Kind::Number) || a.is(Kind::Duration));
  const bool by_duration = both(a, b, Kind::Duration);
  if (!by_number && !by_duration) type_error("divide", a, b);
  if (b.as_number() == 0) throw RuntimeError("division by zero");
  const double q = a.as_number() / b.as_number();
  return a.is(Kind::Duration) && by_number ? Value::duration(q) : Value::number(q);
}

Value modulo(const Value& a, const Value& b) {
  if (!both(a, b, Kind::Number)) type_error("take the remainder of", a, b);
  if (b.as_number() == 0) throw RuntimeError("division by zero");
  return Value::number(std::fmod(a.as_number(), b.as_number()));
}

Value negate(const Value& v) {
  if (v.is(Kind::Number)) return Value::number(-v.as_number());
  if (v.is(Kind::Duration)) return Value::duration(-v.as_number());
  throw RuntimeError("cannot negate " + std::string(kind_name(v.kind())));
}

bool contains(const Value& haystack, const Value& needle) {
  switch (haystack.kind()) {
    case Kind::String:
      if (needle.is_null()) return false;
      return haystack.as_string().find(needle.is(Kind::String) ? needle.as_string() : to_text(needle)) !=
             std::string::npos;
    case Kind::List:
      for (const Value& item : haystack.as_list()) {
        if (equal(item, needle)) return true;
      }
      return false;
    case Kind::Object: return needle.is(Kind::String) && haystack.find(needle) != nullptr;
    default: return false;
  }
}

Value index(const Value& container, const Value& key) {
  if (container.is(Kind::Object) && key.is(Kind::String)) {
    const Value* found = container.find(key);
    return found ? *found : Value();
  }
  if (container.is(Kind::List) && key.is(Kind::Number)) {
    const double i = key.as_number();
    const auto& items = container.as_list();
    if (i >= 0 && i < static_cast<double>(items.size()) && i == std::floor(i)) return items[static_cast<size_t>(i)];
  }
  return Value();
}

void append_text(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::Number: {
      const double n = v.as_number();
      char buffer[32];
      // Integers print without a fraction; everything else in the shortest exact form.
      const auto result = std::fabs(n) < 1e15 && n == std::floor(n)
                              ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(n))
                              : std::to_chars(buffer, buffer + sizeof buffer, n);
      out.append(buffer, result.ptr);
      return;
    }
    case Kind::Time: out += format_iso8601(v.as_number()); return;
    case Kind::Duration: out += format_duration(v.as_number()); return;
    case Kind::String: out += v.as_string(); return;
    case Kind::List:
    case Kind::Object: out += to_json(v); return;
  }
}

std::string to_text(const Value& v) {
  std::string out;
  append_text(out, v);
  return out;
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
}

}  // namespace flow::stdlib
