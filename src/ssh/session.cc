#include "ssh/session.h"

#include <algorithm>
#include <string_view>

#include "ssh/hassh.h"
#include "ssh/limits.h"

namespace fp::ssh {
namespace {

constexpr std::string_view kBannerPrefix = "SSH-";

bool starts_like_banner(Bytes b) {
  const size_t n = std::min(b.size(), kBannerPrefix.size());
  return std::equal(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n), kBannerPrefix.begin());
}

// "SSH-1.5-..." speaks SSH-1; "SSH-1.99-..." (both) and "SSH-2.0-..." speak SSH-2.
bool is_ssh1_only(const std::optional<std::string>& banner) {
  return banner && banner->starts_with("SSH-1.") && !banner->starts_with("SSH-1.99");
}

// Sequence number a comes before b (RFC 9293 3.4, modulo 2^32).
bool seq_before(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }

std::string line_text(Bytes line) {
  std::string s(line.begin(), line.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

struct SshSession::Detail {
  // One direction: its framer, and the sink that reads the PDUs the framer finds.
  struct Side final : PduSink {
    Detail* session = nullptr;
    int side = 0;
    PduFramer framer;
    std::optional<uint32_t> next_seq;

    void on_line(Bytes line) override { session->on_line(side, line); }
    bool on_packet(Bytes packet) override { return session->on_packet(side, packet); }
    bool wants_body(uint8_t code) const override {
      return code == kMsgKexinit || code == kMsgKexReply || code == kMsgKexGexReply;
    }
  };

  Side sides[2];
  std::optional<std::string> banner[2];
  std::optional<KexInit> kexinit[2];
  bool kex_is_group_exchange = false;

  Detail() {
    for (int s = 0; s < 2; ++s) {
      sides[s].session = this;
      sides[s].side = s;
    }
  }

  // tshark's view of one in-order or out-of-order segment; true when it shows `ssh`.
  bool feed(int side, const Segment& seg) {
    Side& d = sides[side];
    const uint32_t end = seg.seq + static_cast<uint32_t>(seg.payload.size());
    if (d.next_seq && seg.seq != *d.next_seq) {
      if (seq_before(seg.seq, *d.next_seq)) return true;  // a retransmission: dissected again
      d.framer.resync();                                  // data lost: start afresh
    }
    d.next_seq = end;
    return d.framer.feed(seg.payload, d);
  }

  void on_line(int side, Bytes line) {
    const std::string text = line_text(line);
    if (!text.starts_with(kBannerPrefix)) return;  // a line a server may send before its version
    if (!banner[side]) banner[side] = text;
    // The binary protocol follows; which one, both identification strings tell.
    const bool ssh1 = is_ssh1_only(banner[0]) || is_ssh1_only(banner[1]);
    sides[side].framer.set_mode(ssh1 ? PduFramer::Mode::kSsh1 : PduFramer::Mode::kSsh2);
  }

  bool on_packet(int side, Bytes packet) {
    constexpr size_t kPayloadStart = 5;  // after packet_length and padding_length
    if (packet.size() <= kPayloadStart) return true;
    const Bytes payload = packet.subspan(kPayloadStart);
    switch (payload[0]) {
      case kMsgKexinit:
        on_kexinit(side, payload);
        return true;
      case kMsgNewkeys:
        sides[side].framer.set_mode(PduFramer::Mode::kEncrypted);
        return true;
      case kMsgKexReply:
      case kMsgKexGexReply:
        return !is_host_key_reply(side, payload[0]) || host_key_fits(payload);
      default:
        return true;
    }
  }

  void on_kexinit(int side, Bytes payload) {
    if (kexinit[side]) return;
    auto k = parse_kexinit(payload);
    if (!k) return;
    kexinit[side] = std::move(*k);
    if (kexinit[0] && kexinit[1]) {
      kex_is_group_exchange =
          negotiated(kexinit[0]->kex, kexinit[1]->kex).find("group-exchange") != std::string::npos;
    }
  }

  // The server's message that carries its host key: KEX_DH_GEX_REPLY under a group-exchange
  // method, otherwise KEXDH_REPLY / KEX_ECDH_REPLY (message 31 is GEX_GROUP there).
  bool is_host_key_reply(int side, uint8_t code) const {
    if (side != 1 || !kexinit[0] || !kexinit[1]) return false;
    return code == (kex_is_group_exchange ? kMsgKexGexReply : kMsgKexReply);
  }

  SshExtras extras() const {
    SshExtras e;
    if (kexinit[0]) e.hassh = hassh(*kexinit[0]);
    if (kexinit[1]) e.hassh_server = hassh_server(*kexinit[1]);
    e.protocol_client = banner[0];
    e.protocol_server = banner[1];
    if (kexinit[0] && kexinit[1]) {
      std::string cipher = ja4ssh_encryption(*kexinit[0], *kexinit[1]);
      if (!cipher.empty()) e.encryption_algorithm = std::move(cipher);
    }
    return e;
  }
};

SshSession::SshSession() = default;
SshSession::~SshSession() = default;

void SshSession::on_segment(const Segment& seg) {
  const int side = seg.side;
  if (!seg.payload.empty()) {
    if (!payload_seen_[side]) {
      payload_seen_[side] = true;
      if (!detail_ && starts_like_banner(seg.payload)) detail_ = std::make_unique<Detail>();
    }
    if (detail_ && detail_->feed(side, seg)) {
      count_ssh_packet(side, static_cast<uint32_t>(seg.payload.size()));
      return;
    }
  }
  if (seg.bare_ack_flags) window_.add_bare_ack(side);
}

void SshSession::count_ssh_packet(int side, uint32_t length) {
  window_.add_ssh_packet(side, length);
  if (window_.ssh_packets() < limits::kJa4sshWindowPackets) return;
  if (ja4ssh_.size() < limits::kMaxJa4sshWindows) {
    ja4ssh_.push_back(window_.fingerprint());
  } else {
    ++windows_dropped_;
  }
  window_.reset();
}

SshSummary SshSession::summary() const {
  SshSummary s;
  if (!detail_) return s;
  s.ja4ssh = ja4ssh_;
  s.windows_dropped = windows_dropped_;
  if (window_.ssh_packets() > 0) {
    if (s.ja4ssh.size() < limits::kMaxJa4sshWindows) {
      s.ja4ssh.push_back(window_.fingerprint());
    } else {
      ++s.windows_dropped;
    }
  }
  SshExtras e = detail_->extras();
  if (e.hassh || e.hassh_server || e.protocol_client || e.protocol_server ||
      e.encryption_algorithm) {
    s.extras = std::move(e);
  }
  return s;
}

}  // namespace fp::ssh
