#include "stdlib/json.hpp"

#include <cmath>

#include "stdlib/error.hpp"
#include "stdlib/json_nlohmann.hpp"
#include "stdlib/time.hpp"

namespace flow::stdlib {

using Json = nlohmann::ordered_json;

namespace {

Value from_json_at(const Json& json, int depth) {
  if (depth > kMaxJsonDepth) throw RuntimeError("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  switch (json.type()) {
    case Json::value_t::boolean: return Value::boolean(json.get<bool>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return Value::number(json.get<double>());
    case Json::value_t::string: return Value::string(json.get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json_at(item, depth + 1));
      return Value::list(std::move(items));
    }
    case Json::value_t::object: {
      std::vector<Field> fields;
      fields.reserve(json.size());
      for (const auto& [key, item] : json.items()) fields.emplace_back(Value::key(key), from_json_at(item, depth + 1));
      return Value::object(std::move(fields));
    }
    default: return Value();
  }
}

Json number_json(double n) {
  // Whole numbers as JSON integers, so 3 is written `3`, not `3.0`.
  if (std::fabs(n) < 9e15 && n == std::floor(n)) return static_cast<int64_t>(n);
  if (!std::isfinite(n)) return nullptr;  // JSON has no NaN or infinity
  return n;
}

}  // namespace

Json to_nlohmann(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return nullptr;
    case Kind::Bool: return v.as_bool();
    case Kind::Number:
    case Kind::Duration: return number_json(v.as_number());
    case Kind::Time: return format_iso8601(v.as_number());
    case Kind::String: return v.as_string();
    case Kind::List: {
      Json out = Json::array();
      for (const Value& item : v.as_list()) out.push_back(to_nlohmann(item));
      return out;
    }
    case Kind::Object: {
      Json out = Json::object();
      for (const Field& field : v.as_object()) out[field.first.as_string()] = to_nlohmann(field.second);
      return out;
    }
  }
  return nullptr;
}

Value from_nlohmann(const Json& json) { return from_json_at(json, 0); }

std::variant<Value, JsonError> parse_json(std::string_view text) {
  try {
    // nlohmann's parser is iterative; the depth limit is enforced while converting.
    return from_nlohmann(Json::parse(text));
  } catch (const Json::exception& e) {
    return JsonError{e.what()};
  } catch (const RuntimeError& e) {
    return JsonError{e.what()};
  }
}

std::string to_json(const Value& v) {
  // Invalid UTF-8 in a string is replaced rather than thrown about: output never fails.
  return to_nlohmann(v).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace flow::stdlib
