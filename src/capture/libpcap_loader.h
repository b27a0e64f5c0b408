#pragma once
// libpcap's file-reading functions, opened with dlopen on first use. `analyze` of a classic pcap
// file reads it itself (capture/mapped_pcap.h) and never needs them; linked, libpcap (with its
// D-Bus, systemd and libgcrypt chain) cost every start of the program about 0.9 ms, a twentieth
// of a short run. Live capture (fingerprint-service) links libpcap as usual.

#include <pcap/pcap.h>

#include <string>

namespace fp::capture {

struct Libpcap {
  decltype(&pcap_fopen_offline_with_tstamp_precision) fopen_offline_with_tstamp_precision;
  decltype(&pcap_datalink) datalink;
  decltype(&pcap_next_ex) next_ex;
  decltype(&pcap_geterr) geterr;
  decltype(&pcap_file) file;
  decltype(&pcap_close) close;
};

// The functions, or nullptr with `error` set when libpcap cannot be opened. Opened once.
[[nodiscard]] const Libpcap* libpcap(std::string& error);

}  // namespace fp::capture
