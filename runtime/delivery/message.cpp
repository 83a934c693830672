#include "runtime/delivery/message.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "runtime/delivery/mime_encoding.hpp"

namespace flow::runtime::delivery {

namespace {

// No quoted-printable text contains "=_", so no body line can equal a delimiter.
constexpr std::string_view kBoundary = "=_flow_alternative";

// Headers build_mime writes itself (and every Content-*); extra headers may not repeat them.
constexpr std::array<std::string_view, 8> kOwnHeaders = {
    "date", "from", "to", "reply-to", "subject", "message-id", "list-unsubscribe", "mime-version"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool atext_or_space(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" !#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

struct Mailbox {
  std::string display;  // UTF-8, unquoted; empty: none
  std::string address;
};

Mailbox parse_mailbox(std::string_view text) {
  text = trim(text);
  Mailbox mailbox;
  std::string_view address = text;
  if (const auto open = text.rfind('<'); open != std::string_view::npos && text.ends_with('>')) {
    address = text.substr(open + 1, text.size() - open - 2);
    std::string_view display = trim(text.substr(0, open));
    if (display.size() >= 2 && display.front() == '"' && display.back() == '"') {
      display = display.substr(1, display.size() - 2);
      for (size_t i = 0; i < display.size(); ++i) {
        if (display[i] == '\\' && i + 1 < display.size()) ++i;
        mailbox.display += display[i];
      }
    } else {
      mailbox.display = display;
    }
  }
  // Plain ASCII addr-specs only: non-ASCII addresses would need SMTPUTF8.
  const auto at = address.rfind('@');
  const bool valid = at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
                     std::all_of(address.begin(), address.end(), [](char c) {
                       return c > 0x20 && c < 0x7f && std::string_view("<>,;\"()[]\\").find(c) == std::string_view::npos;
                     });
  if (!valid) throw InvalidEmail("not an email address: \"" + std::string(text) + "\"");
  mailbox.address = address;
  return mailbox;
}

std::string format_mailbox(std::string_view text) {
  const Mailbox mailbox = parse_mailbox(text);
  if (mailbox.display.empty()) return mailbox.address;
  const std::string_view display = mailbox.display;
  const bool ascii = std::all_of(display.begin(), display.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  std::string name;
  if (ascii && std::all_of(display.begin(), display.end(), atext_or_space)) {
    name = display;
  } else if (ascii) {
    name = "\"";
    for (char c : display) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += '"';
  } else {
    name = encode_header_text(display);
  }
  return name + " <" + mailbox.address + ">";
}

void check_header_name(const std::string& name) {
  const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f && c != ':'; });
  if (!valid) throw InvalidEmail("not a header name: \"" + name + "\"");
  const std::string key = lower(name);
  if (std::find(kOwnHeaders.begin(), kOwnHeaders.end(), key) != kOwnHeaders.end() || key.starts_with("content-"))
    throw InvalidEmail("header " + name + " is set by the mailer");
}

void add_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void add_part(std::string& out, std::string_view subtype, std::string_view body) {
  out.append("Content-Type: text/").append(subtype).append("; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  out.append(quoted_printable(body)).append("\r\n");
}

}  // namespace

std::string message_id_token(std::string_view message_id) {
  std::string_view token = trim(message_id);
  if (token.size() >= 2 && token.front() == '<' && token.back() == '>') token = token.substr(1, token.size() - 2);
  const auto at = token.find('@');
  const bool valid = at != std::string_view::npos && at > 0 && at + 1 < token.size() && token.find('@', at + 1) == std::string_view::npos &&
                     token.front() != '.' && std::all_of(token.begin(), token.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._+=-@").find(c) != std::string_view::npos;
                     });
  if (!valid) throw InvalidEmail("not a Message-ID: \"" + std::string(message_id) + "\"");
  return std::string(token);
}

std::string envelope_address(std::string_view mailbox) { return parse_mailbox(mailbox).address; }

std::string format_date(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  // Names spelled out: strftime's %a and %b follow the locale, RFC 5322 wants English.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

std::string build_mime(const OutgoingEmail& email, std::chrono::system_clock::time_point date) {
  std::string out;
  add_header(out, "Date", format_date(date));
  add_header(out, "From", format_mailbox(email.from));
  add_header(out, "To", format_mailbox(email.to));
  if (!email.reply_to.empty()) add_header(out, "Reply-To", format_mailbox(email.reply_to));
  add_header(out, "Subject", encode_header_text(email.subject));
  add_header(out, "Message-ID", "<" + message_id_token(email.message_id) + ">");
  if (!email.list_unsubscribe.empty()) {
    const std::string& url = email.list_unsubscribe;
    if (!std::all_of(url.begin(), url.end(), [](char c) { return c > 0x20 && c < 0x7f && c != '<' && c != '>'; }))
      throw InvalidEmail("not an unsubscribe URL: \"" + url + "\"");
    add_header(out, "List-Unsubscribe", "<" + url + ">");
  }
  for (const auto& [name, value] : email.headers) {
    check_header_name(name);
    add_header(out, name, encode_header_text(value));
  }
  add_header(out, "MIME-Version", "1.0");

  const bool both = !email.text.empty() && !email.html.empty();
  if (!both) {
    const bool html_only = email.text.empty() && !email.html.empty();
    add_part(out, html_only ? "html" : "plain", html_only ? email.html : email.text);
    return out;
  }
  out.append("Content-Type: multipart/alternative; boundary=\"").append(kBoundary).append("\"\r\n\r\n");
  // Clients show the last alternative they understand, so the richer HTML part goes last.
  out.append("--").append(kBoundary).append("\r\n");
  add_part(out, "plain", email.text);
  out.append("--").append(kBoundary).append("\r\n");
  add_part(out, "html", email.html);
  out.append("--").append(kBoundary).append("--\r\n");
  return out;
}

}  // namespace flow::runtime::delivery
