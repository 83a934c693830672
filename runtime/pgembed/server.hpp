#pragma once
// The managed local PostgreSQL of `flowd serve` without --database-url: one private
// cluster under DATA_DIR, reachable only through a Unix socket inside DATA_DIR.
//
//   DATA_DIR/pg        the cluster (initdb on first run; server log in pg/server.log)
//   DATA_DIR/pg-run    the socket directory
//   DATA_DIR/pg.lock   flock held while a Server owns the cluster
//
// As root the cluster belongs to the `postgres` system user, which must be able to reach
// DATA_DIR (every parent directory searchable by it).
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/pgembed/binaries.hpp"
#include "runtime/pgembed/process.hpp"

namespace flow::runtime::pgembed {

class Server {
 public:
  // Creates the cluster and the database `flow` on first run, starts the server and waits
  // until it accepts connections. A postmaster left over from a killed flowd is stopped
  // and restarted; a stale postmaster.pid is removed. Throws std::runtime_error.
  explicit Server(std::filesystem::path data_dir, std::chrono::seconds timeout = std::chrono::seconds(60));
  // Stops the server (fast shutdown); errors are swallowed, call stop() to see them.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // libpq conninfo of the database `flow`.
  const std::string& conninfo() const { return conninfo_; }
  std::filesystem::path cluster_dir() const { return data_dir_ / "pg"; }
  void stop();

 private:
  void initdb();
  void write_settings() const;
  void stop_leftover_postmaster();
  void start();
  void create_database() const;
  void shut_down(const std::string& what) const;
  Outcome pg_ctl(std::vector<std::string> action) const;
  std::string conninfo_for(const char* database) const;
  // `what` went wrong: the tool's output, the end of the server log, and a hint for root.
  std::string failure(const std::string& what, const std::string& output) const;

  std::filesystem::path data_dir_, socket_dir_;
  std::chrono::seconds timeout_;
  std::optional<SystemUser> owner_;
  Binaries binaries_;
  int lock_fd_ = -1;
  bool running_ = false;
  std::string conninfo_;
};

}  // namespace flow::runtime::pgembed
