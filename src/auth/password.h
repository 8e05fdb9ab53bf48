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

// The password rules beyond length (NIST SP 800-63B §5.1.1.2, "context-specific words"):
// a password may not be only whitespace (ASCII or Unicode spaces: twelve spaces are not a
// secret), and may not equal or contain the username, ignoring ASCII letter case (the
// "contains" test applies to usernames of kUsernameInPasswordLengthMin characters or more:
// a one-letter name is in almost every password). Errors: invalid_argument
// "password_too_short" / "password_too_long" (as HashPassword), "password_blank",
// "password_contains_username".
inline constexpr size_t kUsernameInPasswordLengthMin = 3;
Status CheckPasswordPolicy(std::string_view password, std::string_view username);
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
