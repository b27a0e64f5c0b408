#include "server/self_signed.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <memory>
#include <string_view>
#include <system_error>

namespace fp::server {
namespace {

namespace fs = std::filesystem;

constexpr long kValiditySeconds = 365L * 24 * 60 * 60;
constexpr size_t kSerialBytes = 16;  // RFC 5280 4.1.2.2: at most 20 octets, positive
constexpr std::string_view kSubjectAltName = "DNS:localhost,IP:127.0.0.1,IP:::1";

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

bool random_serial(X509* certificate) {
  std::array<unsigned char, kSerialBytes> bytes{};
  if (RAND_bytes(bytes.data(), bytes.size()) != 1) return false;
  bytes[0] &= 0x7f;  // positive
  bytes[0] |= 0x01;  // and not shortened by leading zeros
  BignumPtr serial(BN_bin2bn(bytes.data(), bytes.size(), nullptr));
  return serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

bool add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

X509Ptr make_certificate(EVP_PKEY* key) {
  X509Ptr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
      !random_serial(certificate.get()) ||
      X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(certificate.get()), kValiditySeconds) == nullptr ||
      X509_set_pubkey(certificate.get(), key) != 1) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(certificate.get());
  const auto* common_name = reinterpret_cast<const unsigned char*>("localhost");
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, common_name, -1, -1, 0) != 1 ||
      X509_set_issuer_name(certificate.get(), name) != 1) {
    return nullptr;
  }
  const bool extensions =
      add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE") &&
      add_extension(certificate.get(), NID_key_usage, "critical,digitalSignature") &&
      add_extension(certificate.get(), NID_ext_key_usage, "serverAuth") &&
      add_extension(certificate.get(), NID_subject_key_identifier, "hash") &&
      add_extension(certificate.get(), NID_subject_alt_name, kSubjectAltName.data());
  if (!extensions || X509_sign(certificate.get(), key, EVP_sha256()) == 0) return nullptr;
  return certificate;
}

std::string pem_of(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return {};
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return length > 0 ? std::string(data, static_cast<size_t>(length)) : std::string();
}

// Creates `path` (which must not exist) with `mode` and writes `text` to it.
bool write_new_file(const fs::path& path, const std::string& text, mode_t mode,
                    std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    error = "cannot create " + path.string() + ": " + std::generic_category().message(errno);
    return false;
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool ok = written == text.size() && ::fchmod(fd, mode) == 0;
  const bool closed = ::close(fd) == 0;
  if (!ok || !closed) error = "cannot write " + path.string();
  return ok && closed;
}

}  // namespace

bool ensure_self_signed(const fs::path& cert, const fs::path& key, std::string& error) {
  std::error_code ec;
  const bool have_cert = fs::exists(cert, ec);
  const bool have_key = fs::exists(key, ec);
  if (have_cert && have_key) return true;
  if (have_cert != have_key) {
    error = "only one of " + cert.string() + " and " + key.string() +
            " exists; remove it or provide the other";
    return false;
  }
  for (const fs::path& file : {cert, key}) {
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  }

  PkeyPtr pkey(EVP_EC_gen("P-256"));
  X509Ptr certificate = pkey ? make_certificate(pkey.get()) : nullptr;
  const std::string key_pem = !certificate ? std::string() : pem_of([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  const std::string cert_pem =
      !certificate ? std::string()
                   : pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate.get()); });
  if (key_pem.empty() || cert_pem.empty()) {
    ERR_clear_error();
    error = "cannot make a self-signed certificate";
    return false;
  }
  if (!write_new_file(key, key_pem, 0600, error)) return false;
  if (!write_new_file(cert, cert_pem, 0644, error)) {
    fs::remove(key, ec);  // ours, just made: do not leave a key without its certificate
    return false;
  }
  return true;
}

}  // namespace fp::server
