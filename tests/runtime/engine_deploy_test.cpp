// Deploying workflow by workflow: modules stored by hash, fingerprints per workflow, and
// executions that keep the module they started with.
#include <gtest/gtest.h>

#include "support/engine_fixture.hpp"
#include "runtime/engine/compile_source.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/engine/fingerprint.hpp"
#include "runtime/engine/module_gc.hpp"
#include "runtime/store/transaction.hpp"
#include "runtime/store/migrations.hpp"

namespace flow::runtime::testing {
namespace {

using engine::DeployedWorkflow;
using Change = DeployedWorkflow::Change;

// hello and bye, with these subjects.
std::string templates(const std::string& hello = "Hello", const std::string& bye = "Bye") {
  return "template hello { type transactional subject \"" + hello +
         " {{ firstName ?? \"you\" }}\" from \"a@acme.test\" html \"<p>hi</p>\" }\n"
         "template bye { type transactional subject \"" + bye + "\" from \"a@acme.test\" html \"<p>bye</p>\" }\n";
}
const std::string kTemplates = templates();
// Waits for "continue", then sends hello.
const std::string kWaiter = R"(
workflow waiter on "go" {
  wait for "continue" within 1 day { received { send hello } }
}
)";
const std::string kSibling = "workflow sibling on \"other\" { send bye }\n";

engine::CompiledSource compiled(const std::string& text) {
  auto out = engine::compile_source({{"main.flow", text}}, false);
  if (!out.module) throw std::runtime_error("fixture does not compile");
  return out;
}

uint64_t fingerprint(const engine::CompiledSource& source, const std::string& workflow) {
  return engine::workflow_fingerprint(*source.module, *source.module->find_workflow(workflow));
}

TEST(WorkflowFingerprint, IsItsOwnCodeTemplatesAndSettingsOnly) {
  const auto base = compiled(kTemplates + kWaiter + kSibling);
  // Another sibling, moved lines, an unused template changed: the waiter is the same.
  const auto moved = compiled("\n\n" + kTemplates + "// note\n" + kSibling + kWaiter +
                              "workflow third on \"x\" { send bye }\n");
  EXPECT_EQ(fingerprint(base, "waiter"), fingerprint(moved, "waiter"));
  const auto bye_changed = compiled(templates("Hello", "Goodbye") + kWaiter + kSibling);
  EXPECT_EQ(fingerprint(base, "waiter"), fingerprint(bye_changed, "waiter"));
  EXPECT_NE(fingerprint(base, "sibling"), fingerprint(bye_changed, "sibling"));  // it sends bye
  // Its own code, a template it sends, a setting: changed.
  const auto code = compiled(kTemplates + "workflow waiter on \"go\" {\n  wait for \"continue\" within 2 days "
                                          "{ received { send hello } }\n}\n" + kSibling);
  EXPECT_NE(fingerprint(base, "waiter"), fingerprint(code, "waiter"));
  const auto hello_changed = compiled(templates("Hi") + kWaiter + kSibling);
  EXPECT_NE(fingerprint(base, "waiter"), fingerprint(hello_changed, "waiter"));
  const auto renamed = compiled(kTemplates + "workflow waiter on \"go\" {\n  name \"The waiter\"\n  wait for "
                                             "\"continue\" within 1 day { received { send hello } }\n}\n" + kSibling);
  EXPECT_NE(fingerprint(base, "waiter"), fingerprint(renamed, "waiter"));
}

class EngineDeployTest : public EngineFixture {
 protected:
  std::map<std::string, DeployedWorkflow> deploy(const std::string& text) {
    std::map<std::string, DeployedWorkflow> out;
    for (auto& workflow : engine::deploy_each(db(), compiled(text))) out[workflow.name] = workflow;
    return out;
  }
  int64_t track(const std::string& event) {
    const auto result = engine_.track(db(), {event, "ada@example.com", std::nullopt, nlohmann::json::object()});
    engine_.run_due(db(), 100);
    return result.started.empty() ? 0 : result.started.front();
  }
  int64_t scalar(const std::string& sql, int64_t id) { return db().exec(sql, id).one().get<int64_t>(0); }
  std::string status(int64_t execution) {
    return db().exec("SELECT status FROM executions WHERE id = $1", execution).one().get<std::string>(0);
  }

};

TEST_F(EngineDeployTest, ALockedChangedWorkflowIsRefusedWhileItsSiblingsDeploy) {
  auto first = deploy(kTemplates + kWaiter + kSibling);
  EXPECT_EQ(first["waiter"].change, Change::Created);
  EXPECT_EQ(first["sibling"].change, Change::Created);
  const int64_t execution = track("go");
  ASSERT_EQ(status(execution), "WAITING");

  const std::string changed_waiter = "workflow waiter on \"go\" {\n  wait for \"continue\" within 2 days "
                                     "{ received { send hello } }\n}\n";
  auto second = deploy(kTemplates + changed_waiter + kSibling + "workflow third on \"x\" { send bye }\n");
  EXPECT_EQ(second["waiter"].change, Change::Locked);
  EXPECT_NE(second["waiter"].message.find("disable"), std::string::npos) << second["waiter"].message;
  EXPECT_EQ(second["sibling"].change, Change::Unchanged);
  EXPECT_EQ(second["third"].change, Change::Created);
  EXPECT_EQ(scalar("SELECT version::bigint FROM workflows WHERE id = $1", first["waiter"].id), 1);

  // The way out: end the execution (cancel is the executions API's), then deploy again.
  db().exec("UPDATE executions SET status = 'CANCELLED', frame = NULL, wake_at = NULL WHERE id = $1", execution);
  auto third = deploy(kTemplates + changed_waiter + kSibling + "workflow third on \"x\" { send bye }\n");
  EXPECT_EQ(third["waiter"].change, Change::Updated);
  EXPECT_EQ(third["waiter"].version, 2);
  EXPECT_EQ(third["third"].change, Change::Unchanged);
}

TEST_F(EngineDeployTest, AnExecutionKeepsTheModuleItStartedWith) {
  auto first = deploy(kTemplates + kWaiter + kSibling);
  const int64_t execution = track("go");
  ASSERT_EQ(status(execution), "WAITING");
  // A sibling's edit gives the unchanged waiter a new module; the waiting frame belongs to
  // the old one and must still resume.
  auto second = deploy(kTemplates + kWaiter + "workflow sibling on \"other\" { send hello }\n");
  EXPECT_EQ(second["waiter"].change, Change::Unchanged);
  EXPECT_EQ(second["sibling"].change, Change::Updated);
  const int64_t workflow_module = scalar("SELECT module_hash FROM workflows WHERE id = $1", first["waiter"].id);
  const int64_t execution_module = scalar("SELECT module_hash FROM executions WHERE id = $1", execution);
  EXPECT_NE(workflow_module, execution_module);
  EXPECT_EQ(scalar("SELECT count(*) FROM modules WHERE hash = $1", execution_module), 1);

  now_ += 60;
  track("continue");
  EXPECT_EQ(status(execution), "COMPLETED");
  EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE execution_id = $1 AND template = 'hello'", execution), 1);
  // A new enrolment runs the workflow's module now.
  db().exec("DELETE FROM executions");  // re-entry never: let ada in again
  const int64_t next = track("go");
  EXPECT_EQ(scalar("SELECT module_hash FROM executions WHERE id = $1", next), workflow_module);
}

TEST_F(EngineDeployTest, ATriggerChangeIsRefusedAndTheOthersDeploy) {
  deploy(kTemplates + kWaiter + kSibling);
  auto second = deploy(kTemplates + kWaiter + "workflow sibling on \"renamed\" { send bye }\n" +
                       "workflow third on \"x\" { send bye }\n");
  EXPECT_EQ(second["sibling"].change, Change::TriggerChanged);
  EXPECT_EQ(second["third"].change, Change::Created);
  EXPECT_EQ(db().exec("SELECT trigger FROM workflows WHERE name = 'sibling'").one().get<std::string>(0), "other");
}

TEST_F(EngineDeployTest, AnExecutionWhoseWorkflowWasDeletedFailsInsteadOfStayingDue) {
  deploy(kTemplates + kWaiter);
  // As when /v1/track enrols a contact while the workflow is being deleted.
  const auto started = engine_.track(db(), {"go", "ada@example.com", std::nullopt, nlohmann::json::object()}).started;
  ASSERT_EQ(started.size(), 1u);
  db().exec("DELETE FROM workflows");
  EXPECT_EQ(engine_.run_due(db(), 100), 1);
  EXPECT_EQ(status(started.front()), "FAILED");
  EXPECT_EQ(engine_.run_due(db(), 100), 0);
}

// Modules no workflow runs are retired at each deploy, brought back when a source returns
// to them, and deleted once their grace is over and no live execution runs them.
TEST_F(EngineDeployTest, OldModulesGoOnceNothingCanRunThem) {
  const std::string source_a = kTemplates + kWaiter + kSibling;
  const std::string source_b = kTemplates + kWaiter + "workflow sibling on \"other\" { send hello }\n";
  const auto module_of = [&](const std::string& name) {
    return db().exec("SELECT module_hash FROM workflows WHERE name = $1", name).one().get<int64_t>(0);
  };
  const auto retired = [&](int64_t hash) {
    return db().exec("SELECT retired_at IS NOT NULL FROM modules WHERE hash = $1", hash).one().get<bool>(0);
  };
  const auto stored = [&](int64_t hash) { return scalar("SELECT count(*) FROM modules WHERE hash = $1", hash) == 1; };
  const auto collect = [&](std::chrono::seconds grace) {
    return store::with_transaction(db(), [&](store::Connection& c) {
      engine::lock_deploys(c);
      return engine::retire_and_collect_modules(c, grace);
    });
  };

  deploy(source_a);
  const int64_t module_a = module_of("waiter");
  const int64_t execution = track("go");
  ASSERT_EQ(status(execution), "WAITING");
  deploy(source_b);
  const int64_t module_b = module_of("waiter");
  ASSERT_NE(module_a, module_b);
  EXPECT_TRUE(retired(module_a));
  EXPECT_FALSE(retired(module_b));
  deploy(source_a);
  EXPECT_FALSE(retired(module_a)) << "run again";
  EXPECT_TRUE(retired(module_b));
  EXPECT_EQ(collect(std::chrono::seconds(0)), 1);
  EXPECT_FALSE(stored(module_b));

  deploy(source_b);
  EXPECT_TRUE(retired(module_a));
  EXPECT_EQ(collect(std::chrono::seconds(0)), 0) << "the waiting execution runs it";
  now_ += 60;
  track("continue");
  ASSERT_EQ(status(execution), "COMPLETED");
  EXPECT_EQ(collect(engine::kModuleGrace), 0) << "retired just now";
  EXPECT_EQ(collect(std::chrono::seconds(0)), 1);
  EXPECT_FALSE(stored(module_a));
  EXPECT_TRUE(stored(module_b));
}

}  // namespace
}  // namespace flow::runtime::testing
