// flowd: `flowd serve` runs the HTTP API and the workers against one database
// (docs/runtime.md). Without --database-url it runs a private PostgreSQL under --data-dir.
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/api/api.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/flowd/deploy_flows.hpp"
#include "runtime/flowd/notification_hub.hpp"
#include "runtime/flowd/worker.hpp"
#include "runtime/flowd/worker_kinds.hpp"
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
  bool start_on_track = true;
  int mailers = 2;
  int webhook_workers = 1;
  std::string smtp_url;  // empty: .eml files under --data-dir
  std::string smtp_user, smtp_password;
  std::string smtp_starttls = "opportunistic";
  double smtp_timeout = 30;
  bool allow_private_webhooks = false;
  double retry_delay = 30;
  std::string secret_key, public_key;
  size_t body_limit = 1024 * 1024;
  unsigned http_threads = 2;
  unsigned track_recorders = 1;
  std::string public_url;  // empty: http://<listen>
  std::string unsubscribe_secret;  // empty: the stored one (generated once)
  std::string log_level = "info";
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
  options.threads = serve.http_threads;
  return options;
}

// The --smtp-*, --allow-private-webhooks and --retry-delay flags; throws CLI::ValidationError.
flow::flowd::DeliveryConfig delivery_config_of(const ServeOptions& serve) {
  flow::flowd::DeliveryConfig config;
  config.eml_dir = std::filesystem::absolute(serve.data_dir);
  const auto milliseconds = [](double seconds) {
    return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  };
  if (!serve.smtp_url.empty()) {
    if (!serve.smtp_url.starts_with("smtp://") && !serve.smtp_url.starts_with("smtps://"))
      throw CLI::ValidationError("--smtp-url", "expected smtp://HOST[:PORT] or smtps://HOST[:PORT]");
    runtime::delivery::SmtpConfig smtp;
    smtp.url = serve.smtp_url;
    smtp.username = serve.smtp_user;
    smtp.password = serve.smtp_password;
    smtp.timeout = milliseconds(serve.smtp_timeout);
    const std::string& mode = serve.smtp_starttls;
    smtp.starttls = mode == "none"       ? runtime::delivery::StartTls::none
                    : mode == "required" ? runtime::delivery::StartTls::required
                                         : runtime::delivery::StartTls::opportunistic;
    config.smtp = std::move(smtp);
  }
  config.webhook_addresses = {.allow_private = serve.allow_private_webhooks,
                              .allow_loopback = serve.allow_private_webhooks};
  config.backoff.base = milliseconds(serve.retry_delay);
  return config;
}

