#include "server/key_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace fp::server {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// A real SQLite store, which a test can break (by dropping the keys table) to make lookups fail.
class KeyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fp-key-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string error;
    store_ = store::Store::open(dir_ / "fingerprint.db", error);
    ASSERT_TRUE(store_) << error;
    created_ = store_->create_key("tester", "pro", true);
    ASSERT_FALSE(created_.secret.empty());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void break_store() {
    // Renaming the table makes every key lookup fail inside SQLite, as an outage would.
    raw_exec("ALTER TABLE api_keys RENAME TO api_keys_gone");
  }
  void raw_exec(const std::string& sql) {
    const std::string command =
        "sqlite3 '" + (dir_ / "fingerprint.db").string() + "' \"" + sql + "\"";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  store::CreatedKey created_;
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

TEST_F(KeyCacheTest, FindsAStoredKeyAndRefusesUnknownOnes) {
  KeyCache cache;
  const auto key = cache.find(*store_, created_.secret, t0_);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->id, created_.key.id);
  EXPECT_EQ(key->tier, "pro");
  EXPECT_FALSE(cache.find(*store_, "fpk_0000000000000000_" + std::string(64, '0'), t0_));
  EXPECT_FALSE(cache.find(*store_, "", t0_));
  EXPECT_FALSE(cache.find(*store_, std::string(store::kMaxSecretLength + 1, 'a'), t0_));
}

TEST_F(KeyCacheTest, RevocationIsSeenOnceTheEntryIsOlderThanTheTtl) {
  KeyCache cache(seconds(30));
  ASSERT_TRUE(cache.find(*store_, created_.secret, t0_));
  ASSERT_TRUE(store_->revoke_key(created_.key.id));
  EXPECT_TRUE(cache.find(*store_, created_.secret, t0_ + seconds(10)));  // remembered
  EXPECT_FALSE(cache.find(*store_, created_.secret, t0_ + seconds(31)));
  EXPECT_FALSE(cache.find(*store_, created_.secret, t0_ + seconds(32)));
}

TEST_F(KeyCacheTest, AKnownKeyIsHonouredWhileTheStoreFails) {
  KeyCache cache(seconds(30));
  ASSERT_TRUE(cache.find(*store_, created_.secret, t0_));
  break_store();
  const auto key = cache.find(*store_, created_.secret, t0_ + seconds(600));
  ASSERT_TRUE(key) << "a store failure must not turn a known key into a 401";
  EXPECT_EQ(key->id, created_.key.id);
  EXPECT_EQ(cache.stale_answers(), 1u);
  // A key never seen before cannot be vouched for.
  const store::CreatedKey other = [&] {
    raw_exec("ALTER TABLE api_keys_gone RENAME TO api_keys");
    return store_->create_key("other", "free", false);
  }();
  ASSERT_FALSE(other.secret.empty());
  raw_exec("ALTER TABLE api_keys RENAME TO api_keys_gone");
  EXPECT_FALSE(cache.find(*store_, other.secret, t0_ + seconds(600)));
}

}  // namespace
}  // namespace fp::server
