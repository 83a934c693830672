#pragma once
// The fixture of the engine tests: a schema of its own, migrated, and an Engine whose clock
// is `now_`, which the test moves.
#include "../database.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/store/migrations.hpp"

namespace flow::runtime::testing {

class EngineFixture : public DatabaseTest {
 protected:
  static constexpr double kStart = 1'700'000'000;  // 2023-11-14T22:13:20Z

  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    store::migrate(db());
  }

  double now_ = kStart;
  engine::Engine engine_{engine::Options{[this] { return now_; }}};
};

}  // namespace flow::runtime::testing
