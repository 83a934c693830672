// Rendering of outbox rows as RFC 5322 messages: pure, no server.
#include <gtest/gtest.h>

#include "runtime/delivery/message.hpp"
#include "runtime/delivery/mime_encoding.hpp"

namespace flow::runtime::delivery {
namespace {

using namespace std::chrono_literals;

const auto kDate = std::chrono::system_clock::time_point(1795725790s);  // Thu, 26 Nov 2026 20:43:10 UTC

OutgoingEmail sample() {
  return {.message_id = "<12.3.0@flow.test>",
          .from = "Acme Café <hello@acme.test>",
          .to = "ada@example.test",
          .reply_to = "",
          .subject = "Welcome, Ada!",
          .html = "<p>Hi</p>",
          .text = "Hi",
          .list_unsubscribe = "",
          .headers = {}};
}

TEST(DeliveryMime, QuotedPrintableEscapesAndWraps) {
  EXPECT_EQ(quoted_printable("a=b"), "a=3Db");
  EXPECT_EQ(quoted_printable("café"), "caf=C3=A9");
  EXPECT_EQ(quoted_printable("one\ntwo\r\nthree"), "one\r\ntwo\r\nthree");
  EXPECT_EQ(quoted_printable("trailing \nx"), "trailing=20\r\nx");
  const std::string wrapped = quoted_printable(std::string(200, 'x'));
  for (size_t start = 0, end; start < wrapped.size(); start = end + 2) {
    end = wrapped.find("\r\n", start);
    if (end == std::string::npos) end = wrapped.size();
    EXPECT_LE(end - start, 76u);
  }
  EXPECT_EQ(wrapped.find("=_"), std::string::npos);
}

TEST(DeliveryMime, HeaderTextIsEncodedWordsWhenNotAscii) {
  EXPECT_EQ(encode_header_text("Hello"), "Hello");
  EXPECT_EQ(encode_header_text("Café"), "=?UTF-8?B?Q2Fmw6k=?=");
  EXPECT_EQ(encode_header_text("a\r\nBcc: x@y"), "=?UTF-8?B?YQ0KQmNjOiB4QHk=?=");  // no header injection
  // Long text folds into several words, none over 75 characters, no UTF-8 sequence split.
  const std::string long_text(40, 'a');
  const std::string encoded = encode_header_text(long_text + "ééééé");
  EXPECT_NE(encoded.find("\r\n "), std::string::npos);
  for (size_t start = 0, end; start < encoded.size(); start = end + 3) {
    end = encoded.find("\r\n ", start);
    if (end == std::string::npos) end = encoded.size();
    EXPECT_LE(end - start, 75u);
  }
  // 45 bytes would end inside the third "é", so the first word stops before it.
  EXPECT_EQ(encoded, "=?UTF-8?B?" + base64(long_text + "éé") + "?=\r\n =?UTF-8?B?" + base64("ééé") + "?=");
}

TEST(DeliveryMime, MultipartAlternativeWithStableHeaders) {
  OutgoingEmail email = sample();
  email.reply_to = "\"Support, Acme\" <help@acme.test>";
  email.list_unsubscribe = "https://acme.test/u/12";
  email.headers = {{"X-Flow-Execution", "12"}};
  const std::string mime = build_mime(email, kDate);
  EXPECT_EQ(mime,
            "Date: Thu, 26 Nov 2026 20:43:10 +0000\r\n"
            "From: =?UTF-8?B?QWNtZSBDYWbDqQ==?= <hello@acme.test>\r\n"
            "To: ada@example.test\r\n"
            "Reply-To: \"Support, Acme\" <help@acme.test>\r\n"
            "Subject: Welcome, Ada!\r\n"
            "Message-ID: <12.3.0@flow.test>\r\n"
            "List-Unsubscribe: <https://acme.test/u/12>\r\n"
            "X-Flow-Execution: 12\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative; boundary=\"=_flow_alternative\"\r\n"
            "\r\n"
            "--=_flow_alternative\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Hi\r\n"
            "--=_flow_alternative\r\n"
            "Content-Type: text/html; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "<p>Hi</p>\r\n"
            "--=_flow_alternative--\r\n");
  EXPECT_EQ(build_mime(email, kDate), mime) << "the same row and date render the same bytes";
}

TEST(DeliveryMime, SinglePartWhenOnlyOneBody) {
  OutgoingEmail email = sample();
  email.text.clear();
  const std::string mime = build_mime(email, kDate);
  EXPECT_NE(mime.find("Content-Type: text/html; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_EQ(mime.find("multipart"), std::string::npos);
}

TEST(DeliveryMime, RejectsWhatCantBeSent) {
  auto with = [](auto change) {
    OutgoingEmail email = sample();
    change(email);
    return email;
  };
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.to = "not an address"; }), kDate), InvalidEmail);
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.to = "ada@example.test\r\nBcc: x@y.test"; }), kDate), InvalidEmail);
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.message_id = "../../etc@x"; }), kDate), InvalidEmail);
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.headers = {{"Subject", "again"}}; }), kDate), InvalidEmail);
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.headers = {{"Content-Transfer-Encoding", "8bit"}}; }), kDate), InvalidEmail);
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.headers = {{"Bad Name", "x"}}; }), kDate), InvalidEmail);
  EXPECT_THROW(build_mime(with([](OutgoingEmail& e) { e.list_unsubscribe = "https://x.test/\r\nBcc: y@z.test"; }), kDate), InvalidEmail);
}

TEST(DeliveryMime, AddressesAndIds) {
  EXPECT_EQ(envelope_address("Acme <hello@acme.test>"), "hello@acme.test");
  EXPECT_EQ(envelope_address(" ada@example.test "), "ada@example.test");
  EXPECT_EQ(message_id_token("<1.2.3@flow.test>"), "1.2.3@flow.test");
  EXPECT_EQ(message_id_token("1.2.3@flow.test"), "1.2.3@flow.test");
  EXPECT_THROW(message_id_token("a/b@flow.test"), InvalidEmail);
  EXPECT_EQ(format_date(std::chrono::system_clock::time_point(0s)), "Thu, 01 Jan 1970 00:00:00 +0000");
}

}  // namespace
}  // namespace flow::runtime::delivery
