#include "runtime/engine/contact.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/engine/error.hpp"
#include "stdlib/json.hpp"

namespace flow::runtime::engine {

namespace {

DataMerge merge_of(const std::string& object_json) {
  DataMerge merge;
  merge.add(object_json);
  return merge;
}

void record_subscription_event(store::Connection& conn, int64_t contact_id, bool subscribed) {
  conn.exec("INSERT INTO events (contact_id, name) VALUES ($1, $2)", contact_id,
            std::string(subscribed ? "contact.subscribed" : "contact.unsubscribed"));
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

void DataMerge::add(const std::string& object_json) {
  const auto fields = nlohmann::json::parse(object_json);  // alive for the loop, unlike a temporary's items()
  for (const auto& [key, value] : fields.items()) {
    if (value.is_null()) {
      set_.erase(key);
      deleted_.insert(key);
    } else {
      set_[key] = value;
      deleted_.erase(key);
    }
  }
}

std::string DataMerge::deleted() const {
  return store::array_literal(std::vector<std::string>(deleted_.begin(), deleted_.end()));
}

void ContactUpserts::add(const std::string& email, std::optional<bool> subscribed, const std::string& data_json) {
  const DataMerge merge = merge_of(data_json);
  rows_.add({email, subscribed, merge.set(), merge.deleted()});
}

void ContactUpserts::defer(store::Connection& conn) const {
  if (rows_.empty()) return;
  const std::vector<store::Param> params = rows_.params();
  // Not one INSERT … ON CONFLICT DO UPDATE: its update sees only the proposed row
  // (EXCLUDED), which cannot carry a "leave subscribed as it is" or the keys to delete.
  // The update skips the rows this transaction has just inserted (their xmin is its own,
  // and their created_at its start: a frozen row keeps its old xmin, which the counter
  // meets again after wrapping around).
  // It runs as a statement of its own, after the insert: a contact that a concurrent
  // transaction inserted, which made the insert do nothing, is in its snapshot.
  // The update finds its rows by `email = ANY`, through the email index in email order (the
  // lock order of concurrent batches), and each row's values by the email's position in the
  // array: joined to unnest instead, PostgreSQL's plan made while the table is young hashes
  // a scan of the whole table.
  conn.defer_params(
      "INSERT INTO contacts (email, subscribed, data) SELECT u.email, coalesce(u.subscribed, true), u.set::jsonb "
      "FROM unnest($1::text[], $2::boolean[], $3::text[]) AS u(email, subscribed, set) ORDER BY u.email "
      "ON CONFLICT (email) DO NOTHING",
      std::span(params).first(3));
  static const std::string at = "[array_position($1::text[], c.email)]";
  static const std::string update =
      "UPDATE contacts c SET subscribed = coalesce(($2::boolean[])" + at + ", c.subscribed), "
      "data = (c.data || ($3::text[])" + at + "::jsonb) - ($4::text[])" + at + "::text[], updated_at = now() "
      "WHERE c.email = ANY ($1::text[]) AND NOT (c.xmin = pg_current_xact_id()::xid AND c.created_at = now())";
  conn.defer_params(update, params);
}

UpsertedContact upsert_contact_recording(store::Connection& conn, const std::string& email,
                                         std::optional<bool> subscribed, const std::string& data_json) {
  const auto before = conn.exec("SELECT subscribed FROM contacts WHERE email = $1 FOR UPDATE", email);
  // xmax = 0: the row version was inserted, not updated (also when a concurrent insert
  // raced the SELECT above, which then found nothing to compare with).
  const DataMerge merge = merge_of(data_json);
  const auto row =
      conn.exec("INSERT INTO contacts (email, subscribed, data) VALUES ($1, coalesce($2::boolean, true), $3::jsonb) "
                "ON CONFLICT (email) DO UPDATE SET subscribed = coalesce($2::boolean, contacts.subscribed), "
                "data = (contacts.data || $3::jsonb) - $4::text[], updated_at = now() "
                "RETURNING id, xmax = 0 AS created, subscribed",
                email, subscribed, merge.set(), merge.deleted())
          .one();
  const UpsertedContact result{row.get<int64_t>("id"), row.get<bool>("created")};
  if (!before.empty() && before.one().get<bool>("subscribed") != row.get<bool>("subscribed")) {
    record_subscription_event(conn, result.id, row.get<bool>("subscribed"));
  }
  return result;
}

std::optional<bool> set_subscribed(store::Connection& conn, int64_t contact_id, bool subscribed) {
  const auto before = conn.exec("SELECT subscribed FROM contacts WHERE id = $1 FOR UPDATE", contact_id);
  if (before.empty()) return std::nullopt;
  if (before.one().get<bool>("subscribed") == subscribed) return false;
  conn.exec("UPDATE contacts SET subscribed = $2, updated_at = now() WHERE id = $1", contact_id, subscribed);
  record_subscription_event(conn, contact_id, subscribed);
  return true;
}

bool delete_contact(store::Connection& conn, int64_t contact_id) {
  if (conn.exec("SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE", contact_id).empty()) return false;
  // Executions first: an activation in progress holds its execution's lock, so this waits
  // for it to commit, and the deletes below then see the rows it queued.
  for (const char* table : {"executions", "step_history", "outbox", "webhook_calls", "events"}) {
    conn.exec("DELETE FROM " + std::string(table) + " WHERE contact_id = $1", contact_id);
  }
  conn.exec("DELETE FROM contacts WHERE id = $1", contact_id);
  return true;
}

void merge_contact_data(store::Connection& conn, int64_t contact_id, const std::string& fields_json) {
  const DataMerge merge = merge_of(fields_json);
  conn.defer("UPDATE contacts SET data = (data || $2::jsonb) - $3::text[], updated_at = now() WHERE id = $1",
             contact_id, merge.set(), merge.deleted());
}

void ContactMerges::defer(store::Connection& conn) const {
  if (contacts_.empty()) return;
  store::RowBatch<3> rows;
  for (const auto& [id, merge] : contacts_) rows.add({id, merge.set(), merge.deleted()});
  static const std::string at = "[array_position($1::bigint[], c.id)]";
  static const std::string merge = "UPDATE contacts c SET data = (c.data || ($2::text[])" + at + "::jsonb) - ($3::text[])" +
                                   at + "::text[], updated_at = now() WHERE c.id = ANY ($1::bigint[])";
  conn.defer_params(merge, rows.params());
}

stdlib::Value contact_value(const std::string& email, bool subscribed, const std::string& data_json) {
  auto data = stdlib::parse_json(data_json);
  if (auto* error = std::get_if<stdlib::JsonError>(&data)) throw Refused("contact data: " + error->message);
  stdlib::ObjectBuilder contact;
  contact.set("email", stdlib::Value::string(email));
  contact.set("subscribed", stdlib::Value::boolean(subscribed));
  contact.set("data", std::move(std::get<stdlib::Value>(data)));
  return contact.build();
}

}  // namespace flow::runtime::engine
