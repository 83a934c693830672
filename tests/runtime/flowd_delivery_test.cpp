// flowd delivers: the real binary's mail workers send the outbox to the real SMTP test
// server (or write .eml files without one), and its webhook workers call the HTTP test
// receiver, retrying a 5xx with the same Idempotency-Key and resuming the execution with
// the answer; the private-address guard holds unless --allow-private-webhooks.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "database.hpp"
#include "support/flowd_process.hpp"
#include "support/mail_load.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kWelcomeFlow = R"(
template welcome { type transactional subject "Welcome aboard" from "hello@acme.test" html "<p>hi</p>" }
workflow welcome on "signup" {
  send welcome
}
)";

class FlowdDelivery : public DatabaseTest {
 protected:
  FlowdProcess flowd() { return FlowdProcess(dir_.path(), dir_.path() / "flows", conninfo()); }
  std::string query(const std::string& sql) {
    const auto rows = db().exec(sql);
    return rows.empty() ? "<no row>" : rows.one().get<std::optional<std::string>>(0).value_or("<null>");
  }
  bool execution_completed() { return query("SELECT string_agg(status, ',') FROM executions") == "COMPLETED"; }
  // A webhook step to `url`, retried up to 3 times, whose answer the contact keeps.
  void write_webhook_flow(const std::string& url) {
    write_flow(dir_.path() / "flows", "workflow hook on \"signup\" {\n  webhook post \"" + url +
                                          "\" { retries 3 }\n  update contact { hooked: response.status }\n}\n");
  }

  TempDir dir_;
};

TEST_F(FlowdDelivery, ATrackedEventsEmailArrivesBySmtp) {
  ServerProcess smtp("smtp_server.py", dir_.path() / "smtp.jsonl");
  write_flow(dir_.path() / "flows", kWelcomeFlow);
  FlowdProcess server = flowd();
  ASSERT_TRUE(server.start_and_wait(smtp_flags(smtp))) << server.log();
  ASSERT_EQ(server.track("signup", "ada@example.com").status, 200) << server.log();

  ASSERT_TRUE(eventually([&] { return query("SELECT status FROM outbox") == "SENT"; }, 30s))
      << query("SELECT status || ' ' || coalesce(last_error, '') FROM outbox") << server.log();
  const auto received = smtp.records();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["headers"]["Message-ID"], "<" + query("SELECT message_id FROM outbox") + ">");
  EXPECT_EQ(received[0]["headers"]["Subject"], "Welcome aboard");
  EXPECT_EQ(received[0]["rcpt_tos"], json::array({"ada@example.com"}));
  EXPECT_EQ(received[0]["mail_from"], "hello@acme.test");
  EXPECT_TRUE(execution_completed());
  EXPECT_EQ(server.terminate(), 0) << server.log();
}

TEST_F(FlowdDelivery, ATemporaryRefusalIsRetriedWithBackoffAndAPermanentOneFails) {
  ServerProcess smtp("smtp_server.py", dir_.path() / "smtp.jsonl");  // 451 / 550 by recipient
  write_flow(dir_.path() / "flows", kWelcomeFlow);
  FlowdProcess server = flowd();
  auto args = smtp_flags(smtp);
  args.insert(args.end(), {"--retry-delay", "0.1"});
  ASSERT_TRUE(server.start_and_wait(args)) << server.log();
  ASSERT_EQ(server.track("signup", "reject-temporary@example.com").status, 200) << server.log();
  ASSERT_EQ(server.track("signup", "reject-permanent@example.com").status, 200) << server.log();

  const auto row = [&](const std::string& to) {
    return query("SELECT status || ' ' || attempts || ' ' || coalesce(last_error, '') FROM outbox WHERE to_address = '" +
                 to + "'");
  };
  const auto retried = [&] {
    return query("SELECT status FROM outbox WHERE to_address = 'reject-temporary@example.com' AND attempts >= 3") ==
           "PENDING";
  };
  ASSERT_TRUE(eventually(retried, 30s)) << row("reject-temporary@example.com") << server.log();
  EXPECT_NE(row("reject-temporary@example.com").find("451"), std::string::npos);
  ASSERT_TRUE(eventually([&] { return row("reject-permanent@example.com").starts_with("FAILED 1 "); }, 30s))
      << row("reject-permanent@example.com");
  EXPECT_NE(row("reject-permanent@example.com").find("550"), std::string::npos);
  EXPECT_TRUE(smtp.records().empty());
}

