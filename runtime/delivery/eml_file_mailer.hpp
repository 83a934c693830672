#pragma once
// The mailer of a flowd without SMTP (development, demos, tests): each message becomes
// `<data-dir>/mail/<message-id>.eml`, readable by any mail client. A file appears whole or
// not at all, and re-sending a Message-ID replaces its file, so a crash between delivery
// and marking the row SENT leaves one file per message, as SMTP de-duplication would.
#include <filesystem>

#include "runtime/delivery/mailer.hpp"

namespace flow::runtime::delivery {

class EmlFileMailer : public Mailer {
 public:
  EmlFileMailer(std::filesystem::path data_dir, Clock clock);

  SendResult send(const OutgoingEmail& email) override;

 private:
  std::filesystem::path directory_;
  Clock clock_;
};

}  // namespace flow::runtime::delivery
