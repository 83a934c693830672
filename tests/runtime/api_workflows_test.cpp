// /v1/workflows and /v1/templates on the real flowd, and deploying a flows directory workflow
// by workflow across restarts.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "bytecode/graph.hpp"
#include "database.hpp"
#include "runtime/engine/compile_source.hpp"
#include "support/flowd_process.hpp"
#include "support/temp_dir.hpp"

namespace flow::runtime::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kTemplates = R"(template welcome {
  type marketing
  subject "Welcome, {{ firstName ?? "friend" }}!"
  from "hello@acme.test"
  html "<p>Hi {{ email }}</p>"
}
template bye { type transactional subject "Bye" from "a@acme.test" html "<p>bye</p>" }
)";
// Waits for "continue", then sends welcome.
const std::string kWaiter = R"(workflow waiter on "go" {
  wait for "continue" within 1 day { received { send welcome } }
}
)";
const std::string kChangedWaiter = R"(workflow waiter on "go" {
  wait for "continue" within 2 days { received { send welcome } }
}
)";
const std::string kSibling = "workflow sibling on \"other\" { send bye }\n";

class ApiWorkflowsTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    std::filesystem::create_directories(flows());
  }
  std::filesystem::path flows() const { return dir_.path() / "flows"; }
  void write_flow(const std::string& name, const std::string& text) { std::ofstream(flows() / name) << text; }

  // Starts flowd (once per test unless restarted).
  FlowdProcess& server() {
    if (!server_) {
      server_.emplace(dir_.path(), flows(), conninfo());
      EXPECT_TRUE(server_->start_and_wait()) << server_->log();
    }
    return *server_;
  }
  HttpResponse send(const std::string& method, const std::string& path, std::optional<std::string> body = std::nullopt,
                    const std::string& key = kSecretKey) {
    return server().request({.method = method, .path = path, .body = std::move(body), .key = key,
                             .content_type = "text/plain"});
  }
  // The body of a response with the expected status.
  json expect(const HttpResponse& response, long status) {
    EXPECT_EQ(response.status, status) << response.body;
    json body = json::parse(response.body, nullptr, false);
    EXPECT_TRUE(body.is_object()) << response.body;
    if (body.is_object()) {
      EXPECT_EQ(body["success"], status < 300) << response.body;
    }
    return body;
  }
  // Creates the workflows of `source`; their ids by name.
  std::map<std::string, int64_t> create(const std::string& source) {
    std::map<std::string, int64_t> ids;
    const json created = expect(send("POST", "/v1/workflows", source), 201);
    for (const auto& workflow : created["workflows"]) {
      ids[workflow["name"]] = workflow["id"].get<int64_t>();
    }
    return ids;
  }
  // Tracks `event` for `email`; the ids of the executions it started.
  json track(const std::string& event, const std::string& email = "ada@example.com") {
    const HttpResponse response = server().track(event, email);
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body)["started"];
  }
  std::string status(int64_t execution) {
    return db().exec("SELECT status FROM executions WHERE id = $1", execution).one().get<std::string>(0);
  }
  bool reaches(int64_t execution, const std::string& wanted) {
    return eventually([&] { return status(execution) == wanted; }, 20s);
  }
  void end_executions(int64_t workflow) {
    db().exec("UPDATE executions SET status = 'COMPLETED', frame = NULL, wake_at = NULL WHERE workflow_id = $1",
              workflow);
  }
  std::string path_of(int64_t id, const std::string& rest = "") { return "/v1/workflows/" + std::to_string(id) + rest; }

  TempDir dir_;
  std::optional<FlowdProcess> server_;
};

TEST_F(ApiWorkflowsTest, EveryRouteNeedsTheSecretKey) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/v1/workflows"},        {"POST", "/v1/workflows"},          {"GET", "/v1/workflows/1"},
      {"PUT", "/v1/workflows/1"},      {"DELETE", "/v1/workflows/1"},      {"POST", "/v1/workflows/1/enable"},
      {"POST", "/v1/workflows/1/disable"}, {"GET", "/v1/workflows/1/graph"}, {"GET", "/v1/templates"},
      {"GET", "/v1/templates/welcome"}};
  for (const auto& [method, path] : routes) {
    expect(send(method, path, kWaiter, ""), 401);
    expect(send(method, path, kWaiter, kPublicKey), 403);
  }
}

