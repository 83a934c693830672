#pragma once
// One libpq session. Not thread-safe: use one Connection per thread (or per worker).
// Statements are sent with their parameters bound, never spliced into the SQL text.
#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/store/param.hpp"
#include "runtime/store/result.hpp"

struct pg_conn;

namespace flow::runtime::store {

struct Notification {
  std::string channel;
  std::string payload;
  int sender_pid = 0;  // the backend that sent it
};

class Connection {
 public:
  // `conninfo`: a libpq keyword string ("host=/run/x dbname=flow") or URL
  // ("postgresql://u@a,b/flow?target_session_attrs=read-write"); empty uses the libpq
  // environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). Throws Error (08001).
  explicit Connection(std::string conninfo);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;

  template <typename... Args>
  Result exec(std::string_view sql, const Args&... args) {
    const std::array<Param, sizeof...(Args)> params{Param(args)...};
    return exec_params(sql, params);
  }
  // Each distinct statement text is prepared on this session the first time it is run and
  // executed as a prepared statement afterwards: PostgreSQL then parses and plans it once
  // per session instead of once per call, which is most of the cost of flowd's short
  // statements. Statement texts are constant in flowd (values are always parameters), so
  // the cache stays small; past kMaxPrepared texts, new ones run unprepared.
  Result exec_params(std::string_view sql, std::span<const Param> params);
  static constexpr size_t kMaxPrepared = 512;
  // Several `;`-separated statements, no parameters: for constant SQL only (migrations).
  void exec_script(std::string_view sql);

  // Re-establishes a lost session with the same conninfo (a multi-host conninfo may land on
  // a new primary). Session state (LISTEN, SET, prepared statements) does not survive.
  void reconnect();

  // LISTEN on `channel` (an identifier; quoted here, so any name is safe).
  void listen(std::string_view channel);
  void notify(std::string_view channel, std::string_view payload = "");
  // The next notification for a channel this session listens on, or nullopt after
  // `timeout`. Notifications that arrived during earlier statements are returned first.
  std::optional<Notification> wait_for_notification(std::chrono::milliseconds timeout);

  int backend_pid() const;

 private:
  void connect();
  // The name of `sql` prepared on this session, preparing it now if needed; empty when the
  // cache is full (run it unprepared).
  const std::string& prepared_name(const std::string& sql, int param_count);
  [[noreturn]] void throw_session_error(std::string_view what) const;

  std::string conninfo_;
  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // statement text → name on this session
};

}  // namespace flow::runtime::store
