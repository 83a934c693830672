#include "mail_load.hpp"

#include <atomic>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "flowd_process.hpp"

namespace flow::runtime::testing {

const char* const kTwoMailsFlow = R"(
template first { type transactional subject "First" from "load@acme.test" html "<p>one</p>" }
template second { type transactional subject "Second" from "load@acme.test" html "<p>two</p>" }
workflow two_mails on "load" {
  send first
  delay 2 seconds
  send second
}
)";

void write_flow(const std::filesystem::path& flows, const std::string& source) {
  std::filesystem::create_directories(flows);
  std::ofstream(flows / "main.flow") << source;
}

int track_many(const std::vector<uint16_t>& ports, int count) {
  constexpr int kThreads = 4;
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < count; i += kThreads) {
          const std::string body =
              nlohmann::json({{"event", "load"}, {"email", "load-" + std::to_string(i) + "@example.com"}}).dump();
          const uint16_t port = ports[static_cast<size_t>(i) % ports.size()];
          const auto response = http_request(port, {.method = "POST", .path = "/v1/track", .body = body});
          if (response.status != 200) ++failures;
        }
      });
    }
  }
  return failures;
}

std::map<std::string, int> message_id_counts(const ServerProcess& smtp) {
  std::map<std::string, int> counts;
  for (const auto& record : smtp.records()) ++counts[record["headers"].value("Message-ID", "")];
  return counts;
}

MailTally tally_mail(store::Connection& db, const ServerProcess& smtp) {
  const auto received = message_id_counts(smtp);
  MailTally tally{.distinct = received.size(), .duplicates = 0, .missing = {}};
  for (const auto& [id, copies] : received) tally.duplicates += copies - 1;
  for (const auto row : db.exec("SELECT message_id FROM outbox")) {
    const auto id = row.get<std::string>(0);
    if (!received.contains("<" + id + ">")) tally.missing.push_back(id);
  }
  return tally;
}

int64_t count(store::Connection& db, const std::string& sql) { return db.exec(sql).one().get<int64_t>(0); }

bool load_done(store::Connection& db, int executions) {
  return count(db, "SELECT count(*) FROM executions WHERE status = 'COMPLETED'") == executions &&
         count(db, "SELECT count(*) FROM outbox WHERE status = 'SENT'") == 2 * executions;
}

void MailLoadTest::SetUp() {
  DatabaseTest::SetUp();
  if (IsSkipped()) return;
  smtp_.emplace("smtp_server.py", dir_.path() / "smtp.jsonl");
  write_flow(dir_.path() / "flows", kTwoMailsFlow);
}

FlowdProcess MailLoadTest::flowd(const std::string& name) {
  std::filesystem::create_directories(dir_.path() / name);
  return FlowdProcess(dir_.path() / name, dir_.path() / "flows", conninfo());
}

std::vector<std::string> MailLoadTest::flags(const std::vector<std::string>& extra) const {
  std::vector<std::string> all = smtp_flags(*smtp_);
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

std::vector<std::string> smtp_flags(const ServerProcess& smtp) {
  return {"--smtp-url", "smtp://127.0.0.1:" + std::to_string(smtp.port()), "--smtp-starttls", "none"};
}

}  // namespace flow::runtime::testing
