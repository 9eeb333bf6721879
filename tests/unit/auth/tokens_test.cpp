#include "auth/tokens.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/passwords.h"

namespace jogtrack::auth {
namespace {

using Json = nlohmann::json;

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";
constexpr std::int64_t kNow = 1'700'000'000;
constexpr std::int64_t kTtl = 900;

std::string b64url(std::string_view s) {
  constexpr int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(s.size(), v), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), v);
  out.resize(out.size() - 1);
  return out;
}

std::string hmac_b64(std::string_view input, std::string_view key) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  return b64url(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

// A token with arbitrary header and claims, correctly signed with `key`:
// proves each check stands on its own, not just behind the signature.
std::string forge(const Json& header, const Json& claims, std::string_view key = kSecret) {
  const std::string input = b64url(header.dump()) + "." + b64url(claims.dump());
  return input + "." + hmac_b64(input, key);
}

Json good_header() { return {{"alg", "HS256"}, {"typ", "at+jwt"}}; }

Json good_claims() {
  return {{"sub", "42"},   {"user_id", 42},          {"scopes", {"user", "manager"}},
          {"name", "Ann"}, {"email", "a@example.org"}, {"iat", kNow},
          {"exp", kNow + kTtl}, {"iss", "jogtrack"}, {"aud", "jogtrack"}, {"jti", "j1"}};
}

Json payload_of(const std::string& token) {
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  const std::string seg = token.substr(d1 + 1, d2 - d1 - 1);
  std::string bin(seg.size(), '\0');
  std::size_t len = 0;
  EXPECT_EQ(0, sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(),
                                 seg.data(), seg.size(), nullptr, &len, nullptr,
                                 sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  bin.resize(len);
  return Json::parse(bin);
}

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override { ensure_sodium(); }
  TokenService svc{kSecret, kTtl};
};

TEST_F(TokensTest, RoundTrip) {
  const auto token = svc.issue(42, {"user", "admin"}, "Ann Émile", "a@example.org", kNow);
  const auto claims = svc.verify(token, kNow);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_EQ(claims->scopes, (std::vector<std::string>{"user", "admin"}));
  EXPECT_EQ(claims->name, "Ann Émile");
  EXPECT_EQ(claims->email, "a@example.org");
  EXPECT_EQ(claims->issued_at, kNow);
  EXPECT_EQ(claims->expires_at, kNow + kTtl);
  EXPECT_EQ(svc.ttl(), kTtl);
}

TEST_F(TokensTest, IssuedLayout) {
  const auto token = svc.issue(7, {"user", "admin"}, std::nullopt, std::nullopt, kNow);
  EXPECT_EQ(token.substr(0, token.find('.')), b64url(R"({"alg":"HS256","typ":"at+jwt"})"));
  const Json p = payload_of(token);
  EXPECT_EQ(p["sub"], "7");  // RFC 7519: a string
  EXPECT_EQ(p["user_id"], 7);
  EXPECT_EQ(p["iss"], "jogtrack");
  EXPECT_EQ(p["aud"], "jogtrack");
  EXPECT_TRUE(p["email"].is_null());  // no e-mail: null, as the API shows it
  EXPECT_TRUE(p["name"].is_null());
  EXPECT_EQ(p["iat"], kNow);
  EXPECT_EQ(p["exp"], kNow + kTtl);
  EXPECT_EQ(p["scopes"], Json({"user", "admin"}));
  EXPECT_EQ(p["scope"], "user admin");  // RFC 9068 §2.2.3
  ASSERT_TRUE(p["jti"].is_string());
  EXPECT_GE(p["jti"].get<std::string>().size(), 22u);  // 128 bits, base64url
}

TEST_F(TokensTest, EveryTokenHasItsOwnJti) {
  const Json a = payload_of(svc.issue(7, {"user"}, "Ann", "a@example.org", kNow));
  const Json b = payload_of(svc.issue(7, {"user"}, "Ann", "a@example.org", kNow));
  EXPECT_NE(a["jti"], b["jti"]);
  EXPECT_EQ(svc.verify(svc.issue(7, {"user"}, "Ann", std::nullopt, kNow), kNow)->jti.size(),
            a["jti"].get<std::string>().size());
}

TEST_F(TokensTest, AudienceChecked) {
  Json c = good_claims();
  c.erase("aud");
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["aud"] = "someone-else";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["aud"] = {"someone-else", "jogtrack"};  // RFC 7519: an array naming us is fine
  EXPECT_TRUE(svc.verify(forge(good_header(), c), kNow));
  c["aud"] = {"someone-else"};
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["aud"] = {"jogtrack", 5};
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  // Another deployment's audience: its tokens are not ours even with the same key.
  TokenService other{kSecret, kTtl, "staging"};
  EXPECT_FALSE(svc.verify(other.issue(42, {"user"}, "Ann", std::nullopt, kNow), kNow));
  EXPECT_TRUE(other.verify(other.issue(42, {"user"}, "Ann", std::nullopt, kNow), kNow));
  EXPECT_THROW(TokenService(kSecret, kTtl, ""), std::invalid_argument);
}

TEST_F(TokensTest, FutureNbfAndIatRejected) {
  Json c = good_claims();
  c["nbf"] = kNow + 1;
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["nbf"] = kNow;
  EXPECT_TRUE(svc.verify(forge(good_header(), c), kNow));
  c["nbf"] = "soon";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c = good_claims();
  c["iat"] = kNow + 60;  // a minute of clock skew is tolerated
  EXPECT_TRUE(svc.verify(forge(good_header(), c), kNow));
  c["iat"] = kNow + 61;
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, JtiMustBeAStringWhenPresent) {
  Json c = good_claims();
  c["jti"] = 5;
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c.erase("jti");
  EXPECT_TRUE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, ForgedGoodTokenIsAccepted) {  // sanity check for the forge() helper
  EXPECT_TRUE(svc.verify(forge(good_header(), good_claims()), kNow));
}

TEST_F(TokensTest, NullOrMissingEmailReadsAsNull) {
  Json c = good_claims();
  c["email"] = nullptr;
  c.erase("name");
  const auto claims = svc.verify(forge(good_header(), c), kNow);
  ASSERT_TRUE(claims);
  EXPECT_FALSE(claims->email);
  EXPECT_FALSE(claims->name);
  c["email"] = 5;
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, AlgNoneRejected) {
  const std::string input =
      b64url(R"({"alg":"none","typ":"at+jwt"})") + "." + b64url(good_claims().dump());
  EXPECT_FALSE(svc.verify(input + ".", kNow));
  EXPECT_FALSE(svc.verify(input, kNow));
  // Even with a valid HMAC over it, "none" is not HS256.
  EXPECT_FALSE(svc.verify(forge({{"alg", "none"}, {"typ", "at+jwt"}}, good_claims()), kNow));
}

TEST_F(TokensTest, Rs256HeaderRejected) {
  const auto real = svc.issue(42, {"user"}, "Ann", "", kNow);
  const auto d1 = real.find('.');
  const std::string swapped = b64url(R"({"alg":"RS256","typ":"at+jwt"})") + real.substr(d1);
  EXPECT_FALSE(svc.verify(swapped, kNow));
  // Key confusion: RS256 header with an HMAC made with our secret.
  EXPECT_FALSE(svc.verify(forge({{"alg", "RS256"}, {"typ", "at+jwt"}}, good_claims()), kNow));
  EXPECT_FALSE(svc.verify(forge({{"alg", "HS512"}, {"typ", "at+jwt"}}, good_claims()), kNow));
  EXPECT_FALSE(svc.verify(forge({{"typ", "at+jwt"}}, good_claims()), kNow));
}

TEST_F(TokensTest, WrongKeyRejected) {
  const TokenService other("ffffffffffffffffffffffffffffffff", kTtl);
  EXPECT_FALSE(svc.verify(other.issue(42, {"user"}, "", "", kNow), kNow));
  EXPECT_FALSE(svc.verify(forge(good_header(), good_claims(), "another-secret-of-32-bytes-xxxxxx"), kNow));
}

TEST_F(TokensTest, TamperedPayloadRejected) {
  const auto token = svc.issue(42, {"user"}, "Ann", "", kNow);
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  Json p = payload_of(token);
  p["scopes"] = {"user", "admin"};
  const std::string tampered = token.substr(0, d1 + 1) + b64url(p.dump()) + token.substr(d2);
  EXPECT_FALSE(svc.verify(tampered, kNow));
  // One flipped character in the payload.
  std::string flipped = token;
  flipped[d1 + 5] = flipped[d1 + 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(svc.verify(flipped, kNow));
}

TEST_F(TokensTest, TamperedSignatureRejected) {
  const auto token = svc.issue(42, {"user"}, "Ann", "", kNow);
  for (std::size_t i : {token.size() - 1, token.size() - 10, token.rfind('.') + 1}) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(svc.verify(t, kNow)) << i;
  }
  EXPECT_FALSE(svc.verify(token.substr(0, token.size() - 1), kNow));  // truncated
  EXPECT_FALSE(svc.verify(token + "A", kNow));                         // extended
  EXPECT_FALSE(svc.verify(token + "=", kNow));                         // padded
}

TEST_F(TokensTest, ExpiryIsExactToTheSecond) {
  const auto token = svc.issue(42, {"user"}, "", "", kNow);
  EXPECT_TRUE(svc.verify(token, kNow + kTtl - 1));
  EXPECT_FALSE(svc.verify(token, kNow + kTtl));
  EXPECT_FALSE(svc.verify(token, kNow + kTtl + 1));
}

// Only an authentic token is reported as expired: the client should refresh.
TEST_F(TokensTest, ExpiredIsToldApartFromInvalid) {
  const auto token = svc.issue(42, {"user"}, "", "", kNow);
  bool expired = true;
  EXPECT_TRUE(svc.verify(token, kNow, &expired));
  EXPECT_FALSE(expired);
  EXPECT_FALSE(svc.verify(token, kNow + kTtl, &expired));
  EXPECT_TRUE(expired);
  TokenService other(std::string(32, 'z'), kTtl);
  EXPECT_FALSE(other.verify(token, kNow + kTtl, &expired));  // someone else's signature
  EXPECT_FALSE(expired);
  EXPECT_FALSE(svc.verify(token.substr(0, token.size() - 2) + "AA", kNow + kTtl, &expired));
  EXPECT_FALSE(expired);
}

TEST_F(TokensTest, MissingOrNonIntegerTimesRejected) {
  for (const char* key : {"exp", "iat", "sub", "user_id", "iss", "scopes"}) {
    Json c = good_claims();
    c.erase(key);
    EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow)) << key;
  }
  for (const char* key : {"exp", "iat"}) {
    Json c = good_claims();
    c[key] = std::to_string(c[key].get<std::int64_t>());
    EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow)) << key << " as string";
    c = good_claims();
    c[key] = static_cast<double>(c[key].get<std::int64_t>()) + 0.5;
    EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow)) << key << " as float";
  }
  Json c = good_claims();
  c["exp"] = 18446744073709551615ULL;  // does not fit int64
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, WrongTypRejected) {
  EXPECT_FALSE(svc.verify(forge({{"alg", "HS256"}, {"typ", "JWT"}}, good_claims()), kNow));
  EXPECT_FALSE(svc.verify(forge({{"alg", "HS256"}}, good_claims()), kNow));
  EXPECT_FALSE(svc.verify(forge({{"alg", "HS256"}, {"typ", "AT+JWT "}}, good_claims()), kNow));
  EXPECT_FALSE(svc.verify(forge({{"alg", "HS256"}, {"typ", "application/jwt"}}, good_claims()), kNow));
  EXPECT_FALSE(svc.verify(forge({{"alg", "HS256"}, {"typ", "text/at+jwt"}}, good_claims()), kNow));
  // RFC 7515 §4.1.9: the "application/" prefix is optional and media types are case-insensitive.
  for (const char* typ : {"AT+JWT", "At+Jwt", "application/at+jwt", "Application/AT+JWT"})
    EXPECT_TRUE(svc.verify(forge({{"alg", "HS256"}, {"typ", typ}}, good_claims()), kNow)) << typ;
  Json crit = good_header();
  crit["crit"] = {"exp"};
  EXPECT_FALSE(svc.verify(forge(crit, good_claims()), kNow));
  // A differently serialised but equivalent header is fine.
  Json extra = good_header();
  extra["kid"] = "k1";
  EXPECT_TRUE(svc.verify(forge(extra, good_claims()), kNow));
}

