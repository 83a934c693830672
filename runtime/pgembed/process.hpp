#pragma once
// Runs PostgreSQL's tools (initdb, pg_ctl) as the user that owns the cluster. PostgreSQL
// refuses to run as root, so when flowd is root the cluster belongs to Debian's `postgres`
// system user and the tools run through `runuser -u postgres --`.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace flow::runtime::pgembed {

struct SystemUser {
  std::string name;
  uid_t uid;
  gid_t gid;
};

// The user the cluster runs as: nullopt for "this process's user", `postgres` when root.
std::optional<SystemUser> cluster_owner();

// Gives `path` to `owner` (no-op for nullopt), so PostgreSQL can write it.
void give_to(const std::filesystem::path& path, const std::optional<SystemUser>& owner);

struct Outcome {
  int exit_code;       // -1 when killed by a signal
  std::string output;  // stdout and stderr, for error messages
};

// Runs `argv` as `owner` with a minimal environment (no inherited PG* variables redirect
// the tools) and no inherited file descriptors, waits for it, and returns its outcome.
// `output_file` receives the output (a file rather than a pipe: pg_ctl's postmaster
// outlives the command and must not hold our end open).
Outcome run(const std::vector<std::string>& argv, const std::optional<SystemUser>& owner,
            const std::filesystem::path& output_file);

// The whole of a text file ("" when unreadable): tool output, the server log.
std::string read_text(const std::filesystem::path& path);

}  // namespace flow::runtime::pgembed
