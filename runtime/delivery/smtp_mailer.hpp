#pragma once
// Delivery over SMTP with libcurl. One mailer keeps one libcurl handle, and with it the
// open connection, across sends; it is therefore used by one thread at a time (give each
// outbox worker its own).
#include <chrono>
#include <string>

#include "runtime/delivery/curl_handle.hpp"
#include "runtime/delivery/mailer.hpp"

namespace flow::runtime::delivery {

enum class StartTls {
  none,           // plain text (a local relay)
  opportunistic,  // STARTTLS when the server offers it
  required,       // fail unless the session is encrypted
};

struct SmtpConfig {
  std::string url;  // "smtp://host" or "smtps://host" (TLS from the first byte; starttls is moot)
  int port = 0;     // 0: the URL's port, else the scheme's default
  StartTls starttls = StartTls::opportunistic;
  std::string username;  // empty: no AUTH
  std::string password;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // per send, connecting included
};

class SmtpMailer : public Mailer {
 public:
  SmtpMailer(SmtpConfig config, Clock clock);

  // A 5xx reply is permanent (the server refuses this message or recipient); a 4xx reply,
  // a network error or a rejected login (fixable by the operator, not by the message) is
  // retryable.
  SendResult send(const OutgoingEmail& email) override;

 private:
  SmtpConfig config_;
  Clock clock_;
  CurlEasy curl_;
  CurlSlist recipients_;  // referenced by the handle until the next send
};

}  // namespace flow::runtime::delivery
