#pragma once
// An email as the outbox stores it, and its rendering as an RFC 5322 message. The same
// bytes go to the SMTP server and into `.eml` files, so the rendering is deterministic
// for a given row and date: the Message-ID comes from the row (stable across retries, so a
// re-send after a crash is recognisably the same message) and the boundary is fixed.
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flow::runtime::delivery {

struct OutgoingEmail {
  std::string message_id;  // "local@domain", with or without the angle brackets
  std::string from;        // "hello@acme.test" or "Acme Café <hello@acme.test>"
  std::string to;          // one recipient, same forms as `from`
  std::string reply_to;    // empty: none
  std::string subject;     // UTF-8
  std::string html;        // empty: no HTML part
  std::string text;        // empty: no plain-text part
  std::string list_unsubscribe;  // an unsubscribe URL; empty: no List-Unsubscribe header
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
};

// A row that can never be sent as it stands (a malformed address, a header that would
// override the ones built here): the mailers report it as a permanent failure.
struct InvalidEmail : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The whole message with CRLF line endings: multipart/alternative when there is both a
// text and an HTML body, a single quoted-printable part otherwise. Throws InvalidEmail.
std::string build_mime(const OutgoingEmail& email, std::chrono::system_clock::time_point date);

// The Message-ID without angle brackets, checked to be "local@domain" made of characters
// that are also safe in a file name. Throws InvalidEmail.
std::string message_id_token(std::string_view message_id);

// The addr-spec of "Name <addr>" or "addr" (for SMTP's MAIL FROM and RCPT TO).
// Throws InvalidEmail.
std::string envelope_address(std::string_view mailbox);

// RFC 5322 date-time in UTC: "Thu, 26 Nov 2026 20:23:10 +0000".
std::string format_date(std::chrono::system_clock::time_point time);

}  // namespace flow::runtime::delivery
