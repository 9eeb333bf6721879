// Password hashing (Argon2id, OWASP parameters) and opaque random tokens, on
// libsodium. libsodium stays out of this header.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace jogtrack::auth {

// Initialises libsodium once (thread-safe; every function below calls it).
// Throws std::runtime_error if libsodium cannot be initialised.
void ensure_sodium();

// Argon2id via crypto_pwhash_str_alg, opslimit 2, memlimit 19,922,944 bytes
// (19 MiB): about 35 ms and 19 MiB per call — callers should bound concurrency.
// Returns the PHC string ("$argon2id$v=19$m=19456,t=2,p=1$...").
// Throws std::runtime_error if hashing fails (out of memory).
std::string hash_password(std::string_view password);

// false on a wrong password and on a malformed or unsupported hash too.
// Also verifies the bcrypt hashes ($2b$/$2a$/$2y$) of accounts imported from
// the original system (libxcrypt's crypt_rn, constant-time compare); those
// always "need rehash", so the first login replaces them with Argon2id.
bool verify_password(std::string_view stored_hash, std::string_view password);

// true if the hash is not Argon2id with exactly the parameters above
// (weaker, stronger, Argon2i, or malformed): re-hash after a successful login.
bool password_needs_rehash(std::string_view stored_hash);

// `bytes` random bytes (randombytes_buf) as base64url without padding:
// 32 bytes -> 43 characters. 0 bytes -> "".
std::string random_token_urlsafe(std::size_t bytes);

// BLAKE2b (crypto_generichash), 32-byte digest, 64 lowercase hex characters.
// For refresh tokens at rest: tokens are high-entropy, so no salt is needed.
std::string hash_token(std::string_view token);

// Constant time in the content for equal lengths (sodium_memcmp); different
// lengths return false at once (the length is not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace jogtrack::auth
