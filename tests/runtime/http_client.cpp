#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace flow::runtime::http::test {
namespace {

int connect_loopback(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

RawClient::RawClient(uint16_t port) : fd_(connect_loopback(port)) {
  if (fd_ < 0) throw std::runtime_error("connect failed");
}

RawClient::~RawClient() { ::close(fd_); }

void RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) throw std::runtime_error("send failed");
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
}

bool RawClient::fill() {
  char chunk[4096];
  const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
  if (received <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(received));
  return true;
}

std::optional<RawResponse> RawClient::read_response() {
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!fill()) return std::nullopt;
  RawResponse response;
  response.head = buffer_.substr(0, head_end);
  std::transform(response.head.begin(), response.head.end(), response.head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  response.status = std::stoi(response.head.substr(response.head.find(' ') + 1, 3));
  size_t length = 0;
  if (const auto field = response.head.find("\r\ncontent-length:"); field != std::string::npos)
    length = std::stoul(response.head.substr(field + 17));
  buffer_.erase(0, head_end + 4);
  while (buffer_.size() < length)
    if (!fill()) return std::nullopt;
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

bool RawClient::closed_by_server() {
  char byte;
  const ssize_t received = ::recv(fd_, &byte, 1, 0);
  return received == 0 || (received < 0 && errno == ECONNRESET);
}

bool can_connect(uint16_t port) {
  const int fd = connect_loopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace flow::runtime::http::test
