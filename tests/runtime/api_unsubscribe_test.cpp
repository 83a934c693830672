// The unsubscribe link end to end against the real flowd: a marketing email carries it (in
// its HTML through {{unsubscribeUrl}} and in List-Unsubscribe), GET confirms, POST
// unsubscribes, later marketing is suppressed while transactional mail still goes; a
// tampered link is refused.
#include <regex>

#include "support/flowd_api_test.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kFlow = R"(
template news { type marketing subject "News" from "a@acme.test" html "<a href=\"{{ unsubscribeUrl }}\">unsubscribe</a>" }
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>{{ unsubscribeUrl }}</p>" }
workflow newsletter on "news" {
  reentry allowed
  send news
}
workflow receipts on "buy" {
  reentry allowed
  send receipt
}
)";

constexpr const char* kPublicUrl = "http://links.example.test";

class UnsubscribeTest : public FlowdApiTest {
 protected:
  int64_t track(const std::string& event) {
    const HttpResponse response = server().track(event, "ada@example.com");
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body)["contact"].get<int64_t>();
  }
  size_t completed(int64_t contact) {
    return db().exec("SELECT 1 FROM executions WHERE contact_id = $1 AND status = 'COMPLETED'", contact).size();
  }
  // The link in the newest `news` email of the contact; "" when there is none.
  std::string link_in_news(int64_t contact) {
    const auto rows = db().exec(
        "SELECT html, list_unsubscribe FROM outbox WHERE contact_id = $1 AND template = 'news' ORDER BY id DESC LIMIT 1",
        contact);
    if (rows.empty()) return "";
    std::smatch link;
    const std::string html = rows.one().get<std::string>("html");
    if (!std::regex_search(html, link, std::regex("href=\"([^\"]+)\""))) return "";
    EXPECT_EQ(rows.one().get<std::optional<std::string>>("list_unsubscribe"), link[1].str())
        << "List-Unsubscribe names the same link";
    return link[1];
  }
  HttpResponse visit(const std::string& method, const std::string& path, std::optional<std::string> body = {}) {
    return server().request({.method = method,
                             .path = path,
                             .body = std::move(body),
                             .key = "",
                             .content_type = "application/x-www-form-urlencoded"});
  }
  bool subscribed(int64_t contact) {
    return db().exec("SELECT subscribed FROM contacts WHERE id = $1", contact).one().get<bool>(0);
  }
};

TEST_F(UnsubscribeTest, TheLinkUnsubscribesAndMarketingStops) {
  ASSERT_TRUE(start_flowd(kFlow, {"--public-url", std::string(kPublicUrl) + "/", "--log-level", "debug"}));
  const int64_t contact = track("news");
  track("buy");
  ASSERT_TRUE(eventually([&] { return completed(contact) == 2; }, 15s)) << server().log();
  const std::string url = link_in_news(contact);
  ASSERT_TRUE(url.starts_with(std::string(kPublicUrl) + "/unsubscribe/")) << url;
  EXPECT_TRUE(db().exec("SELECT list_unsubscribe FROM outbox WHERE contact_id = $1 AND template = 'receipt'", contact)
                  .one()
                  .get<std::optional<std::string>>(0)
                  .has_value() == false)
      << "transactional mail has no List-Unsubscribe";
  const std::string path = url.substr(std::string(kPublicUrl).size());

  // GET only asks: mail scanners follow links.
  const HttpResponse page = visit("GET", path);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.headers.find("text/html"), std::string::npos) << page.headers;
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"" + path + "\">"), std::string::npos) << page.body;
  EXPECT_TRUE(subscribed(contact));

  // RFC 8058 one-click, as a mail client sends it.
  const HttpResponse done = visit("POST", path, "List-Unsubscribe=One-Click");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_NE(done.body.find("unsubscribed"), std::string::npos) << done.body;
  EXPECT_FALSE(subscribed(contact));
  EXPECT_EQ(db().exec("SELECT 1 FROM events WHERE contact_id = $1 AND name = 'contact.unsubscribed'", contact).size(), 1u);
  EXPECT_EQ(visit("POST", path, "").status, 200) << "twice is harmless";
  EXPECT_NE(server().log().find("POST /unsubscribe/{token} 200"), std::string::npos) << server().log();
  EXPECT_EQ(server().log().find(path), std::string::npos) << "the debug log must not show working links:\n" << server().log();
  EXPECT_EQ(db().exec("SELECT 1 FROM events WHERE contact_id = $1 AND name = 'contact.unsubscribed'", contact).size(), 1u);

  // Marketing is suppressed now; transactional mail still goes.
  track("news");
  track("buy");
  ASSERT_TRUE(eventually([&] { return completed(contact) == 4; }, 15s)) << server().log();
  const auto count = [&](const char* name) {
    return db().exec("SELECT count(*) FROM outbox WHERE contact_id = $1 AND template = $2", contact, std::string(name))
        .one()
        .get<int64_t>(0);
  };
  EXPECT_EQ(count("news"), 1);
  EXPECT_EQ(count("receipt"), 2);
  EXPECT_EQ(db().exec("SELECT 1 FROM step_history WHERE contact_id = $1 AND outcome->>'result' = 'suppressed'", contact)
                .size(),
            1u);
}

