// File: core/text.h
//
// UTF-8 text as it arrives from people and files: validity, length in characters (code
// points, not bytes), blankness and cutting at a character boundary. Fields are stored and
// echoed as UTF-8; JSON output must never meet a byte sequence that is not.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cse {

// The length in bytes of the UTF-8 sequence starting at text[i] (1-4), or 0 when the bytes
// there are not valid UTF-8: a stray continuation byte, a truncated sequence, an overlong
// form, a surrogate or a code point above U+10FFFF. REQUIRES: i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);
// The offset of the first byte that is not valid UTF-8, or text.size() when all of it is.
size_t FirstInvalidUtf8(std::string_view text);
inline bool IsValidUtf8(std::string_view text) { return FirstInvalidUtf8(text) == text.size(); }
// The number of code points; an invalid byte counts as one.
int64_t CharacterCount(std::string_view text);
// True when `text` is empty or holds only spaces, tabs, carriage returns, line feeds,
// vertical tabs and form feeds.
bool IsBlank(std::string_view text);
// At most `max_bytes` bytes of `text`, cut so that no UTF-8 sequence is split (an echo of
// input in an error message).
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);

// `text` with the ASCII letters A-Z lowered (other bytes, UTF-8 included, unchanged).
std::string AsciiLower(std::string_view text);

// `text` without a leading UTF-8 byte-order mark (EF BB BF), which some editors and
// exports put at the start of a file.
std::string_view StripUtf8Bom(std::string_view text);

}  // namespace cse
