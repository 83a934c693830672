#pragma once
// Old modules go once nothing can run them (docs/runtime.md, "Schema (migration 5)"). A
// module is retired when the last workflow running it moves to another module or is
// deleted (modules.retired_at), and deleted once it has been retired for a grace period and
// no RUNNING or WAITING execution runs it. The grace covers a /v1/track that read the
// workflow's old module just before the deploy committed and enrols with it just after:
// executions have no foreign key to modules, so nothing else would keep that module.
#include <chrono>
#include <cstdint>

#include "runtime/store/connection.hpp"

namespace flow::runtime::engine {

constexpr std::chrono::seconds kModuleGrace = std::chrono::hours(1);

// Serialises the transactions that change which modules workflows run (deploy, delete), so
// that retire_and_collect_modules sees each one's outcome whole: taken first in each.
void lock_deploys(store::Connection& conn);

// Inside a transaction holding lock_deploys, after its changes: retires the modules no
// workflow runs (from now), un-retires those one runs again (a reverted source has the old
// hash), then deletes the modules retired longer than `grace` ago that no live execution
// runs. Returns how many were deleted.
int64_t retire_and_collect_modules(store::Connection& conn, std::chrono::seconds grace = kModuleGrace);

}  // namespace flow::runtime::engine
