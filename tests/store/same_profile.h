#pragma once
// Field-by-field equality of two profiles (all but `line`), naming the fields that differ.

#include <gtest/gtest.h>

#include <string>

#include "identify/profile.h"

namespace fp::identify::test {

inline ::testing::AssertionResult same_profile(const Profile& a, const Profile& b) {
  std::string differ;
  const auto check = [&](const char* name, bool equal) {
    if (!equal) differ += std::string(differ.empty() ? "" : ", ") + name;
  };
  check("id", a.id == b.id);
  check("name", a.name == b.name);
  check("kind", a.kind == b.kind);
  check("tls_library", a.tls_library == b.tls_library);
  check("version", a.version == b.version);
  check("os", a.os == b.os);
  check("os_flavor", a.os_flavor == b.os_flavor);
  check("label", a.label == b.label);
  check("source", a.source == b.source);
  check("user_agent", a.user_agent == b.user_agent);
  check("notes", a.notes == b.notes);
  check("fingerprints", a.fingerprints == b.fingerprints);
  check("header_orders", a.header_orders == b.header_orders);
  check("ciphers", a.ciphers == b.ciphers);
  check("extensions", a.extensions == b.extensions);
  check("groups", a.groups == b.groups);
  check("sig_algs", a.sig_algs == b.sig_algs);
  check("h2_settings", a.h2_settings == b.h2_settings);
  if (differ.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "profile '" << a.id << "' differs in " << differ;
}

}  // namespace fp::identify::test
