// The standard library: operators, functions, JSON and time, table-driven. Each row is
// the documented behaviour of docs/stdlib.md.
#include <gtest/gtest.h>

#include "stdlib/error.hpp"
#include "stdlib/functions.hpp"
#include "stdlib/json.hpp"
#include "stdlib/natives.hpp"
#include "stdlib/operators.hpp"
#include "stdlib/time.hpp"

namespace flow::stdlib {
namespace {

Value json(const std::string& text) {
  auto parsed = parse_json(text);
  if (auto* error = std::get_if<JsonError>(&parsed)) ADD_FAILURE() << text << ": " << error->message;
  return std::get<Value>(std::move(parsed));
}

constexpr double kNow = 1714560000;  // 2024-05-01T10:40:00Z

// Calls a function by name with JSON arguments; "error: ..." when it raises.
std::string call(const std::string& name, const std::vector<Value>& args) {
  const auto index = find_function(name);
  if (!index) return "no such function";
  try {
    const Value result = natives()[*index](args.data(), static_cast<uint8_t>(args.size()), CallContext{kNow});
    return result.is(Kind::Time) ? "time " + to_text(result) : to_json(result);
  } catch (const RuntimeError& e) {
    return std::string("error: ") + e.what();
  }
}

struct Row {
  std::string function;
  std::vector<std::string> args;  // JSON
  std::string expected;
};

TEST(Stdlib, EveryFunctionHasAnImplementation) { EXPECT_EQ(natives().size(), function_table().size()); }

TEST(Stdlib, Functions) {
  const std::vector<Row> rows = {
      {"lower", {R"("Ada LOVELACE")"}, R"("ada lovelace")"},
      {"lower", {"null"}, "null"},
      {"lower", {"3"}, "error: lower() expects a string, not number"},
      {"upper", {R"("ümlaut a")"}, R"("üMLAUT A")"}, // ASCII letters only
      {"trim", {R"("  hi \n")"}, R"("hi")"},
      {"len", {R"("héllo")"}, "5"},
      {"len", {"[1,2,3]"}, "3"},
      {"len", {R"({"a":1})"}, "1"},
      {"len", {"null"}, "0"},
      {"len", {"true"}, "error: len() expects a string, list or object, not bool"},
      {"contains", {R"("hello")", R"("ell")"}, "true"},
      {"contains", {R"(["a","b"])", R"("b")"}, "true"},
      {"contains", {R"({"a":1})", R"("a")"}, "true"},
      {"contains", {"null", R"("a")"}, "false"},
      {"contains", {R"("v12")", "12"}, "true"},
      {"starts_with", {R"("hello")", R"("he")"}, "true"},
      {"starts_with", {"null", R"("he")"}, "false"},
      {"ends_with", {R"("hello")", R"("lo")"}, "true"},
      {"split", {R"("a,b,,c")", R"(",")"}, R"(["a","b","","c"])"},
      {"split", {R"("añb")", R"("")"}, R"(["a","ñ","b"])"},
      {"split", {"null", R"(",")"}, "[]"},
      {"join", {R"(["a",1,true,null])", R"("-")"}, R"("a-1-true-")"},
      {"round", {"2.5"}, "3"},
      {"round", {"-2.5"}, "-3"},
      {"round", {"3.14159", "2"}, "3.14"},
      {"round", {"1", "-1"}, "error: round() expects 0 to 15 digits, not -1"},
      {"floor", {"-1.5"}, "-2"},
      {"ceil", {"1.2"}, "2"},
      {"abs", {"-4"}, "4"},
      {"min", {"3", "1", "2"}, "1"},
      {"max", {"[3,9,2]"}, "9"},
      {"max", {"[]"}, "null"},
      {"min", {"1", R"("2")"}, "error: min() expects a number, not string"},
      {"exists", {"null"}, "false"},
      {"exists", {"false"}, "true"},
      {"now", {}, "time 2024-05-01T10:40:00Z"},
      {"days_since", {R"("2024-04-28T12:00:00Z")"}, "2"},
      {"days_since", {R"("not a date")"}, "null"},
      {"format_date", {R"("2024-05-01T10:40:00Z")"}, R"("2024-05-01")"},
      {"format_date", {R"("2024-05-01T10:40:00+02:00")", R"("%A %e %B %Y, %I:%M %p")"},
       R"("Wednesday  1 May 2024, 08:40 AM")"},
      {"matches", {R"("order-123")", R"("^order-\\d+$")"}, "true"},
      {"matches", {"null", R"("x")"}, "false"},
      {"string", {"1.5"}, R"("1.5")"},
      {"string", {R"({"a":[1]})"}, R"("{\"a\":[1]}")"},
      {"number", {R"(" 42 ")"}, "42"},
      {"number", {R"("4x")"}, "null"},
      {"number", {"true"}, "1"},
  };
  for (const Row& row : rows) {
    std::vector<Value> args;
    for (const std::string& arg : row.args) args.push_back(json(arg));
    EXPECT_EQ(call(row.function, args), row.expected) << row.function;
  }
}

TEST(Stdlib, MalformedRegexIsARuntimeError) {
  EXPECT_TRUE(call("matches", {json(R"("x")"), json(R"("[")")}).starts_with("error: malformed regular expression"));
}

TEST(Stdlib, TruthinessAndEquality) {
  for (const char* falsy : {"null", "false", "0", R"("")"}) EXPECT_FALSE(truthy(json(falsy))) << falsy;
  for (const char* truthy_ : {"true", "1", R"("0")", "[]", "{}"}) EXPECT_TRUE(truthy(json(truthy_))) << truthy_;
  EXPECT_TRUE(equal(json("null"), json("null")));
  EXPECT_FALSE(equal(json("1"), json(R"("1")")));
  EXPECT_TRUE(equal(json(R"({"a":1,"b":[2]})"), json(R"({"b":[2],"a":1})")));
  EXPECT_FALSE(equal(json("[1,2]"), json("[2,1]")));
}

TEST(Stdlib, OrderingIsTotalAndNullIsUnordered) {
  EXPECT_EQ(compare(json("1"), json("2")), Order::Less);
  EXPECT_EQ(compare(json(R"("b")"), json(R"("a")")), Order::Greater);
  EXPECT_EQ(compare(json("null"), json("1")), Order::Unordered);
  EXPECT_EQ(compare(json(R"("1")"), json("1")), Order::Unordered);
  EXPECT_EQ(compare(Value::time(kNow), json(R"("2024-01-01")")), Order::Greater) << "ISO strings meet times as times";
  EXPECT_EQ(compare(Value::duration(60), Value::duration(60)), Order::Equal);
}

TEST(Stdlib, Arithmetic) {
  EXPECT_EQ(to_json(add(json("1"), json("2"))), "3");
  EXPECT_EQ(to_json(add(json(R"("a")"), json(R"("b")"))), R"("ab")");
  EXPECT_EQ(to_text(add(Value::time(0), Value::duration(86400))), "1970-01-02T00:00:00Z");
  EXPECT_EQ(to_text(subtract(Value::time(90000), Value::time(0))), "1d1h");
  EXPECT_EQ(to_text(multiply(Value::duration(3600), json("2"))), "2h");
  EXPECT_THROW(add(json(R"("a")"), json("1")), RuntimeError);
  EXPECT_THROW(add(json("null"), json("1")), RuntimeError);
  EXPECT_THROW(divide(json("1"), json("0")), RuntimeError);
  EXPECT_THROW(modulo(json("1"), json("0")), RuntimeError);
  EXPECT_EQ(to_json(index(json("[10,20]"), json("1"))), "20");
  EXPECT_EQ(to_json(index(json("[10,20]"), json("2"))), "null");
  EXPECT_EQ(to_json(index(json("null"), json(R"("a")"))), "null");
}

TEST(Stdlib, Text) {
  EXPECT_EQ(to_text(json("null")), "");
  EXPECT_EQ(to_text(json("0.1")), "0.1");
  EXPECT_EQ(to_text(json("1e21")), "1e+21");
  EXPECT_EQ(to_text(json("-0")), "0");
  std::string html;
  append_html_escaped(html, "<a href=\"x\">Tom & Jerry's</a>");
  EXPECT_EQ(html, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(Stdlib, Json) {
  EXPECT_EQ(to_json(json(R"({"z":1,"a":[true,null,"x",1.5]})")), R"({"z":1,"a":[true,null,"x",1.5]})");
  EXPECT_EQ(to_json(Value::time(0)), R"("1970-01-01T00:00:00Z")");
  EXPECT_EQ(to_json(Value::duration(90)), "90");
  EXPECT_TRUE(std::holds_alternative<JsonError>(parse_json("{")));
  EXPECT_TRUE(std::holds_alternative<JsonError>(parse_json(std::string(100000, '['))));
  EXPECT_TRUE(std::holds_alternative<JsonError>(parse_json("\"\xff\"")));
}

TEST(Stdlib, Time) {
  EXPECT_EQ(parse_iso8601("1970-01-01"), 0);
  EXPECT_EQ(parse_iso8601("2024-05-01T10:40:00Z"), kNow);
  EXPECT_EQ(parse_iso8601("2024-05-01T12:40:00+02:00"), kNow);
  EXPECT_EQ(parse_iso8601("2024-05-01 10:40:00.5"), kNow + 0.5);
  EXPECT_FALSE(parse_iso8601("2024-13-01"));
  EXPECT_FALSE(parse_iso8601("yesterday"));
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(0.25), "1970-01-01T00:00:00.250Z");
  EXPECT_EQ(format_time(-86400, "%a %j"), "Wed 365");
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(93784), "1d2h3m4s");
  EXPECT_EQ(parse_duration("90d"), 90 * 86400.0);
  EXPECT_EQ(parse_duration("1d12h"), 129600.0);
  EXPECT_EQ(parse_duration("1.5h"), 5400.0);
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("5y"));
}

}  // namespace
}  // namespace flow::stdlib
