#pragma once
// What the crash and two-process tests share: a workflow that sends two emails with a delay
// between them, tracking thousands of contacts quickly, and counting what the SMTP test
// server received by Message-ID (duplicates included: nothing here de-duplicates).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../database.hpp"
#include "flowd_process.hpp"
#include "runtime/store/connection.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

namespace flow::runtime::testing {

// `send first; delay 2 seconds; send second`, triggered by "load".
extern const char* const kTwoMailsFlow;

// A test's database, SMTP test server and the two-mails flow, and flowd processes for them.
class MailLoadTest : public DatabaseTest {
 protected:
  void SetUp() override;

  // A flowd (not started) whose log is under dir_/<name>.
  FlowdProcess flowd(const std::string& name);
  // smtp_flags plus `extra`.
  std::vector<std::string> flags(const std::vector<std::string>& extra = {}) const;

  TempDir dir_;
  std::optional<ServerProcess> smtp_;
};

// Writes `source` as the only file of `flows`.
void write_flow(const std::filesystem::path& flows, const std::string& source);

// Tracks "load" for contacts load-0@example.com … load-<count-1>@example.com, spread over a
// few threads and over `ports` (flowd processes) in turn. Returns how many requests did not
// get a 200.
int track_many(const std::vector<uint16_t>& ports, int count);

// How many times the server received each Message-ID.
std::map<std::string, int> message_id_counts(const ServerProcess& smtp);

// What the SMTP server received against the outbox.
struct MailTally {
  size_t distinct = 0;               // Message-IDs received
  int duplicates = 0;                // copies received beyond the first of each
  std::vector<std::string> missing;  // outbox Message-IDs never received
};
MailTally tally_mail(store::Connection& db, const ServerProcess& smtp);

// The SQL count `sql` returns.
int64_t count(store::Connection& db, const std::string& sql);

// Whether all `executions` are COMPLETED and their two emails each marked SENT.
bool load_done(store::Connection& db, int executions);

// The flowd flags for an SMTP test server, without STARTTLS (it offers none).
std::vector<std::string> smtp_flags(const ServerProcess& smtp);

}  // namespace flow::runtime::testing
