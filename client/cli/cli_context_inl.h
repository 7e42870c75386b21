#ifndef SAMENLOOP_CLIENT_CLI_CLI_CONTEXT_INL_H_
#define SAMENLOOP_CLIENT_CLI_CLI_CONTEXT_INL_H_

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace samenloop::cli {

template <typename Enum>
absl::StatusOr<Enum> ParseEnumName(absl::string_view field, absl::string_view prefix, absl::string_view text,
                                   const google::protobuf::EnumDescriptor* descriptor) {
  std::string full = absl::StrCat(prefix, absl::AsciiStrToUpper(text));
  const google::protobuf::EnumValueDescriptor* value = descriptor->FindValueByName(full);
  if (value != nullptr && value->number() != 0) return static_cast<Enum>(value->number());
  std::vector<std::string> names;
  for (int i = 1; i < descriptor->value_count(); ++i) {
    names.push_back(ShortEnumName(descriptor, descriptor->value(i)->number(), prefix));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": unknown value '", text, "'; expected one of ", absl::StrJoin(names, ", ")));
}

}  // namespace samenloop::cli

#endif  // SAMENLOOP_CLIENT_CLI_CLI_CONTEXT_INL_H_
