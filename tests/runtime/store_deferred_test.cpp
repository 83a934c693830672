#include <gtest/gtest.h>

#include <stdexcept>

#include "database.hpp"
#include "runtime/store/error.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::store {
namespace {

using testing::DatabaseTest;
using Deferred = DatabaseTest;

TEST_F(Deferred, StatementsRunInOrderWithTheNextExecAndKeepTheirResults) {
  db().exec("CREATE TABLE t (id integer PRIMARY KEY, note text)");
  const auto first = db().defer("INSERT INTO t VALUES ($1, $2) RETURNING id", 1, "one");
  const auto second = db().defer("UPDATE t SET note = note || $1 WHERE id = 1 RETURNING note", "+two");
  EXPECT_THROW(first.result(), std::logic_error);  // not sent yet
  Connection other = connect();
  EXPECT_EQ(rows_in(other, "t"), 0);
  const auto seen = db().exec("SELECT note FROM t WHERE id = $1", 1);
  EXPECT_EQ(seen.one().get<std::string>("note"), "one+two");
  EXPECT_EQ(first.result().one().get<int32_t>("id"), 1);
  EXPECT_EQ(second.result().one().get<std::string>("note"), "one+two");
}

TEST_F(Deferred, TheFirstErrorIsThrownByTheNextExecAndLaterStatementsDoNotRun) {
  db().exec("CREATE TABLE t (id integer PRIMARY KEY)");
  db().defer("INSERT INTO t VALUES (1)");
  db().defer("INSERT INTO t VALUES (1)");  // a duplicate key
  const auto after = db().defer("INSERT INTO t VALUES (2)");
  db().defer("SELECT 1/0");  // would fail too, had it run
  try {
    db().exec("SELECT 1");
    FAIL() << "the duplicate key must be reported by the exec that sent it";
  } catch (const Error& error) {
    EXPECT_EQ(error.sqlstate(), "23505");
  }
  EXPECT_THROW(after.result(), std::logic_error);
  // One implicit transaction per round trip outside BEGIN: nothing of it was kept, and the
  // session is usable again.
  EXPECT_EQ(rows_in(db(), "t"), 0);
  EXPECT_FALSE(db().in_transaction());
}

TEST_F(Deferred, ATransactionWhoseDeferredWriteFailsRollsBackAtCommit) {
  db().exec("CREATE TABLE t (id integer PRIMARY KEY)");
  db().exec("INSERT INTO t VALUES (1)");
  {
    Transaction transaction(db());
    db().defer("INSERT INTO t VALUES (2)");
    db().defer("INSERT INTO t VALUES (1)");
    EXPECT_THROW(transaction.commit(), Error);
    EXPECT_FALSE(db().in_transaction()) << "the failed transaction must not stay open on the session";
  }
  EXPECT_EQ(rows_in(db(), "t"), 1);
  with_transaction(db(), [](Connection& c) { c.defer("INSERT INTO t VALUES (3)"); });
  EXPECT_EQ(rows_in(db(), "t"), 2);
}

TEST_F(Deferred, BeginGoesOutWithTheFirstStatementAndAnUnusedTransactionCostsNothing) {
  db().exec("CREATE TABLE t (id integer)");
  {
    Transaction transaction(db());
    EXPECT_FALSE(db().in_transaction());
  }
  EXPECT_FALSE(db().in_transaction());
  Transaction transaction(db());
  db().defer("INSERT INTO t VALUES (1)");
  db().exec("SELECT 1");
  EXPECT_TRUE(db().in_transaction());
  Connection other = connect();
  EXPECT_EQ(rows_in(other, "t"), 0) << "still inside the transaction";
  transaction.commit();
  EXPECT_EQ(rows_in(other, "t"), 1);
}

TEST_F(Deferred, NotifyOnCommitIsHeardOnlyAfterTheCommit) {
  Connection listener = connect();
  listener.listen("deferred_test");
  {
    Transaction transaction(db());
    db().notify_on_commit("deferred_test", "rolled back");
    db().exec("SELECT 1");  // the NOTIFY has run, inside the transaction
  }
  Transaction transaction(db());
  db().notify_on_commit("deferred_test", "committed");
  db().exec("SELECT 1");
  EXPECT_EQ(listener.wait_for_notification(std::chrono::milliseconds(200)), std::nullopt) << "not before the commit";
  transaction.commit();
  const auto heard = listener.wait_for_notification(std::chrono::seconds(10));
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->payload, "committed") << "the rolled-back one never arrives";
}

// A statement that cannot even be prepared fails before anything is sent: the queue,
// BEGIN included, is kept, and the transaction goes on whole.
TEST_F(Deferred, AStatementThatFailsToPrepareLosesNothingQueued) {
  db().exec("CREATE TABLE t (id integer)");
  Transaction transaction(db());
  db().defer("INSERT INTO t VALUES (1)");
  EXPECT_THROW(db().exec("SELEC 1"), Error);
  db().exec("INSERT INTO t VALUES (2)");
  EXPECT_TRUE(db().in_transaction());
  transaction.commit();
  EXPECT_EQ(rows_in(db(), "t"), 2);
}

}  // namespace
}  // namespace flow::runtime::store
