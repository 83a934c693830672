#include "runtime/delivery/mime_encoding.hpp"

#include <algorithm>

namespace flow::runtime::delivery {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

bool utf8_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k)
      group = group << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k)
      out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  constexpr size_t kMaxLine = 76;  // including a soft break's trailing '='
  std::string out;
  size_t line = 0;  // characters on the current output line
  auto emit = [&](std::string_view token) {
    if (line + token.size() > kMaxLine - 1) {
      out += "=\r\n";
      line = 0;
    }
    out += token;
    line += token.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    // Whitespace survives only when something visible follows it on the line: mail
    // transports strip trailing blanks.
    const bool line_ends = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
    const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_ends);
    if (literal) {
      emit(std::string_view(&text[i], 1));
    } else {
      const char escaped[3] = {'=', kHex[c >> 4], kHex[c & 0xF]};
      emit(std::string_view(escaped, 3));
    }
  }
  return out;
}

std::string encode_header_text(std::string_view text) {
  // Lines may be 998 characters; this leaves room for any header name.
  constexpr size_t kMaxPlainValue = 900;
  if (text.size() <= kMaxPlainValue && printable_ascii(text)) return std::string(text);
  // 75 characters = "=?UTF-8?B?" + 60 base64 characters + "?=", and 60 characters carry
  // 45 bytes.
  constexpr size_t kChunk = 45;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + kChunk);
    while (end < text.size() && end > i + 1 && utf8_continuation(static_cast<unsigned char>(text[end]))) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

}  // namespace flow::runtime::delivery
