#include "lsp/framing.hpp"

#include <cctype>
#include <charconv>
#include <optional>

namespace flow::lsp {

namespace {

// A larger message is a broken client, not a document.
constexpr size_t kMaxBody = size_t{256} << 20;

std::optional<size_t> content_length(std::string_view line) {
  constexpr std::string_view kName = "content-length:";
  if (line.size() < kName.size()) return std::nullopt;
  for (size_t i = 0; i < kName.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != kName[i]) return std::nullopt;
  }
  line.remove_prefix(kName.size());
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  size_t length = 0;
  const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), length);
  if (error != std::errc{} || end != line.data() + line.size()) return std::nullopt;
  return length;
}

}  // namespace

Frame read_frame(std::istream& in) {
  std::optional<size_t> length;
  bool any_header = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!any_header) continue;  // stray blank lines between messages
      if (!length || *length > kMaxBody) {
        if (length) in.ignore(static_cast<std::streamsize>(*length));
        return Frame{FrameStatus::Malformed, {}};
      }
      Frame frame{FrameStatus::Message, std::string(*length, '\0')};
      if (!in.read(frame.body.data(), static_cast<std::streamsize>(*length))) return Frame{};
      return frame;
    }
    // After a message without a length, its body runs into the next header line.
    if (const size_t at = line.find("Content-Length:"); at != std::string::npos) line.erase(0, at);
    any_header = true;
    if (auto parsed = content_length(line)) length = parsed;
  }
  return Frame{};
}

void write_frame(std::ostream& out, std::string_view body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

}  // namespace flow::lsp