// Where people reach this flowd from outside: the base of unsubscribe links.
std::string public_url_of(const ServeOptions& options) {
  std::string url = options.public_url.empty() ? "http://" + options.listen : options.public_url;
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// engine::Options::unsubscribe_url: `<public url>/unsubscribe/<token>`.
std::function<std::string(int64_t)> unsubscribe_links(const std::string& public_url,
                                                      const runtime::api::UnsubscribeTokens& tokens) {
  return [base = public_url + "/unsubscribe/", tokens](int64_t contact_id) { return base + tokens.token(contact_id); };
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

// Runs `stop` at the end of its scope, and earlier when called; stop must be idempotent.
struct StopInOrder {
  std::function<void()> stop;
  void operator()() const { stop(); }
  ~StopInOrder() { stop(); }
};

int serve(const ServeOptions& options) {
  const runtime::http::Options http_options = http_options_of(options);  // before any slow start-up
  const flow::flowd::DeliveryConfig delivery = delivery_config_of(options);
  const sigset_t signals = block_stop_signals();
  // Declared first so that it is destroyed (stopped) last, after everything using it.
  std::optional<runtime::pgembed::Server> local_db;
  std::string conninfo = options.database_url;
  if (conninfo.empty()) {
    spdlog::info("no --database-url: running PostgreSQL under {}", options.data_dir);
    local_db.emplace(std::filesystem::absolute(options.data_dir));
    conninfo = local_db->conninfo();
  }
  std::optional<runtime::api::Keys> keys;
  std::optional<runtime::api::UnsubscribeTokens> unsubscribe_tokens;
  {
    runtime::store::Connection conn(conninfo);
    const int applied = runtime::store::migrate(conn);
    if (applied > 0) spdlog::info("applied {} migration(s)", applied);
    if (!flow::flowd::deploy_flows(conn, options.flows)) return 1;
    keys = api_keys(conn, options);
    unsubscribe_tokens = runtime::api::UnsubscribeTokens::load(conn, options.unsubscribe_secret);
  }
  const runtime::engine::Options engine_options{
      .clock = now_seconds,
      .unsubscribe_url = unsubscribe_links(public_url_of(options), *unsubscribe_tokens),
      .start_on_track = options.start_on_track};
  runtime::engine::Engine engine(engine_options);
  runtime::api::TrackGroupCommit tracks(engine, conninfo, options.track_recorders);
  runtime::api::Services services{engine, conninfo, *keys, *unsubscribe_tokens, tracks};
  runtime::http::Server http(http_options, runtime::api::make_api(services));
  // The recorders answer the server's connections: stopped after the server stops and before
  // it is destroyed, also when start-up fails below.
  const StopInOrder stop_api{[&] {
    http.stop();
    tracks.stop();
  }};
  http.start();
  spdlog::info("listening on {}:{}", http_options.address, http.port());
  flow::flowd::NotificationHub notifications(conninfo);
  std::vector<std::unique_ptr<flow::flowd::Worker>> workers;
  const auto add_worker = [&](flow::flowd::WorkerJob job) {
    auto& doorbell = notifications.doorbell(job.channel);
    workers.push_back(std::make_unique<flow::flowd::Worker>(conninfo, std::move(job), doorbell));
  };
  for (int i = 0; i < options.workers; ++i) add_worker(flow::flowd::execution_job(i, engine_options));
  for (int i = 0; i < options.mailers; ++i) add_worker(flow::flowd::mail_job(i, delivery));
  for (int i = 0; i < options.webhook_workers; ++i) add_worker(flow::flowd::webhook_job(i, delivery));
  notifications.start();
  if (delivery.smtp) spdlog::info("mail: SMTP {}", delivery.smtp->url);
  else spdlog::info("mail: no --smtp-url, writing .eml files under {}", (delivery.eml_dir / "mail").string());

  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("received {}, stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
  stop_api();  // first: no new work comes in while the workers finish theirs
  for (auto& worker : workers) worker->request_stop();  // all at once: each may be sending
  workers.clear();
  notifications.stop();
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
  serve_command->add_option("--data-dir", options.data_dir, "the local PostgreSQL, and mail/*.eml without --smtp-url")
      ->envname("FLOW_DATA_DIR")
      ->capture_default_str();
  serve_command
      ->add_option("--workers", options.workers,
                   "worker threads running due executions (0: none here, another flowd on the database runs them)")
      ->envname("FLOW_WORKERS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve_command
      ->add_option("--start-on-track", options.start_on_track,
                   "run the executions a /v1/track starts up to their first wait before it answers (false: the "
                   "workers start them)")
      ->envname("FLOW_START_ON_TRACK")
      ->capture_default_str();
  serve_command->add_option("--mailers", options.mailers, "worker threads delivering the outbox (0: none here)")
      ->envname("FLOW_MAILERS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve_command->add_option("--webhook-workers", options.webhook_workers, "worker threads calling webhooks (0: none here)")
      ->envname("FLOW_WEBHOOK_WORKERS")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  serve_command
      ->add_option("--smtp-url", options.smtp_url, "smtp://HOST[:PORT] or smtps://HOST[:PORT] (default: .eml files)")
      ->envname("FLOW_SMTP_URL");
  serve_command->add_option("--smtp-user", options.smtp_user, "SMTP AUTH user (default: no AUTH)")
      ->envname("FLOW_SMTP_USER");
  serve_command->add_option("--smtp-password", options.smtp_password, "SMTP AUTH password")
      ->envname("FLOW_SMTP_PASSWORD");
  serve_command
      ->add_option("--smtp-starttls", options.smtp_starttls, "STARTTLS on smtp://: none, opportunistic, required")
      ->envname("FLOW_SMTP_STARTTLS")
      ->check(CLI::IsMember({"none", "opportunistic", "required"}))
      ->capture_default_str();
  serve_command->add_option("--smtp-timeout", options.smtp_timeout, "seconds per SMTP send, connecting included")
      ->envname("FLOW_SMTP_TIMEOUT")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  serve_command->add_flag("--allow-private-webhooks", options.allow_private_webhooks,
                          "let webhooks reach private and loopback addresses")
      ->envname("FLOW_ALLOW_PRIVATE_WEBHOOKS");
  serve_command->add_option("--retry-delay", options.retry_delay,
                            "seconds before the first retry of mail or a webhook (doubling, at most 1 hour)")
      ->envname("FLOW_RETRY_DELAY")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  serve_command->add_option("--public-url", options.public_url,
                            "URL people reach this flowd at, for unsubscribe links (default: http://<--listen>)")
      ->envname("FLOW_PUBLIC_URL");
  serve_command->add_option("--unsubscribe-secret", options.unsubscribe_secret,
                            "HMAC secret of unsubscribe links, 16+ characters (default: generated once, stored)")
      ->envname("FLOW_UNSUBSCRIBE_SECRET");
  serve_command->add_option("--log-level", options.log_level, "trace, debug (a line per request and step), info, warn, "
                            "error, critical or off")
      ->envname("FLOW_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  serve_command->add_option("--secret-key", options.secret_key, "API secret key sk_… (default: generated once, stored)")
      ->envname("FLOW_SECRET_KEY");
  serve_command->add_option("--public-key", options.public_key, "API public key pk_… (default: generated once, stored)")
      ->envname("FLOW_PUBLIC_KEY");
  serve_command->add_option("--http-threads", options.http_threads, "threads serving the API")
      ->envname("FLOW_HTTP_THREADS")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  serve_command->add_option("--track-recorders", options.track_recorders,
                            "threads recording /v1/track events, each a batch at a time (group commit)")
      ->envname("FLOW_TRACK_RECORDERS")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  serve_command->add_option("--body-limit", options.body_limit, "largest request body in bytes (larger: 413)")
      ->envname("FLOW_BODY_LIMIT")
      ->check(CLI::Range(size_t{1024}, size_t{64} << 20))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  try {
    return serve(options);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
}
