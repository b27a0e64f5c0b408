#pragma once
// Linux socket options the fingerprinting listener needs beyond Asio, and address formatting.

#include <boost/asio/ip/address.hpp>
#include <string>

namespace fp::server::detail {

// Largest saved SYN read back: IPv6 with extension headers plus a TCP header with options fit.
inline constexpr size_t kMaxSavedSyn = 512;

// Sets TCP_SAVE_SYN on a listening socket (before listen): the kernel then keeps each new
// connection's SYN headers until read. False when the kernel refuses.
[[nodiscard]] bool enable_save_syn(int listen_fd) noexcept;

// Marks a descriptor close-on-exec, so that a process the service starts (a shell, a helper)
// does not inherit the listening socket, which would keep the port accepting after stop().
// Asio opens and accepts sockets without SOCK_CLOEXEC.
[[nodiscard]] bool set_close_on_exec(int fd) noexcept;

// The SYN's IP and TCP headers (TCP_SAVED_SYN) of an accepted socket; "" when the kernel kept
// none. The kernel frees them once read, so this gives them once.
[[nodiscard]] std::string take_saved_syn(int fd);

// "127.0.0.1", "::1"; IPv4-mapped IPv6 addresses (a dual-stack listener) as IPv4.
[[nodiscard]] std::string peer_address(const boost::asio::ip::address& address);

}  // namespace fp::server::detail
