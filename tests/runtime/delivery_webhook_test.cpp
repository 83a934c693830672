// WebhookClient against a real HTTP receiver (tests/runtime/servers/http_receiver.py) on
// loopback, which the address guard allows only when told to.
#include <gtest/gtest.h>

#include "runtime/delivery/webhook_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::delivery {
namespace {

using namespace std::chrono_literals;
using testing::ServerProcess;
using testing::TempDir;

WebhookOptions loopback_allowed() {
  WebhookOptions options;
  options.address_policy.allow_loopback = true;
  return options;
}

WebhookRequest post(std::string url) {
  WebhookRequest request;
  request.url = std::move(url);
  request.body = R"({"email":"ada@example.test"})";
  request.idempotency_key = "webhook-41-3";
  request.timeout = 2s;
  return request;
}

class DeliveryWebhook : public ::testing::Test {
 protected:
  TempDir dir;
  ServerProcess receiver{"http_receiver.py", dir.path() / "requests.jsonl"};
  WebhookClient client{loopback_allowed()};
};

TEST_F(DeliveryWebhook, PostsBodyHeadersAndIdempotencyKey) {
  WebhookRequest request = post(receiver.url("/hooks/onboarded"));
  request.headers = {{"X-Signature", "abc"}};
  const WebhookResult result = client.call(request);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, R"({"ok":true})");

  const auto requests = receiver.records();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["method"], "POST");
  EXPECT_EQ(requests[0]["path"], "/hooks/onboarded");
  EXPECT_EQ(requests[0]["body"], R"({"email":"ada@example.test"})");
  const auto& headers = requests[0]["headers"];
  EXPECT_EQ(headers["Idempotency-Key"], "webhook-41-3");
  EXPECT_EQ(headers["Content-Type"], "application/json");
  EXPECT_EQ(headers["X-Signature"], "abc");
  EXPECT_TRUE(headers["User-Agent"].get<std::string>().starts_with("flowd/"));
}

TEST_F(DeliveryWebhook, GetWithoutBodyAndNoStateBetweenCalls) {
  ASSERT_TRUE(client.call(post(receiver.url("/first"))).ok());
  WebhookRequest get;
  get.method = "GET";
  get.url = receiver.url("/second");
  ASSERT_TRUE(client.call(get).ok());
  const auto requests = receiver.records();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1]["method"], "GET");
  EXPECT_EQ(requests[1]["body"], "");
  EXPECT_FALSE(requests[1]["headers"].contains("Idempotency-Key"));
  EXPECT_FALSE(requests[1]["headers"].contains("Content-Type"));
}

TEST_F(DeliveryWebhook, ServerErrorsAndRateLimitsAreRetryableOtherClientErrorsAreNot) {
  for (int status : {500, 503, 429, 408}) {
    const WebhookResult result = client.call(post(receiver.url("/status/" + std::to_string(status))));
    EXPECT_EQ(result.status, status);
    EXPECT_FALSE(result.ok());
    EXPECT_TRUE(result.retryable) << status;
  }
  for (int status : {400, 404, 410, 302}) {
    const WebhookResult result = client.call(post(receiver.url("/status/" + std::to_string(status))));
    EXPECT_EQ(result.status, status);
    EXPECT_FALSE(result.ok());
    EXPECT_FALSE(result.retryable) << status;
  }
}

TEST_F(DeliveryWebhook, RetriesCarryTheSameKeyUntilSuccess) {
  const WebhookRequest request = post(receiver.url("/fail-twice"));
  EXPECT_TRUE(client.call(request).retryable);
  EXPECT_TRUE(client.call(request).retryable);
  EXPECT_TRUE(client.call(request).ok());
  const auto requests = receiver.records();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& seen : requests) EXPECT_EQ(seen["headers"]["Idempotency-Key"], "webhook-41-3");
}

TEST_F(DeliveryWebhook, TimeoutIsRetryable) {
  WebhookRequest request = post(receiver.url("/slow"));
  request.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const WebhookResult result = client.call(request);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.retryable);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(DeliveryWebhook, RedirectsAreNotFollowed) {
  const WebhookResult result = client.call(post(receiver.url("/redirect")));
  EXPECT_EQ(result.status, 302);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(receiver.records().size(), 1u);
}

TEST_F(DeliveryWebhook, ResponseBodyIsCapped) {
  const WebhookResult result = client.call(post(receiver.url("/big")));
  EXPECT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.body.size(), 64u * 1024);
}

TEST_F(DeliveryWebhook, GuardRefusesLoopbackAndPrivateByDefault) {
  WebhookClient strict;
  for (const std::string& url : {receiver.url("/x"), std::string("http://10.0.0.1/x"),
                                "http://localhost:" + std::to_string(receiver.port()) + "/x", std::string("http://[::1]/x"),
                                std::string("http://169.254.169.254/latest/meta-data")}) {
    const WebhookResult result = strict.call(post(url));
    EXPECT_FALSE(result.ok()) << url;
    EXPECT_FALSE(result.retryable) << url;
    EXPECT_NE(result.error.find("not allowed"), std::string::npos) << url << ": " << result.error;
  }
  EXPECT_TRUE(receiver.records().empty()) << "nothing reached the receiver";
}

TEST_F(DeliveryWebhook, RefusesWhatIsNotAWebhook) {
  WebhookRequest bad_method = post(receiver.url("/x"));
  bad_method.method = "CONNECT";
  EXPECT_FALSE(client.call(bad_method).retryable);
  WebhookRequest injected = post(receiver.url("/x"));
  injected.headers = {{"X-A", "1\r\nX-B: 2"}};
  EXPECT_FALSE(client.call(injected).retryable);
  EXPECT_FALSE(client.call(post("file:///etc/passwd")).retryable);
  EXPECT_FALSE(client.call(post("gopher://127.0.0.1/")).retryable);
  EXPECT_TRUE(receiver.records().empty());
}

}  // namespace
}  // namespace flow::runtime::delivery
