// Fuzz target: request validation. The bytes are parsed as the requests a
// client sends (SubmitSignalsRequest, UpdateSignalRequest, ConsentRecord's
// timestamps) and validated as the broker does. Any crash or sanitizer
// report is a bug, and so is an accepted signal that breaks a documented
// limit, or a refusal whose message does not name a field.
// Run: tests/fuzz/run.sh; replayed over the seed corpus in every test run.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "broker/signals/signal_validation.h"
#include "google/protobuf/stubs/logging.h"
#include "samenloop/v1/signals.pb.h"

namespace {

void Check(const absl::Status& status, const char* path) {
  if (!status.ok() && status.message().rfind(path, 0) != 0) std::abort();  // names the field
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Protobuf logs every malformed string it parses; most fuzz inputs are
  // malformed, and the log would bury a real finding (and CI's log limit).
  static const bool silenced = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)silenced;
  using samenloop::broker::kMaxRelated;
  // A fixed "now", so a finding reproduces.
  const absl::Time kNow = absl::FromUnixSeconds(1800000000);
  samenloop::v1::SubmitSignalsRequest submit;
  if (submit.ParseFromArray(data, static_cast<int>(size))) {
    for (const samenloop::v1::SubmitSignalItem& item : submit.items()) {
      Check(samenloop::broker::ValidateIdempotencyKey(item.idempotency_key(), "items[0].idempotency_key"),
            "items[0].idempotency_key");
      absl::Status valid = samenloop::broker::ValidateNewSignal(item.signal(), "items[0].signal", kNow);
      Check(valid, "items[0].signal");
      if (valid.ok() && (item.signal().related_size() > kMaxRelated || item.signal().subject().value().size() != 64 ||
                         item.signal().contact().name().empty() || !item.signal().source_organisation().empty())) {
        std::abort();
      }
    }
  }
  samenloop::v1::UpdateSignalRequest update;
  if (update.ParseFromArray(data, static_cast<int>(size))) {
    Check(samenloop::broker::ValidateSignalFields(update.signal(), "signal", kNow), "signal");
    const absl::Status mask = samenloop::broker::ValidateUpdateRequest(update);
    if (!mask.ok() && mask.message().rfind("update_mask", 0) != 0 && mask.message().rfind("signal.", 0) != 0) {
      std::abort();
    }
    Check(samenloop::broker::ValidateTimestamp(update.signal().opened_at(), "opened_at"), "opened_at");
  }
  return 0;
}
