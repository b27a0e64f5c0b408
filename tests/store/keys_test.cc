// API keys and settings: secrets found only whole and unrevoked, and never stored as text.
#include <gtest/gtest.h>

#include <regex>

#include "core/hash.h"
#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

class KeysTest : public BackendTest {};

TEST_P(KeysTest, CreatedSecretFindsItsKey) {
  const CreatedKey created = store_->create_key("ci", "pro", true);
  ASSERT_FALSE(created.secret.empty());
  EXPECT_TRUE(std::regex_match(created.secret, std::regex("fpk_[0-9a-f]{16}_[0-9a-f]{64}")))
      << created.secret;
  EXPECT_EQ(created.secret.substr(4, 16), created.key.id);
  const std::optional<ApiKey> found = store_->find_key(created.secret);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, created.key.id);
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(found->tier, "pro");
  EXPECT_TRUE(found->can_write);
  EXPECT_FALSE(found->revoked);
  EXPECT_EQ(found->created_ms, created.key.created_ms);
  EXPECT_GT(found->created_ms, 1'600'000'000'000);

  const CreatedKey reader = store_->create_key("dashboard", "free", false);
  ASSERT_TRUE(store_->find_key(reader.secret));
  EXPECT_FALSE(store_->find_key(reader.secret)->can_write);
  EXPECT_NE(reader.key.id, created.key.id);
  EXPECT_NE(reader.secret.substr(21), created.secret.substr(21));
}

TEST_P(KeysTest, AnythingButTheWholeSecretIsRefused) {
  const CreatedKey a = store_->create_key("a", "free", true);
  const CreatedKey b = store_->create_key("b", "free", true);
  std::string wrong_last = a.secret;
  wrong_last.back() = wrong_last.back() == '0' ? '1' : '0';
  const std::string swapped = "fpk_" + a.key.id + "_" + b.secret.substr(21);  // b's random part
  for (const std::string& secret :
       {wrong_last, swapped, a.secret.substr(0, a.secret.size() - 1), a.secret + "0",
        std::string("fpk_") + a.key.id, a.key.id, std::string(), std::string("Bearer ") + a.secret,
        std::string(5000, 'f'), sha256_hex(a.secret)}) {
    EXPECT_FALSE(store_->find_key(secret)) << secret;
  }
  std::string upper = a.secret;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(store_->find_key(upper));
  EXPECT_TRUE(store_->find_key(a.secret));
}

TEST_P(KeysTest, RevokedKeysAreNotFoundButListed) {
  const CreatedKey a = store_->create_key("a", "free", true);
  const CreatedKey b = store_->create_key("b", "enterprise", false);
  EXPECT_TRUE(store_->revoke_key(a.key.id));
  EXPECT_FALSE(store_->find_key(a.secret));
  EXPECT_TRUE(store_->find_key(b.secret));
  EXPECT_TRUE(store_->revoke_key(a.key.id));  // again: still revoked, not an error
  EXPECT_FALSE(store_->revoke_key("0000000000000000"));
  EXPECT_FALSE(store_->revoke_key(""));

  const std::vector<ApiKey> keys = store_->keys();
  ASSERT_EQ(keys.size(), 2u);
  const ApiKey& listed_a = keys[0].id == a.key.id ? keys[0] : keys[1];
  const ApiKey& listed_b = keys[0].id == a.key.id ? keys[1] : keys[0];
  EXPECT_TRUE(listed_a.revoked);
  EXPECT_FALSE(listed_b.revoked);
  EXPECT_EQ(listed_b.tier, "enterprise");
  EXPECT_FALSE(listed_b.can_write);
}

TEST_P(KeysTest, TheFilesHoldNoSecretText) {
  std::vector<CreatedKey> created;
  for (int i = 0; i < 3; ++i)
    created.push_back(store_->create_key("key-name-" + std::to_string(i), "free", true));
  const auto scan = [&](const char* when) {
    std::string all;
    if (postgres()) {  // every column of every row, as the server would dump it
      all = value("SELECT string_agg(k::text, ' ') FROM api_keys k");
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
        all += file_bytes(entry.path());
      }
    }
    // The scan sees what was written: names and digests are there...
    EXPECT_NE(all.find("key-name-2"), std::string::npos) << when;
    for (const CreatedKey& k : created) {
      EXPECT_NE(all.find(sha256_hex(k.secret)), std::string::npos) << when;
      // ...the secret and its random part are not.
      EXPECT_EQ(all.find(k.secret), std::string::npos) << when;
      EXPECT_EQ(all.find(k.secret.substr(21)), std::string::npos) << when;
    }
  };
  scan("while open (WAL)");
  store_.reset();  // SQLite: the last connection checkpoints the WAL into the main file
  scan("after close");
}

TEST_P(KeysTest, KeysSurviveReopening) {
  const CreatedKey a = store_->create_key("a", "pro", true);
  reopen();
  const auto& again = store_;
  ASSERT_TRUE(again->find_key(a.secret));
  EXPECT_EQ(again->find_key(a.secret)->tier, "pro");
}

TEST_P(KeysTest, Settings) {
  EXPECT_FALSE(store_->setting("active_model"));
  store_->set_setting("active_model", "v1");
  EXPECT_EQ(store_->setting("active_model"), "v1");
  store_->set_setting("active_model", "v2");
  EXPECT_EQ(store_->setting("active_model"), "v2");
  store_->set_setting("empty", "");
  EXPECT_EQ(store_->setting("empty"), "");
  EXPECT_EQ(store_->errors(), 0u);
}

FP_STORE_BACKENDS(KeysTest);

}  // namespace
}  // namespace fp::store::test
