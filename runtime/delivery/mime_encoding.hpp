#pragma once
// The byte-level encodings of an Internet message (RFC 2045, RFC 2047). Pure functions;
// build_mime composes them into a whole message.
#include <string>
#include <string_view>

namespace flow::runtime::delivery {

std::string base64(std::string_view bytes);

// Quoted-printable body (RFC 2045 §6.7) with CRLF line breaks and lines of at most 76
// characters. Any line break in the input (LF, CRLF or CR) becomes a hard CRLF. The
// output never contains "=_", which lets the multipart boundary start with it.
std::string quoted_printable(std::string_view text);

// An unstructured header value: returned unchanged when it is printable ASCII short
// enough for one line, otherwise as UTF-8 "B" encoded-words of at most 75 characters separated by CRLF SP (a folded
// header), never splitting a UTF-8 sequence. Line breaks in the input are thereby encoded,
// never emitted, so a value can't inject a header.
std::string encode_header_text(std::string_view text);

}  // namespace flow::runtime::delivery
