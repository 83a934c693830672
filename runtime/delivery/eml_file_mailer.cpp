#include "runtime/delivery/eml_file_mailer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

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

void fsync_directory(const std::string& path) {
  Fd directory{::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (directory.fd < 0 || ::fsync(directory.fd) != 0) throw_errno("fsync " + path);
}

// Write to a temporary name in the same directory, flush to disk, rename over the final
// name (atomic), then flush the directory so the rename itself survives a crash: once
// send() reports success the row may be marked SENT.
void write_file_atomically(const std::filesystem::path& directory, const std::string& name, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  const std::string final_path = (directory / name).string();
  // A name no other writer (thread or flowd process) uses; the dot hides it from `*.eml`.
  const std::string temp_path =
      (directory / ("." + name + "." + std::to_string(::getpid()) + "." + std::to_string(counter++) + ".tmp")).string();
  {
    Fd file{::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (file.fd < 0) throw_errno("create " + temp_path);
    try {
      write_all(file.fd, bytes, temp_path);
      if (::fsync(file.fd) != 0) throw_errno("fsync " + temp_path);
    } catch (...) {
      ::unlink(temp_path.c_str());
      throw;
    }
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp_path.c_str());
    throw std::system_error(error, std::generic_category(), "rename to " + final_path);
  }
  fsync_directory(directory.string());
}

}  // namespace

EmlFileMailer::EmlFileMailer(std::filesystem::path data_dir, Clock clock)
    : directory_(std::move(data_dir) / "mail"), clock_(std::move(clock)) {}

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
    std::filesystem::create_directories(directory_);
    write_file_atomically(directory_, name, message);
  } catch (const std::exception& error) {
    return {.ok = false, .permanent_failure = false, .message = error.what()};
  }
  return {.ok = true, .permanent_failure = false, .message = "written " + (directory_ / name).string()};
}

}  // namespace flow::runtime::delivery
