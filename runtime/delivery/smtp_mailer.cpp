#include "runtime/delivery/smtp_mailer.hpp"

#include <algorithm>
#include <cstring>

namespace flow::runtime::delivery {

namespace {

struct Upload {
  std::string_view rest;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), n);
  upload->rest.remove_prefix(n);
  return n;
}

curl_usessl use_ssl(StartTls starttls) {
  switch (starttls) {
    case StartTls::none: return CURLUSESSL_NONE;
    case StartTls::opportunistic: return CURLUSESSL_TRY;
    case StartTls::required: return CURLUSESSL_ALL;
  }
  return CURLUSESSL_ALL;
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpConfig config, Clock clock)
    : config_(std::move(config)), clock_(std::move(clock)), curl_(make_curl_easy()) {
  CURL* curl = curl_.get();
  curl_easy_setopt(curl, CURLOPT_URL, config_.url.c_str());
  if (config_.port != 0) curl_easy_setopt(curl, CURLOPT_PORT, static_cast<long>(config_.port));
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(use_ssl(config_.starttls)));
  if (!config_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: flowd is threaded
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
}

SendResult SmtpMailer::send(const OutgoingEmail& email) {
  std::string message, from, to;
  try {
    message = build_mime(email, clock_());
    from = "<" + envelope_address(email.from) + ">";
    to = "<" + envelope_address(email.to) + ">";
  } catch (const InvalidEmail& error) {
    return {.ok = false, .permanent_failure = true, .message = error.what()};
  }
  CURL* curl = curl_.get();
  recipients_ = make_curl_slist({to});
  Upload upload{message};
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients_.get());
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // `error` is about to go away
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  if (code == CURLE_OK) return {.ok = true, .permanent_failure = false, .message = "SMTP " + std::to_string(reply)};
  const bool permanent = reply >= 500 && reply < 600 && code != CURLE_LOGIN_DENIED;
  std::string text = *error ? error : curl_easy_strerror(code);
  if (reply != 0) text += " (SMTP " + std::to_string(reply) + ")";
  return {.ok = false, .permanent_failure = permanent, .message = std::move(text)};
}

}  // namespace flow::runtime::delivery
