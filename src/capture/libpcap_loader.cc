#include "capture/libpcap_loader.h"

#include <dlfcn.h>

namespace fp::capture {
namespace {

constexpr const char* kLibrary = "libpcap.so.0.8";  // Debian's libpcap0.8 (libpcap 1.10)

template <typename F>
bool bind(void* library, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(library, name));
  return out != nullptr;
}

struct Loaded {
  Libpcap functions{};
  std::string error;  // empty when every function was found
};

Loaded load() {
  Loaded l;
  void* library = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    l.error = std::string("cannot open ") + kLibrary + ": " + (why ? why : "unknown error");
    return l;
  }
  Libpcap& f = l.functions;
  const bool all = bind(library, "pcap_fopen_offline_with_tstamp_precision",
                        f.fopen_offline_with_tstamp_precision) &&
                   bind(library, "pcap_datalink", f.datalink) &&
                   bind(library, "pcap_next_ex", f.next_ex) &&
                   bind(library, "pcap_geterr", f.geterr) && bind(library, "pcap_file", f.file) &&
                   bind(library, "pcap_close", f.close);
  if (!all) l.error = std::string(kLibrary) + " lacks a function this program needs";
  return l;  // the library stays open for the life of the process
}

}  // namespace

const Libpcap* libpcap(std::string& error) {
  static const Loaded loaded = load();
  if (!loaded.error.empty()) {
    error = loaded.error;
    return nullptr;
  }
  return &loaded.functions;
}

}  // namespace fp::capture
