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
  // Tracks leave new executions to run_due, which the tests call, so that the activations
  // of the worker's path are what they test; tests of starting in the track set it.
  engine::Engine engine_{engine::Options{.clock = [this] { return now_; }, .start_on_track = false}};
};

}  // namespace flow::runtime::testing
