// flowd end to end: the real binary started as a child process against the test's schema,
// driven over HTTP, observed through the database.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "database.hpp"
#include "support/flowd_api_test.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kFlow = R"(
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow welcome on "signup" {
  send receipt
  delay 1 hour
}
)";

class FlowdTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    std::filesystem::create_directories(dir_.path() / "flows");
    std::ofstream(dir_.path() / "flows" / "main.flow") << kFlow;
  }
  FlowdProcess flowd() { return FlowdProcess(dir_.path(), dir_.path() / "flows", conninfo()); }

  TempDir dir_;
};

TEST_F(FlowdTest, TracksAnEventRunsTheWorkflowAndStopsCleanly) {
  FlowdProcess server = flowd();
  ASSERT_TRUE(server.start_and_wait()) << server.log();
  EXPECT_EQ(json::parse(server.get("/healthz").body), json({{"status", "ok"}}));

  const HttpResponse tracked = server.track("signup", "ada@example.com");
  ASSERT_EQ(tracked.status, 200) << tracked.body << server.log();
  const auto reply = json::parse(tracked.body);
  EXPECT_EQ(reply["success"], true);
  EXPECT_EQ(reply["started"].size(), 1u);
  const int64_t contact = reply["contact"].get<int64_t>();

  const auto outbox_and_waiting = [&] {
    return db().exec("SELECT 1 FROM outbox o JOIN executions e USING (contact_id) "
                     "WHERE o.contact_id = $1 AND o.template = 'receipt' AND e.status = 'WAITING'",
                     contact).size() == 1;
  };
  EXPECT_TRUE(eventually(outbox_and_waiting, 15s)) << server.log();
  EXPECT_EQ(server.terminate(), 0) << server.log();
}

TEST_F(FlowdTest, BadRequestsGetJsonErrorsWithTheRightStatus) {
  FlowdProcess server = flowd();
  ASSERT_TRUE(server.start_and_wait({"--body-limit", "2048"})) << server.log();
  expect_json_error(server.post("/v1/track", "{not json"), 400);
  expect_json_error(server.post("/v1/track", R"({"event":"signup"})"), 422);
  expect_json_error(server.post("/v1/track", R"({"event":"signup","email":"a@b.c","data":[1]})"), 422);
  expect_json_error(server.post("/v1/track", R"({"event":"email.opened","email":"a@b.c"})"), 422);
  expect_json_error(server.post("/v1/track", R"({"event":"contact.unsubscribed","email":"a@b.c"})"), 422);
  expect_json_error(server.post("/v1/track", "[]"), 422);
  expect_json_error(server.post("/healthz", "{}"), 405);
  EXPECT_NE(server.post("/healthz", "{}").headers.find("Allow: GET"), std::string::npos);
  expect_json_error(server.get("/nowhere"), 404);
  expect_json_error(server.post("/v1/track", std::string(4096, ' ')), 413);
  expect_json_error(server.request({.method = "POST", .path = "/v1/track", .body = "{}", .key = ""}), 401);
  expect_json_error(server.request({.method = "POST", .path = "/v1/track", .body = "{}", .key = "sk_wrong"}), 401);
  // The public key may track.
  EXPECT_EQ(server.request({.method = "POST",
                            .path = "/v1/track",
                            .body = R"({"event":"signup","email":"pk@example.com"})",
                            .key = kPublicKey})
                .status,
            200);
  EXPECT_EQ(server.get("/healthz").status, 200) << "still serving after every bad request";
}

TEST_F(FlowdTest, GeneratesKeysOnceShowsThemOnceAndKeepsThem) {
  FlowdProcess server = flowd();
  server.use_test_keys = false;
  ASSERT_TRUE(server.start_and_wait()) << server.log();
  const std::string first_log = server.log();
  std::smatch secret, public_key;
  ASSERT_TRUE(std::regex_search(first_log, secret, std::regex("secret key: (sk_[0-9a-f]{48})"))) << first_log;
  ASSERT_TRUE(std::regex_search(first_log, public_key, std::regex("public key: (pk_[0-9a-f]{48})"))) << first_log;
  const auto track_with = [&](const std::string& key) {
    return server.request({.method = "POST", .path = "/v1/track",
                           .body = R"({"event":"signup","email":"keys@example.com"})", .key = key}).status;
  };
  EXPECT_EQ(track_with(secret[1]), 200);
  EXPECT_EQ(track_with(public_key[1]), 200);
  EXPECT_EQ(track_with(kSecretKey), 401);
  // Only digests are stored.
  for (const auto row : db().exec("SELECT value FROM flow_settings")) {
    EXPECT_EQ(row.get<std::string>(0).find("sk_"), std::string::npos);
    EXPECT_EQ(row.get<std::string>(0).find("pk_"), std::string::npos);
  }
  ASSERT_EQ(server.terminate(), 0);

  ASSERT_TRUE(server.start_and_wait()) << server.log();
  const std::string second_log = server.log().substr(first_log.size());
  EXPECT_EQ(second_log.find("secret key:"), std::string::npos) << "shown once only: " << second_log;
  EXPECT_EQ(track_with(secret[1]), 200) << "the stored key still works after a restart";
}

TEST_F(FlowdTest, ACompileErrorStopsTheStartWithTheDiagnostics) {
  std::ofstream(dir_.path() / "flows" / "main.flow") << "workflow broken on \"signup\" { send nosuchtemplate }";
  FlowdProcess server = flowd();
  server.start();
  EXPECT_EQ(server.wait_exit(), 1) << server.log();
  EXPECT_NE(server.log().find("nosuchtemplate"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace flow::runtime::testing
