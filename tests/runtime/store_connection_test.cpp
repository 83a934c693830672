#include <gtest/gtest.h>

#include "database.hpp"
#include "runtime/store/error.hpp"

namespace flow::runtime::store {
namespace {

using testing::DatabaseTest;
using Store = DatabaseTest;

TEST_F(Store, ParametersRoundTrip) {
  const Bytes binary{std::string("a\0b\xff\0", 5)};
  const Row row = db().exec("SELECT $1::text AS text, $2::text AS missing, $3::bytea AS bytes, "
                            "($4::jsonb -> 'name')::text AS name, $5::bigint AS big, $6::boolean AS flag, "
                            "$7::float8 AS ratio",
                            std::string("héllo 'quoted'; --"), std::optional<std::string>(), binary,
                            R"({"name": "Ada", "n": 1})", int64_t{9007199254740993}, true, 0.1)
                        .one();
  EXPECT_EQ(row.get<std::string>("text"), "héllo 'quoted'; --");
  EXPECT_TRUE(row.is_null("missing"));
  EXPECT_EQ(row.get<std::optional<std::string>>("missing"), std::nullopt);
  EXPECT_EQ(row.get<Bytes>("bytes"), binary);
  EXPECT_EQ(row.get<std::string>("name"), "\"Ada\"");
  EXPECT_EQ(row.get<int64_t>("big"), 9007199254740993);
  EXPECT_TRUE(row.get<bool>("flag"));
  EXPECT_EQ(row.get<double>(6), 0.1);
}

// Array parameters built element by element come back element for element through unnest:
// NULLs, text that looks like array syntax or NULL, bytes with NULs, exact doubles.
TEST_F(Store, ArrayLiteralsRoundTripThroughUnnest) {
  const Bytes binary{std::string("a\0\\\"\xff", 5)};
  const std::string odd = R"({"a, b"} NULL \ ')";
  ArrayLiteral numbers, texts, bytes, ratios, flags;
  numbers.add(int64_t{9007199254740993}), numbers.add(std::nullopt);
  texts.add(odd), texts.add(std::string("NULL"));
  bytes.add(binary), bytes.add(std::optional<Bytes>());
  ratios.add(0.1), ratios.add(std::optional<double>(-2.5e-300));
  flags.add(true), flags.add(false);
  const auto rows = db().exec("SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::float8[], "
                              "$5::boolean[]) WITH ORDINALITY AS x(n, t, b, r, f, i) ORDER BY i",
                              numbers.literal(), texts.literal(), bytes.literal(), ratios.literal(), flags.literal());
  ASSERT_EQ(rows.size(), 2);
  const Row first = rows[0], second = rows[1];
  EXPECT_EQ(first.get<int64_t>("n"), 9007199254740993);
  EXPECT_TRUE(second.is_null("n"));
  EXPECT_EQ(first.get<std::string>("t"), odd);
  EXPECT_EQ(second.get<std::string>("t"), "NULL") << "text, not a NULL";
  EXPECT_EQ(first.get<Bytes>("b"), binary);
  EXPECT_TRUE(second.is_null("b"));
  EXPECT_EQ(first.get<double>("r"), 0.1);
  EXPECT_EQ(second.get<double>("r"), -2.5e-300);
  EXPECT_TRUE(first.get<bool>("f"));
  EXPECT_FALSE(second.get<bool>("f"));
}

TEST_F(Store, ReadingNullIntoAValueNamesTheColumn) {
  const Row row = db().exec("SELECT NULL::text AS nickname").one();
  try {
    row.get<std::string>("nickname");
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("nickname"), std::string::npos) << error.what();
  }
  EXPECT_THROW(row.get<std::string>("no_such_column"), Error);
}

TEST_F(Store, ErrorsCarryTheSqlstate) {
  db().exec("CREATE TABLE t (id integer PRIMARY KEY)");
  db().exec("INSERT INTO t VALUES ($1)", 1);
  try {
    db().exec("INSERT INTO t VALUES ($1)", 1);
    FAIL() << "expected a unique violation";
  } catch (const Error& error) {
    EXPECT_EQ(error.sqlstate(), "23505");
    EXPECT_FALSE(error.connection_lost());
    EXPECT_NE(std::string(error.what()).find("duplicate key"), std::string::npos) << error.what();
  }
  try {
    db().exec("SELEC 1");
    FAIL() << "expected a syntax error";
  } catch (const Error& error) {
    EXPECT_EQ(error.sqlstate(), "42601");
  }
  EXPECT_EQ(db().exec("SELECT 1 AS one").one().get<int32_t>("one"), 1) << "the session survives errors";
}

TEST_F(Store, AnUnreachableServerIsAClearConnectionError) {
  try {
    Connection("host=/nonexistent/socket/dir connect_timeout=2");
    FAIL() << "expected a connection error";
  } catch (const Error& error) {
    EXPECT_EQ(error.sqlstate(), "08001");
    EXPECT_TRUE(error.connection_lost());
    EXPECT_NE(std::string(error.what()).find("cannot connect to PostgreSQL"), std::string::npos) << error.what();
  }
}

TEST_F(Store, AffectedRowsAndIteration) {
  db().exec("CREATE TABLE t (id integer)");
  EXPECT_EQ(db().exec("INSERT INTO t SELECT generate_series(1, 3)").affected_rows(), 3);
  int sum = 0;
  for (const Row row : db().exec("SELECT id FROM t ORDER BY id")) sum += row.get<int32_t>("id");
  EXPECT_EQ(sum, 6);
}

}  // namespace
}  // namespace flow::runtime::store
