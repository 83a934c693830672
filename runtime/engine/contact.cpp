#include "runtime/engine/contact.hpp"

#include <algorithm>
#include <cctype>

#include "runtime/engine/error.hpp"
#include "stdlib/json.hpp"

namespace flow::runtime::engine {

namespace {

// `old || new` is jsonb's shallow merge; dropping top-level nulls afterwards makes a null
// delete its key. (jsonb_strip_nulls would also strip nulls nested inside values.)
std::string merged(std::string_view old_data, std::string_view new_data) {
  return "(SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(" + std::string(old_data) +
         " || " + std::string(new_data) + ") WHERE value <> 'null'::jsonb)";
}

}  // namespace

std::string normalise_email(std::string_view email) {
  const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!email.empty() && is_space(email.front())) email.remove_prefix(1);
  while (!email.empty() && is_space(email.back())) email.remove_suffix(1);
  if (email.empty()) throw Refused("email is empty");
  std::string out(email);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int64_t upsert_contact(store::Connection& conn, const std::string& email, std::optional<bool> subscribed,
                       const std::string& data_json) {
  const std::string sql =
      "INSERT INTO contacts (email, subscribed, data) VALUES ($1, coalesce($2::boolean, true), " +
      merged("'{}'::jsonb", "$3::jsonb") +
      ") ON CONFLICT (email) DO UPDATE SET subscribed = coalesce($2::boolean, contacts.subscribed), data = " +
      merged("contacts.data", "$3::jsonb") + ", updated_at = now() RETURNING id";
  return conn.exec(sql, email, subscribed, data_json).one().get<int64_t>("id");
}

void merge_contact_data(store::Connection& conn, int64_t contact_id, const std::string& fields_json) {
  conn.exec("UPDATE contacts SET data = " + merged("data", "$2::jsonb") + ", updated_at = now() WHERE id = $1",
            contact_id, fields_json);
}

stdlib::Value load_contact(store::Connection& conn, int64_t contact_id) {
  const auto row = conn.exec("SELECT email, subscribed, data::text AS data FROM contacts WHERE id = $1", contact_id).one();
  auto data = stdlib::parse_json(row.get<std::string>("data"));
  if (auto* error = std::get_if<stdlib::JsonError>(&data)) throw Refused("contact data: " + error->message);
  stdlib::ObjectBuilder contact;
  contact.set("email", stdlib::Value::string(row.get<std::string>("email")));
  contact.set("subscribed", stdlib::Value::boolean(row.get<bool>("subscribed")));
  contact.set("data", std::move(std::get<stdlib::Value>(data)));
  return contact.build();
}

}  // namespace flow::runtime::engine
