#include "auth/passwords.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

namespace jogtrack::auth {
namespace {

// Argon2id costs ~35 ms per hash: hash once and share.
const std::string& correct_hash() {
  static const std::string h = hash_password("correct horse battery staple");
  return h;
}

TEST(Passwords, HashAndVerify) {
  const auto& h = correct_hash();
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << h;
  EXPECT_TRUE(verify_password(h, "correct horse battery staple"));
}

TEST(Passwords, WrongPasswordRejected) {
  EXPECT_FALSE(verify_password(correct_hash(), "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(correct_hash(), "Correct horse battery staple"));
  EXPECT_FALSE(verify_password(correct_hash(), ""));
}

TEST(Passwords, SaltedSoHashesDiffer) {
  EXPECT_NE(hash_password("correct horse battery staple"), correct_hash());
}

TEST(Passwords, MalformedHashRejected) {
  const auto& h = correct_hash();
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("not a hash", "x"));
  EXPECT_FALSE(verify_password(h.substr(0, h.size() - 5), "correct horse battery staple"));
  EXPECT_FALSE(verify_password(std::string(500, '$'), "x"));
  EXPECT_FALSE(verify_password(h + std::string(1, '\0') + "junk", "correct horse battery staple"));
  EXPECT_FALSE(verify_password("$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", "x"));
}

TEST(Passwords, NeedsRehash) {
  EXPECT_FALSE(password_needs_rehash(correct_hash()));
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(0, crypto_pwhash_str_alg(weak, "pw", 2, 1, 8 * 1024 * 1024,
                                     crypto_pwhash_ALG_ARGON2ID13));
  EXPECT_TRUE(password_needs_rehash(weak));
  EXPECT_TRUE(verify_password(weak, "pw"));  // still verifies, so it can be upgraded at login
  char argon2i[crypto_pwhash_STRBYTES];  // Argon2i needs opslimit >= 3
  ASSERT_EQ(0, crypto_pwhash_str_alg(argon2i, "pw", 2, 3, 19'922'944, crypto_pwhash_ALG_ARGON2I13));
  EXPECT_TRUE(password_needs_rehash(argon2i));
  EXPECT_TRUE(password_needs_rehash("garbage"));
  EXPECT_TRUE(password_needs_rehash(""));
}

TEST(Passwords, TokenHashIsDeterministicHex) {
  const auto a = hash_token("some-refresh-token");
  EXPECT_EQ(a, hash_token("some-refresh-token"));
  EXPECT_NE(a, hash_token("some-refresh-tokeN"));
  ASSERT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  // BLAKE2b-256 of "" (known answer).
  EXPECT_EQ(hash_token(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(Passwords, RandomTokens) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto t = random_token_urlsafe(32);
    EXPECT_GE(t.size(), 43u);
    EXPECT_EQ(t.size(), 43u);
    EXPECT_EQ(t.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(random_token_urlsafe(0), "");
  EXPECT_EQ(random_token_urlsafe(1).size(), 2u);
}

TEST(Passwords, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

}  // namespace
}  // namespace jogtrack::auth

// Hashes of accounts imported from the original system (made with python3-bcrypt, cost 4).
TEST(LegacyBcrypt, VerifiesOnceAndAlwaysNeedsRehash) {
  const std::string b2b = "$2b$04$yeURbIRvapRZImRjf7LhButLrrN9XpFo79gAYnSzm2qP4YoOXMm9O";
  const std::string b2a = "$2a$04$hpXqaYcdSg2vb79gQiRaS.FMqOSrRVsu7G2u6TOvRJ6wMojJL/7ua";
  EXPECT_TRUE(jogtrack::auth::verify_password(b2b, "old secret 1"));
  EXPECT_TRUE(jogtrack::auth::verify_password(b2a, "old secret 1"));
  EXPECT_FALSE(jogtrack::auth::verify_password(b2b, "old secret 2"));
  EXPECT_FALSE(jogtrack::auth::verify_password(b2b, std::string("old secret 1\0x", 14)));
  EXPECT_FALSE(jogtrack::auth::verify_password(b2b.substr(0, 40), "old secret 1"));  // truncated hash
  EXPECT_FALSE(jogtrack::auth::verify_password("$2b$04$short", "old secret 1"));
  EXPECT_TRUE(jogtrack::auth::password_needs_rehash(b2b));
}
