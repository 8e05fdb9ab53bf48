// File: crypto/sha256.h
//
// The libsodium adapter: the only folder that includes <sodium.h>. SHA-256 for the audit hash
// chain; later issues add argon2id passwords and field encryption here.
#pragma once

#include <string>
#include <string_view>

namespace cse {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace cse