TEST_F(FlowdDelivery, WithoutSmtpMailBecomesAnEmlFileInTheDataDirectory) {
  write_flow(dir_.path() / "flows", kWelcomeFlow);
  FlowdProcess server = flowd();
  const auto data_dir = dir_.path() / "data";
  ASSERT_TRUE(server.start_and_wait({"--data-dir", data_dir.string()})) << server.log();
  ASSERT_EQ(server.track("signup", "ada@example.com").status, 200) << server.log();

  ASSERT_TRUE(eventually([&] { return query("SELECT status FROM outbox") == "SENT"; }, 30s)) << server.log();
  const std::string message_id = query("SELECT message_id FROM outbox");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "mail")) files.push_back(entry.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].extension(), ".eml");
  std::stringstream eml;
  eml << std::ifstream(files[0]).rdbuf();
  EXPECT_NE(eml.str().find("Message-ID: <" + message_id + ">"), std::string::npos) << eml.str();
  EXPECT_NE(eml.str().find("Subject: Welcome aboard"), std::string::npos) << eml.str();
  EXPECT_NE(eml.str().find("To: ada@example.com"), std::string::npos) << eml.str();
}

TEST_F(FlowdDelivery, AWebhookIsRetriedOn5xxWithOneIdempotencyKeyAndTheExecutionGetsTheAnswer) {
  ServerProcess receiver("http_receiver.py", dir_.path() / "requests.jsonl");
  write_webhook_flow(receiver.url("/fail-twice"));  // 503, 503, then 200
  FlowdProcess server = flowd();
  ASSERT_TRUE(server.start_and_wait({"--allow-private-webhooks", "--retry-delay", "0.2"})) << server.log();
  ASSERT_EQ(server.track("signup", "ada@example.com").status, 200) << server.log();

  ASSERT_TRUE(eventually([&] { return execution_completed(); }, 30s))
      << query("SELECT status || ' ' || attempts || ' ' || coalesce(last_error, '') FROM webhook_calls")
      << server.log();
  EXPECT_EQ(query("SELECT data->>'hooked' FROM contacts"), "200") << "the execution continued with the response";
  EXPECT_EQ(query("SELECT status || ' ' || attempts || ' ' || response_status FROM webhook_calls"), "DONE 3 200");
  const auto requests = receiver.records();
  ASSERT_EQ(requests.size(), 3u);
  const std::string key = query("SELECT idempotency_key FROM webhook_calls");
  for (const auto& request : requests) {
    EXPECT_EQ(request["method"], "POST");
    EXPECT_EQ(request["headers"]["Idempotency-Key"], key) << "the same key on every attempt";
    const json body = json::parse(request["body"].get<std::string>());
    EXPECT_EQ(body["contact"]["email"], "ada@example.com") << body;
    EXPECT_EQ(body["event"]["name"], "signup") << body;
    EXPECT_EQ(body["workflow"], "hook") << body;
  }
}

TEST_F(FlowdDelivery, ALoopbackWebhookIsRefusedWithoutAllowPrivateWebhooks) {
  ServerProcess receiver("http_receiver.py", dir_.path() / "requests.jsonl");
  write_webhook_flow(receiver.url("/hook"));
  FlowdProcess server = flowd();
  ASSERT_TRUE(server.start_and_wait()) << server.log();
  ASSERT_EQ(server.track("signup", "ada@example.com").status, 200) << server.log();

  ASSERT_TRUE(eventually([&] { return execution_completed(); }, 30s)) << server.log();
  EXPECT_EQ(query("SELECT status || ' ' || attempts FROM webhook_calls"), "FAILED 1") << "refused, not retried";
  EXPECT_NE(query("SELECT last_error FROM webhook_calls").find("not allowed"), std::string::npos);
  EXPECT_EQ(query("SELECT data->>'hooked' FROM contacts"), "0") << "no response";
  EXPECT_TRUE(receiver.records().empty());
}

}  // namespace
}  // namespace flow::runtime::testing
