#pragma once
// Conversions between Values and nlohmann::json, for code that builds or reads JSON
// documents around values (flowc's JSON output, the runtime's HTTP API). Kept out of
// value.hpp so the interpreter's hot headers stay small.
#include <nlohmann/json.hpp>

#include "stdlib/value.hpp"

namespace flow::stdlib {

// ordered_json keeps object keys in the order the values have them.
nlohmann::ordered_json to_nlohmann(const Value& v);
// Throws RuntimeError when the document nests deeper than kMaxJsonDepth.
Value from_nlohmann(const nlohmann::ordered_json& json);

}  // namespace flow::stdlib