TEST_F(ApiWorkflowsTest, CreateListGetAndGraph) {
  const auto ids = create(kTemplates + kWaiter + kSibling);
  ASSERT_EQ(ids.size(), 2u);

  const json list = expect(send("GET", "/v1/workflows"), 200)["workflows"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "waiter");
  EXPECT_EQ(list[0]["trigger"], "go");
  EXPECT_EQ(list[0]["enabled"], true);
  EXPECT_EQ(list[0]["reentry"], "never");
  EXPECT_EQ(list[0]["version"], 1);
  EXPECT_FALSE(list[0].contains("source"));

  const int64_t execution = track("go")[0].get<int64_t>();
  ASSERT_TRUE(reaches(execution, "WAITING"));
  const json one = expect(send("GET", path_of(ids.at("waiter"))), 200)["workflow"];
  EXPECT_EQ(one["source"], kTemplates + kWaiter + kSibling);
  EXPECT_EQ(one["executions"]["WAITING"], 1);
  EXPECT_EQ(one["executions"]["COMPLETED"], 0);
  EXPECT_TRUE(one["created_at"].is_string());

  // The graph is `flowc graph --format json`'s.
  json graph = expect(send("GET", path_of(ids.at("waiter"), "/graph")), 200);
  graph.erase("success");
  const auto compiled = engine::compile_source({{"request.flow", kTemplates + kWaiter + kSibling}}, false);
  EXPECT_EQ(graph, json::parse(bytecode::render_graph(*compiled.module, "waiter", bytecode::GraphFormat::Json)));

  expect(send("GET", "/v1/workflows/999999"), 404);
  expect(send("GET", "/v1/workflows/abc"), 404);
  expect(send("GET", "/v1/workflows/999999/graph"), 404);
}

TEST_F(ApiWorkflowsTest, CreateRefusesWhatDoesNotCompileAndTakenNames) {
  const json broken = expect(send("POST", "/v1/workflows", "workflow w on \"go\" {\n  send nothing\n}\n"), 422);
  EXPECT_EQ(broken["error"]["code"], "compile_error");
  const json diagnostic = broken["error"]["diagnostics"][0];
  EXPECT_EQ(diagnostic["file"], "request.flow");
  EXPECT_EQ(diagnostic["line"], 2);
  EXPECT_EQ(diagnostic["column"], 8);
  EXPECT_EQ(diagnostic["severity"], "error");
  EXPECT_TRUE(diagnostic["message"].is_string());
  // A source over the API does not read the server's files.
  expect(send("POST", "/v1/workflows",
              "template t { type marketing subject \"s\" from \"a@b.c\" html file \"/etc/passwd\" }\n"
              "workflow w on \"go\" { send t }\n"),
         422);
  expect(send("POST", "/v1/workflows", ""), 422);
  expect(send("POST", "/v1/workflows", kTemplates), 422);  // no workflow

  create(kTemplates + kWaiter);
  // All or none: sibling is new, waiter is taken.
  const json taken = expect(send("POST", "/v1/workflows", kTemplates + kWaiter + kSibling), 409);
  EXPECT_NE(taken["error"]["message"].get<std::string>().find("waiter"), std::string::npos);
  EXPECT_EQ(expect(send("GET", "/v1/workflows"), 200)["workflows"].size(), 1u);
}

