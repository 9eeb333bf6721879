// HS256 compact JWS, done with libsodium (HMAC-SHA256, strict base64url),
// RapidJSON (writing claims, reading headers and claims). cpp-jwt 1.4 is not used: its decoder rejects any "typ"
// other than "JWT" (DecodeErrc::TypMismatch) and its header type only knows
// JWT/NONE, so it can neither issue nor read RFC 9068 "at+jwt" tokens; it
// also compares signatures with ==. Nothing in a token is parsed before its
// signature has been checked in constant time.
#include "auth/tokens.h"

#include <sodium.h>

#include <array>
#include <limits>
#include <cstring>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdexcept>
#include <utility>

#include "auth/passwords.h"
#include "auth/verified_tokens.h"
#include "common/ascii.h"
#include "common/utf8.h"

namespace jogtrack::auth {

namespace {

constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"at+jwt"})";
constexpr std::string_view kIssuer = "jogtrack";
// A clock ahead of ours by more than this is a forged or broken token, not skew.
constexpr std::int64_t kMaxIatAheadSeconds = 60;
constexpr std::size_t kJtiBytes = 16;
constexpr std::size_t kMinSecretBytes = 32;
constexpr std::size_t kMacBytes = crypto_auth_hmacsha256_BYTES;  // 32
constexpr std::size_t kMacB64Chars = 43;                          // ceil(32 * 4 / 3), no padding
// Far above any token we issue; bounds the work done on hostile input.
constexpr std::size_t kMaxTokenBytes = 16 * 1024;
constexpr int kB64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::string b64url_encode(const void* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, kB64Variant), '\0');  // includes the NUL
  sodium_bin2base64(out.data(), out.size(), static_cast<const unsigned char*>(data), size,
                    kB64Variant);
  out.resize(out.size() - 1);
  return out;
}

std::string b64url_encode(std::string_view s) { return b64url_encode(s.data(), s.size()); }

