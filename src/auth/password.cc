#include "auth/password.h"

#include <sodium.h>

#include <vector>

#include "core/text.h"
#include "crypto/sha256.h"

namespace cse::auth {

namespace {

// The UTF-8 encodings of the Unicode space and invisible separator characters a password of
// "only whitespace" may be made of, beside ASCII's (U+0085, U+00A0, U+1680, U+2000-U+200B,
// U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF).
constexpr std::string_view kUnicodeSpaces[] = {
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82",
    "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88",
    "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\x8B", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF",
    "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};

bool OnlyWhitespace(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (std::string_view(" \t\r\n\v\f").find(text[i]) != std::string_view::npos) {
      ++i;
      continue;
    }
    bool space = false;
    for (std::string_view s : kUnicodeSpaces) {
      if (text.substr(i).starts_with(s)) {
        i += s.size();
        space = true;
        break;
      }
    }
    if (!space) return false;
  }
  return true;
}

Status CheckPasswordLength(std::string_view password) {
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
  return Status::Ok();
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password, std::string_view username) {
  RETURN_IF_ERROR(CheckPasswordLength(password));
  if (OnlyWhitespace(password)) {
    return InvalidArgument("password_blank",
                           "password: only whitespace; choose a passphrase of words or characters");
  }
  const std::string lower = AsciiLower(password);
  const std::string name = AsciiLower(username);
  if (!name.empty() && (lower == name || (name.size() >= kUsernameInPasswordLengthMin &&
                                          lower.find(name) != std::string::npos))) {
    return InvalidArgument("password_contains_username",
                           "password: may not be or contain the username (NIST SP 800-63B "
                           "5.1.1.2); choose another");
  }
  return Status::Ok();
}

Status InitCrypto() {
  if (sodium_init() < 0) return Internal("crypto_init_failed", "libsodium could not start");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  RETURN_IF_ERROR(CheckPasswordLength(password));
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
