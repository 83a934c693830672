// The unsubscribe link of marketing email (docs/runtime.md, "Unsubscribe"):
// GET /unsubscribe/{token} asks for confirmation (mail scanners follow links, so a GET
// changes nothing); POST unsubscribes, whether it comes from that page's form or from a
// mail client's RFC 8058 one-click `List-Unsubscribe=One-Click`. People read these
// answers in a browser, so they are HTML, errors included.
#include <optional>
#include <string>

#include "runtime/api/routes.hpp"
#include "runtime/engine/contact.hpp"
#include "runtime/store/transaction.hpp"

namespace flow::runtime::api {

namespace {

http::Response html_page(int status, const std::string& title, const std::string& body) {
  http::Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  // The token is the credential: keep it out of caches and of other sites' Referer.
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Referrer-Policy", "no-referrer");
  response.body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                  "content=\"width=device-width\"><title>" + title + "</title></head>\n<body><h1>" + title +
                  "</h1>\n" + body + "\n</body></html>\n";
  return response;
}

http::Response invalid_link() {
  return html_page(404, "Link not valid",
                   "<p>This unsubscribe link is not valid (it may be incomplete, or the contact no longer exists).</p>");
}

// The contact the link's token names, if the token is genuine and the contact still exists.
std::optional<int64_t> contact_of_link(Context& context) {
  const auto contact = context.services.unsubscribe_tokens.contact_of(context.param("token"));
  if (!contact) return std::nullopt;
  if (context.db().exec("SELECT 1 FROM contacts WHERE id = $1", *contact).empty()) return std::nullopt;
  return contact;
}

http::Response confirm_page(Context& context) {
  if (!contact_of_link(context)) return invalid_link();
  // The token is digits, '.' and base64url: nothing to escape in the attribute.
  return html_page(200, "Unsubscribe",
                   "<p>Stop receiving marketing email from us? Transactional messages (receipts, password "
                   "resets) still arrive.</p>\n<form method=\"post\" action=\"/unsubscribe/" +
                       context.param("token") +
                       "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                       "<button type=\"submit\">Unsubscribe</button></form>");
}

// Whatever the body (the form's, RFC 8058's `List-Unsubscribe=One-Click`, or none): the
// token alone authorises, and unsubscribing twice is harmless.
http::Response unsubscribe(Context& context) {
  const auto contact = context.services.unsubscribe_tokens.contact_of(context.param("token"));
  if (!contact) return invalid_link();
  const auto changed = store::with_transaction(
      context.db(), [&](store::Connection& c) { return engine::set_subscribed(c, *contact, false); });
  if (!changed) return invalid_link();  // deleted meanwhile
  return html_page(200, "You are unsubscribed", "<p>You will receive no more marketing email from us.</p>");
}

}  // namespace

void add_unsubscribe_routes(Router& router) {
  router.add("GET", "/unsubscribe/{token}", Access::None, confirm_page);
  router.add("POST", "/unsubscribe/{token}", Access::None, unsubscribe);
}

}  // namespace flow::runtime::api
