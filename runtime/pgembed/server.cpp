#include "runtime/pgembed/server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "runtime/store/connection.hpp"

namespace flow::runtime::pgembed {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuperuser = "flow";
constexpr const char* kDatabase = "flow";
// Only names the socket file (.s.PGSQL.5432): there is no TCP listener to collide with.
constexpr int kPort = 5432;

std::string last_lines(const std::string& text, int count) {
  size_t start = text.size();
  while (count > 0 && start > 0) {
    start = text.find_last_of('\n', start - 2);
    start = start == std::string::npos ? 0 : start + 1;
    --count;
  }
  return text.substr(start);
}

// A value for a libpq conninfo string: single-quoted, with ' and \ escaped.
std::string conninfo_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// A value for postgresql.conf: single-quoted, with ' doubled.
std::string config_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? "''" : std::string(1, c);
  return out + "'";
}

// Whether the process named by a PostgreSQL lock file (postmaster.pid, the socket's .lock)
// is a live postgres. A dead pid, or one the kernel reused for another program after a
// SIGKILL, means the file is stale; PostgreSQL itself would refuse to start on the latter.
bool names_live_postgres(const fs::path& lock_file) {
  std::ifstream in(lock_file);
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", error);
  return error ? error == std::errc::permission_denied : exe.filename() == "postgres";
}

int cluster_major(const fs::path& cluster) {
  try {
    return std::stoi(read_text(cluster / "PG_VERSION"));
  } catch (const std::exception&) {
    throw std::runtime_error((cluster / "PG_VERSION").string() + " is unreadable: not a PostgreSQL cluster?");
  }
}

}  // namespace

Server::Server(fs::path data_dir, std::chrono::seconds timeout)
    : data_dir_(fs::absolute(data_dir)), socket_dir_(data_dir_ / "pg-run"), timeout_(timeout) {
  try {
    fs::create_directories(data_dir_);
    const fs::path lock_file = data_dir_ / "pg.lock";
    // O_CLOEXEC: the postmaster must not inherit the lock and keep it after flowd exits.
    lock_fd_ = open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd_ < 0) throw std::runtime_error("cannot open " + lock_file.string() + ": " + std::strerror(errno));
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
      throw std::runtime_error("another flowd is using the managed PostgreSQL in " + data_dir_.string());

    const std::string socket_file = (socket_dir_ / (".s.PGSQL." + std::to_string(kPort))).string();
    if (socket_file.size() >= sizeof(sockaddr_un{}.sun_path))
      throw std::runtime_error("data directory path too long for a Unix socket (" + socket_file +
                               "); choose a shorter one");
    owner_ = cluster_owner();
    if (!fs::exists(cluster_dir() / "PG_VERSION")) initdb();
    binaries_ = find_binaries(cluster_major(cluster_dir()));
    fs::create_directories(socket_dir_);
    fs::permissions(socket_dir_, fs::perms::owner_all);
    give_to(socket_dir_, owner_);
    write_settings();
    stop_leftover_postmaster();
    start();
    create_database();
  } catch (...) {
    try {
      stop();
    } catch (const std::exception&) {
      // Report the first failure, not the clean-up's.
    }
    if (lock_fd_ >= 0) close(lock_fd_);
    throw;
  }
  conninfo_ = conninfo_for(kDatabase);
}

Server::~Server() {
  try {
    stop();
  } catch (const std::exception&) {
    // A destructor cannot report; the next start recovers from a server left running.
  }
  close(lock_fd_);
}

std::string Server::failure(const std::string& what, const std::string& output) const {
  std::string message = what + ":\n" + output;
  const std::string log = last_lines(read_text(cluster_dir() / "server.log"), 8);
  if (!log.empty()) message += "server.log ends with:\n" + log;
  if (owner_)
    message += "(as root, PostgreSQL runs as `" + owner_->name + "`, which must be able to reach " +
               data_dir_.string() + ": every parent directory searchable)";
  return message;
}

