#pragma once
// Owning wrappers for the libcurl objects the SMTP mailer and the webhook client share:
// the easy handle (which also owns the connection cache, so keeping one alive reuses
// connections) and header/recipient lists. Creating the first handle initialises libcurl
// once for the process, before any worker thread uses it.
#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

namespace flow::runtime::delivery {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// A new easy handle; throws std::runtime_error when libcurl can't be initialised.
CurlEasy make_curl_easy();

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

CurlSlist make_curl_slist(const std::vector<std::string>& items);

}  // namespace flow::runtime::delivery
