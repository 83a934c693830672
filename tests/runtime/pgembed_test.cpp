#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/pgembed/server.hpp"
#include "runtime/store/connection.hpp"
#include "runtime/store/error.hpp"

namespace flow::runtime::pgembed {
namespace {

namespace fs = std::filesystem;

class Pgembed : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      find_binaries();
    } catch (const std::exception& error) {
      GTEST_SKIP() << error.what();
    }
    char path[] = "/tmp/flow-pgembed-XXXXXX";
    ASSERT_NE(mkdtemp(path), nullptr);
    dir_ = path;
    // As root the cluster runs as `postgres`, which must be able to enter the directory.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string database_of(const Server& server) {
    store::Connection connection(server.conninfo());
    return connection.exec("SELECT current_database() AS name").one().get<std::string>("name");
  }

  pid_t postmaster_pid(const Server& server) {
    std::ifstream in(server.cluster_dir() / "postmaster.pid");
    pid_t pid = 0;
    in >> pid;
    return pid;
  }

  fs::path dir_;
};

TEST_F(Pgembed, CreateStartConnectStop) {
  std::string conninfo;
  {
    Server server(dir_);
    conninfo = server.conninfo();
    EXPECT_EQ(database_of(server), "flow");
    store::Connection connection(server.conninfo());
    EXPECT_EQ(connection.exec("SHOW listen_addresses").one().get<std::string>(0), "") << "no TCP";
    EXPECT_EQ(connection.exec("SELECT current_setting('data_directory') AS d").one().get<std::string>("d"),
              server.cluster_dir().string());
  }
  EXPECT_THROW(store::Connection{conninfo}, store::Error) << "stopped with the Server";
  Server again(dir_);  // second run: no initdb, same database
  EXPECT_EQ(database_of(again), "flow");
}

TEST_F(Pgembed, StartsAgainAfterThePostmasterWasKilled) {
  {
    Server server(dir_);
    const pid_t pid = postmaster_pid(server);
    ASSERT_GT(pid, 0);
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    while (kill(pid, 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }  // its stop fails quietly: there is nothing left to stop
  ASSERT_TRUE(fs::exists(dir_ / "pg" / "postmaster.pid")) << "the test needs a stale pid file";
  Server server(dir_);
  EXPECT_EQ(database_of(server), "flow");
}

// flowd itself killed: pg_ctl detached the postmaster, which keeps running.
TEST_F(Pgembed, TakesOverAPostmasterLeftByAKilledFlowd) {
  const pid_t child = fork();
  if (child == 0) {
    new Server(dir_);  // never destroyed: the process dies like a SIGKILLed flowd
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  Server server(dir_);
  EXPECT_EQ(database_of(server), "flow");
}

TEST_F(Pgembed, OneServerPerDataDirectory) {
  Server server(dir_);
  try {
    Server second(dir_);
    FAIL() << "two Servers on one data directory";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("another flowd"), std::string::npos) << error.what();
  }
}

TEST(PgembedBinaries, AClearErrorNamesThePackage) {
  try {
    find_binaries(std::nullopt, "/nonexistent");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("postgresql"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace flow::runtime::pgembed