// initdb writes into a temporary sibling that is renamed into place, so a crash during the
// first run never leaves a half-made cluster behind.
void Server::initdb() {
  if (fs::exists(cluster_dir()))
    throw std::runtime_error(cluster_dir().string() + " exists but is not a PostgreSQL cluster (no PG_VERSION)");
  const fs::path fresh = data_dir_ / "pg.initdb";
  fs::remove_all(fresh);
  fs::create_directory(fresh);
  give_to(fresh, owner_);
  const Binaries binaries = find_binaries();
  // Trust is safe: the only way in is the socket, in a directory only the owner can enter.
  // Locale C: byte-order collation, the same on every machine (indexes survive OS upgrades).
  const Outcome outcome = run({binaries.tool("initdb").string(), "-D", fresh.string(), "--username", kSuperuser,
                               "--auth-local=trust", "--auth-host=reject", "--encoding=UTF8", "--locale=C"},
                              owner_, data_dir_ / "pg-tool.log");
  if (outcome.exit_code != 0) throw std::runtime_error(failure("initdb failed", outcome.output));
  std::ofstream(fresh / "postgresql.conf", std::ios::app) << "\ninclude 'flow.conf'  # written by flowd at each start\n";
  fs::rename(fresh, cluster_dir());
}

// Rewritten at every start so the socket follows DATA_DIR if it was moved.
void Server::write_settings() const {
  const fs::path file = cluster_dir() / "flow.conf";
  std::ofstream(file) << "# Written by flowd (runtime/pgembed) at every start: no TCP, a private socket.\n"
                      << "listen_addresses = ''\n"
                      << "unix_socket_directories = " << config_value(socket_dir_.string()) << "\n"
                      << "port = " << kPort << "\n";
  give_to(file, owner_);
}

// We hold pg.lock, so no other flowd owns the cluster: a live postmaster is a leftover of
// a flowd that was killed (pg_ctl detaches it), and is stopped so this start applies the
// current settings; stale lock files are removed.
void Server::stop_leftover_postmaster() {
  const fs::path pid_file = cluster_dir() / "postmaster.pid";
  if (names_live_postgres(pid_file)) {
    shut_down("cannot stop a PostgreSQL left running by a killed flowd");
    return;
  }
  fs::remove(pid_file);
  const fs::path socket_lock = socket_dir_ / (".s.PGSQL." + std::to_string(kPort) + ".lock");
  if (!names_live_postgres(socket_lock)) fs::remove(socket_lock);
}

void Server::start() {
  // After a SIGKILLed postmaster its children take a moment to notice and exit; until they
  // do, PostgreSQL refuses to start ("pre-existing shared memory block is still in use").
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    const Outcome outcome = pg_ctl({"start", "-l", (cluster_dir() / "server.log").string()});
    if (outcome.exit_code == 0) break;
    if (attempt == kAttempts) throw std::runtime_error(failure("PostgreSQL did not start", outcome.output));
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
  }
  running_ = true;
}

void Server::create_database() const {
  store::Connection admin(conninfo_for("postgres"));
  if (admin.exec("SELECT 1 FROM pg_database WHERE datname = $1", kDatabase).empty())
    admin.exec(std::string("CREATE DATABASE ") + kDatabase);
}

void Server::stop() {
  if (!running_) return;
  running_ = false;
  shut_down("PostgreSQL did not stop");
}

void Server::shut_down(const std::string& what) const {
  const Outcome outcome = pg_ctl({"stop", "-m", "fast"});
  if (outcome.exit_code != 0) throw std::runtime_error(failure(what, outcome.output));
}

// pg_ctl `action` on the cluster, waiting (-w) at most the timeout, quietly (-s).
Outcome Server::pg_ctl(std::vector<std::string> action) const {
  std::vector<std::string> argv = {binaries_.tool("pg_ctl").string(), "-D", cluster_dir().string(), "-w", "-t",
                                   std::to_string(timeout_.count()), "-s"};
  argv.insert(argv.begin() + 1, action.begin(), action.end());
  return run(argv, owner_, data_dir_ / "pg-tool.log");
}

std::string Server::conninfo_for(const char* database) const {
  return "host=" + conninfo_value(socket_dir_.string()) + " port=" + std::to_string(kPort) + " user=" + kSuperuser +
         " dbname=" + database;
}

}  // namespace flow::runtime::pgembed
