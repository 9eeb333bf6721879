#include "auth/policy.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace jogtrack::auth {
namespace {

using Strings = std::vector<std::string>;

TEST(Username, Lengths) {
  EXPECT_TRUE(check_username("ab"));
  EXPECT_FALSE(check_username("abc"));
  EXPECT_FALSE(check_username(std::string(64, 'a')));
  EXPECT_TRUE(check_username(std::string(65, 'a')));
  EXPECT_TRUE(check_username(""));
}

TEST(Username, Characters) {
  EXPECT_FALSE(check_username("Ann.Lee_99@example+tag-x"));
  EXPECT_FALSE(check_username("A-Z.a_z@0+9"));
  for (const char* bad : {"ann lee", "ann/lee", "ann#", "ann!", "a\"b", "ann\n", "ann\t", "<ann>",
                          "ann;", "ann%", "ann'"}) {
    EXPECT_TRUE(check_username(bad)) << bad;
  }
  EXPECT_TRUE(check_username(std::string("ann\0x", 5)));
}

TEST(Username, UnicodeRejected) {
  EXPECT_TRUE(check_username("josé"));
  EXPECT_TRUE(check_username("ａｄｍｉｎ"));  // fullwidth
  EXPECT_TRUE(check_username("аdmin"));       // Cyrillic a
  EXPECT_TRUE(check_username("é"));           // charset error even though 2 bytes
}

TEST(Username, Key) {
  EXPECT_EQ(username_key("Ann.Lee@Example.ORG"), "ann.lee@example.org");
  EXPECT_EQ(username_key("abc"), "abc");
}

TEST(Password, MinAndMax) {
  EXPECT_TRUE(check_password("tralala7", "ann", 8).empty());
  EXPECT_EQ(check_password("tralal7", "ann", 8).size(), 1u);
  EXPECT_TRUE(check_password("tralal7", "ann", 7).empty());
  EXPECT_TRUE(check_password(std::string(128, 'q'), "ann", 8).empty());
  EXPECT_EQ(check_password(std::string(129, 'q'), "ann", 8).size(), 1u);
  EXPECT_EQ(check_password("", "ann", 0).size(), 1u);  // never empty
}

TEST(Password, CountsCodePoints) {
  // 8 code points, 9 bytes: accepted at min 8, but 7 code points in 8 bytes are not.
  EXPECT_TRUE(check_password("trèslong", "ann", 8).empty());
  EXPECT_FALSE(check_password("trèslon", "ann", 8).empty());
  // 128 × "é" = 256 bytes: still 128 characters.
  std::string e128;
  for (int i = 0; i < 128; ++i) e128 += "é";
  EXPECT_TRUE(check_password(e128, "ann", 8).empty());
  EXPECT_FALSE(check_password(e128 + "é", "ann", 8).empty());
  EXPECT_TRUE(check_password("🏃🏃🏃🏃🏃🏃🏃🏃", "ann", 8).empty());  // 4-byte code points
}

TEST(Password, InvalidUtf8) {
  for (const std::string& bad : {std::string("abcdefgh\xff"), std::string("abcdefgh\xc3"),
                                std::string("abcdefgh\xc0\xaf"),          // overlong '/'
                                std::string("abcdefgh\xed\xa0\x80"),      // surrogate
                                std::string("abcdefgh\xf4\x90\x80\x80"),  // > U+10FFFF
                                std::string("abcdefgh\x80")}) {
    const auto errors = check_password(bad, "ann", 8);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("UTF-8"), std::string::npos);
  }
}

TEST(Password, EqualToUsername) {
  EXPECT_EQ(check_password("runner.anna", "runner.anna", 8).size(), 1u);
  EXPECT_EQ(check_password("Runner.Anna", "runner.ANNA", 8).size(), 1u);
  EXPECT_TRUE(check_password("runner.anna2", "runner.anna", 8).empty());
}

TEST(Password, CommonPasswords) {
  EXPECT_EQ(check_password("password1", "ann", 8).size(), 1u);
  EXPECT_EQ(check_password("PASSWORD1", "ann", 8).size(), 1u);
  EXPECT_EQ(check_password("PassWord1", "ann", 8).size(), 1u);
  EXPECT_EQ(check_password("123456789", "ann", 8).size(), 1u);
  EXPECT_TRUE(check_password("password1 but longer", "ann", 8).empty());
  // Short and common: both messages.
  EXPECT_EQ(check_password("123456", "ann", 8).size(), 2u);
}

TEST(Password, ListIsBuiltOnceThreadSafely) {
  std::vector<std::thread> threads;
  std::atomic<int> hits{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { hits += !check_password("password1", "ann", 8).empty(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(hits, 4);
}

TEST(Scopes, Canonical) {
  EXPECT_EQ(canonical_scopes({}), Strings{"user"});
  EXPECT_EQ(canonical_scopes({"user"}), Strings{"user"});
  EXPECT_EQ(canonical_scopes({"admin"}), (Strings{"user", "admin"}));
  EXPECT_EQ(canonical_scopes({"admin", "manager", "admin", "user", "manager"}),
            (Strings{"user", "manager", "admin"}));
  EXPECT_EQ(canonical_scopes({"manager"}), (Strings{"user", "manager"}));
  EXPECT_FALSE(canonical_scopes({"user", "root"}));
  EXPECT_FALSE(canonical_scopes({"Admin"}));
  EXPECT_FALSE(canonical_scopes({""}));
}

TEST(Scopes, RoleOf) {
  EXPECT_EQ(role_of({"user"}), "user");
  EXPECT_EQ(role_of({"user", "manager"}), "manager");
  EXPECT_EQ(role_of({"user", "manager", "admin"}), "admin");
  EXPECT_EQ(role_of({"admin", "user"}), "admin");
  EXPECT_EQ(role_of({}), "user");
}

}  // namespace
}  // namespace jogtrack::auth
