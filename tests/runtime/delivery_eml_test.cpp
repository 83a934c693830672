// EmlFileMailer: one complete file per Message-ID.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runtime/delivery/eml_file_mailer.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::delivery {
namespace {

using namespace std::chrono_literals;

std::vector<std::filesystem::path> files_in(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) files.push_back(entry.path().filename());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

OutgoingEmail email_with_id(std::string message_id) {
  OutgoingEmail email;
  email.message_id = std::move(message_id);
  email.from = "hello@acme.test";
  email.to = "ada@example.test";
  email.subject = "Hi";
  email.html = "<p>Hi</p>";
  email.text = "Hi";
  return email;
}

TEST(DeliveryEml, WritesOneFilePerMessageId) {
  testing::TempDir dir;
  auto now = std::chrono::system_clock::time_point(1795725790s);
  EmlFileMailer mailer(dir.path(), [&now] { return now; });
  OutgoingEmail email = email_with_id("<9.1.0@flow.test>");

  const SendResult first = mailer.send(email);
  ASSERT_TRUE(first.ok) << first.message;
  now += 1h;  // a re-send after a crash: same Message-ID, later Date
  ASSERT_TRUE(mailer.send(email).ok);
  email.message_id = "9.2.0@flow.test";
  ASSERT_TRUE(mailer.send(email).ok);

  const auto mail_dir = dir.path() / "mail";
  EXPECT_EQ(files_in(mail_dir), (std::vector<std::filesystem::path>{"9.1.0@flow.test.eml", "9.2.0@flow.test.eml"}))
      << "no temporary file left behind, one file per Message-ID";
  const std::string content = read(mail_dir / "9.1.0@flow.test.eml");
  EXPECT_NE(content.find("Message-ID: <9.1.0@flow.test>\r\n"), std::string::npos);
  EXPECT_NE(content.find("Date: Thu, 26 Nov 2026 21:43:10 +0000\r\n"), std::string::npos) << "the re-send replaced the file";
  EXPECT_EQ(content, build_mime(email_with_id("9.1.0@flow.test"), now));
}

TEST(DeliveryEml, MakesTheDirectoryAgainWhenItIsRemoved) {
  testing::TempDir dir;
  EmlFileMailer mailer(dir.path(), [] { return std::chrono::system_clock::now(); });
  ASSERT_TRUE(mailer.send(email_with_id("1@x.test")).ok);
  std::filesystem::remove_all(dir.path() / "mail");  // an operator cleaning up, while it holds the directory open
  const SendResult result = mailer.send(email_with_id("2@x.test"));
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_EQ(files_in(dir.path() / "mail"), (std::vector<std::filesystem::path>{"2@x.test.eml"}));
}

TEST(DeliveryEml, WritesIntoTheDirectoryThePathNamesNow) {
  testing::TempDir dir;
  EmlFileMailer mailer(dir.path(), [] { return std::chrono::system_clock::now(); });
  ASSERT_TRUE(mailer.send(email_with_id("1@x.test")).ok);
  std::filesystem::rename(dir.path() / "mail", dir.path() / "mail.old");  // archived
  std::filesystem::create_directory(dir.path() / "mail");
  ASSERT_TRUE(mailer.send(email_with_id("2@x.test")).ok);
  EXPECT_EQ(files_in(dir.path() / "mail"), (std::vector<std::filesystem::path>{"2@x.test.eml"}));
  EXPECT_EQ(files_in(dir.path() / "mail.old"), (std::vector<std::filesystem::path>{"1@x.test.eml"}));
}

TEST(DeliveryEml, InvalidRowIsPermanent) {
  testing::TempDir dir;
  EmlFileMailer mailer(dir.path(), [] { return std::chrono::system_clock::now(); });
  const SendResult result = mailer.send(email_with_id("../escape@x"));
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.permanent_failure);
}

TEST(DeliveryEml, UnwritableDirectoryIsRetryable) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "mail") << "a file where the directory should be";
  EmlFileMailer mailer(dir.path(), [] { return std::chrono::system_clock::now(); });
  const SendResult result = mailer.send(email_with_id("1@x.test"));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.permanent_failure) << result.message;
}

}  // namespace
}  // namespace flow::runtime::delivery
