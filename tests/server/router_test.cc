#include "server/router.h"

#include <gtest/gtest.h>

namespace fp::server {
namespace {

Handler answer(int status) {
  return [status](const Request&, const PathParams&) {
    Response r;
    r.status = status;
    return r;
  };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/api/v1/profiles", Access::kRead, answer(200));
    router.add("POST", "/api/v1/profiles", Access::kWrite, answer(201));
    router.add("GET", "/api/v1/profiles/{id}", Access::kRead, answer(202));
    router.add("DELETE", "/api/v1/profiles/{id}", Access::kWrite, answer(204));
    router.add("POST", "/api/v1/models/{id}/activate", Access::kWrite, answer(205), 77);
  }
  Router router;
};

TEST_F(RouterTest, FindsExactAndParameterRoutes) {
  auto list = router.find("GET", "/api/v1/profiles");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->pattern, "/api/v1/profiles");

  auto one = router.find("DELETE", "/api/v1/profiles/chrome-131");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.route->pattern, "/api/v1/profiles/{id}");
  EXPECT_EQ(one.params.get("id"), "chrome-131");

  auto activate = router.find("POST", "/api/v1/models/m1/activate");
  ASSERT_NE(activate.route, nullptr);
  EXPECT_EQ(activate.params.get("id"), "m1");
  EXPECT_EQ(activate.route->max_body_bytes, 77u);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  for (const char* path : {"/", "/api/v1", "/api/v1/profiles/a/b", "/api/v1/models//activate",
                           "/api/v1/profiles/", "/API/V1/PROFILES"}) {
    auto lookup = router.find("GET", path);
    EXPECT_EQ(lookup.route, nullptr) << path;
    EXPECT_TRUE(lookup.allowed.empty()) << path;
  }
}

TEST_F(RouterTest, KnownPathWithOtherMethodListsAllowedOnce) {
  auto lookup = router.find("PATCH", "/api/v1/profiles/x");
  EXPECT_EQ(lookup.route, nullptr);
  EXPECT_EQ(lookup.allowed, (std::vector<std::string>{"GET", "DELETE"}));
}

TEST_F(RouterTest, HeadIsServedByGet) {
  auto lookup = router.find("HEAD", "/api/v1/profiles");
  ASSERT_NE(lookup.route, nullptr);
  EXPECT_EQ(lookup.route->method, "GET");
}

}  // namespace
}  // namespace fp::server
