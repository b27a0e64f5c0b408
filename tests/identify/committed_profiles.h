#pragma once
// Every profile of the committed database (`<root>/data/profiles/*.fpdb`), for tests and
// benchmarks that identify against what ships.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "identify/profile.h"

namespace fp::identify::test {

inline std::vector<Profile> committed_profiles(const std::filesystem::path& root) {
  std::vector<Profile> all;
  for (const auto& entry : std::filesystem::directory_iterator(root / "data" / "profiles")) {
    if (entry.path().extension() != ".fpdb") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (Profile& p : parse_profile_db(text).profiles) all.push_back(std::move(p));
  }
  return all;
}

}  // namespace fp::identify::test
