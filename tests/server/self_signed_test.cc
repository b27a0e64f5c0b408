#include "server/self_signed.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "server/tls_context.h"

namespace fp::server {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("fp-self-signed-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

X509Ptr load_certificate(const fs::path& path) {
  const std::string pem = read_file(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr certificate(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return certificate;
}

PkeyPtr load_key(const fs::path& path) {
  const std::string pem = read_file(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

// The subjectAltName entries as "DNS:name" and "IP:address".
std::set<std::string> subject_alt_names(X509* certificate) {
  std::set<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* dns = name->d.dNSName;
      out.insert("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                      ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_STRING* ip = name->d.iPAddress;
      std::array<char, INET6_ADDRSTRLEN> text{};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      inet_ntop(family, ASN1_STRING_get0_data(ip), text.data(), text.size());
      out.insert("IP:" + std::string(text.data()));
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string common_name(X509* certificate) {
  std::array<char, 256> text{};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, text.data(),
                            text.size());
  return text.data();
}

TEST(SelfSigned, MakesKeyAndCertificate) {
  TempDir dir;
  const fs::path cert = dir.path() / "tls" / "cert.pem";
  const fs::path key = dir.path() / "tls" / "key.pem";
  std::string error;
  ASSERT_TRUE(ensure_self_signed(cert, key, error)) << error;
  ASSERT_TRUE(fs::exists(cert));
  ASSERT_TRUE(fs::exists(key));

  struct stat info {};
  ASSERT_EQ(::stat(key.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  X509Ptr certificate = load_certificate(cert);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(X509_get_version(certificate.get()), X509_VERSION_3);
  EXPECT_EQ(common_name(certificate.get()), "localhost");
  EXPECT_EQ(subject_alt_names(certificate.get()),
            (std::set<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"}));

  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(certificate.get()),
                           X509_get0_notAfter(certificate.get())),
            1);
  EXPECT_EQ(days, 365);
  EXPECT_EQ(seconds, 0);
  EXPECT_EQ(X509_cmp_current_time(X509_get0_notBefore(certificate.get())), -1);  // valid now

  PkeyPtr private_key = load_key(key);
  ASSERT_TRUE(private_key);
  EXPECT_EQ(EVP_PKEY_get_base_id(private_key.get()), EVP_PKEY_EC);
  std::array<char, 64> group{};
  size_t group_length = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(private_key.get(), group.data(), group.size(), &group_length),
            1);
  EXPECT_EQ(std::string(group.data(), group_length), "prime256v1");  // P-256
  EXPECT_EQ(X509_check_private_key(certificate.get(), private_key.get()), 1);
  EXPECT_EQ(X509_verify(certificate.get(), private_key.get()), 1);  // signed by its own key
}

TEST(SelfSigned, SerialIsRandom) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(ensure_self_signed(dir.path() / "a.pem", dir.path() / "a.key", error)) << error;
  ASSERT_TRUE(ensure_self_signed(dir.path() / "b.pem", dir.path() / "b.key", error)) << error;
  X509Ptr a = load_certificate(dir.path() / "a.pem");
  X509Ptr b = load_certificate(dir.path() / "b.pem");
  ASSERT_TRUE(a && b);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
  // 16 random bytes, positive, no leading zero byte (RFC 5280 4.1.2.2 allows up to 20).
  EXPECT_EQ(ASN1_STRING_length(X509_get0_serialNumber(a.get())), 16);
}

TEST(SelfSigned, SecondCallLeavesFilesUntouched) {
  TempDir dir;
  const fs::path cert = dir.path() / "cert.pem";
  const fs::path key = dir.path() / "key.pem";
  std::string error;
  ASSERT_TRUE(ensure_self_signed(cert, key, error)) << error;
  const std::string cert_before = read_file(cert);
  const std::string key_before = read_file(key);
  const auto time_before = fs::last_write_time(cert);
  ASSERT_TRUE(ensure_self_signed(cert, key, error)) << error;
  EXPECT_EQ(read_file(cert), cert_before);
  EXPECT_EQ(read_file(key), key_before);
  EXPECT_EQ(fs::last_write_time(cert), time_before);
}

TEST(SelfSigned, RefusesToPairALoneFile) {
  TempDir dir;
  const fs::path cert = dir.path() / "cert.pem";
  const fs::path key = dir.path() / "key.pem";
  std::ofstream(key) << "precious key";
  std::string error;
  EXPECT_FALSE(ensure_self_signed(cert, key, error));
  EXPECT_NE(error.find("only one"), std::string::npos) << error;
  EXPECT_EQ(read_file(key), "precious key");
  EXPECT_FALSE(fs::exists(cert));
}

TEST(SelfSigned, ReportsAnUnwritablePath) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  std::string error;
  EXPECT_FALSE(
      ensure_self_signed(dir.path() / "file" / "cert.pem", dir.path() / "file" / "key.pem", error));
  EXPECT_FALSE(error.empty());
}

TEST(TlsContext, LoadsTheSelfSignedPair) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(ensure_self_signed(dir.path() / "c.pem", dir.path() / "k.pem", error)) << error;
  EXPECT_TRUE(make_server_tls_context((dir.path() / "c.pem").string(),
                                      (dir.path() / "k.pem").string(), {"h2", "http/1.1"}, error))
      << error;
}

TEST(TlsContext, ReportsMissingFilesAndMismatchedKeys) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(ensure_self_signed(dir.path() / "a.pem", dir.path() / "a.key", error)) << error;
  ASSERT_TRUE(ensure_self_signed(dir.path() / "b.pem", dir.path() / "b.key", error)) << error;
  EXPECT_FALSE(make_server_tls_context((dir.path() / "none.pem").string(),
                                       (dir.path() / "a.key").string(), {"http/1.1"}, error));
  EXPECT_NE(error.find("none.pem"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(make_server_tls_context((dir.path() / "a.pem").string(),
                                       (dir.path() / "b.key").string(), {"http/1.1"}, error));
  EXPECT_NE(error.find("b.key"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(make_server_tls_context((dir.path() / "a.pem").string(),
                                       (dir.path() / "a.key").string(), {""}, error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace fp::server