TEST_F(TokensTest, WrongIssuerRejected) {
  Json c = good_claims();
  c["iss"] = "someone-else";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["iss"] = "Jogtrack";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, SubUserIdMismatchRejected) {
  Json c = good_claims();
  c["sub"] = "43";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["sub"] = 42;  // must be a string
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["sub"] = "042";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c = good_claims();
  c["user_id"] = "42";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["sub"] = "0";
  c["user_id"] = 0;
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, BadScopesRejected) {
  Json c = good_claims();
  c["scopes"] = "user";
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
  c["scopes"] = {"user", 1};
  EXPECT_FALSE(svc.verify(forge(good_header(), c), kNow));
}

TEST_F(TokensTest, GarbageRejected) {
  const auto good = svc.issue(42, {"user"}, "", "", kNow);
  const auto d1 = good.find('.');
  const auto d2 = good.find('.', d1 + 1);
  const std::vector<std::string> garbage = {
      "",
      ".",
      "..",
      "...",
      "abc",
      "abc.def",
      good.substr(0, d2),                       // 2 parts
      good + ".",                               // 4 parts (empty 4th)
      good + "." + good.substr(d2 + 1),         // 4 parts
      good.substr(0, d1) + ".." + good.substr(d2 + 1),  // empty payload
      "." + good.substr(d1 + 1),                // empty header
      "!!!." + good.substr(d1 + 1),             // bad base64 header
      good.substr(0, d1 + 1) + "!!!" + good.substr(d2),  // bad base64 payload
      good.substr(0, d2 + 1) + std::string(43, '!'),     // bad base64 signature
      "Bearer " + good,
      good + " ",
      std::string(100000, 'a'),
      std::string("a.b\0.c", 6),
  };
  for (const auto& g : garbage) EXPECT_FALSE(svc.verify(g, kNow)) << g.substr(0, 80);
}

