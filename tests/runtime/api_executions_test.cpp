// The executions API on the real flowd: list by status and page, one with its step history,
// cancel one and all, and the errors. Timers are real (seconds), outcomes polled.
#include "support/flowd_api_test.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// `slow` waits briefly, long enough to be cancelled first; `patient` waits for a click;
// `quick` exits at once or waits an hour.
constexpr const char* kFlow = R"(
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow slow on "signup" {
  send receipt
  wait for "click" within 5 seconds
  send receipt
}
workflow patient on "join" {
  send receipt
  wait for "click" within 1 hour
  send receipt
}
workflow quick on "go" {
  if event.data.stop == true { exit "stopped" }
  delay 1 hour
}
)";

class ApiExecutions : public FlowdApiTest {
 protected:
  void SetUp() override {
    FlowdApiTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(start_flowd(kFlow));
  }

  int64_t workflow(const std::string& name) {
    return db().exec("SELECT id FROM workflows WHERE name = $1", name).one().get<int64_t>(0);
  }
  std::string executions(const std::string& name) {
    return "/v1/workflows/" + std::to_string(workflow(name)) + "/executions";
  }

  // Tracks and returns the execution started.
  int64_t start(const std::string& event, const std::string& email, const std::string& data = "{}") {
    const auto reply =
        server().post("/v1/track", R"({"event":")" + event + R"(","email":")" + email + R"(","data":)" + data + "}");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body)["started"].at(0).get<int64_t>();
  }

  json get_json(const std::string& path, long status = 200) {
    const auto reply = server().get(path);
    EXPECT_EQ(reply.status, status) << path << ": " << reply.body;
    return json::parse(reply.body, nullptr, false);
  }
  HttpResponse del(const std::string& path) {
    return server().request({.method = "DELETE", .path = path, .body = std::nullopt});
  }

  std::string status(int64_t id) {
    return db().exec("SELECT status FROM executions WHERE id = $1", id).one().get<std::string>(0);
  }
  bool has_status(int64_t id, const std::string& wanted) { return status(id) == wanted; }
  int64_t mails(int64_t id) {
    return db().exec("SELECT count(*) FROM outbox WHERE execution_id = $1", id).one().get<int64_t>(0);
  }
};

void expect_error(const HttpResponse& response, long status, const std::string& code) {
  expect_json_error(response, status);
  EXPECT_EQ(nlohmann::json::parse(response.body, nullptr, false)["error"]["code"], code) << response.body;
}

TEST_F(ApiExecutions, ListsByStatusAndPage) {
  std::vector<int64_t> ids;
  for (const char* email : {"a@example.com", "b@example.com", "c@example.com"}) ids.push_back(start("go", email));
  const int64_t stopped = start("go", "d@example.com", R"({"stop":true})");
  const std::string path = executions("quick");
  ASSERT_TRUE(eventually([&] { return has_status(stopped, "EXITED"); }, 30s)) << server().log();
  for (const int64_t id : ids) ASSERT_TRUE(eventually([&] { return has_status(id, "WAITING"); }, 30s));

  const json all = get_json(path + "?per_page=3");
  EXPECT_EQ(all["success"], true);
  EXPECT_EQ(all["total"], 4);
  EXPECT_EQ(all["pages"], 2);
  ASSERT_EQ(all["items"].size(), 3u);
  EXPECT_EQ(all["items"][0]["id"], stopped) << "newest first";
  const json second = get_json(path + "?per_page=3&page=2");
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_EQ(second["items"][0]["id"], ids[0]);
  EXPECT_EQ(second["page"], 2);
  EXPECT_TRUE(get_json(path + "?per_page=3&page=9")["items"].empty());

  const json waiting = get_json(path + "?status=WAITING&per_page=2&page=2");
  EXPECT_EQ(waiting["total"], 3);
  ASSERT_EQ(waiting["items"].size(), 1u);
  EXPECT_EQ(waiting["items"][0]["status"], "WAITING");
  EXPECT_EQ(waiting["items"][0]["current_step"]["kind"], "delay");
  EXPECT_TRUE(waiting["items"][0]["wake_at"].is_string());

  const json exited = get_json(path + "?status=EXITED");
  ASSERT_EQ(exited["items"].size(), 1u);
  const json item = exited["items"][0];
  EXPECT_EQ(item["contact"]["email"], "d@example.com");
  EXPECT_EQ(item["exit_reason"], "stopped");
  EXPECT_EQ(item["current_step"]["kind"], "exit");
  EXPECT_EQ(item["current_step"]["label"], "exit \"stopped\"");
  EXPECT_TRUE(item["ended_at"].is_string());
  EXPECT_TRUE(item["started_at"].is_string());
  EXPECT_EQ(get_json(path + "?status=CANCELLED")["total"], 0);
}

