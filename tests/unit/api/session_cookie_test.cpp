#include "api/session_cookie.h"

#include <gtest/gtest.h>

namespace jogtrack::api {
namespace {

TEST(SessionCookie, FindsTheRefreshCookieAmongOthers) {
  EXPECT_EQ(refresh_cookie("jogtrack_refresh=abc"), "abc");
  EXPECT_EQ(refresh_cookie("theme=dark; jogtrack_refresh=abc-_123; lang=en"), "abc-_123");
  EXPECT_EQ(refresh_cookie("  jogtrack_refresh = abc ;x=1"), "abc");
  EXPECT_EQ(refresh_cookie("jogtrack_refresh=\"abc\""), "abc");
  EXPECT_EQ(refresh_cookie("jogtrack_refresh=; jogtrack_refresh=second"), "second");
}

TEST(SessionCookie, AbsentOrEmptyIsNothing) {
  EXPECT_FALSE(refresh_cookie(""));
  EXPECT_FALSE(refresh_cookie("jogtrack_refresh="));
  EXPECT_FALSE(refresh_cookie("jogtrack_refresh"));
  EXPECT_FALSE(refresh_cookie("xjogtrack_refresh=abc; jogtrack_refresh_old=def"));
  EXPECT_FALSE(refresh_cookie("other=jogtrack_refresh=abc"));
}

TEST(SessionCookie, SetAndClear) {
  EXPECT_EQ(set_refresh_cookie("tok", {true, 3600}),
            "jogtrack_refresh=tok; Path=/auth; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(set_refresh_cookie("tok", {false, 60}),
            "jogtrack_refresh=tok; Path=/auth; Max-Age=60; HttpOnly; SameSite=Strict");
  EXPECT_EQ(clear_refresh_cookie({true, 3600}),
            "jogtrack_refresh=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

}  // namespace
}  // namespace jogtrack::api
