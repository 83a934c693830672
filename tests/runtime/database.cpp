#include "database.hpp"

#include <unistd.h>

#include <cstdlib>

#include "runtime/store/error.hpp"

namespace flow::runtime::testing {

namespace {

std::string environment() {
  std::string out;
  for (const char* name : {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE"}) {
    const char* value = std::getenv(name);
    out += std::string(out.empty() ? "" : " ") + name + "=" + (value ? value : "(unset)");
  }
  return out;
}

}  // namespace

void DatabaseTest::SetUp() {
  try {
    db_.emplace("connect_timeout=5");
  } catch (const store::Error& error) {
    GTEST_SKIP() << "no PostgreSQL reachable through the libpq environment (" << environment() << "): "
                 << error.what() << "\nRun tests/runtime/run.sh, which provides one with pg_virtualenv.";
  }
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  schema_ = "flow_test_" + std::to_string(getpid()) + "_" + test->name();
  // An identifier: a parameterised test's name has a '/'.
  for (char& c : schema_) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  db_->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  db_->exec("CREATE SCHEMA " + schema_);
  conninfo_ = "connect_timeout=5 options='-csearch_path=" + schema_ + "'";
  db_.emplace(conninfo_);
}

void DatabaseTest::TearDown() {
  if (!db_ || schema_.empty()) return;
  try {
    connect().exec("DROP SCHEMA " + schema_ + " CASCADE");
  } catch (const store::Error&) {
    // A throwaway cluster: a leftover schema is harmless.
  }
}

store::Connection DatabaseTest::connect() const { return store::Connection(conninfo_); }

}  // namespace flow::runtime::testing
