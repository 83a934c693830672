#pragma once
// Loaded programs by module hash. A Program is immutable and a hash names exactly one module,
// so a cached Program is never stale and may be shared by every worker thread.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "bytecode/module.hpp"
#include "runtime/store/connection.hpp"
#include "vm/program.hpp"

namespace flow::runtime::engine {

class ProgramCache {
 public:
  // The program of the module stored under `hash` (the modules table); read and loaded on
  // first use. Throws Refused when there is no such module or it does not load.
  std::shared_ptr<const vm::Program> get(store::Connection& conn, uint64_t hash);

 private:
  std::mutex mutex_;
  std::map<uint64_t, std::shared_ptr<const vm::Program>> programs_;
};

// The module stored under `hash`, read and deserialised (for the API: graphs, templates).
// Throws Refused when there is no such module or it does not load.
bytecode::Module load_module(store::Connection& conn, uint64_t hash);

}  // namespace flow::runtime::engine
