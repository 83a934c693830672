#include "runtime/delivery/eml_file_mailer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

namespace flow::runtime::delivery {

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void throw_errno(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("write " + path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

EmlFileMailer::EmlFileMailer(std::filesystem::path data_dir, Clock clock)
    : directory_(std::move(data_dir) / "mail"), clock_(std::move(clock)) {}

EmlFileMailer::~EmlFileMailer() {
  if (directory_fd_ >= 0) ::close(directory_fd_);
}

int EmlFileMailer::directory_fd() {
  // The path may name another directory now (`mv mail mail.old && mkdir mail`) or none
  // (removed): then open it again rather than write where nobody looks.
  struct stat now {};
  if (directory_fd_ >= 0 && (::stat(directory_.c_str(), &now) != 0 || now.st_ino != directory_id_.st_ino ||
                             now.st_dev != directory_id_.st_dev)) {
    ::close(std::exchange(directory_fd_, -1));
  }
  if (directory_fd_ >= 0) return directory_fd_;
  std::filesystem::create_directories(directory_);
  directory_fd_ = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd_ < 0 || ::fstat(directory_fd_, &directory_id_) != 0) throw_errno("open " + directory_.string());
  return directory_fd_;
}

// Write to a temporary name in the same directory, flush to disk, rename over the final
// name (atomic), then flush the directory so the rename itself survives a crash: once
// send() reports success the row may be marked SENT.
void EmlFileMailer::write_atomically(const std::string& name, std::string_view bytes) {
  // A name no other writer (mailer or flowd process) uses; the dot hides it from `*.eml`.
  static const std::string pid = std::to_string(::getpid());
  static std::atomic<unsigned> counter{0};
  const std::string temp = "." + name + "." + pid + "." + std::to_string(counter++) + ".tmp";
  Fd file{::openat(directory_fd(), temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (file.fd < 0) throw_errno("create " + (directory_ / temp).string());
  try {
    write_all(file.fd, bytes, temp);
    if (::fsync(file.fd) != 0) throw_errno("fsync " + temp);
    if (::renameat(directory_fd_, temp.c_str(), directory_fd_, name.c_str()) != 0) throw_errno("rename to " + name);
  } catch (...) {
    ::unlinkat(directory_fd_, temp.c_str(), 0);
    throw;
  }
  if (::fsync(directory_fd_) != 0) throw_errno("fsync " + directory_.string());
}

SendResult EmlFileMailer::send(const OutgoingEmail& email) {
  std::string message, name;
  try {
    message = build_mime(email, clock_());
    name = message_id_token(email.message_id) + ".eml";
  } catch (const InvalidEmail& error) {
    return {.ok = false, .permanent_failure = true, .message = error.what()};
  }
  // A full disk or a missing permission may be fixed by an operator: retryable.
  try {
    write_atomically(name, message);
  } catch (const std::exception& error) {
    return {.ok = false, .permanent_failure = false, .message = error.what()};
  }
  return {.ok = true, .permanent_failure = false, .message = "written " + (directory_ / name).string()};
}

}  // namespace flow::runtime::delivery
