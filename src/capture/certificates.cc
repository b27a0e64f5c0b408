#include "capture/certificates.h"

#include "capture/counters.h"
#include "tls/certificate.h"
#include "tls/x509.h"
#include "tls/x509_names.h"

namespace fp::capture {
namespace {

struct ChainRead {
  std::vector<CertificateRecord> chain;
  uint64_t errors = 0;
};

ChainRead read_chain(Bytes body, bool tls13) {
  ChainRead out;
  const auto message = tls::parse_certificate_message(body, tls13);
  if (!message) {
    out.errors = 1;
    return out;
  }
  for (const Bytes der : message->certificates) {
    const auto certificate = tls::parse_certificate(der);
    if (!certificate) {
      ++out.errors;
      continue;
    }
    tls::Ja4x j = tls::ja4x(*certificate);
    out.chain.push_back({std::move(j.ja4x), std::move(j.ja4x_r), tls::name_fields(*certificate)});
  }
  return out;
}

}  // namespace

std::vector<CertificateRecord> certificate_records(Bytes body, bool tls13) {
  return read_chain(body, tls13).chain;
}

void add_certificates(Bytes body, bool tls13, StreamRecord& record, AnalyzerCounters& counters) {
  if (record.tls_certs.size() >= kMaxCertificateMessagesPerStream) return;
  ChainRead read = read_chain(body, tls13);
  counters.x509_errors += read.errors;
  if (!read.chain.empty()) record.tls_certs.push_back({std::move(read.chain)});
}

}  // namespace fp::capture
