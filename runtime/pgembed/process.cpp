#include "runtime/pgembed/process.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace flow::runtime::pgembed {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRunuser = "/usr/sbin/runuser";  // util-linux, always on Debian

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<SystemUser> cluster_owner() {
  if (geteuid() != 0) return std::nullopt;
  const passwd* user = getpwnam("postgres");
  if (!user)
    throw std::runtime_error(
        "running as root, but there is no `postgres` system user to run PostgreSQL as "
        "(it comes with the Debian package `postgresql`)");
  return SystemUser{user->pw_name, user->pw_uid, user->pw_gid};
}

void give_to(const fs::path& path, const std::optional<SystemUser>& owner) {
  if (owner && chown(path.c_str(), owner->uid, owner->gid) != 0) fail("cannot chown " + path.string());
}

Outcome run(const std::vector<std::string>& argv, const std::optional<SystemUser>& owner,
            const fs::path& output_file) {
  std::vector<std::string> command;
  if (owner) command = {kRunuser, "-u", owner->name, "--"};
  command.insert(command.end(), argv.begin(), argv.end());
  std::vector<char*> args;
  for (std::string& arg : command) args.push_back(arg.data());
  args.push_back(nullptr);
  char path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char locale_env[] = "LC_ALL=C";
  char* env[] = {path_env, locale_env, nullptr};

  // Everything the child needs is prepared before fork: flowd is multi-threaded, so the
  // child may only make async-signal-safe calls until exec.
  const int output = open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (output < 0) fail("cannot create " + output_file.string());
  const int input = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(input, 0);
    dup2(output, 1);
    dup2(output, 2);
    // The postmaster must not inherit flowd's sockets or locks: it outlives flowd.
    close_range(3, ~0U, 0);
    execve(args[0], args.data(), env);
    _exit(127);
  }
  close(input);
  close(output);
  if (pid < 0) fail("cannot fork to run " + argv.front());
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail("waiting for " + argv.front());
  std::string text = read_text(output_file);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && text.empty()) text = "cannot execute " + command.front();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, std::move(text)};
}

}  // namespace flow::runtime::pgembed
