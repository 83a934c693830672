// flowd: `flowd serve` runs the HTTP API and the workers against one database
// (docs/runtime.md). Without --database-url it runs a private PostgreSQL under --data-dir.
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/api/api.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/flowd/deploy_flows.hpp"
#include "runtime/flowd/worker.hpp"
#include "runtime/http/server.hpp"
#include "runtime/pgembed/server.hpp"
#include "runtime/store/migrations.hpp"

namespace {

namespace runtime = flow::runtime;

struct ServeOptions {
  std::string flows = "flows";
  std::string database_url;
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./flowd-data";
  int workers = 1;
  std::string secret_key, public_key;
  size_t body_limit = 1024 * 1024;
};

// --listen and --body-limit as http::Options; throws CLI::ValidationError.
runtime::http::Options http_options_of(const ServeOptions& serve) {
  const std::string& listen = serve.listen;
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw CLI::ValidationError("--listen", "expected HOST:PORT");
  runtime::http::Options options;
  options.address = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value > 65535) {
    throw CLI::ValidationError("--listen", "the port must be a number from 0 to 65535");
  }
  options.port = static_cast<uint16_t>(value);
  options.body_limit = serve.body_limit;
  return options;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Blocks SIGINT and SIGTERM in this thread and, by inheritance, in every thread started
// after it, so that the main thread alone receives them through sigwait.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// The configured API keys, or the stored ones; keys made now are printed, the only time.
runtime::api::Keys api_keys(runtime::store::Connection& conn, const ServeOptions& options) {
  std::optional<runtime::api::Keys::Generated> generated;
  runtime::api::Keys keys = runtime::api::Keys::load(conn, options.secret_key, options.public_key, generated);
  if (generated) {
    spdlog::warn("generated API keys; they are stored only as digests and shown this once:");
    if (!generated->secret.empty()) spdlog::warn("  secret key: {}", generated->secret);
    if (!generated->public_key.empty()) spdlog::warn("  public key: {}", generated->public_key);
  }
  return keys;
}

int serve(const ServeOptions& options) {
  const runtime::http::Options http_options = http_options_of(options);  // before any slow start-up
  const sigset_t signals = block_stop_signals();
  // Declared first so that it is destroyed (stopped) last, after everything using it.
  std::optional<runtime::pgembed::Server> local_db;
  std::string conninfo = options.database_url;
  if (conninfo.empty()) {
    spdlog::info("no --database-url: running PostgreSQL under {}", options.data_dir);
    local_db.emplace(std::filesystem::absolute(options.data_dir));
    conninfo = local_db->conninfo();
  }
  runtime::engine::Engine engine({.clock = now_seconds});
  std::optional<runtime::api::Services> services;
  {
    runtime::store::Connection conn(conninfo);
    const int applied = runtime::store::migrate(conn);
    if (applied > 0) spdlog::info("applied {} migration(s)", applied);
    if (!flow::flowd::deploy_flows(conn, options.flows)) return 1;
    services.emplace(engine, conninfo, api_keys(conn, options));
  }
  runtime::http::Server http(http_options, runtime::api::make_api(*services));
  http.start();
  spdlog::info("listening on {}:{}", http_options.address, http.port());
  std::vector<std::unique_ptr<flow::flowd::Worker>> workers;
  for (int i = 0; i < options.workers; ++i) workers.push_back(std::make_unique<flow::flowd::Worker>(conninfo, i));

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("received {}, stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
  http.stop();  // first: no new work comes in while the workers finish theirs
  workers.clear();
  if (local_db) local_db->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("flowd: runs Flow workflows", "flowd");
  app.require_subcommand(1);
  ServeOptions options;
  CLI::App* serve_command = app.add_subcommand("serve", "deploy the flows and serve the API");
  serve_command->add_option("--flows", options.flows, "directory of .flow files to deploy")
      ->envname("FLOW_FLOWS")
      ->capture_default_str();
  serve_command->add_option("--database-url", options.database_url, "PostgreSQL URL or conninfo (default: a local one)")
      ->envname("FLOW_DATABASE_URL");
  serve_command->add_option("--listen", options.listen, "HOST:PORT of the HTTP API")
      ->envname("FLOW_LISTEN")
      ->capture_default_str();
  serve_command->add_option("--data-dir", options.data_dir, "where the local PostgreSQL lives")
      ->envname("FLOW_DATA_DIR")
      ->capture_default_str();
  serve_command->add_option("--workers", options.workers, "worker threads running due executions")
      ->envname("FLOW_WORKERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_command->add_option("--secret-key", options.secret_key, "API secret key sk_… (default: generated once, stored)")
      ->envname("FLOW_SECRET_KEY");
  serve_command->add_option("--public-key", options.public_key, "API public key pk_… (default: generated once, stored)")
      ->envname("FLOW_PUBLIC_KEY");
  serve_command->add_option("--body-limit", options.body_limit, "largest request body in bytes (larger: 413)")
      ->envname("FLOW_BODY_LIMIT")
      ->check(CLI::Range(size_t{1024}, size_t{64} << 20))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return serve(options);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
}
