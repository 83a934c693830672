#pragma once
// A request the API refuses, thrown from anywhere inside a handler; the router answers it
// with the JSON error shape (http::json_error).
#include <stdexcept>
#include <string>

namespace flow::runtime::api {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

// The common ones.
inline ApiError invalid_request(const std::string& message) { return {422, "invalid_request", message}; }
inline ApiError not_found(const std::string& message) { return {404, "not_found", message}; }
inline ApiError conflict(const std::string& message) { return {409, "conflict", message}; }

}  // namespace flow::runtime::api
