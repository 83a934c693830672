// POST /v1/track by group commit (api/group_commit.hpp) on the real flowd: tracks that arrive
// while a batch is being recorded are recorded together by the next, each answered as if
// alone; a contact's second track waits for a later batch; one bad track fails alone. The
// test holds a contact's row lock to keep the first batch from committing, so that the
// others queue behind it at a point it controls.
#include <regex>
#include <thread>

#include "support/flowd_api_test.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kFlow = R"(
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow welcome on "signup" {
  send receipt
  delay 1 hour
}
)";

class TrackGroupCommit : public FlowdApiTest {
 protected:
  void SetUp() override {
    FlowdApiTest::SetUp();
    if (IsSkipped()) return;
    // One recorder: while its batch waits, the tracks after it queue.
    ASSERT_TRUE(start_flowd(kFlow, {"--track-recorders", "1", "--workers", "0", "--mailers", "0"}));
    ASSERT_EQ(track("signup", "held@acme.test", R"({"n":0})").status, 200);
  }

  HttpResponse track(const std::string& event, const std::string& email, const std::string& data = "{}") {
    return server().post("/v1/track", R"({"event":")" + event + R"(","email":")" + email + R"(","data":)" + data + "}");
  }

  double metric(const std::string& name) {
    const auto body = server().get("/metrics").body;
    std::smatch match;
    if (!std::regex_search(body, match, std::regex("\n" + name + " ([0-9.e+]+)\n"))) return -1;
    return std::stod(match[1]);
  }

  // Runs `tracks` (email, data) on threads of their own while held@acme.test's row lock is
  // held, so that the first, held@acme.test's own, blocks its batch and the others queue, in
  // the order given; releases the lock once all have queued. The answers, in that order.
  std::vector<HttpResponse> queued_behind_a_held_batch(const std::vector<std::pair<std::string, std::string>>& tracks) {
    store::Connection holder = connect();
    holder.exec("BEGIN");
    holder.exec("SELECT 1 FROM contacts WHERE email = 'held@acme.test' FOR UPDATE");
    std::vector<HttpResponse> answers(tracks.size());
    std::vector<std::thread> clients;
    for (size_t i = 0; i < tracks.size(); ++i) {
      clients.emplace_back([&, i] { answers[i] = track("signup", tracks[i].first, tracks[i].second); });
      // The first is being recorded once its batch waits for the lock; each other one is queued
      // before the next is sent.
      EXPECT_TRUE(eventually([&] { return i == 0 ? waiting_for_lock() : metric("flow_tracks_queued") == double(i); }, 10s))
          << "track " << i << " did not queue";
    }
    holder.exec("ROLLBACK");
    for (auto& client : clients) client.join();
    return answers;
  }

