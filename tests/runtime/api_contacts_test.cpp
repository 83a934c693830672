// The contacts API against the real flowd: every route, its errors, keyset paging, and what
// a delete takes with it.
#include <set>

#include "support/flowd_api_test.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kFlow = R"(
template hello { type transactional subject "Hello" from "team@acme.test" html "<p>hello</p>" }
workflow greet on "signup" {
  send hello
  delay 2 days
}
)";

class ContactsApiTest : public FlowdApiTest {
 protected:
  HttpResponse patch(const std::string& path, const std::string& body) {
    return server().request({.method = "PATCH", .path = path, .body = body});
  }
  HttpResponse del(const std::string& path) { return server().request({.method = "DELETE", .path = path, .body = std::nullopt}); }
  std::vector<std::string> events_of(int64_t contact) {
    std::vector<std::string> names;
    for (const auto row : db().exec("SELECT name FROM events WHERE contact_id = $1 ORDER BY id", contact))
      names.push_back(row.get<std::string>(0));
    return names;
  }
};

TEST_F(ContactsApiTest, CreatesGetsUpdatesAndDeletesAContact) {
  ASSERT_TRUE(start_flowd(kFlow));
  const HttpResponse created =
      server().post("/v1/contacts", R"({"email":"  Ada@Example.COM ","data":{"plan":"free","x":1}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const json ada = json::parse(created.body)["contact"];
  const int64_t id = ada["id"].get<int64_t>();
  EXPECT_EQ(ada["email"], "ada@example.com") << "normalised as /v1/track does";
  EXPECT_EQ(ada["subscribed"], true);
  EXPECT_EQ(ada["data"], json({{"plan", "free"}, {"x", 1}}));
  EXPECT_TRUE(ada["created_at"].is_string());

  // The same email again updates: data merged shallowly, null deleting.
  const HttpResponse updated = server().post("/v1/contacts", R"({"email":"ada@example.com","data":{"x":null,"y":2}})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["contact"]["id"], id);
  EXPECT_EQ(json::parse(updated.body)["contact"]["data"], json({{"plan", "free"}, {"y", 2}}));

  const HttpResponse got = server().get("/v1/contacts/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(json::parse(got.body)["contact"]["data"], json({{"plan", "free"}, {"y", 2}}));

  const std::string path = "/v1/contacts/" + std::to_string(id);
  const HttpResponse patched = patch(path, R"({"email":"ADA2@example.com","data":{"plan":null},"subscribed":false})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json::parse(patched.body)["contact"]["email"], "ada2@example.com");
  EXPECT_EQ(json::parse(patched.body)["contact"]["subscribed"], false);
  EXPECT_EQ(json::parse(patched.body)["contact"]["data"], json({{"y", 2}}));
  EXPECT_EQ(patch(path, "{}").status, 200) << "an empty patch changes nothing";

  // Changes of `subscribed`, and only changes, record the reserved events.
  EXPECT_EQ(patch(path, R"({"subscribed":false})").status, 200);
  EXPECT_EQ(patch(path, R"({"subscribed":true})").status, 200);
  EXPECT_EQ(server().post("/v1/contacts", R"({"email":"ada2@example.com","subscribed":false})").status, 200);
  EXPECT_EQ(events_of(id), std::vector<std::string>({"contact.unsubscribed", "contact.subscribed", "contact.unsubscribed"}));

  const HttpResponse deleted = del(path);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json::parse(deleted.body)["deleted"], id);
  expect_json_error(server().get(path), 404);
  expect_json_error(del(path), 404);
  EXPECT_TRUE(events_of(id).empty());
}

TEST_F(ContactsApiTest, BadRequestsGetTheRightStatus) {
  ASSERT_TRUE(start_flowd(kFlow));
  const auto ada = json::parse(server().post("/v1/contacts", R"({"email":"ada@example.com"})").body)["contact"];
  ASSERT_EQ(server().post("/v1/contacts", R"({"email":"bob@example.com"})").status, 201);
  const std::string path = "/v1/contacts/" + std::to_string(ada["id"].get<int64_t>());

  expect_json_error(server().get("/v1/contacts/999999"), 404);
  expect_json_error(server().get("/v1/contacts/abc"), 404);
  expect_json_error(patch("/v1/contacts/999999", "{}"), 404);
  expect_json_error(del("/v1/contacts/999999"), 404);

  expect_json_error(server().post("/v1/contacts", "{}"), 422);
  expect_json_error(server().post("/v1/contacts", R"({"email":"   "})"), 422);
  expect_json_error(server().post("/v1/contacts", R"({"email":7})"), 422);
  expect_json_error(server().post("/v1/contacts", R"({"email":"c@example.com","subscribed":"yes"})"), 422);
  expect_json_error(server().post("/v1/contacts", R"({"email":"c@example.com","data":[1]})"), 422);
  expect_json_error(server().post("/v1/contacts", R"({"email":"c@example.com","name":"C"})"), 422);
  expect_json_error(server().post("/v1/contacts", "[]"), 422);
  expect_json_error(server().post("/v1/contacts", "{oops"), 400);
  expect_json_error(patch(path, R"({"subscribed":null})"), 422);
  expect_json_error(patch(path, R"({"email":" BOB@example.com"})"), 409);
  EXPECT_EQ(json::parse(server().get(path).body)["contact"]["email"], "ada@example.com") << "the refused patch changed nothing";

  expect_json_error(server().get("/v1/contacts?limit=0"), 422);
  expect_json_error(server().get("/v1/contacts?limit=101"), 422);
  expect_json_error(server().get("/v1/contacts?limit=ten"), 422);
  expect_json_error(server().get("/v1/contacts?cursor=not-a-cursor"), 422);

  expect_json_error(server().request({.method = "GET", .path = "/v1/contacts", .body = std::nullopt, .key = ""}), 401);
  expect_json_error(server().request({.method = "GET", .path = "/v1/contacts", .body = std::nullopt, .key = kPublicKey}), 403);
  EXPECT_EQ(db().exec("SELECT 1 FROM contacts WHERE email = 'c@example.com'").size(), 0u);
}

TEST_F(ContactsApiTest, PagesThroughMoreContactsThanAPage) {
  ASSERT_TRUE(start_flowd(kFlow));
  const HttpResponse empty = server().get("/v1/contacts");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(json::parse(empty.body), json({{"success", true}, {"contacts", json::array()}, {"next_cursor", nullptr}}));

  std::vector<int64_t> created;
  for (int i = 0; i < 7; ++i) {
    const HttpResponse response =
        server().post("/v1/contacts", R"({"email":"user)" + std::to_string(i) + R"(@example.com"})");
    ASSERT_EQ(response.status, 201) << response.body;
    created.push_back(json::parse(response.body)["contact"]["id"].get<int64_t>());
  }
  std::vector<int64_t> seen;
  std::vector<size_t> page_sizes;
  std::string query = "/v1/contacts?limit=3";
  for (int pages = 0; pages < 10; ++pages) {
    const HttpResponse page = server().get(query);
    ASSERT_EQ(page.status, 200) << page.body;
    const json body = json::parse(page.body);
    page_sizes.push_back(body["contacts"].size());
    for (const auto& contact : body["contacts"]) seen.push_back(contact["id"].get<int64_t>());
    if (body["next_cursor"].is_null()) break;
    query = "/v1/contacts?limit=3&cursor=" + body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(page_sizes, std::vector<size_t>({3, 3, 1}));
  EXPECT_EQ(seen, created) << "every contact once, in id order";

  // A page that ends exactly at the last contact says so: no cursor to an empty page.
  const json exact = json::parse(server().get("/v1/contacts?limit=7").body);
  EXPECT_EQ(exact["contacts"].size(), 7u);
  EXPECT_TRUE(exact["next_cursor"].is_null());
  EXPECT_EQ(json::parse(server().get("/v1/contacts").body)["contacts"].size(), 7u) << "the default limit is larger";
}

TEST_F(ContactsApiTest, DeletingAContactErasesItsExecutionsEventsAndMail) {
  ASSERT_TRUE(start_flowd(kFlow));
  const HttpResponse tracked = server().track("signup", "gone@example.com");
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  const int64_t contact = json::parse(tracked.body)["contact"].get<int64_t>();
  const auto count = [&](const std::string& table) {
    return db().exec("SELECT count(*) FROM " + table + " WHERE contact_id = $1", contact).one().get<int64_t>(0);
  };
  ASSERT_TRUE(eventually(
      [&] {
        return db().exec("SELECT 1 FROM executions WHERE contact_id = $1 AND status = 'WAITING'", contact).size() == 1;
      },
      15s))
      << server().log();
  ASSERT_EQ(count("outbox"), 1);

  ASSERT_EQ(del("/v1/contacts/" + std::to_string(contact)).status, 200);
  for (const char* table : {"executions", "events", "outbox", "step_history", "webhook_calls"}) {
    EXPECT_EQ(count(table), 0) << table;
  }
  EXPECT_EQ(db().exec("SELECT 1 FROM contacts WHERE id = $1", contact).size(), 0u);

  // The email may come back: a new contact, enrolled afresh.
  const HttpResponse again = server().track("signup", "gone@example.com");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(json::parse(again.body)["contact"], contact);
  EXPECT_EQ(json::parse(again.body)["started"].size(), 1u);
}

}  // namespace
}  // namespace flow::runtime::testing
