#pragma once
// The base protocol of LSP: each message is `Content-Length: N\r\n` (other headers
// allowed), an empty line, and N bytes of JSON.
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

namespace flow::lsp {

enum class FrameStatus { Message, Malformed, End };

struct Frame {
  FrameStatus status = FrameStatus::End;
  std::string body;  // FrameStatus::Message
};

// The next message. Malformed: a header block without a usable Content-Length (the reader
// is then at the start of what follows it). End: the stream closed.
Frame read_frame(std::istream& in);

void write_frame(std::ostream& out, std::string_view body);

}  // namespace flow::lsp
