// The standard functions. docs/stdlib.md documents each; the rule of thumb is "null in, null
// out" (a missing contact field flows through to `??`), predicates answer false for null,
// and any other wrong kind of argument is a type error that fails the execution.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "stdlib/error.hpp"
#include "stdlib/natives.hpp"
#include "stdlib/operators.hpp"
#include "stdlib/time.hpp"

namespace flow::stdlib {

namespace {

using Args = const Value*;

[[noreturn]] void wrong_kind(std::string_view function, std::string_view wanted, const Value& got) {
  throw RuntimeError(std::string(function) + "() expects " + std::string(wanted) + ", not " +
                     std::string(kind_name(got.kind())));
}

const std::string& text_arg(std::string_view function, const Value& v) {
  if (!v.is(Kind::String)) wrong_kind(function, "a string", v);
  return v.as_string();
}

double number_arg(std::string_view function, const Value& v) {
  if (!v.is(Kind::Number)) wrong_kind(function, "a number", v);
  return v.as_number();
}

// A time from a time value or an ISO-8601 string; nullopt for a string that is not a date.
std::optional<double> time_arg(std::string_view function, const Value& v) {
  if (v.is(Kind::Time)) return v.as_number();
  if (v.is(Kind::String)) return parse_iso8601(v.as_string());
  wrong_kind(function, "a time or an ISO-8601 string", v);
}

template <typename Transform>
Value map_chars(std::string_view function, const Value& v, Transform transform) {
  if (v.is_null()) return v;
  std::string text = text_arg(function, v);
  std::transform(text.begin(), text.end(), text.begin(), transform);
  return Value::string(std::move(text));
}

template <typename Round>
Value map_number(std::string_view function, const Value& v, Round round) {
  if (v.is_null()) return v;
  return Value::number(round(number_arg(function, v)));
}

bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v'; }

size_t code_points(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
}

// Lower and upper change ASCII letters only: locale-free, so every server agrees.
Value fn_lower(Args a, uint8_t, const CallContext&) {
  return map_chars("lower", a[0], [](char ch) { return ch >= 'A' && ch <= 'Z' ? char(ch + 32) : ch; });
}

Value fn_upper(Args a, uint8_t, const CallContext&) {
  return map_chars("upper", a[0], [](char ch) { return ch >= 'a' && ch <= 'z' ? char(ch - 32) : ch; });
}

Value fn_trim(Args a, uint8_t, const CallContext&) {
  if (a[0].is_null()) return a[0];
  const std::string& text = text_arg("trim", a[0]);
  size_t begin = 0, end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return Value::string(text.substr(begin, end - begin));
}

Value fn_len(Args a, uint8_t, const CallContext&) {
  switch (a[0].kind()) {
    case Kind::Null: return Value::number(0);
    case Kind::String: return Value::number(static_cast<double>(code_points(a[0].as_string())));
    case Kind::List: return Value::number(static_cast<double>(a[0].as_list().size()));
    case Kind::Object: return Value::number(static_cast<double>(a[0].as_object().size()));
    default: wrong_kind("len", "a string, list or object", a[0]);
  }
}

Value fn_contains(Args a, uint8_t, const CallContext&) { return Value::boolean(contains(a[0], a[1])); }

Value fn_starts_with(Args a, uint8_t, const CallContext&) {
  if (!a[0].is(Kind::String) || !a[1].is(Kind::String)) return Value::boolean(false);
  return Value::boolean(a[0].as_string().starts_with(a[1].as_string()));
}

Value fn_ends_with(Args a, uint8_t, const CallContext&) {
  if (!a[0].is(Kind::String) || !a[1].is(Kind::String)) return Value::boolean(false);
  return Value::boolean(a[0].as_string().ends_with(a[1].as_string()));
}

Value fn_split(Args a, uint8_t, const CallContext&) {
  if (a[0].is_null()) return Value::list({});
  const std::string& text = text_arg("split", a[0]);
  const std::string& separator = text_arg("split", a[1]);
  std::vector<Value> pieces;
  if (separator.empty()) {  // every character (code point) on its own
    for (size_t i = 0; i < text.size();) {
      size_t next = i + 1;
      while (next < text.size() && (text[next] & 0xC0) == 0x80) ++next;
      pieces.push_back(Value::string(text.substr(i, next - i)));
      i = next;
    }
    return Value::list(std::move(pieces));
  }
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + separator.size())
    pieces.push_back(Value::string(text.substr(start, at - start)));
  pieces.push_back(Value::string(text.substr(start)));
  return Value::list(std::move(pieces));
}

Value fn_join(Args a, uint8_t, const CallContext&) {
  if (a[0].is_null()) return Value::string("");
  if (!a[0].is(Kind::List)) wrong_kind("join", "a list", a[0]);
  const std::string& separator = text_arg("join", a[1]);
  std::string out;
  for (const Value& item : a[0].as_list()) {
    if (&item != &a[0].as_list().front()) out += separator;
    append_text(out, item);
  }
  return Value::string(std::move(out));
}

Value fn_round(Args a, uint8_t argc, const CallContext&) {
  if (a[0].is_null()) return a[0];
  const double x = number_arg("round", a[0]);
  const double digits = argc > 1 ? number_arg("round", a[1]) : 0;
  if (digits < 0 || digits > 15 || digits != std::floor(digits))
    throw RuntimeError("round() expects 0 to 15 digits, not " + to_text(a[1]));
  const double scale = std::pow(10.0, digits);
  return Value::number(std::round(x * scale) / scale);  // std::round is half away from zero
}

Value fn_floor(Args a, uint8_t, const CallContext&) { return map_number("floor", a[0], [](double x) { return std::floor(x); }); }
Value fn_ceil(Args a, uint8_t, const CallContext&) { return map_number("ceil", a[0], [](double x) { return std::ceil(x); }); }
Value fn_abs(Args a, uint8_t, const CallContext&) { return map_number("abs", a[0], [](double x) { return std::fabs(x); }); }

// min/max of their arguments, or of the items of a single list argument; null for none.
template <typename Better>
Value extreme(std::string_view function, Args a, uint8_t argc, Better better) {
  const Value* items = a;
  size_t count = argc;
  if (argc == 1 && a[0].is(Kind::List)) {
    items = a[0].as_list().data();
    count = a[0].as_list().size();
  }
  Value best;
  for (size_t i = 0; i < count; ++i) {
    number_arg(function, items[i]);
    if (best.is_null() || better(items[i].as_number(), best.as_number())) best = items[i];
  }
  return best;
}

Value fn_min(Args a, uint8_t argc, const CallContext&) { return extreme("min", a, argc, std::less<double>()); }
Value fn_max(Args a, uint8_t argc, const CallContext&) { return extreme("max", a, argc, std::greater<double>()); }

Value fn_exists(Args a, uint8_t, const CallContext&) { return Value::boolean(!a[0].is_null()); }

Value fn_now(Args, uint8_t, const CallContext& context) { return Value::time(context.now); }

Value fn_days_since(Args a, uint8_t, const CallContext& context) {
  if (a[0].is_null()) return a[0];
  const auto time = time_arg("days_since", a[0]);
  if (!time) return Value();
  return Value::number(std::floor((context.now - *time) / 86400));
}

Value fn_format_date(Args a, uint8_t argc, const CallContext&) {
  if (a[0].is_null()) return a[0];
  const auto time = time_arg("format_date", a[0]);
  if (!time) return Value();
  return Value::string(format_time(*time, argc > 1 ? std::string_view(text_arg("format_date", a[1])) : "%Y-%m-%d"));
}

// std::regex backtracks recursively; bounding the text bounds the stack it can use.
constexpr size_t kMaxRegexText = 4096;

Value fn_matches(Args a, uint8_t, const CallContext&) {
  if (a[0].is_null()) return Value::boolean(false);
  const std::string& text = text_arg("matches", a[0]);
  const std::string& pattern = text_arg("matches", a[1]);
  if (text.size() > kMaxRegexText)
    throw RuntimeError("matches() takes texts of at most " + std::to_string(kMaxRegexText) + " bytes");
  try {
    return Value::boolean(std::regex_search(text, std::regex(pattern, std::regex::ECMAScript)));
  } catch (const std::regex_error& e) {
    throw RuntimeError("malformed regular expression \"" + pattern + "\": " + e.what());
  }
}

Value fn_string(Args a, uint8_t, const CallContext&) { return Value::string(to_text(a[0])); }

Value fn_number(Args a, uint8_t, const CallContext&) {
  switch (a[0].kind()) {
    case Kind::Number: return a[0];
    case Kind::Bool: return Value::number(a[0].as_bool() ? 1 : 0);
    case Kind::String: {
      const std::string& text = a[0].as_string();
      const char* begin = text.c_str();
      while (is_space(*begin)) ++begin;
      if (*begin == '\0') return Value();
      char* end = nullptr;
      const double n = std::strtod(begin, &end);
      while (is_space(*end)) ++end;
      return *end == '\0' && std::isfinite(n) ? Value::number(n) : Value();
    }
    default: return Value();
  }
}

}  // namespace

const std::vector<Native>& natives() {
  // Expanded from functions.def, so a function without an implementation does not compile.
  static const std::vector<Native> table = {
#define FLOW_FUNCTION(name, min_args, max_args, signature, doc) &fn_##name,
#include "stdlib/functions.def"
  };
  return table;
}

}  // namespace flow::stdlib
