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
