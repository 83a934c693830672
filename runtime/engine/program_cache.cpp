#include "runtime/engine/program_cache.hpp"

#include "bytecode/module_io.hpp"
#include "runtime/engine/error.hpp"

namespace flow::runtime::engine {

bytecode::Module load_module(store::Connection& conn, uint64_t hash) {
  // bigint is signed: the hash's bits are stored as they are.
  const auto rows = conn.exec("SELECT bytes FROM modules WHERE hash = $1", static_cast<int64_t>(hash));
  if (rows.empty()) throw Refused("no stored module " + std::to_string(hash));
  const auto stored = rows.one().get<store::Bytes>("bytes");
  auto module = bytecode::deserialize(std::vector<uint8_t>(stored.data.begin(), stored.data.end()));
  if (auto* error = std::get_if<bytecode::LoadError>(&module)) throw Refused("stored module: " + error->message);
  return std::move(std::get<bytecode::Module>(module));
}

std::shared_ptr<const vm::Program> ProgramCache::get(store::Connection& conn, uint64_t hash) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = programs_.find(hash); it != programs_.end()) return it->second;
  }
  // Loading happens outside the lock: two threads may load the same module once each, and
  // the first to insert wins; that is cheaper than serialising every load.
  auto loaded = vm::Program::load(load_module(conn, hash));
  if (auto* error = std::get_if<vm::Program::Error>(&loaded)) throw Refused("stored module: " + error->message);
  auto program = std::make_shared<const vm::Program>(std::move(std::get<vm::Program>(loaded)));
  std::lock_guard lock(mutex_);
  return programs_.emplace(hash, std::move(program)).first->second;
}

}  // namespace flow::runtime::engine
