#include "crypto/sha256.h"

#include <sodium.h>

#include "core/check.h"

namespace cse {

std::string Sha256Hex(std::string_view data) {
  static const bool initialized = sodium_init() >= 0;
  CSE_CHECK(initialized, "libsodium failed to initialize");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * crypto_hash_sha256_BYTES, '0');
  for (size_t i = 0; i < crypto_hash_sha256_BYTES; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace cse
