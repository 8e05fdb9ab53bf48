// File: crypto/sha256.h
//
// SHA-256 for the audit hash chain, by OpenSSL's libcrypto (sha256.cc is the only file that
// includes it), which uses the processor's SHA instructions: about 2.3 times libsodium's rate
// here (570-620 against 255-270 MB/s), and the chain hashes every audit row, 180 MB for a
// 1,000,000-payment import. Passwords (argon2id) are libsodium's, in src/auth.
#pragma once

#include <string>
#include <string_view>

namespace cse {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace cse
