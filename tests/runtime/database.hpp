#pragma once
// A fixture for tests that need PostgreSQL: connects through the libpq environment
// (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE — what pg_virtualenv sets), skips with
// the reason when nothing answers, and gives each test a schema of its own so tests can
// run in parallel against one database.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/store/connection.hpp"

namespace flow::runtime::testing {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new session whose search_path is this test's schema.
  store::Connection connect() const;
  store::Connection& db() { return *db_; }
  const std::string& conninfo() const { return conninfo_; }
  // count(*) of `table` as `conn` sees it (its own transaction's rows included).
  static int64_t rows_in(store::Connection& conn, const std::string& table) {
    return conn.exec("SELECT count(*) AS n FROM " + table).one().get<int64_t>("n");
  }

 private:
  std::string schema_, conninfo_;
  std::optional<store::Connection> db_;
};

}  // namespace flow::runtime::testing
