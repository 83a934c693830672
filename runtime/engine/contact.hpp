#pragma once
// Contacts as the engine reads and writes them. Data is merged the one way Flow defines
// "update" (vm::apply_update): shallowly, a null value deleting its key, whether the fields
// come from /v1/track or from an `update contact` step.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/store/connection.hpp"
#include "stdlib/value.hpp"

namespace flow::runtime::engine {

// Trimmed and lower-cased; throws Refused when nothing is left.
std::string normalise_email(std::string_view email);

// Inserts or updates the contact and returns its id. `data_json` is a JSON object merged
// into the stored data; `subscribed` changes only when given. Takes the contact's row lock,
// which serialises concurrent tracks of one contact for the rest of the transaction.
int64_t upsert_contact(store::Connection& conn, const std::string& email, std::optional<bool> subscribed,
                       const std::string& data_json);

// Merges `fields_json` (an object) into the contact's data.
void merge_contact_data(store::Connection& conn, int64_t contact_id, const std::string& fields_json);

// {email, subscribed, data}: the contact as the VM sees it.
stdlib::Value load_contact(store::Connection& conn, int64_t contact_id);

}  // namespace flow::runtime::engine
