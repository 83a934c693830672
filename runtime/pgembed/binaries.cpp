#include "runtime/pgembed/binaries.hpp"

#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>

namespace flow::runtime::pgembed {

namespace fs = std::filesystem;

namespace {

std::optional<int> parse_major(const std::string& name) {
  int major = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), major);
  if (error != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return major;
}

bool has_server(const fs::path& bin) {
  std::error_code ignored;
  return fs::exists(bin / "initdb", ignored) && fs::exists(bin / "pg_ctl", ignored) &&
         fs::exists(bin / "postgres", ignored);
}

}  // namespace

Binaries find_binaries(std::optional<int> major, const fs::path& root) {
  Binaries best;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root, error)) {
    const std::optional<int> found = parse_major(entry.path().filename().string());
    if (!found || (major && *found != *major) || *found <= best.major) continue;
    if (has_server(entry.path() / "bin")) best = {*found, entry.path() / "bin"};
  }
  if (best.major) return best;
  if (major)
    throw std::runtime_error("the managed database was created by PostgreSQL " + std::to_string(*major) +
                             ", whose server is not installed in " + (root / std::to_string(*major) / "bin").string() +
                             ": install the Debian package postgresql-" + std::to_string(*major) +
                             " (or pg_upgrade the cluster)");
  throw std::runtime_error("no PostgreSQL server found in " + (root / "<major>/bin").string() +
                           ": install the Debian package `postgresql`, or give flowd --database-url");
}

}  // namespace flow::runtime::pgembed
