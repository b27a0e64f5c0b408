#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace fp {
namespace {

enum class Err : uint8_t { kOne, kTwo };

Result<int, Err> half(int v) {
  if (v % 2 != 0) return Unexpected{Err::kTwo};
  return v / 2;
}

TEST(Result, HoldsValue) {
  auto r = half(10);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(*r, 5);
  EXPECT_EQ(r.value(), 5);
}

TEST(Result, HoldsError) {
  auto r = half(3);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error(), Err::kTwo);
}

TEST(Result, ArrowAndMutation) {
  Result<std::string, Err> r = std::string("abc");
  EXPECT_EQ(r->size(), 3u);
  r->push_back('d');
  EXPECT_EQ(*r, "abcd");
  const auto& c = r;
  EXPECT_EQ(c->front(), 'a');
}

TEST(Result, MovesOutMoveOnlyValue) {
  Result<std::unique_ptr<int>, Err> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

TEST(Result, ErrorOfEveryEnumerator) {
  Result<int, Err> a = Unexpected{Err::kOne};
  Result<int, Err> b = Unexpected<Err>{Err::kTwo};
  EXPECT_EQ(a.error(), Err::kOne);
  EXPECT_EQ(b.error(), Err::kTwo);
}

}  // namespace
}  // namespace fp
