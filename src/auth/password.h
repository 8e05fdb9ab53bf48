// File: auth/password.h
//
// Password hashing with argon2id (libsodium's crypto_pwhash_str: a self-describing encoded
// string with its salt and cost), random secrets for session, CSRF and API tokens, and the
// one-way digest under which tokens are stored. sodium.h is included only in password.cc.
//
// Thread-safety: every function may be called from any thread (InitCrypto first).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cse::auth {

// The argon2id cost. Interactive is libsodium's recommendation for online logins (2 passes,
// 64 MiB); tests use kMinimum so that thousands of hashes stay fast. Verification always
// uses the cost recorded in the hash.
enum class PasswordCost { kInteractive, kMinimum };

inline constexpr size_t kPasswordLengthMin = 12;
inline constexpr size_t kPasswordLengthMax = 128;

// Initializes libsodium. Errors: internal "crypto_init_failed".
Status InitCrypto();
// Errors: invalid_argument "password_too_short" / "password_too_long"; internal
// "password_hash_failed" (out of memory).
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// True when `password` matches `encoded` (constant time in the password).
bool VerifyPassword(std::string_view encoded, std::string_view password);
// `bytes` random bytes as lowercase hex (2 * bytes characters).
std::string RandomHex(size_t bytes);
// The digest tokens are stored under (SHA-256, hex).
std::string TokenDigest(std::string_view token);
// Constant-time equality of two strings of equal length (false when lengths differ).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace cse::auth
