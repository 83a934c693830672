#include "runtime/http/message.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace flow::runtime::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const auto& field) { return iequals(field.first, name); });
  add(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::find(std::string_view name) const {
  for (const auto& [field, value] : fields_)
    if (iequals(field, name)) return value;
  return std::nullopt;
}

Response json_error(int status, std::string_view code, std::string_view message) {
  const nlohmann::ordered_json body = {{"success", false},
                               {"error", {{"code", code}, {"message", message}}}};
  Response response;
  response.status = status;
  response.body = body.dump();
  return response;
}

}  // namespace flow::runtime::http
