#include "crypto/sha256.h"

#include <openssl/evp.h>

#include "core/check.h"

namespace cse {

std::string Sha256Hex(std::string_view data) {
  // Fetched once: an implicit fetch on every call costs more than hashing a short input.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  CSE_CHECK(kSha256 != nullptr, "OpenSSL has no SHA-256");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  CSE_CHECK(
      EVP_Digest(data.data(), data.size(), digest, &size, kSha256, nullptr) == 1 && size == 32,
      "SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * size_t{size}, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace cse
