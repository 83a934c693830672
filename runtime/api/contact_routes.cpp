// Contacts (docs/runtime.md, "Contacts"): list by keyset pages, get, create-or-update by
// email, update, delete. Emails are normalised and data merged exactly as /v1/track does
// (engine/contact.hpp); a change of `subscribed` records contact.subscribed/unsubscribed.
#include <optional>
#include <string>

#include "runtime/api/api_error.hpp"
#include "runtime/api/page.hpp"
#include "runtime/api/routes.hpp"
#include "runtime/engine/contact.hpp"
#include "runtime/store/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::api {

namespace {

using nlohmann::json;

constexpr const char* kUniqueViolation = "23505";

// Timestamps as RFC 3339 in UTC, the form JSON clients parse without help.
constexpr const char* kContactColumns =
    "id, email, subscribed, data::text AS data, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, "
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS updated_at";

json contact_json(const store::Row& row) {
  return {{"id", row.get<int64_t>("id")},
          {"email", row.get<std::string>("email")},
          {"subscribed", row.get<bool>("subscribed")},
          {"data", json::parse(row.get<std::string>("data"))},
          {"created_at", row.get<std::string>("created_at")},
          {"updated_at", row.get<std::string>("updated_at")}};
}

json load_contact_json(store::Connection& conn, int64_t id) {
  const auto rows = conn.exec(std::string("SELECT ") + kContactColumns + " FROM contacts WHERE id = $1", id);
  if (rows.empty()) throw not_found("no contact " + std::to_string(id));
  return contact_json(rows.one());
}

http::Response contact_response(json contact, int status = 200) {
  return json_response({{"success", true}, {"contact", std::move(contact)}}, status);
}

// The fields a POST or PATCH body may carry; 422 for any other, or one of the wrong type.
struct ContactFields {
  std::optional<std::string> email;  // normalised
  std::optional<bool> subscribed;
  std::optional<json> data;  // an object; merged shallowly, a null deleting its key
};

ContactFields parse_fields(const json& body) {
  if (!body.is_object()) throw invalid_request("the body must be a JSON object");
  ContactFields fields;
  for (const auto& [name, value] : body.items()) {
    if (name == "email") {
      if (!value.is_string()) throw invalid_request("`email` must be a string");
      fields.email = engine::normalise_email(value.get<std::string>());
    } else if (name == "subscribed") {
      if (!value.is_boolean()) throw invalid_request("`subscribed` must be a boolean");
      fields.subscribed = value.get<bool>();
    } else if (name == "data") {
      if (!value.is_object()) throw invalid_request("`data` must be an object");
      fields.data = value;
    } else {
      throw invalid_request("unknown field `" + name + "` (a contact has email, subscribed and data)");
    }
  }
  return fields;
}

http::Response list_contacts(Context& context) {
  const PageRequest page = page_request(context);
  const auto rows = context.db().exec(
      std::string("SELECT ") + kContactColumns + " FROM contacts WHERE id > $1 ORDER BY id LIMIT $2", page.after_id,
      static_cast<int32_t>(page.limit + 1));
  json contacts = json::array();
  for (const auto row : rows) {
    if (contacts.size() == static_cast<size_t>(page.limit)) break;
    contacts.push_back(contact_json(row));
  }
  const bool more = rows.size() > page.limit;
  return json_response({{"success", true},
                        {"contacts", contacts},
                        {"next_cursor", next_cursor(more, more ? contacts.back()["id"].get<int64_t>() : 0)}});
}

http::Response get_contact(Context& context) {
  return contact_response(load_contact_json(context.db(), context.id_param("id")));
}

http::Response upsert_contact(Context& context) {
  const ContactFields fields = parse_fields(context.json_body());
  if (!fields.email) throw invalid_request("`email` is required");
  const std::string data = fields.data.value_or(json::object()).dump();
  const auto [contact, created] = store::with_transaction(context.db(), [&](store::Connection& c) {
    const auto upserted = engine::upsert_contact_recording(c, *fields.email, fields.subscribed, data);
    return std::pair(load_contact_json(c, upserted.id), upserted.created);
  });
  return contact_response(contact, created ? 201 : 200);
}

http::Response update_contact(Context& context) {
  const int64_t id = context.id_param("id");
  const ContactFields fields = parse_fields(context.json_body());
  return contact_response(store::with_transaction(context.db(), [&](store::Connection& c) {
    if (c.exec("SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE", id).empty()) {
      throw not_found("no contact " + std::to_string(id));
    }
    if (fields.email) {
      try {
        c.exec("UPDATE contacts SET email = $2, updated_at = now() WHERE id = $1 AND email <> $2", id, *fields.email);
      } catch (const store::Error& error) {
        if (error.sqlstate() != kUniqueViolation) throw;
        throw conflict("another contact has the email " + *fields.email);
      }
    }
    if (fields.data) engine::merge_contact_data(c, id, fields.data->dump());
    if (fields.subscribed) engine::set_subscribed(c, id, *fields.subscribed);
    return load_contact_json(c, id);
  }));
}

http::Response delete_contact(Context& context) {
  const int64_t id = context.id_param("id");
  const bool deleted = store::with_transaction(context.db(), [&](store::Connection& c) {
    return engine::delete_contact(c, id);
  });
  if (!deleted) throw not_found("no contact " + std::to_string(id));
  return json_response({{"success", true}, {"deleted", id}});
}

}  // namespace

void add_contact_routes(Router& router) {
  router.add("GET", "/v1/contacts", Access::Secret, list_contacts);
  router.add("POST", "/v1/contacts", Access::Secret, upsert_contact);
  router.add("GET", "/v1/contacts/{id}", Access::Secret, get_contact);
  router.add("PATCH", "/v1/contacts/{id}", Access::Secret, update_contact);
  router.add("DELETE", "/v1/contacts/{id}", Access::Secret, delete_contact);
}

}  // namespace flow::runtime::api
