#pragma once
// The semantics of Flow's operators, shared by the interpreter's opcodes and the standard
// functions (docs/stdlib.md is the reference). They are total where the language promises
// it (comparison, equality, `in`, field access: null in, false or null out) and raise a
// RuntimeError where a program is plainly wrong (adding a string to a number).
#include <string>

#include "stdlib/value.hpp"

namespace flow::stdlib {

// null, false, 0, NaN and "" are false; everything else is true.
bool truthy(const Value& v);

// Deep equality without conversions: 1 == "1" is false, null == null is true.
bool equal(const Value& a, const Value& b);

// a < b for two numbers, strings (byte order), times or durations; a time and an ISO-8601
// string compare as times. Any other pair, null included, is unordered: every one of
// < <= > >= is false.
enum class Order { Less, Equal, Greater, Unordered };
Order compare(const Value& a, const Value& b);

Value add(const Value& a, const Value& b);
Value subtract(const Value& a, const Value& b);
Value multiply(const Value& a, const Value& b);
Value divide(const Value& a, const Value& b);
Value modulo(const Value& a, const Value& b);
Value negate(const Value& v);

// Substring, list element or object key; false when the haystack is not one of those.
bool contains(const Value& haystack, const Value& needle);

// list[number] or object[string]; null otherwise (a missing path is null).
Value index(const Value& container, const Value& key);

// How a value reads in text: null is "", numbers are shortest ("3", "0.5"), times ISO-8601,
// durations `1d2h`, lists and objects as JSON.
std::string to_text(const Value& v);
void append_text(std::string& out, const Value& v);

// `&<>"'` as HTML entities.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace flow::stdlib
