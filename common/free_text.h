#ifndef SAMENLOOP_COMMON_FREE_TEXT_H_
#define SAMENLOOP_COMMON_FREE_TEXT_H_

// What free text may hold, in plain C++ (header only, so the policy parser
// uses the same rules as the servers' request checks): valid UTF-8 and no
// control characters. Refused are C0 (which holds ESC and newline), DEL and
// C1 (which holds CSI): they rewrite terminals and forge log lines; and the
// Unicode bidi controls and line separators, which make a shown value read
// differently from what it is. And the one way a refused value may be shown:
// a short escaped prefix.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace samenloop {

inline bool IsRefusedCodePoint(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return true;      // C0, DEL, C1
  if (cp == 0x061c || cp == 0x200e || cp == 0x200f) return true;  // bidi marks
  if (cp >= 0x202a && cp <= 0x202e) return true;                  // bidi embeddings and overrides
  if (cp >= 0x2066 && cp <= 0x2069) return true;                  // bidi isolates
  return cp == 0x2028 || cp == 0x2029;                            // line and paragraph separators
}

// Decodes the UTF-8 sequence at text[*i] and advances *i; false when it is
// not valid UTF-8 (overlong, a surrogate, beyond U+10FFFF, truncated).
inline bool NextCodePoint(absl::string_view text, size_t* i, uint32_t* out) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(*i);
  size_t length = 0;
  uint32_t cp = 0;
  if (lead < 0x80) {
    *out = lead;
    *i += 1;
    return true;
  }
  if ((lead & 0xe0) == 0xc0) {
    length = 2;
    cp = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    cp = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return false;
  }
  if (*i + length > text.size()) return false;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(*i + k) & 0xc0) != 0x80) return false;
    cp = (cp << 6) | (byte(*i + k) & 0x3f);
  }
  constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  *out = cp;
  *i += length;
  return true;
}

enum class TextProblem { kNone, kNotUtf8, kControlCharacter, kTooLong };

struct TextCheck {
  TextProblem problem = TextProblem::kNone;
  size_t at = 0;  // 1-based character position of the problem
};

// Checks free text of at most `max_chars` characters (code points);
// `allow_newline` admits '\n' (multi-line descriptions in policy files).
inline TextCheck CheckFreeText(absl::string_view text, size_t max_chars, bool allow_newline = false) {
  size_t count = 0;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    if (!NextCodePoint(text, &i, &cp)) return {TextProblem::kNotUtf8, count + 1};
    ++count;
    if (IsRefusedCodePoint(cp) && !(allow_newline && cp == '\n')) return {TextProblem::kControlCharacter, count};
    if (count > max_chars) return {TextProblem::kTooLong, count};
  }
  return {};
}

// At most `max_chars` bytes of `value` for an error message or a log line:
// printable ASCII as it is, every other byte (and '\', unless
// `escape_backslash` is false for text already escaped) as \xNN, "..." when
// cut.
inline std::string EscapedPrefix(absl::string_view value, size_t max_chars = 16, bool escape_backslash = true) {
  std::string out;
  size_t shown = 0;
  for (char c : value) {
    if (shown == max_chars) return out + "...";
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && (byte != '\\' || !escape_backslash)) {
      out += c;
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
    ++shown;
  }
  return out;
}

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_FREE_TEXT_H_
