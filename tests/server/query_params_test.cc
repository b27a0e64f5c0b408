#include "server/query_params.h"

#include <gtest/gtest.h>

namespace fp::server {
namespace {

Request with_target(std::string target) {
  Request r;
  r.target = std::move(target);
  return r;
}

int64_t time_of(const std::string& target) {
  auto v = time_parameter(with_target(target), "since", -1);
  EXPECT_TRUE(std::holds_alternative<int64_t>(v)) << target;
  return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -2;
}

TEST(TimeParameter, ReadsRfc3339AndMilliseconds) {
  // 2026-11-29T10:00:00Z = 1795946400 s since the epoch (date -u -d ... +%s).
  EXPECT_EQ(time_of("/x?since=2026-11-29T10:00:00Z"), 1795946400000);
  EXPECT_EQ(time_of("/x?since=2026-11-29T10:00:00.25Z"), 1795946400250);
  EXPECT_EQ(time_of("/x?since=2026-11-29T12:00:00%2B02:00"), 1795946400000);
  EXPECT_EQ(time_of("/x?since=2026-11-29T09:30:00-00:30"), 1795946400000);
  EXPECT_EQ(time_of("/x?since=1795946400000"), 1795946400000);
  EXPECT_EQ(time_of("/x?since=2024-02-29T00:00:00Z"), 1709164800000);  // a leap day
  EXPECT_EQ(time_of("/x"), -1);
}

TEST(TimeParameter, RefusesOtherText) {
  for (const char* bad :
       {"/x?since=yesterday", "/x?since=2026-13-01T00:00:00Z", "/x?since=2026-11-29",
        "/x?since=2026-11-29T10:00:00", "/x?since=-5", "/x?since=2026-11-29T10:00:00Zjunk",
        "/x?since=2026-02-30T00:00:00Z", "/x?since=2025-02-29T00:00:00Z"}) {
    auto v = time_parameter(with_target(bad), "since", 0);
    ASSERT_TRUE(std::holds_alternative<Response>(v)) << bad;
    EXPECT_EQ(std::get<Response>(v).status, 400) << bad;
    EXPECT_NE(std::get<Response>(v).body.find("\"field\":\"since\""), std::string::npos);
  }
}

TEST(CountParameter, BoundsAndDigitsOnly) {
  auto ok = count_parameter(with_target("/x?limit=20"), "limit", 5, 100);
  ASSERT_TRUE(std::holds_alternative<size_t>(ok));
  EXPECT_EQ(std::get<size_t>(ok), 20u);
  auto absent = count_parameter(with_target("/x"), "limit", 5, 100);
  EXPECT_EQ(std::get<size_t>(absent), 5u);
  for (const char* bad : {"/x?limit=101", "/x?limit=-1", "/x?limit=1e3",
                          "/x?limit=", "/x?limit=99999999999999999999"}) {
    auto v = count_parameter(with_target(bad), "limit", 5, 100);
    ASSERT_TRUE(std::holds_alternative<Response>(v)) << bad;
    EXPECT_EQ(std::get<Response>(v).status, 400) << bad;
  }
}

}  // namespace
}  // namespace fp::server
