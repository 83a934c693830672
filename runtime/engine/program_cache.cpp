#include "runtime/engine/program_cache.hpp"

#include "bytecode/module_io.hpp"
#include "runtime/engine/error.hpp"

namespace flow::runtime::engine {

std::shared_ptr<const vm::Program> ProgramCache::get(uint64_t hash, const store::Bytes& module_bytes) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = programs_.find(hash); it != programs_.end()) return it->second;
  }
  // Loading happens outside the lock: two threads may load the same module once each, and
  // the first to insert wins; that is cheaper than serialising every load.
  const std::vector<uint8_t> bytes(module_bytes.data.begin(), module_bytes.data.end());
  auto module = bytecode::deserialize(bytes);
  if (auto* error = std::get_if<bytecode::LoadError>(&module)) throw Refused("stored module: " + error->message);
  auto loaded = vm::Program::load(std::move(std::get<bytecode::Module>(module)));
  if (auto* error = std::get_if<vm::Program::Error>(&loaded)) throw Refused("stored module: " + error->message);
  auto program = std::make_shared<const vm::Program>(std::move(std::get<vm::Program>(loaded)));
  std::lock_guard lock(mutex_);
  return programs_.emplace(hash, std::move(program)).first->second;
}

}  // namespace flow::runtime::engine
