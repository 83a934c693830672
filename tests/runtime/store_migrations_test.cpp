#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "database.hpp"
#include "runtime/store/migrations.hpp"

namespace flow::runtime::store {
namespace {

using testing::DatabaseTest;
using Migrations = DatabaseTest;

int64_t recorded(Connection& db) {
  return db.exec("SELECT count(*) AS n FROM flow_schema_migrations").one().get<int64_t>("n");
}

TEST_F(Migrations, ApplyOnceThenNothing) {
  const int all = static_cast<int>(migrations().size());
  EXPECT_EQ(migrate(db()), all);
  EXPECT_EQ(migrate(db()), 0);
  EXPECT_EQ(recorded(db()), all);
  // The schema is there: a contact and an execution keyed by it.
  const int64_t contact =
      db().exec("INSERT INTO contacts (email) VALUES ($1) RETURNING id", "a@example.com").one().get<int64_t>("id");
  db().exec("INSERT INTO executions (contact_id, workflow_id, status) VALUES ($1, 1, 'RUNNING')", contact);
}

// Migration 4: a live execution's effect counter starts from the mails and webhook calls
// it queued before, so that the next key cannot repeat one of theirs; ended ones stay 0.
TEST_F(Migrations, TheEffectCounterStartsFromWhatWasQueued) {
  EXPECT_EQ(migrate(db(), 3), 3);
  const int64_t contact =
      db().exec("INSERT INTO contacts (email) VALUES ($1) RETURNING id", "a@example.com").one().get<int64_t>("id");
  const auto execution = [&](const char* status) {
    return db()
        .exec("INSERT INTO executions (contact_id, workflow_id, status) VALUES ($1, 1, $2) RETURNING id", contact,
              status)
        .one()
        .get<int64_t>("id");
  };
  const int64_t waiting = execution("WAITING"), ended = execution("COMPLETED");
  for (const int64_t id : {waiting, waiting, ended}) {
    db().exec("INSERT INTO outbox (contact_id, execution_id, message_id, to_address, from_address, subject, template) "
              "VALUES ($1, $2, gen_random_uuid()::text, 'a@example.com', 'b@example.com', 's', 't')",
              contact, id);
  }
  db().exec("INSERT INTO webhook_calls (contact_id, execution_id, idempotency_key, method, url, timeout_ms, "
            "max_attempts) VALUES ($1, $2, 'k', 'POST', 'https://example.com', 1000, 1)",
            contact, waiting);
  EXPECT_EQ(migrate(db()), static_cast<int>(migrations().size()) - 3);
  const auto effects = [&](int64_t id) {
    return db().exec("SELECT effects FROM executions WHERE id = $1", id).one().get<int32_t>("effects");
  };
  EXPECT_EQ(effects(waiting), 3) << "two mails and a webhook call";
  EXPECT_EQ(effects(ended), 0) << "an ended execution queues nothing more";
}

TEST_F(Migrations, ConcurrentRunsApplyEachMigrationOnce) {
  constexpr int kRunners = 4;
  std::vector<int> applied(kRunners);
  std::vector<std::thread> runners;
  for (int i = 0; i < kRunners; ++i)
    runners.emplace_back([&, i] {
      Connection connection = connect();
      applied[i] = migrate(connection);
    });
  for (std::thread& runner : runners) runner.join();
  int total = 0;
  for (int count : applied) total += count;
  EXPECT_EQ(total, static_cast<int>(migrations().size()));
  EXPECT_EQ(recorded(db()), static_cast<int64_t>(migrations().size()));
}

}  // namespace
}  // namespace flow::runtime::store
