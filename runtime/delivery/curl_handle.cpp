#include "runtime/delivery/curl_handle.hpp"

#include <mutex>
#include <stdexcept>

namespace flow::runtime::delivery {

CurlEasy make_curl_easy() {
  // curl_global_init is not thread-safe in every libcurl build, so it runs exactly once,
  // and never in curl_easy_init's implicit fallback. Never cleaned up: other threads may
  // still hold handles at exit.
  static std::once_flag once;
  static CURLcode global = CURLE_OK;
  std::call_once(once, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (global != CURLE_OK) throw std::runtime_error(std::string("libcurl: ") + curl_easy_strerror(global));
  CurlEasy handle(curl_easy_init());
  if (!handle) throw std::runtime_error("libcurl: curl_easy_init failed");
  return handle;
}

CurlSlist make_curl_slist(const std::vector<std::string>& items) {
  CurlSlist list;
  for (const std::string& item : items) {
    curl_slist* grown = curl_slist_append(list.get(), item.c_str());
    if (!grown) throw std::bad_alloc();
    list.release();
    list.reset(grown);
  }
  return list;
}

}  // namespace flow::runtime::delivery
