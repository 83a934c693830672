#pragma once
// The fixture of the API tests: a DatabaseTest whose flowd (the real binary) serves a
// given flow text on the test's schema, and the check of the API's JSON error shape.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../database.hpp"
#include "flowd_process.hpp"
#include "temp_dir.hpp"

namespace flow::runtime::testing {

class FlowdApiTest : public DatabaseTest {
 protected:
  // Writes `flow` as the only .flow file and starts flowd with `extra` flags; false (with
  // the log on the failure) when it does not come up.
  ::testing::AssertionResult start_flowd(const std::string& flow, const std::vector<std::string>& extra = {}) {
    std::filesystem::create_directories(dir_.path() / "flows");
    std::ofstream(dir_.path() / "flows" / "main.flow") << flow;
    if (!server_) server_ = std::make_unique<FlowdProcess>(dir_.path(), dir_.path() / "flows", conninfo());
    if (server_->start_and_wait(extra)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "flowd did not start:\n" << server_->log();
  }
  FlowdProcess& server() { return *server_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::unique_ptr<FlowdProcess> server_;
};

inline void expect_json_error(const HttpResponse& response, long status) {
  EXPECT_EQ(response.status, status) << response.body;
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << response.body;
  EXPECT_EQ(body["success"], false);
  EXPECT_TRUE(body["error"]["code"].is_string()) << response.body;
  EXPECT_TRUE(body["error"]["message"].is_string()) << response.body;
}

}  // namespace flow::runtime::testing
