#include "tests/support/mini_json.h"

#include <cstdlib>
#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace samenloop::testing {
namespace {

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> ParseDocument() {
    absl::StatusOr<JsonValue> value = ParseValue();
    if (!value.ok()) return value;
    SkipSpace();
    if (pos_ != text_.size()) return Error("trailing characters");
    return value;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("json at offset ", pos_, ": ", what));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' ||
                                   text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Consume(absl::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  absl::StatusOr<std::string> ParseString() {
    if (!Consume("\"")) return Error("expected a string");
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) return Error("bad escape");
        char e = text_[pos_++];
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case '"': case '\\': case '/': out.push_back(e); break;
          default: return Error("unsupported escape");
        }
      } else {
        out.push_back(c);
      }
    }
    if (!Consume("\"")) return Error("unterminated string");
    return out;
  }

  absl::StatusOr<JsonValue> ParseValue() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end");
    JsonValue value;
    char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      value.type = JsonValue::Type::kObject;
      SkipSpace();
      if (Consume("}")) return value;
      while (true) {
        SkipSpace();
        absl::StatusOr<std::string> key = ParseString();
        if (!key.ok()) return key.status();
        SkipSpace();
        if (!Consume(":")) return Error("expected ':'");
        absl::StatusOr<JsonValue> member = ParseValue();
        if (!member.ok()) return member;
        value.object[*key] = *std::move(member);
        SkipSpace();
        if (Consume("}")) return value;
        if (!Consume(",")) return Error("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++pos_;
      value.type = JsonValue::Type::kArray;
      SkipSpace();
      if (Consume("]")) return value;
      while (true) {
        absl::StatusOr<JsonValue> element = ParseValue();
        if (!element.ok()) return element;
        value.array.push_back(*std::move(element));
        SkipSpace();
        if (Consume("]")) return value;
        if (!Consume(",")) return Error("expected ',' or ']'");
      }
    }
    if (c == '"') {
      absl::StatusOr<std::string> s = ParseString();
      if (!s.ok()) return s.status();
      value.type = JsonValue::Type::kString;
      value.string = *std::move(s);
      return value;
    }
    if (Consume("true")) { value.type = JsonValue::Type::kBool; value.boolean = true; return value; }
    if (Consume("false")) { value.type = JsonValue::Type::kBool; return value; }
    if (Consume("null")) return value;
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == start) return Error("unexpected character");
    value.type = JsonValue::Type::kNumber;
    value.number = std::strtoll(std::string(text_.substr(start, pos_ - start)).c_str(), nullptr, 10);
    return value;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

const JsonValue& JsonValue::operator[](const std::string& key) const {
  auto it = object.find(key);
  if (it == object.end()) {
    std::cerr << "test vector has no member '" << key << "'\n";
    std::abort();
  }
  return it->second;
}

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) { return Parser(text).ParseDocument(); }

}  // namespace samenloop::testing
