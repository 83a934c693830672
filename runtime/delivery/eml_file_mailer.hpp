#pragma once
// The mailer of a flowd without SMTP (development, demos, tests): each message becomes
// `<data-dir>/mail/<message-id>.eml`, readable by any mail client. A file appears whole or
// not at all, and re-sending a Message-ID replaces its file, so a crash between delivery
// and marking the row SENT leaves one file per message, as SMTP de-duplication would.
#include <sys/stat.h>

#include <filesystem>

#include "runtime/delivery/mailer.hpp"

namespace flow::runtime::delivery {

class EmlFileMailer : public Mailer {
 public:
  EmlFileMailer(std::filesystem::path data_dir, Clock clock);
  ~EmlFileMailer() override;
  EmlFileMailer(const EmlFileMailer&) = delete;
  EmlFileMailer& operator=(const EmlFileMailer&) = delete;

  SendResult send(const OutgoingEmail& email) override;

 private:
  // The directory, created and opened on first use and kept open: each message is then a
  // file written and renamed relative to it (openat, renameat), with one path walked per
  // message (a stat, to open it again when the path names another directory or none).
  int directory_fd();
  void write_atomically(const std::string& name, std::string_view bytes);

  std::filesystem::path directory_;
  Clock clock_;
  int directory_fd_ = -1;
  struct stat directory_id_ {};  // st_dev and st_ino of what directory_fd_ opened
};

}  // namespace flow::runtime::delivery
