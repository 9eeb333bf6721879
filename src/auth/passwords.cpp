#include "auth/passwords.h"

#include <crypt.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace jogtrack::auth {

namespace {

// OWASP Password Storage Cheat Sheet, Argon2id option 2: m=19 MiB, t=2, p=1.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19'922'944;  // 19 MiB
constexpr int kAlg = crypto_pwhash_ALG_ARGON2ID13;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";

// libsodium wants a NUL-terminated hash string of bounded length.
bool plausible_hash(std::string_view stored_hash) {
  return !stored_hash.empty() && stored_hash.size() < crypto_pwhash_STRBYTES &&
         stored_hash.find('\0') == std::string_view::npos;
}

// Hashes imported from the original system (`jogtrack import-seed`). Only
// ever verified, once: a successful login re-hashes with Argon2id at once
// (password_needs_rehash is true for them), so the bcrypt hash is gone.
bool is_bcrypt(std::string_view stored_hash) {
  return stored_hash.starts_with("$2b$") || stored_hash.starts_with("$2a$") || stored_hash.starts_with("$2y$");
}

bool verify_bcrypt(std::string_view stored_hash, std::string_view password) {
  // crypt takes C strings: a NUL inside would silently shorten the password.
  if (password.find('\0') != std::string_view::npos || stored_hash.find('\0') != std::string_view::npos)
    return false;
  const std::string phrase(password), setting(stored_hash);
  auto data = std::make_unique<crypt_data>();  // about 32 KiB: not on the stack
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  const bool ok = out && out[0] != '*' && constant_time_equal(out, stored_hash);
  sodium_memzero(data.get(), sizeof(crypt_data));
  return ok;
}

}  // namespace

void ensure_sodium() {
  // Function-local static: initialised exactly once, thread-safely.
  static const int rc = sodium_init();  // 0 = initialised, 1 = already was
  if (rc < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            kAlg) != 0) {
    throw std::runtime_error("password hashing failed (out of memory)");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  ensure_sodium();
  if (is_bcrypt(stored_hash)) return verify_bcrypt(stored_hash, password);
  if (!plausible_hash(stored_hash)) return false;
  const std::string hash(stored_hash);  // NUL-terminated copy
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view stored_hash) {
  ensure_sodium();
  if (!plausible_hash(stored_hash)) return true;
  // The generic needs_rehash would accept an Argon2i hash with the same
  // parameters; we want every hash migrated to Argon2id.
  if (!stored_hash.starts_with(kArgon2idPrefix)) return true;
  const std::string hash(stored_hash);
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

std::string random_token_urlsafe(std::size_t bytes) {
  ensure_sodium();
  if (bytes == 0) return {};
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, variant), '\0');  // includes the NUL
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), variant);
  sodium_memzero(raw.data(), raw.size());
  out.resize(out.size() - 1);
  return out;
}

std::string hash_token(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  std::array<char, digest.size() * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());  // lowercase
  return std::string(hex.data(), digest.size() * 2);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jogtrack::auth
