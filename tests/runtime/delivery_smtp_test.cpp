// SmtpMailer against a real SMTP server (tests/runtime/servers/smtp_server.py) on loopback.
#include <gtest/gtest.h>

#include "runtime/delivery/smtp_mailer.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::delivery {
namespace {

using namespace std::chrono_literals;
using testing::ServerProcess;
using testing::TempDir;

const auto kDate = std::chrono::system_clock::time_point(1795725790s);

OutgoingEmail email(std::string id, std::string to = "ada@example.test") {
  OutgoingEmail email;
  email.message_id = std::move(id);
  email.from = "Acme Café <hello@acme.test>";
  email.to = std::move(to);
  email.reply_to = "help@acme.test";
  email.subject = "Willkommen, Ada — schön, dass du da bist ✉";
  email.html = "<p>Grüße</p>";
  email.text = "Grüße\n.\n.leading dot";  // lines SMTP would take for the end of DATA unless escaped
  email.list_unsubscribe = "https://acme.test/u/1";
  return email;
}

SmtpConfig plain_smtp(int port, StartTls starttls = StartTls::none) {
  SmtpConfig config;
  config.url = "smtp://127.0.0.1";
  config.port = port;
  config.starttls = starttls;
  config.timeout = 5s;
  return config;
}

// A server per test, so each test sees only its own messages.
class DeliverySmtp : public ::testing::Test {
 protected:
  TempDir dir;
  ServerProcess server{"smtp_server.py", dir.path() / "mail.jsonl"};
  SmtpMailer smtp{plain_smtp(server.port()), [] { return kDate; }};
};

TEST_F(DeliverySmtp, DeliversBothPartsWithHeadersFromTheRow) {
  const SendResult result = smtp.send(email("7.2.0@flow.test"));
  ASSERT_TRUE(result.ok) << result.message;

  const auto records = server.records();
  ASSERT_EQ(records.size(), 1u);
  const auto& message = records[0];
  EXPECT_EQ(message["mail_from"], "hello@acme.test");
  EXPECT_EQ(message["rcpt_tos"], nlohmann::json::array({"ada@example.test"}));
  const auto& headers = message["headers"];
  EXPECT_EQ(headers["From"], "Acme Café <hello@acme.test>");
  EXPECT_EQ(headers["To"], "ada@example.test");
  EXPECT_EQ(headers["Reply-To"], "help@acme.test");
  EXPECT_EQ(headers["Subject"], "Willkommen, Ada — schön, dass du da bist ✉");
  EXPECT_EQ(headers["Message-ID"], "<7.2.0@flow.test>");
  EXPECT_EQ(headers["Date"], "Thu, 26 Nov 2026 20:43:10 +0000");
  EXPECT_EQ(headers["List-Unsubscribe"], "<https://acme.test/u/1>");
  EXPECT_EQ(message["content_type"], "multipart/alternative");
  EXPECT_EQ(message["text"], "Grüße\r\n.\r\n.leading dot");  // dot-stuffed in transit, restored
  EXPECT_EQ(message["html"], "<p>Grüße</p>");
}

TEST_F(DeliverySmtp, ReusesTheConnectionAcrossSends) {
  ASSERT_TRUE(smtp.send(email("1@flow.test")).ok);
  ASSERT_TRUE(smtp.send(email("2@flow.test")).ok);
  const auto records = server.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["peer_port"], records[1]["peer_port"]);
  EXPECT_EQ(records[1]["headers"]["Message-ID"], "<2@flow.test>");
}

TEST_F(DeliverySmtp, ClassifiesRefusals) {
  const SendResult permanent = smtp.send(email("p@flow.test", "reject-permanent@example.test"));
  EXPECT_FALSE(permanent.ok);
  EXPECT_TRUE(permanent.permanent_failure) << permanent.message;
  EXPECT_NE(permanent.message.find("550"), std::string::npos) << permanent.message;

  const SendResult temporary = smtp.send(email("t@flow.test", "reject-temporary@example.test"));
  EXPECT_FALSE(temporary.ok);
  EXPECT_FALSE(temporary.permanent_failure) << temporary.message;

  EXPECT_TRUE(smtp.send(email("ok@flow.test")).ok) << "the mailer recovers after refusals";
  EXPECT_EQ(server.records().size(), 1u);
}

TEST_F(DeliverySmtp, InvalidRowIsPermanentAndNothingIsSent) {
  const SendResult result = smtp.send(email("x@flow.test", "no address"));
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.permanent_failure);
  EXPECT_TRUE(server.records().empty());
}

TEST_F(DeliverySmtp, StartTlsOpportunisticFallsBackRequiredRefuses) {
  // The test server offers no STARTTLS.
  SmtpMailer opportunistic(plain_smtp(server.port(), StartTls::opportunistic), [] { return kDate; });
  EXPECT_TRUE(opportunistic.send(email("o@flow.test")).ok);
  SmtpMailer required(plain_smtp(server.port(), StartTls::required), [] { return kDate; });
  const SendResult result = required.send(email("r@flow.test"));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.permanent_failure) << "a TLS setting is the operator's to fix, not the message's: " << result.message;
  EXPECT_EQ(server.records().size(), 1u) << "nothing went out in plain text";
}

TEST(DeliverySmtpDown, ConnectionRefusedIsRetryable) {
  // Port 1 on loopback: nothing listens there in a test environment.
  SmtpMailer smtp(plain_smtp(1), [] { return kDate; });
  const SendResult result = smtp.send(email("d@flow.test"));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.permanent_failure) << result.message;
}

}  // namespace
}  // namespace flow::runtime::delivery
