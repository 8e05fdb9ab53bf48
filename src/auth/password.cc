#include "auth/password.h"

#include <sodium.h>

#include <vector>

#include "core/text.h"
#include "crypto/sha256.h"

namespace cse::auth {

Status InitCrypto() {
  if (sodium_init() < 0) return Internal("crypto_init_failed", "libsodium could not start");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  // Lengths are in characters (code points), as NIST SP 800-63B counts them: twelve bytes
  // would let four CJK characters through as a "12-character" password.
  const auto length = static_cast<size_t>(CharacterCount(password));
  if (length < kPasswordLengthMin) {
    return InvalidArgument(
        "password_too_short",
        "password: at least " + std::to_string(kPasswordLengthMin) + " characters are required");
  }
  if (length > kPasswordLengthMax) {
    return InvalidArgument(
        "password_too_long",
        "password: at most " + std::to_string(kPasswordLengthMax) + " characters are accepted");
  }
  RETURN_IF_ERROR(InitCrypto());
  const bool interactive = cost == PasswordCost::kInteractive;
  const unsigned long long ops =
      interactive ? crypto_pwhash_OPSLIMIT_INTERACTIVE : crypto_pwhash_OPSLIMIT_MIN;
  const size_t mem = interactive ? crypto_pwhash_MEMLIMIT_INTERACTIVE : crypto_pwhash_MEMLIMIT_MIN;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("password_hash_failed", "argon2id hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  if (static_cast<size_t>(CharacterCount(password)) > kPasswordLengthMax) return false;
  const std::string z(encoded);  // NUL-terminated copy
  return crypto_pwhash_str_verify(z.c_str(), password.data(), password.size()) == 0;
}

std::string RandomHex(size_t bytes) {
  (void)InitCrypto();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();
  return hex;
}

std::string TokenDigest(std::string_view token) { return Sha256Hex(token); }

bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cse::auth