TEST_F(ApiExecutions, GetsOneWithItsHistory) {
  const int64_t id = start("join", "ada@example.com");
  ASSERT_TRUE(eventually([&] { return has_status(id, "WAITING"); }, 30s)) << server().log();
  const json waiting = get_json(executions("patient") + "/" + std::to_string(id));
  EXPECT_EQ(waiting["status"], "WAITING");
  EXPECT_EQ(waiting["waiting_event"], "click");
  EXPECT_TRUE(waiting["wake_at"].is_string());
  EXPECT_EQ(waiting["current_step"]["kind"], "wait");
  ASSERT_EQ(waiting["history"].size(), 2u) << waiting.dump(2);
  EXPECT_EQ(waiting["history"][0]["kind"], "send");
  EXPECT_EQ(waiting["history"][0]["outcome"]["result"], "queued");
  EXPECT_TRUE(waiting["history"][1]["finished_at"].is_null());

  server().track("click", "ada@example.com");
  ASSERT_TRUE(eventually([&] { return has_status(id, "COMPLETED"); }, 30s)) << server().log();
  const json done = get_json(executions("patient") + "/" + std::to_string(id));
  ASSERT_EQ(done["history"].size(), 3u) << done.dump(2);
  EXPECT_EQ(done["history"][1]["outcome"]["result"], "received");
  EXPECT_EQ(done["history"][1]["outcome"]["event"], "click");
  EXPECT_TRUE(done["history"][1]["finished_at"].is_string());
  EXPECT_TRUE(done["ended_at"].is_string());
}

TEST_F(ApiExecutions, ACancelledExecutionGetsNothingMoreAndDoesNotEnterAgain) {
  const int64_t id = start("signup", "ada@example.com");
  ASSERT_TRUE(eventually([&] { return has_status(id, "WAITING"); }, 30s)) << server().log();
  const auto cancelled = del(executions("slow") + "/" + std::to_string(id));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  const json body = json::parse(cancelled.body);
  EXPECT_EQ(body["cancelled"], true);
  EXPECT_EQ(body["execution"]["status"], "CANCELLED");
  EXPECT_TRUE(body["execution"]["wake_at"].is_null());
  EXPECT_EQ(body["execution"]["history"][1]["outcome"]["result"], "cancelled");

  // A control enrolled after the cancel: its timer falls due after the cancelled one's
  // would have, and workers claim in wake-up order, so once the control has run the
  // cancelled execution would have run too.
  const int64_t control = start("signup", "bob@example.com");
  ASSERT_TRUE(eventually([&] { return has_status(control, "COMPLETED"); }, 30s)) << server().log();
  EXPECT_EQ(mails(control), 2);
  EXPECT_EQ(status(id), "CANCELLED");
  EXPECT_EQ(mails(id), 1) << "only the mail sent before the cancel";
  EXPECT_EQ(get_json(executions("slow") + "/" + std::to_string(id))["history"].size(), 2u);

  // Re-entry is off: the cancelled run counts as entered.
  const auto again = server().track("signup", "ada@example.com");
  EXPECT_TRUE(json::parse(again.body)["started"].empty()) << again.body;

  // Cancelling again succeeds without doing anything; an execution that ended is a conflict.
  const auto repeat = del(executions("slow") + "/" + std::to_string(id));
  EXPECT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(json::parse(repeat.body)["cancelled"], false);
  expect_error(del(executions("slow") + "/" + std::to_string(control)), 409, "conflict");
}

TEST_F(ApiExecutions, CancelAllCancelsTheLiveOnes) {
  const int64_t a = start("join", "a@example.com");
  const int64_t b = start("join", "b@example.com");
  ASSERT_TRUE(eventually([&] { return has_status(a, "WAITING") && has_status(b, "WAITING"); }, 30s)) << server().log();
  const auto reply = del(executions("patient"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(json::parse(reply.body)["cancelled"], 2);
  EXPECT_EQ(get_json(executions("patient") + "?status=CANCELLED")["total"], 2);
  EXPECT_EQ(json::parse(del(executions("patient")).body)["cancelled"], 0);
  EXPECT_EQ(mails(a) + mails(b), 2) << "only the mail sent before the cancel";
  EXPECT_EQ(json::parse(del(executions("slow")).body)["cancelled"], 0);
}

TEST_F(ApiExecutions, ErrorsHaveTheirStatus) {
  const int64_t id = start("signup", "ada@example.com");
  const std::string path = executions("slow");
  const std::string unknown = "/v1/workflows/" + std::to_string(workflow("slow") + 100) + "/executions";
  expect_error(server().get(unknown), 404, "not_found");
  expect_error(server().get("/v1/workflows/nope/executions"), 404, "not_found");
  expect_error(del(unknown), 404, "not_found");
  expect_error(server().get(path + "?status=SLEEPING"), 422, "invalid_request");
  expect_error(server().get(path + "?page=0"), 422, "invalid_request");
  expect_error(server().get(path + "?page=x"), 422, "invalid_request");
  expect_error(server().get(path + "?per_page=101"), 422, "invalid_request");
  // An execution of another workflow is not found through this one.
  expect_error(server().get(executions("quick") + "/" + std::to_string(id)), 404, "not_found");
  expect_error(del(executions("quick") + "/" + std::to_string(id)), 404, "not_found");
  expect_error(server().get(path + "/999999"), 404, "not_found");

  expect_error(server().request({.method = "GET", .path = path, .body = std::nullopt, .key = ""}), 401, "unauthorized");
  expect_error(server().request({.method = "GET", .path = path, .body = std::nullopt, .key = kPublicKey}), 403,
               "forbidden");
  expect_error(
      server().request(
          {.method = "DELETE", .path = path + "/" + std::to_string(id), .body = std::nullopt, .key = kPublicKey}),
      403, "forbidden");
  EXPECT_NE(status(id), "CANCELLED");
}

}  // namespace
}  // namespace flow::runtime::testing
