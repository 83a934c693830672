#pragma once
// One libpq session. Not thread-safe: use one Connection per thread (or per worker).
// Statements are sent with their parameters bound, never spliced into the SQL text.
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

  // The result of a deferred statement, readable once the statement has run.
  class Deferred {
   public:
    // Throws std::logic_error before the statement has run (or when it did not run: an
    // earlier statement of its round trip failed, and that failure was thrown).
    const Result& result() const;

   private:
    friend class Connection;
    std::shared_ptr<std::optional<Result>> slot_ = std::make_shared<std::optional<Result>>();
  };

  // Queues a statement to go to the server with the next exec() (a COMMIT, often): every
  // queued statement and that one travel in one round trip (libpq pipeline mode), and the
  // first error among them is thrown by that exec(). For statements nothing needs to read
  // before then — BEGIN, writes, NOTIFY — so that a transaction costs a round trip per
  // statement that is read, plus its COMMIT, instead of one per statement. Outside a
  // transaction, the statements of one round trip form one implicit transaction. They are
  // prepared before they are sent, so none may name a table created earlier in the same
  // round trip.
  template <typename... Args>
  Deferred defer(std::string_view sql, const Args&... args) {
    const std::array<Param, sizeof...(Args)> params{Param(args)...};
    return defer_params(sql, params);
  }
  Deferred defer_params(std::string_view sql, std::span<const Param> params);
  // Drops the queued statements unsent (a transaction that rolls back has no use for them).
  void discard_deferred() { deferred_.clear(); }
  bool has_deferred() const { return !deferred_.empty(); }
  // A transaction block is open on the session (BEGIN has run, COMMIT or ROLLBACK not yet).
  bool in_transaction() const;
  // Several `;`-separated statements, no parameters: for constant SQL only (migrations).
  void exec_script(std::string_view sql);

  // Re-establishes a lost session with the same conninfo (a multi-host conninfo may land on
  // a new primary). Session state (LISTEN, SET, prepared statements) does not survive.
  void reconnect();

  // LISTEN on `channel` (an identifier; quoted here, so any name is safe).
  void listen(std::string_view channel);
  void notify(std::string_view channel, std::string_view payload = "");
  // NOTIFY from inside a transaction, deferred: listeners hear it when the transaction
  // commits, and it costs no round trip of its own.
  void notify_on_commit(std::string_view channel, std::string_view payload = "");
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
  // Sends the queued statements in one pipeline and fills their results.
  void run_deferred();
  struct Queued;
  void pipeline(const std::vector<Queued>& queue, const std::vector<const std::string*>& names);
  // Closes a session whose state is unknown; the next use reports it lost (reconnect()).
  void abandon_session();

  struct Queued {
    std::string sql;
    std::vector<Param> params;
    Deferred deferred;
  };

  std::string conninfo_;
  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // statement text → name on this session
  std::vector<Queued> deferred_;
};

}  // namespace flow::runtime::store