TEST_F(TokensTest, NonJsonPayloadWithValidSignatureRejected) {
  for (const std::string_view payload : {"not json", "[1,2]", "42", "null", ""}) {
    const std::string input = b64url(good_header().dump()) + "." + b64url(payload);
    EXPECT_FALSE(svc.verify(input + "." + hmac_b64(input, kSecret), kNow)) << payload;
  }
}

TEST_F(TokensTest, ShortSecretThrows) {
  EXPECT_THROW(TokenService(std::string(31, 'k'), kTtl), std::invalid_argument);
  EXPECT_THROW(TokenService("", kTtl), std::invalid_argument);
  EXPECT_NO_THROW(TokenService(std::string(32, 'k'), kTtl));
  EXPECT_THROW(TokenService(std::string(32, 'k'), 0), std::invalid_argument);
  EXPECT_THROW(svc.issue(0, {"user"}, "", "", kNow), std::invalid_argument);
}

TEST_F(TokensTest, CopiesShareTheKey) {
  const TokenService copy = svc;
  EXPECT_TRUE(copy.verify(svc.issue(1, {"user"}, "", "", kNow), kNow));
}

// First sight of a token (HMAC, decode, parse) and a token seen before (the
// cache of verified tokens), timed separately.
TEST_F(TokensTest, VerifyIsFast) {
  constexpr int kIterations = 2000;
  std::vector<std::string> tokens;
  for (int i = 0; i < kIterations; ++i)
    tokens.push_back(svc.issue(123456, {"user", "manager", "admin"}, "Some Runner Name", "runner@example.org", kNow));
  const auto time_us = [&](auto&& verify_all) {
    const auto start = std::chrono::steady_clock::now();
    const int ok = verify_all();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(ok, kIterations);
    return std::chrono::duration<double, std::micro>(elapsed).count() / kIterations;
  };
  const double first = time_us([&] {
    int ok = 0;
    for (const auto& token : tokens) ok += svc.verify(token, kNow + 1).has_value();
    return ok;
  });
  const double again = time_us([&] {
    int ok = 0;
    for (int i = 0; i < kIterations; ++i) ok += svc.verify(tokens[0], kNow + 1).has_value();
    return ok;
  });
  std::printf("[ timing   ] TokenService::verify: %.2f us first sight, %.2f us seen before (%zu-byte token)\n", first,
              again, tokens[0].size());
  RecordProperty("verify_us", std::to_string(first));
  RecordProperty("verify_cached_us", std::to_string(again));
  EXPECT_LT(first, 200.0);  // generous: shared 2-core box, maybe a sanitizer build
  EXPECT_LT(again, 200.0);
}

}  // namespace
}  // namespace jogtrack::auth
