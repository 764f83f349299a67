#include "models/io/diagnostics.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <tuple>

namespace capsim::io {

std::string Diagnostic::format() const {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on chained std::string operator+.
  std::string text = printable(origin, 200);
  if (line > 0) {
    text.append(":").append(std::to_string(line));
    text.append(":").append(std::to_string(column));
  }
  text.append(": ");
  // Key paths and names come from the file: escaped here, whatever built the message.
  if (!path.empty()) text.append(printable(path, 200)).append(": ");
  text.append(printable(message, 1000));
  return text;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    // File positions first, in order; --set problems after them.
    const bool a_set = a.origin.rfind("--set", 0) == 0, b_set = b.origin.rfind("--set", 0) == 0;
    return std::tie(a_set, a.line, a.column) < std::tie(b_set, b.line, b.column);
  });
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(),
                                [](const Diagnostic& a, const Diagnostic& b) { return a.format() == b.format(); }),
                    diagnostics.end());
}

namespace {

bool invisible(std::uint32_t code) {
  return code == 0x00AD || (code >= 0x200B && code <= 0x200F) || (code >= 0x2028 && code <= 0x202E) ||
         (code >= 0x2060 && code <= 0x2064) || (code >= 0x2066 && code <= 0x2069) || code == 0xFEFF;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_characters) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t characters = 0, i = 0;
  while (i < text.size()) {
    if (characters == max_characters) {
      std::size_t rest = 0;
      for (std::size_t j = i; j < text.size(); ++j) rest += (static_cast<unsigned char>(text[j]) & 0xC0) != 0x80;
      out += "... (" + std::to_string(rest) + " more characters)";
      break;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte & 0xE0) == 0xC0 ? 2 : (byte & 0xF0) == 0xE0 ? 3 : 4;
    if (i + length > text.size()) length = 1;
    for (std::size_t k = 1; k < length; ++k)  // a broken sequence: its lead byte is escaped alone
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) length = 1;
    std::uint32_t code = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if (length == 1 && (byte < 0x20 || byte >= 0x7F)) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else if (invisible(code)) {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "\\u{%04X}", static_cast<unsigned>(code));
      out += buffer;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
    ++characters;
  }
  return out;
}

}  // namespace capsim::io
