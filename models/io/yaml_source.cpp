#include "models/io/yaml_source.h"

#include <yaml-cpp/depthguard.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <utility>

namespace capsim::io {
namespace {

// Position (1-based line and column) of the byte at `offset`.
std::pair<int, int> position_of(const std::string& text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return {line, column};
}

}  // namespace

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length;
    std::uint32_t code;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code = byte & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      code = (code << 6) | (next & 0x3F);
    }
    const bool overlong =
        (length == 2 && code < 0x80) || (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string::npos;
}

namespace {

// CRLF and lone CR become LF, so old Mac files are not read as one long line.
std::string normalize_line_endings(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

class TreeChecks {
 public:
  TreeChecks(const std::string& text, const std::string& origin, std::vector<Diagnostic>& errors)
      : text_(text), origin_(origin), errors_(errors) {}

  bool check(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) {
      report(node.Mark(), "nested more than 64 levels deep; a scenario needs a handful");
      return false;
    }
    const std::string& tag = node.Tag();
    if (!tag.empty() && tag != "?" && tag != "!") {
      report(node.Mark(), "YAML tags such as \"" + tag.substr(0, 40) + "\" are not supported; write the plain value");
      return false;
    }
    bool ok = true;
    if (node.IsScalar()) {
      if (tag == "!" && !quote_closes(node.Mark().pos)) {
        report(node.Mark(), "this quoted value has no closing quote");
        return false;
      }
    } else if (node.IsSequence()) {
      for (const auto& child : node) ok = check(child, depth + 1) && ok;
    } else if (node.IsMap()) {
      for (const auto& entry : node) {
        if (entry.first.IsScalar() && entry.first.Scalar() == "<<" && entry.first.Tag() == "?") {
          report(entry.first.Mark(), "merge keys (<<) are not supported; write the keys out");
          ok = false;
          continue;
        }
        ok = check(entry.first, depth + 1) && ok;
        ok = check(entry.second, depth + 1) && ok;
      }
    }
    return ok;
  }

 private:
  static constexpr int kMaxDepth = 64;

  // yaml-cpp lets a quoted scalar run to the end of the input without complaint; scan the
  // source from its opening quote for the closing one.
  bool quote_closes(int pos) const {
    if (pos < 0 || static_cast<std::size_t>(pos) >= text_.size()) return true;
    const char quote = text_[static_cast<std::size_t>(pos)];
    if (quote != '"' && quote != '\'') return true;
    for (std::size_t i = static_cast<std::size_t>(pos) + 1; i < text_.size(); ++i) {
      if (quote == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == quote) {
        if (quote == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;  // '' inside single quotes is an escaped quote
          continue;
        }
        return true;
      }
    }
    return false;
  }

  void report(const YAML::Mark& mark, const std::string& message) {
    errors_.push_back({origin_, mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, "", message});
  }

  const std::string& text_;
  const std::string& origin_;
  std::vector<Diagnostic>& errors_;
};

}  // namespace

std::optional<std::string> read_yaml_file(const std::string& path, const std::string& what,
                                          std::vector<Diagnostic>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    errors.push_back({path, 0, 0, "", "cannot read the file; expected a readable " + what});
    return std::nullopt;
  }
  std::string text(kMaxScenarioBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

YamlSource parse_yaml_source(std::string text, const std::string& origin, std::vector<Diagnostic>& errors) {
  YamlSource source;
  const auto whole_file = [&](const std::string& message) { errors.push_back({origin, 0, 0, "", message}); };
  if (text.size() > kMaxScenarioBytes) {
    whole_file("the file is larger than " + std::to_string(kMaxScenarioBytes) +
               " bytes (2 MiB); expected a scenario of at most that size");
    return source;
  }
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
    const auto [line, column] = position_of(text, bad);
    errors.push_back({origin, line, column, "", "not valid UTF-8; expected a UTF-8 text file"});
    return source;
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a byte-order mark says nothing more
  text = normalize_line_endings(std::move(text));

  // A second document is found in the text, not with YAML::LoadAll: yaml-cpp 0.7's LoadAll
  // loops forever on some malformed input (found by fuzzing). A document marker is "---" or
  // "..." at the start of a line; only the first may open the file.
  bool content_seen = false, ended = false;
  int line_number = 0;
  for (std::size_t begin = 0; begin < text.size(); ++line_number) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + begin, end - begin);
    const auto marker = [&](std::string_view m) {
      return line.substr(0, 3) == m && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    };
    const std::size_t first = line.find_first_not_of(" \t");
    const bool blank_or_comment = first == std::string_view::npos || line[first] == '#';
    if ((marker("---") && content_seen) || (ended && !blank_or_comment)) {
      errors.push_back({origin, line_number + 1, 1, "", "a second YAML document; expected one scenario per file"});
      return source;
    }
    if (marker("..."))
      ended = true;
    else if (!blank_or_comment)
      content_seen = true;
    begin = end + 1;
  }

  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    errors.push_back({origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.line >= 0 ? e.mark.column + 1 : 0, "",
                      "nested more than 64 levels deep; a scenario needs a handful"});
    return source;
  } catch (const YAML::Exception& e) {
    errors.push_back({origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.line >= 0 ? e.mark.column + 1 : 0, "",
                      "YAML syntax error: " + e.msg});
    return source;
  }
  if (!document.IsDefined() || document.IsNull()) {
    whole_file(content_seen ? "no YAML value could be read from the file (a stray ']' or '}'?); expected a map of keys "
                              "(name, horizon, customers, pools, stages)"
                            : "the file is empty; expected a scenario (name, horizon, customers, pools, stages)");
    return source;
  }
  TreeChecks checks(text, origin, errors);
  if (!checks.check(document, 0)) return source;
  source.root = document;
  source.ok = true;
  return source;
}

}  // namespace capsim::io
