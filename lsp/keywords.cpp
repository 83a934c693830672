#include "lsp/keywords.hpp"

#include <algorithm>

namespace flow::lsp {

const std::vector<KeywordInfo>& keyword_table() {
  static const std::vector<KeywordInfo> table = {
      // Items
      {WordKind::Keyword, "template",
       "`template NAME { … }`: an email. Settings: `type`, `subject`, `from`, `reply_to`, `html`, `text`.",
       "template ${1:name} {\n\ttype ${2|marketing,transactional,headless|}\n\tsubject \"${3}\"\n\tfrom \"${4}\"\n"
       "\thtml \"${5}\"\n}"},
      {WordKind::Keyword, "workflow", "`workflow NAME on \"event\" { … }`: what happens to a contact after the event.",
       "workflow ${1:name} on \"${2:event.name}\" {\n\t$0\n}"},
      {WordKind::Keyword, "on", "`on \"event\"`: the event that starts the workflow (a plain string, permanent).", ""},
      // Steps
      {WordKind::Keyword, "send", "`send TEMPLATE`: sends an email built from the template to the contact.",
       "send ${1:template}"},
      {WordKind::Keyword, "delay", "`delay DURATION`: waits that long, then goes on.",
       "delay ${1:1} ${2|days,hours,minutes,weeks|}"},
      {WordKind::Keyword, "wait",
       "`wait for \"event\" within DURATION { received { … } timeout { … } }`: waits until the contact fires the "
       "event (`received`, with `event` bound to it) or the time passes (`timeout`).",
       "wait for \"${1:event.name}\" within ${2:3 days} {\n\treceived {\n\t\t$3\n\t}\n\ttimeout {\n\t\t$0\n\t}\n}"},
      {WordKind::Keyword, "for", "`wait for \"event\"`: the event a `wait` step waits for.", ""},
      {WordKind::Keyword, "within", "`within DURATION`: how long a `wait` step waits before its `timeout` branch.", ""},
      {WordKind::Keyword, "received",
       "`received { … }`: the branch of a `wait` taken when the event arrives; `event` is that event.", ""},
      {WordKind::Keyword, "timeout",
       "`timeout { … }`: the branch of a `wait` taken when the time passes; in a `webhook` block, how long the "
       "request may take.",
       ""},
      {WordKind::Keyword, "if",
       "`if COND { … } else if COND { … } else { … }`: a condition with any number of branches.",
       "if ${1:condition} {\n\t$0\n}"},
      {WordKind::Keyword, "else",
       "`else { … }` / `else if COND { … }`: the branch taken when no condition before it held.", ""},
      {WordKind::Keyword, "webhook",
       "`webhook METHOD URL { headers {…} body EXPR timeout DURATION retries N }`: an HTTP request; the response is "
       "`response.status` and `response.body` afterwards.",
       "webhook ${1|post,get,put,patch,delete|} \"${2:https://}\""},
      {WordKind::Keyword, "update",
       "`update contact { key: EXPR, … }`: sets fields of the contact's data (`null` deletes a key).",
       "update contact { ${1:key}: ${2:value} }"},
      {WordKind::Keyword, "contact",
       "`contact`: the contact of the execution (`contact.email`, `contact.subscribed`, `contact.data.x`).", ""},
      {WordKind::Keyword, "exit", "`exit` / `exit \"reason\"`: ends the execution as EXITED.", "exit \"${1:reason}\""},
      {WordKind::Keyword, "let", "`let NAME = EXPR`: a new local variable of the workflow.", "let ${1:name} = ${0}"},
      {WordKind::Keyword, "label", "`label NAME`: a place to `goto`.", "label ${1:name}"},
      {WordKind::Keyword, "goto",
       "`goto NAME`: jumps to a label of the same workflow. A loop must pass a `delay` or a `wait` on every way "
       "round.",
       "goto ${1:label}"},
      // Expressions
      {WordKind::Keyword, "and", "`a and b`: true when both are true.", ""},
      {WordKind::Keyword, "or", "`a or b`: true when either is true.", ""},
      {WordKind::Keyword, "not", "`not a`: the negation; `b not in a`: b is not an element, key or substring of a.",
       ""},
      {WordKind::Keyword, "in",
       "`b in a`: b is an element of the list, a key of the object or a substring of the string a.", ""},
      {WordKind::Keyword, "true", "the boolean true", ""},
      {WordKind::Keyword, "false", "the boolean false", ""},
      {WordKind::Keyword, "null", "no value; `update contact { key: null }` deletes the key.", ""},
      {WordKind::Keyword, "file", "`html file \"path\"`: the body is read from a file, relative to the .flow file.",
       ""},
      // Settings
      {WordKind::Setting, "type",
       "`type marketing | transactional | headless`: marketing emails are never sent to unsubscribed "
       "contacts.",
       ""},
      {WordKind::Setting, "subject", "`subject \"…\"`: the subject line of the email (holes allowed).", ""},
      {WordKind::Setting, "from", "`from \"address\"`: the sender of the email.", ""},
      {WordKind::Setting, "reply_to", "`reply_to \"address\"`: where replies go.", ""},
      {WordKind::Setting, "html",
       "`html \"…\"` or `html file \"path\"`: the HTML body; holes are HTML-escaped unless `{{{ }}}`.", ""},
      {WordKind::Setting, "text", "`text \"…\"` or `text file \"path\"`: the plain-text body.", ""},
      {WordKind::Setting, "name", "`name \"…\"`: the workflow's display name.", ""},
      {WordKind::Setting, "description", "`description \"…\"`: what the workflow is for.", ""},
      {WordKind::Setting, "reentry",
       "`reentry never | allowed`: whether a contact may start the workflow again (default never).", ""},
      {WordKind::Setting, "enabled", "`enabled true | false`: whether the workflow runs (default true).", ""},
  };
  return table;
}

const KeywordInfo* find_keyword(std::string_view word) {
  const auto& table = keyword_table();
  const auto it = std::find_if(table.begin(), table.end(), [&](const KeywordInfo& k) { return k.word == word; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace flow::lsp

namespace flow::lsp {

bool is_valid_name(std::string_view name) {
  const auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  if (!std::all_of(name.begin(), name.end(), word_char)) return false;
  const KeywordInfo* keyword = find_keyword(name);
  return keyword == nullptr || keyword->kind != WordKind::Keyword;
}

}  // namespace flow::lsp
