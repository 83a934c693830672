// GET /metrics against the real flowd: valid Prometheus text, numbers that move with the
// work done; and the debug log lines per request and per step.
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "support/flowd_api_test.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFlow = R"(
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow welcome on "signup" {
  reentry allowed
  send receipt
  delay 1 hour
}
)";

// `name{labels}` → value, after checking the text against the exposition format: every
// sample belongs to a family announced by # HELP and # TYPE before it, names are flow_…,
// values are numbers. Failures are reported through `problems`.
std::map<std::string, double> parse_prometheus(const std::string& text, std::string& problems) {
  static const std::regex kSample(R"re(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? ([-+0-9.eE]+|NaN|[+-]Inf)$)re");
  static const std::regex kComment(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$)");
  std::map<std::string, double> samples;
  std::set<std::string> helped, typed;
  std::istringstream lines(text);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, kComment)) {
      (match[1] == "HELP" ? helped : typed).insert(match[2]);
      if (match[1] == "TYPE" && match[3] != "counter" && match[3] != "gauge") problems += "bad type: " + line + "\n";
    } else if (std::regex_match(line, match, kSample)) {
      const std::string name = match[1];
      if (!name.starts_with("flow_")) problems += "not flow_: " + line + "\n";
      if (!helped.contains(name) || !typed.contains(name)) problems += "no HELP/TYPE before: " + line + "\n";
      samples[name + match[2].str()] = std::stod(match[5].str());
    } else {
      problems += "not a sample: \"" + line + "\"\n";
    }
  }
  return samples;
}

class MetricsTest : public FlowdApiTest {
 protected:
  std::map<std::string, double> scrape() {
    const HttpResponse response = server().get("/metrics");
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_NE(response.headers.find("text/plain; version=0.0.4"), std::string::npos) << response.headers;
    std::string problems;
    auto samples = parse_prometheus(response.body, problems);
    EXPECT_EQ(problems, "") << response.body;
    return samples;
  }
};

TEST_F(MetricsTest, ExposesPrometheusTextWhoseNumbersMoveWithTheWork) {
  ASSERT_TRUE(start_flowd(kFlow, {"--data-dir", (dir() / "data").string(), "--log-level", "debug"}));
  auto before = scrape();
  for (const char* name : {"flow_events_tracked_total", "flow_steps_total", "flow_emails_total{result=\"sent\"}",
                           "flow_webhook_calls_total{result=\"done\"}", "flow_executions{status=\"WAITING\"}",
                           "flow_queue_depth{queue=\"outbox\"}", "flow_queue_depth{queue=\"webhook_calls\"}",
                           "flow_timer_lag_seconds"}) {
    EXPECT_TRUE(before.contains(name)) << name;
  }
  EXPECT_EQ(before["flow_executions{status=\"WAITING\"}"], 0);

  for (const char* email : {"a@example.com", "b@example.com", "c@example.com"})
    ASSERT_EQ(server().track("signup", email).status, 200);
  std::map<std::string, double> after;
  const bool moved = eventually(
      [&] {
        after = scrape();
        return after["flow_executions{status=\"WAITING\"}"] == 3 && after["flow_emails_total{result=\"sent\"}"] == 3 &&
               after["flow_queue_depth{queue=\"outbox\"}"] == 0;
      },
      20s);
  ASSERT_TRUE(moved) << server().log();
  EXPECT_EQ(after["flow_events_tracked_total"], before["flow_events_tracked_total"] + 3);
  EXPECT_GE(after["flow_steps_total"], before["flow_steps_total"] + 6) << "a send and a delay each";
  EXPECT_EQ(after["flow_http_requests_total{method=\"POST\",route=\"/v1/track\",status=\"200\"}"], 3);
  EXPECT_GE(after["flow_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}"], 1);
  EXPECT_GE(after["flow_timer_lag_seconds"], 0);

  // Unknown paths are counted under one label, not one series per path.
  EXPECT_EQ(server().get("/no/such/path").status, 404);
  EXPECT_EQ(scrape()["flow_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"], 1);

  // The numbers are the business's: the secret key is needed.
  EXPECT_EQ(server().request({.method = "GET", .path = "/metrics", .body = std::nullopt, .key = ""}).status, 401);
  EXPECT_EQ(server().request({.method = "GET", .path = "/metrics", .body = std::nullopt, .key = kPublicKey}).status, 403);

  // --log-level debug: a line per request and one per step.
  const std::string log = server().log();
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(POST /v1/track 200 [0-9.]+ms)"))) << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(execution [0-9]+ step [0-9]+ send)"))) << log;
}

TEST_F(MetricsTest, InfoLevelLogsNoLinePerRequest) {
  ASSERT_TRUE(start_flowd(kFlow));
  ASSERT_EQ(server().track("signup", "a@example.com").status, 200);
  EXPECT_EQ(server().log().find("POST /v1/track 200"), std::string::npos) << server().log();
}

}  // namespace
}  // namespace flow::runtime::testing
