#include "server/listener_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>

namespace fp::server::detail {

bool enable_save_syn(int listen_fd) noexcept {
  const int on = 1;
  return ::setsockopt(listen_fd, IPPROTO_TCP, TCP_SAVE_SYN, &on, sizeof on) == 0;
}

bool set_close_on_exec(int fd) noexcept {
  const int flags = ::fcntl(fd, F_GETFD);
  return flags >= 0 && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
}

std::string take_saved_syn(int fd) {
  std::array<uint8_t, kMaxSavedSyn> buffer{};
  socklen_t length = buffer.size();
  if (::getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, buffer.data(), &length) != 0) return {};
  return {reinterpret_cast<const char*>(buffer.data()), length};
}

std::string peer_address(const boost::asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .to_string();
  }
  return address.to_string();
}

}  // namespace fp::server::detail
