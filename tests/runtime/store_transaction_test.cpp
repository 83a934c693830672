#include <gtest/gtest.h>

#include <stdexcept>

#include "database.hpp"
#include "runtime/store/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::store {
namespace {

using testing::DatabaseTest;
using Transactions = DatabaseTest;

TEST_F(Transactions, RollBackWhenLeftByAnException) {
  db().exec("CREATE TABLE t (id integer)");
  try {
    Transaction transaction(db());
    db().exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("work failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(rows_in(db(), "t"), 0);
  {
    Transaction transaction(db());
    db().exec("INSERT INTO t VALUES (1)");
    transaction.commit();
  }
  EXPECT_EQ(rows_in(db(), "t"), 1);
}

TEST_F(Transactions, CommitAfterAFailedStatementThrows) {
  db().exec("CREATE TABLE t (id integer PRIMARY KEY)");
  Transaction transaction(db());
  db().exec("INSERT INTO t VALUES (1)");
  EXPECT_THROW(db().exec("INSERT INTO t VALUES (1)"), Error);
  try {
    transaction.commit();
    FAIL() << "PostgreSQL turned COMMIT into ROLLBACK; commit() must say so";
  } catch (const Error& error) {
    EXPECT_EQ(error.sqlstate(), "25P02");
  }
  EXPECT_EQ(rows_in(db(), "t"), 0);
}

// Write skew under SERIALIZABLE: both transactions read the whole table and insert. The
// other one commits while ours is in flight, so ours fails with 40001 and is run again.
TEST_F(Transactions, RetryASerializationFailure) {
  db().exec("CREATE TABLE t (id integer)");
  Connection other = connect();
  int attempts = 0;
  const int64_t seen = with_transaction(
      db(),
      [&](Connection& db) {
        ++attempts;
        const int64_t before = rows_in(db, "t");
        if (attempts == 1) {
          with_transaction(
              other,
              [](Connection& db) {
                rows_in(db, "t");
                db.exec("INSERT INTO t VALUES (2)");
              },
              {.isolation = Isolation::Serializable});
        }
        db.exec("INSERT INTO t VALUES (1)");
        return before;
      },
      {.isolation = Isolation::Serializable});
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(seen, 1) << "the retry sees the other transaction's row";
  EXPECT_EQ(rows_in(db(), "t"), 2);
}

TEST_F(Transactions, ReconnectAndRetryAfterALostConnection) {
  db().exec("CREATE TABLE t (id integer)");
  Connection killer = connect();
  int attempts = 0;
  with_transaction(db(), [&](Connection& db) {
    if (++attempts == 1) killer.exec("SELECT pg_terminate_backend($1)", db.backend_pid());
    db.exec("INSERT INTO t VALUES (1)");
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(rows_in(db(), "t"), 1);
}

// The same when the session is lost with everything deferred: BEGIN, the write and COMMIT
// meet a dead session in one round trip, which is retried whole.
TEST_F(Transactions, ReconnectAndRetryWhenTheLostRoundTripCarriedDeferredWrites) {
  db().exec("CREATE TABLE t (id integer)");
  Connection killer = connect();
  int attempts = 0;
  with_transaction(db(), [&](Connection& db) {
    db.defer("INSERT INTO t VALUES (1)");
    if (++attempts == 1) killer.exec("SELECT pg_terminate_backend($1)", db.backend_pid());
  });
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(rows_in(db(), "t"), 1);
  EXPECT_EQ(db().exec("SELECT 1 AS one").one().get<int32_t>("one"), 1) << "the session works again";
}

TEST_F(Transactions, OtherErrorsAreNotRetried) {
  int attempts = 0;
  try {
    with_transaction(db(), [&](Connection& db) {
      ++attempts;
      db.exec("SELECT 1/0");
    });
    FAIL() << "expected division by zero";
  } catch (const Error& error) {
    EXPECT_EQ(error.sqlstate(), "22012");
  }
  EXPECT_EQ(attempts, 1);
}

}  // namespace
}  // namespace flow::runtime::store
