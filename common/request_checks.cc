#include "common/request_checks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"

namespace samenloop {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status FindUnknown(const Message& message, const std::string& path) {
  const Reflection* reflection = message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path.empty() ? "request" : path, ": unknown field ", unknown.field(0).number(),
        "; this API version does not define it, so the request was refused and nothing of it was stored (clear "
        "the field, or build against this broker's proto files)"));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size; ++i) {
        if (absl::Status s = FindUnknown(reflection->GetRepeatedMessage(message, field, i),
                                         absl::StrCat(path, path.empty() ? "" : ".", field->name(), "[", i, "]"));
            !s.ok()) {
          return s;
        }
      }
    } else if (absl::Status s =
                   FindUnknown(reflection->GetMessage(message, field),
                               absl::StrCat(path, path.empty() ? "" : ".", field->name()));
               !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RefuseUnknownFields(const Message& request) { return FindUnknown(request, ""); }

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars) {
  const TextCheck check = CheckFreeText(value, max_chars);
  switch (check.problem) {
    case TextProblem::kNone: return absl::OkStatus();
    case TextProblem::kNotUtf8:
      return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8 (at character ", check.at, ")"));
    case TextProblem::kControlCharacter:
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": contains a control character (character ", check.at,
          "); free text is one line without control, bidi or line-separator characters"));
    case TextProblem::kTooLong:
      return absl::InvalidArgumentError(absl::StrCat(field, ": too long (at most ", max_chars, " characters)"));
  }
  return absl::OkStatus();
}

}  // namespace samenloop