TEST_F(ApiWorkflowsTest, UpdateIsRefusedWhileLockedUntilTheWayOutIsTaken) {
  const int64_t id = create(kTemplates + kWaiter).at("waiter");
  const int64_t execution = track("go")[0].get<int64_t>();
  ASSERT_TRUE(reaches(execution, "WAITING"));

  const json locked = expect(send("PUT", path_of(id), kTemplates + kChangedWaiter), 409);
  EXPECT_EQ(locked["error"]["code"], "workflow_locked");
  EXPECT_NE(locked["error"]["message"].get<std::string>().find("/disable"), std::string::npos);
  expect(send("DELETE", path_of(id)), 409);

  // The way out: disable (no new executions), let them end, then edit.
  EXPECT_EQ(expect(send("POST", path_of(id, "/disable")), 200)["workflow"]["enabled"], false);
  EXPECT_TRUE(track("go", "bob@example.com").empty());
  end_executions(id);
  const json updated = expect(send("PUT", path_of(id), kTemplates + kChangedWaiter), 200);
  EXPECT_EQ(updated["change"], "updated");
  EXPECT_EQ(updated["workflow"]["version"], 2);
  EXPECT_EQ(updated["workflow"]["source"], kTemplates + kChangedWaiter);
  EXPECT_EQ(updated["workflow"]["enabled"], false);  // the API owns `enabled` after creation
  EXPECT_EQ(expect(send("POST", path_of(id, "/enable")), 200)["workflow"]["enabled"], true);
  EXPECT_EQ(track("go", "bob@example.com").size(), 1u);

  // The same source again: unchanged, same version.
  const json again = expect(send("PUT", path_of(id), kTemplates + kChangedWaiter), 200);
  EXPECT_EQ(again["change"], "unchanged");
  EXPECT_EQ(again["workflow"]["version"], 2);
}

TEST_F(ApiWorkflowsTest, UpdateRefusesAnotherTriggerAnotherWorkflowAndBrokenSource) {
  const int64_t id = create(kTemplates + kWaiter).at("waiter");
  const json trigger = expect(send("PUT", path_of(id), "workflow waiter on \"went\" { delay 1 hour }\n"), 422);
  EXPECT_EQ(trigger["error"]["code"], "trigger_changed");
  expect(send("PUT", path_of(id), kTemplates + kSibling), 422);  // no `waiter` in it
  EXPECT_EQ(expect(send("PUT", path_of(id), "workflow waiter on {"), 422)["error"]["code"], "compile_error");
  expect(send("PUT", "/v1/workflows/999999", kTemplates + kWaiter), 404);
  expect(send("POST", "/v1/workflows/999999/enable"), 404);
  expect(send("POST", "/v1/workflows/999999/disable"), 404);
}

TEST_F(ApiWorkflowsTest, AnExecutionFinishesOnItsOldModuleAfterAnUpdate) {
  const int64_t id = create(kTemplates + kWaiter).at("waiter");
  const int64_t execution = track("go")[0].get<int64_t>();
  ASSERT_TRUE(reaches(execution, "WAITING"));
  // The waiter's behaviour is the same, its module is not (a new sibling in the source): not
  // locked, and the waiting frame belongs to the old module.
  const json updated = expect(send("PUT", path_of(id), kTemplates + kWaiter + kSibling), 200);
  EXPECT_EQ(updated["change"], "unchanged");
  EXPECT_EQ(expect(send("GET", "/v1/workflows"), 200)["workflows"].size(), 1u);  // only waiter is deployed by PUT
  track("continue");
  ASSERT_TRUE(reaches(execution, "COMPLETED")) << server().log();
  EXPECT_EQ(db().exec("SELECT count(*) FROM outbox WHERE execution_id = $1 AND template = 'welcome'", execution)
                .one()
                .get<int64_t>(0),
            1);
}

TEST_F(ApiWorkflowsTest, DeleteRemovesTheWorkflowAndItsEndedExecutions) {
  const int64_t id = create(kTemplates + kWaiter).at("waiter");
  const int64_t execution = track("go")[0].get<int64_t>();
  ASSERT_TRUE(reaches(execution, "WAITING"));
  expect(send("DELETE", path_of(id)), 409);
  end_executions(id);
  EXPECT_EQ(expect(send("DELETE", path_of(id)), 200)["deleted"], id);
  expect(send("GET", path_of(id)), 404);
  expect(send("DELETE", path_of(id)), 404);
  EXPECT_EQ(db().exec("SELECT count(*) FROM executions").one().get<int64_t>(0), 0);
  EXPECT_EQ(db().exec("SELECT count(*) FROM step_history").one().get<int64_t>(0), 0);
  create(kTemplates + kWaiter);  // the name is free again
}