// Strict: base64url alphabet only, no padding, no whitespace, canonical
// trailing bits (libsodium rejects non-zero unused bits), whole input used.
std::optional<std::string> b64url_decode(std::string_view in) {
  std::string out(in.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                        in.size(), nullptr, &len, nullptr, kB64Variant) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

// Claims are read on every request: RapidJSON (in situ, no DOM of std::maps).
using Claims = rapidjson::GenericValue<rapidjson::UTF8<>>;

// The member named key, the last one if repeated (as most JSON libraries keep it).
const Claims* claim(const Claims& obj, const char* key) {
  const Claims* found = nullptr;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
    if (std::strcmp(it->name.GetString(), key) == 0 && it->name.GetStringLength() == std::strlen(key))
      found = &it->value;
  return found;
}

std::optional<std::int64_t> int_claim(const Claims& obj, const char* key) {
  const Claims* v = claim(obj, key);
  if (v == nullptr || !v->IsInt64()) return std::nullopt;  // floats and values beyond int64 rejected
  return v->GetInt64();
}

// Outer nullopt: the claim has a wrong type; inner nullopt: null or absent.
std::optional<std::optional<std::string>> nullable_string_claim(const Claims& obj, const char* key) {
  const Claims* v = claim(obj, key);
  if (v == nullptr || v->IsNull()) return std::optional<std::string>();
  if (!v->IsString()) return std::nullopt;
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

bool string_is(const Claims& v, std::string_view expected) {
  return v.IsString() && std::string_view(v.GetString(), v.GetStringLength()) == expected;
}

// RFC 7519 §4.1.3: a single string or an array of strings, one of them ours.
bool audience_ok(const Claims* aud, std::string_view audience) {
  if (aud == nullptr) return false;
  if (aud->IsString()) return string_is(*aud, audience);
  if (!aud->IsArray()) return false;
  bool found = false;
  for (const auto& a : aud->GetArray()) {
    if (!a.IsString()) return false;
    found = found || string_is(a, audience);
  }
  return found;
}

// RFC 9068 §4 names "at+jwt"; RFC 7515 §4.1.9 lets "application/" be omitted
// and media types compare case-insensitively, so both spellings are the same type.
bool access_token_type(std::string_view typ) {
  return iequals_ascii(typ, "at+jwt") || iequals_ascii(typ, "application/at+jwt");
}

std::string joined_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

bool header_ok(std::string_view header_b64, std::string_view canonical_b64) {
  if (header_b64 == canonical_b64) return true;  // fast path: the header we issue
  const auto raw = b64url_decode(header_b64);
  if (!raw) return false;
  rapidjson::Document header;
  header.Parse<rapidjson::kParseValidateEncodingFlag>(raw->data(), raw->size());
  if (header.HasParseError() || !header.IsObject()) return false;
  const Claims* alg = claim(header, "alg");
  const Claims* typ = claim(header, "typ");
  if (alg == nullptr || !string_is(*alg, "HS256")) return false;
  if (typ == nullptr || !typ->IsString() || !access_token_type({typ->GetString(), typ->GetStringLength()})) {
    return false;
  }
  // We understand no critical extensions (RFC 7515 §4.1.11).
  return claim(header, "crit") == nullptr;
}

}  // namespace

struct TokenService::Impl {
  crypto_auth_hmacsha256_state keyed{};  // HMAC state right after keying; copied per use
  std::int64_t ttl = 0;
  std::string audience;
  std::string header_b64;
  // Internally synchronized; tokens issued by this key only.
  mutable VerifiedTokens verified;

  Impl(std::string& secret, std::int64_t ttl_seconds, std::string aud) : ttl(ttl_seconds), audience(std::move(aud)) {
    crypto_auth_hmacsha256_init(&keyed, reinterpret_cast<const unsigned char*>(secret.data()),
                                secret.size());
    header_b64 = b64url_encode(kHeaderJson);
  }
  ~Impl() { sodium_memzero(&keyed, sizeof keyed); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::optional<AuthenticToken> authentic(std::string_view token) const;

  std::array<unsigned char, kMacBytes> mac(std::string_view signing_input) const {
    crypto_auth_hmacsha256_state st = keyed;
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                  signing_input.size());
    std::array<unsigned char, kMacBytes> out{};
    crypto_auth_hmacsha256_final(&st, out.data());
    sodium_memzero(&st, sizeof st);
    return out;
  }
};

TokenService::TokenService(std::string secret, std::int64_t ttl_seconds, std::string audience) {
  if (secret.size() < kMinSecretBytes) {
    sodium_memzero(secret.data(), secret.size());
    throw std::invalid_argument("JWT secret must be at least 32 bytes");
  }
  if (ttl_seconds <= 0) throw std::invalid_argument("access-token TTL must be positive");
  if (audience.empty()) throw std::invalid_argument("the token audience must not be empty");
  ensure_sodium();
  impl_ = std::make_shared<const Impl>(secret, ttl_seconds, std::move(audience));
  sodium_memzero(secret.data(), secret.size());
}

std::int64_t TokenService::ttl() const { return impl_->ttl; }

std::string TokenService::issue(std::int64_t user_id, const std::vector<std::string>& scopes,
                                const std::optional<std::string>& name,
                                const std::optional<std::string>& email, std::int64_t now) const {
  if (user_id <= 0) throw std::invalid_argument("user_id must be positive");
  std::int64_t exp = 0;
  if (__builtin_add_overflow(now, impl_->ttl, &exp)) {
    throw std::invalid_argument("token expiry overflows");
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  std::string scratch;
  // Every string is valid UTF-8 on the way out (invalid bytes become U+FFFD).
  const auto str = [&w, &scratch](std::string_view v) {
    v = valid_utf8(v, scratch);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  const auto nullable = [&w, &str](const std::optional<std::string>& v) {
    if (v)
      str(*v);
    else
      w.Null();
  };
  w.StartObject();
  w.Key("sub");
  str(std::to_string(user_id));
  w.Key("user_id");
  w.Int64(user_id);
  w.Key("scopes");
  w.StartArray();
  for (const auto& scope : scopes) str(scope);
  w.EndArray();
  w.Key("scope");
  str(joined_scopes(scopes));
  w.Key("name");
  nullable(name);
  w.Key("email");
  nullable(email);
  w.Key("jti");
  str(random_token_urlsafe(kJtiBytes));
  w.Key("iat");
  w.Int64(now);
  w.Key("exp");
  w.Int64(exp);
  w.Key("iss");
  str(kIssuer);
  w.Key("aud");
  str(impl_->audience);
  w.EndObject();
  std::string token = impl_->header_b64;
  token += '.';
  token += b64url_encode(std::string_view(buf.GetString(), buf.GetSize()));
  const auto sig = impl_->mac(token);
  token += '.';
  token += b64url_encode(sig.data(), sig.size());
  return token;
}

namespace {

// The time checks, made on every use (also of a cached token): no leeway on
// exp, iat at most kMaxIatAheadSeconds ahead, nbf not after now.
std::optional<AccessClaims> timely(const AuthenticToken& token, std::int64_t now, bool* expired) {
  const AccessClaims& c = token.claims;
  if (now >= c.expires_at) {
    if (expired != nullptr) *expired = true;
    return std::nullopt;
  }
  if (c.issued_at > now && c.issued_at - now > kMaxIatAheadSeconds) return std::nullopt;
  if (token.not_before && *token.not_before > now) return std::nullopt;
  return c;
}

}  // namespace

// Everything verify() checks that does not depend on the time; nullopt if any fails.
std::optional<AuthenticToken> TokenService::Impl::authentic(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) return std::nullopt;

  // Exactly three segments: header.payload.signature
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos || dot1 == 0) return std::nullopt;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || dot2 == dot1 + 1) return std::nullopt;
  const std::string_view sig_b64 = token.substr(dot2 + 1);
  if (sig_b64.size() != kMacB64Chars) return std::nullopt;  // also rules out a 4th segment

  // 1. Signature, in constant time, before anything else is looked at.
  std::array<unsigned char, kMacBytes + 1> sig{};
  std::size_t sig_len = 0;
  if (sodium_base642bin(sig.data(), sig.size(), sig_b64.data(), sig_b64.size(), nullptr, &sig_len,
                        nullptr, kB64Variant) != 0 ||
      sig_len != kMacBytes) {
    return std::nullopt;
  }
  const auto expected = mac(token.substr(0, dot2));
  if (sodium_memcmp(expected.data(), sig.data(), kMacBytes) != 0) return std::nullopt;

  // 2. Header: HS256 and at+jwt only.
  if (!header_ok(token.substr(0, dot1), header_b64)) return std::nullopt;

  // 3. Claims.
  auto payload = b64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return std::nullopt;
  rapidjson::Document claims;
  // Invalid UTF-8 and anything after the object are errors.
  claims.Parse<rapidjson::kParseValidateEncodingFlag>(payload->data(), payload->size());
  if (claims.HasParseError() || !claims.IsObject()) return std::nullopt;

  const Claims* iss = claim(claims, "iss");
  if (iss == nullptr || !string_is(*iss, kIssuer)) return std::nullopt;
  if (!audience_ok(claim(claims, "aud"), audience)) return std::nullopt;
  const auto exp = int_claim(claims, "exp");
  const auto iat = int_claim(claims, "iat");
  const auto user_id = int_claim(claims, "user_id");
  if (!exp || !iat || !user_id || *user_id <= 0) return std::nullopt;
  if (*iat > *exp) return std::nullopt;

  AuthenticToken out;
  if (const Claims* nbf = claim(claims, "nbf")) {
    if (!nbf->IsInt64()) return std::nullopt;
    out.not_before = nbf->GetInt64();
  }

  const Claims* sub = claim(claims, "sub");
  if (sub == nullptr || !sub->IsString() ||
      std::string_view(sub->GetString(), sub->GetStringLength()) != std::to_string(*user_id)) {
    return std::nullopt;
  }

  out.claims.user_id = *user_id;
  out.claims.issued_at = *iat;
  out.claims.expires_at = *exp;

  const Claims* scopes = claim(claims, "scopes");
  if (scopes == nullptr || !scopes->IsArray()) return std::nullopt;
  out.claims.scopes.reserve(scopes->Size());
  for (const auto& s : scopes->GetArray()) {
    if (!s.IsString()) return std::nullopt;
    out.claims.scopes.emplace_back(s.GetString(), s.GetStringLength());
  }

  auto name = nullable_string_claim(claims, "name");
  auto email = nullable_string_claim(claims, "email");
  if (!name || !email) return std::nullopt;
  out.claims.name = std::move(*name);
  out.claims.email = std::move(*email);
  if (const Claims* jti = claim(claims, "jti")) {
    if (!jti->IsString()) return std::nullopt;
    out.claims.jti.assign(jti->GetString(), jti->GetStringLength());
  }
  return out;
}

std::optional<AccessClaims> TokenService::verify(std::string_view token, std::int64_t now, bool* expired) const {
  if (expired != nullptr) *expired = false;
  if (token.size() > kMaxTokenBytes) return std::nullopt;  // never hashed for the lookup either
  if (auto known = impl_->verified.find(token)) return timely(*known, now, expired);
  auto found = impl_->authentic(token);
  if (!found) return std::nullopt;
  auto entry = std::make_shared<const AuthenticToken>(std::move(*found));
  impl_->verified.store(token, entry, now);
  return timely(*entry, now, expired);
}

}  // namespace jogtrack::auth