TEST_F(UnsubscribeTest, ATamperedLinkIsRefused) {
  ASSERT_TRUE(start_flowd(kFlow, {"--public-url", kPublicUrl}));
  const int64_t contact = track("news");
  ASSERT_TRUE(eventually([&] { return !link_in_news(contact).empty(); }, 15s)) << server().log();
  const std::string path = link_in_news(contact).substr(std::string(kPublicUrl).size());
  const std::string token = path.substr(std::string("/unsubscribe/").size());
  const std::string mac = token.substr(token.find('.') + 1);

  std::string flipped = path;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  const int64_t bob = json::parse(server().track("buy", "bob@example.com").body)["contact"].get<int64_t>();
  for (const std::string& bad : {flipped, "/unsubscribe/" + std::to_string(bob) + "." + mac, "/unsubscribe/" + mac,
                                 "/unsubscribe/" + std::to_string(contact), "/unsubscribe/x." + mac}) {
    const HttpResponse get = visit("GET", bad);
    EXPECT_EQ(get.status, 404) << bad;
    EXPECT_NE(get.headers.find("text/html"), std::string::npos) << get.headers;
    EXPECT_EQ(visit("POST", bad, "List-Unsubscribe=One-Click").status, 404) << bad;
  }
  EXPECT_TRUE(subscribed(contact));
  EXPECT_TRUE(subscribed(bob));

  // A link to a contact deleted since is dead too.
  const HttpResponse deleted = server().request(
      {.method = "DELETE", .path = "/v1/contacts/" + std::to_string(contact), .body = std::nullopt});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(visit("GET", path).status, 404);
  EXPECT_EQ(visit("POST", path, "").status, 404);
}

TEST_F(UnsubscribeTest, TheSecretIsKeptAcrossRestartsAndCanBeConfigured) {
  ASSERT_TRUE(start_flowd(kFlow, {"--public-url", kPublicUrl, "--data-dir", (dir() / "data").string()}));
  const int64_t contact = track("news");
  ASSERT_TRUE(eventually([&] { return !link_in_news(contact).empty(); }, 15s)) << server().log();
  const std::string path = link_in_news(contact).substr(std::string(kPublicUrl).size());
  EXPECT_EQ(db().exec("SELECT 1 FROM flow_settings WHERE key = 'unsubscribe_secret'").size(), 1u);

  // The mail as delivered (.eml without --smtp-url) carries both RFC 8058 headers.
  std::string eml;
  ASSERT_TRUE(eventually(
      [&] {
        std::error_code error;
        for (const auto& file : std::filesystem::recursive_directory_iterator(dir() / "data", error)) {
          if (file.path().extension() != ".eml") continue;
          std::ifstream in(file.path());
          eml.assign(std::istreambuf_iterator<char>(in), {});
          if (eml.find("Subject: News") != std::string::npos) return true;
        }
        return false;
      },
      15s))
      << server().log();
  EXPECT_NE(eml.find("List-Unsubscribe: <" + std::string(kPublicUrl) + path + ">\r\n"), std::string::npos) << eml;
  EXPECT_NE(eml.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos) << eml;

  ASSERT_EQ(server().terminate(), 0);
  ASSERT_TRUE(start_flowd(kFlow, {"--public-url", kPublicUrl}));
  EXPECT_EQ(visit("GET", path).status, 200) << "links already sent keep working after a restart";

  ASSERT_EQ(server().terminate(), 0);
  ASSERT_TRUE(start_flowd(kFlow, {"--public-url", kPublicUrl, "--unsubscribe-secret", "another-secret-of-enough-length"}));
  EXPECT_EQ(visit("GET", path).status, 404) << "signed with another secret";
  ASSERT_EQ(server().terminate(), 0);
  server().start({"--unsubscribe-secret", "short"});
  EXPECT_EQ(server().wait_exit(), 1) << "too short a secret is refused";
  EXPECT_NE(server().log().find("at least 16 characters"), std::string::npos) << server().log();
}

}  // namespace
}  // namespace flow::runtime::testing