TEST_F(ApiWorkflowsTest, TemplatesAreListedAsWritten) {
  write_flow("mail.flow", kTemplates + kSibling);
  std::filesystem::create_directories(flows() / "templates");
  std::ofstream(flows() / "templates" / "note.html") << "<p>{{ email }}</p>\n";
  write_flow("note.flow", "template note { type transactional subject \"Note\" from \"n@acme.test\" "
                          "reply_to \"r@acme.test\" html file \"templates/note.html\" text \"plain\" }\n"
                          "workflow noter on \"note\" { send note }\n");
  const json templates = expect(send("GET", "/v1/templates"), 200)["templates"];
  ASSERT_EQ(templates.size(), 3u);
  EXPECT_EQ(templates[0]["name"], "bye");
  const json note = expect(send("GET", "/v1/templates/note"), 200)["template"];
  EXPECT_EQ(note, json({{"name", "note"},
                        {"type", "transactional"},
                        {"subject", "Note"},
                        {"from", "n@acme.test"},
                        {"reply_to", "r@acme.test"},
                        {"html", "<p>{{ email }}</p>\n"},
                        {"text", "plain"}}));
  const json welcome = expect(send("GET", "/v1/templates/welcome"), 200)["template"];
  EXPECT_EQ(welcome["subject"], "Welcome, {{ firstName ?? \"friend\" }}!");
  EXPECT_EQ(welcome["type"], "marketing");
  EXPECT_EQ(welcome["reply_to"], nullptr);
  expect(send("GET", "/v1/templates/nothing"), 404);
}

TEST_F(ApiWorkflowsTest, AFlowsDirectoryDeploysWorkflowByWorkflow) {
  write_flow("a.flow", kTemplates + kWaiter);
  write_flow("b.flow", kSibling);
  const int64_t execution = track("go")[0].get<int64_t>();
  ASSERT_TRUE(reaches(execution, "WAITING"));
  ASSERT_EQ(server().terminate(), 0) << server().log();

  // The waiter changes (locked: refused), the sibling does not, a new workflow appears.
  write_flow("a.flow", kTemplates + kChangedWaiter);
  write_flow("c.flow", "workflow third on \"third\" { send bye }\n");
  ASSERT_TRUE(server().start_and_wait()) << server().log();
  const std::string log = server().log();
  EXPECT_NE(log.find("workflow waiter not deployed"), std::string::npos) << log;
  EXPECT_NE(log.find("workflow sibling: unchanged"), std::string::npos) << log;
  EXPECT_NE(log.find("workflow third: created"), std::string::npos) << log;
  std::map<std::string, json> by_name;
  const json listed = expect(send("GET", "/v1/workflows"), 200);
  for (const auto& workflow : listed["workflows"]) by_name[workflow["name"]] = workflow;
  EXPECT_EQ(by_name["waiter"]["version"], 1);
  EXPECT_EQ(by_name["sibling"]["version"], 1);
  EXPECT_EQ(by_name["third"]["version"], 1);
  // The refused workflow keeps running its deployed version.
  track("continue");
  EXPECT_TRUE(reaches(execution, "COMPLETED")) << server().log();
  EXPECT_EQ(track("third").size(), 1u);

  // A source that does not compile stops the start with the diagnostics.
  ASSERT_EQ(server().terminate(), 0);
  write_flow("c.flow", "workflow third on \"third\" { send nothing }\n");
  server().start();
  const auto code = server().wait_exit();
  ASSERT_TRUE(code.has_value()) << server().log();
  EXPECT_NE(*code, 0);
  EXPECT_NE(server().log().find("c.flow:1:"), std::string::npos) << server().log();
}

}  // namespace
}  // namespace flow::runtime::testing
