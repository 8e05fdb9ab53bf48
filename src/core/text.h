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
// The code point of the valid UTF-8 sequence of `n` bytes (Utf8SequenceLength) at text[i].
uint32_t CodePointAt(std::string_view text, size_t i, size_t n);
// Controls beyond C0 and DEL that can forge or reorder a line where free text is shown: C1
// (U+0080-U+009F, NEL among them), the line and paragraph separators (U+2028, U+2029), and
// the bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069).
bool IsLineForgingControl(uint32_t cp);
// The byte offset and code point of the first such control in `text` (invalid UTF-8 skipped
// byte by byte), or offset text.size() when there is none.
struct CodePointAtOffset {
  size_t offset;
  uint32_t cp;
};
CodePointAtOffset FirstLineForgingControl(std::string_view text);
// "U+000D" for a code point.
std::string CodePointName(uint32_t cp);
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
