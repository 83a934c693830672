#pragma once
// Loaded programs by module hash. A Program is immutable and a hash names exactly one module,
// so a cached Program is never stale and may be shared by every worker thread.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "runtime/store/param.hpp"
#include "vm/program.hpp"

namespace flow::runtime::engine {

class ProgramCache {
 public:
  // The program for `module_bytes` (a workflows.module value whose hash is `hash`); loads it
  // on first use. Throws Refused when the stored module does not load.
  std::shared_ptr<const vm::Program> get(uint64_t hash, const store::Bytes& module_bytes);

 private:
  std::mutex mutex_;
  std::map<uint64_t, std::shared_ptr<const vm::Program>> programs_;
};

}  // namespace flow::runtime::engine
