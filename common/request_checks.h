#ifndef SAMENLOOP_COMMON_REQUEST_CHECKS_H_
#define SAMENLOOP_COMMON_REQUEST_CHECKS_H_

// Checks both servers run on what a client sends, before anything is
// stored, audited or echoed (docs/api.md "Limits"): no unknown protobuf
// fields anywhere in a request (refused, naming where and the field number,
// never the content), and free text that is bounded and clean
// (common/free_text.h). Errors name the field and the rule, never the value.
//
//   if (absl::Status s = RefuseUnknownFields(*request); !s.ok()) return ToGrpcStatus(s);
//   if (absl::Status s = CheckText(request->reason(), "reason", 500); !s.ok()) return s;

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/free_text.h"

namespace google::protobuf {
class Message;
}

namespace samenloop {

// INVALID_ARGUMENT naming the first unknown field found in `request` or any
// message inside it, e.g. "items[2].signal.contact: unknown field 9 ..."
// ("request: ..." for the request message itself).
absl::Status RefuseUnknownFields(const google::protobuf::Message& request);

// Free text of at most `max_chars` characters (Unicode code points), one
// line. INVALID_ARGUMENT naming `field` and the rule broken.
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_REQUEST_CHECKS_H_