  bool waiting_for_lock() {
    return db().exec("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
               .one()
               .get<int64_t>(0) == 1;
  }

  // The transactions that recorded the events of these contacts.
  int64_t transactions_of(const std::string& email_like) {
    return db()
        .exec("SELECT count(DISTINCT e.xmin::text) FROM events e JOIN contacts c ON c.id = e.contact_id "
              "WHERE c.email LIKE $1",
              email_like)
        .one()
        .get<int64_t>(0);
  }
};

TEST_F(TrackGroupCommit, TracksThatArriveDuringABatchAreRecordedTogetherEachAsIfAlone) {
  std::vector<std::pair<std::string, std::string>> tracks{{"held@acme.test", R"({"n":1})"}};
  for (int i = 0; i < 20; ++i) tracks.emplace_back("new" + std::to_string(i) + "@acme.test", R"({"i":)" + std::to_string(i) + "}");
  const double batches_before = metric("flow_track_batches_total");
  const auto answers = queued_behind_a_held_batch(tracks);

  EXPECT_EQ(metric("flow_track_batches_total") - batches_before, 2) << "the held one's batch, then the other 20";
  EXPECT_EQ(transactions_of("new%"), 1);
  for (size_t i = 0; i < tracks.size(); ++i) {
    ASSERT_EQ(answers[i].status, 200) << answers[i].body;
    const json body = json::parse(answers[i].body);
    const auto contact = db().exec("SELECT id, data->>'i' AS i FROM contacts WHERE email = $1", tracks[i].first).one();
    EXPECT_EQ(body["contact"], contact.get<int64_t>("id")) << "each answer names its own contact";
    const auto event = db().exec("SELECT contact_id FROM events WHERE id = $1", body["event"].get<int64_t>()).one();
    EXPECT_EQ(event.get<int64_t>(0), contact.get<int64_t>("id"));
    if (i == 0) {
      EXPECT_TRUE(body["started"].empty()) << "re-entry is off and held@ is already in";
      continue;
    }
    EXPECT_EQ(contact.get<std::string>("i"), std::to_string(i - 1));
    ASSERT_EQ(body["started"].size(), 1u) << answers[i].body;
    const auto execution = db().exec("SELECT contact_id, status FROM executions WHERE id = $1",
                                     body["started"][0].get<int64_t>()).one();
    EXPECT_EQ(execution.get<int64_t>("contact_id"), contact.get<int64_t>("id"));
    EXPECT_EQ(execution.get<std::string>("status"), "WAITING") << "started in the batch: mail queued, delay begun";
  }
  EXPECT_EQ(db().exec("SELECT count(DISTINCT contact_id) FROM outbox").one().get<int64_t>(0), 21);
}

TEST_F(TrackGroupCommit, AContactsSecondTrackWaitsForALaterBatch) {
  const auto answers = queued_behind_a_held_batch({{"held@acme.test", R"({"n":1})"},
                                                   {"twice@acme.test", R"({"first":1,"last":"a"})"},
                                                   {"once@acme.test", "{}"},
                                                   {"twice@acme.test", R"({"last":"b","first":null})"}});
  for (const auto& answer : answers) ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(transactions_of("twice@%"), 2);
  EXPECT_TRUE(json::parse(answers[3].body)["started"].empty()) << "the first enrolment was committed before it";
  EXPECT_EQ(json::parse(answers[1].body)["started"].size(), 1u);
  EXPECT_EQ(db().exec("SELECT data::text FROM contacts WHERE email = 'twice@acme.test'").one().get<std::string>(0),
            R"({"last": "b"})")
      << "merged in the order they arrived";
}

TEST_F(TrackGroupCommit, ATrackThatFailsFailsAloneItsBatchIsRecorded) {
  // Longer than a btree index entry may be, even compressed: the email index refuses it.
  std::string huge;
  for (uint32_t x = 1; huge.size() < 9000; x = x * 1103515245 + 12345) huge += static_cast<char>('a' + (x >> 16) % 26);
  huge += "@acme.test";
  const auto answers = queued_behind_a_held_batch(
      {{"held@acme.test", "{}"}, {"a@acme.test", "{}"}, {huge, "{}"}, {"b@acme.test", "{}"}});
  EXPECT_EQ(answers[0].status, 200) << answers[0].body;
  EXPECT_EQ(answers[1].status, 200) << answers[1].body;
  expect_json_error(answers[2], 500);
  EXPECT_EQ(answers[3].status, 200) << answers[3].body;
  EXPECT_EQ(db().exec("SELECT count(*) FROM contacts WHERE email IN ('a@acme.test', 'b@acme.test')").one().get<int64_t>(0), 2);
}

// Answered tracks hold nothing: SIGTERM closes every connection at once instead of waiting
// out the server's stop timeout for one a recorder still held.
TEST_F(TrackGroupCommit, StopsWithoutWaitingForTheConnectionsItAnswered) {
  ASSERT_EQ(track("signup", "last@acme.test").status, 200);
  EXPECT_EQ(server().terminate(), 0);
  EXPECT_EQ(server().log().find("still busy"), std::string::npos) << server().log();
}

}  // namespace
}  // namespace flow::runtime::testing
