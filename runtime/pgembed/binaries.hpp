#pragma once
// Debian's PostgreSQL server binaries: /usr/lib/postgresql/<major>/bin (package
// `postgresql`, which depends on the current `postgresql-<major>`).
#include <filesystem>
#include <optional>

namespace flow::runtime::pgembed {

struct Binaries {
  int major = 0;
  std::filesystem::path dir;  // holds initdb, pg_ctl, postgres
  std::filesystem::path tool(const char* name) const { return dir / name; }
};

// The highest installed major, or exactly `major` (a cluster only runs on the major that
// created it). Throws std::runtime_error naming the package to install.
Binaries find_binaries(std::optional<int> major = std::nullopt,
                       const std::filesystem::path& root = "/usr/lib/postgresql");

}  // namespace flow::runtime::pgembed
