#pragma once
// Contacts as the engine reads and writes them. Data is merged the one way Flow defines
// "update" (vm::apply_update): shallowly, a null value deleting its key, whether the fields
// come from /v1/track or from an `update contact` step.
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/store/connection.hpp"
#include "runtime/store/row_batch.hpp"
#include "stdlib/value.hpp"

namespace flow::runtime::engine {

// Trimmed and lower-cased; throws Refused when nothing is left.
std::string normalise_email(std::string_view email);

// Inserts or updates contacts of distinct emails, deferred (Connection::defer) as two
// statements however many there are: the new ones inserted, then the others updated.
// `data_json` is a JSON object merged into the stored data; `subscribed` changes only when
// given. Takes each contact's row lock, in the order of their emails, which serialises
// concurrent tracks of one contact for the rest of the transaction.
class ContactUpserts {
 public:
  void add(const std::string& email, std::optional<bool> subscribed, const std::string& data_json);
  void defer(store::Connection& conn) const;

 private:
  store::RowBatch<4> rows_;  // email, subscribed, data set, data keys deleted
};

// An upsert of one contact that also says what it did, for the contacts API: whether the row is new
// and whether `subscribed` changed (then the reserved event is recorded, as
// set_subscribed does). One more statement than ContactUpserts (the row is locked first to
// read `subscribed` before), which /v1/track does not need to pay.
struct UpsertedContact {
  int64_t id = 0;
  bool created = false;
};
UpsertedContact upsert_contact_recording(store::Connection& conn, const std::string& email,
                                         std::optional<bool> subscribed, const std::string& data_json);

// Sets `subscribed` and, when that changes it, records the reserved event
// contact.subscribed or contact.unsubscribed. Returns nullopt when there is no such
// contact, else whether it changed.
std::optional<bool> set_subscribed(store::Connection& conn, int64_t contact_id, bool subscribed);

// Erases the contact and every row keyed by it (events, executions whatever their status,
// step history, outbox rows sent or not, webhook calls); false when there is none. Locks
// the contact first, so a concurrent /v1/track of its email waits and then makes a new one.
bool delete_contact(store::Connection& conn, int64_t contact_id);

// Merges `fields_json` (an object) into the contact's data. Deferred (Connection::defer): it
// reaches the server with the transaction's next statement or its COMMIT.
void merge_contact_data(store::Connection& conn, int64_t contact_id, const std::string& fields_json);

// A shallow merge into contact data, a null deleting its key, as the SQL
// `(data || set) - deleted` (`set` the fields without the nulls, `deleted` their keys, a
// text[] literal). Split here rather than in SQL (jsonb_each and jsonb_object_agg over the
// merged object), which cost the contact upsert and every `update contact` a subquery.
// Several objects added fold into one merge, in order, the key's last value (or its
// deletion) winning, as merging them one by one would.
class DataMerge {
 public:
  // `object_json`: a JSON object.
  void add(const std::string& object_json);
  std::string set() const { return set_.dump(); }
  std::string deleted() const;

 private:
  nlohmann::json set_ = nlohmann::json::object();
  std::set<std::string> deleted_;
};

// The merges of a batch of activations (`update contact`), one UPDATE for all of them: the
// merges into one contact fold into one (DataMerge).
class ContactMerges {
 public:
  void add(int64_t contact_id, const std::string& fields_json) { contacts_[contact_id].add(fields_json); }
  void defer(store::Connection& conn) const;

 private:
  std::map<int64_t, DataMerge> contacts_;
};

// {email, subscribed, data}: the contact as the VM sees it, from its row's columns (`data`
// as stored JSON text). Throws Refused when the data is not JSON.
stdlib::Value contact_value(const std::string& email, bool subscribed, const std::string& data_json);

}  // namespace flow::runtime::engine
