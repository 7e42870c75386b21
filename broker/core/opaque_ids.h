#ifndef SAMENLOOP_BROKER_CORE_OPAQUE_IDS_H_
#define SAMENLOOP_BROKER_CORE_OPAQUE_IDS_H_

// OpaqueIds turns the broker's internal numbers into the identifiers that
// organisations see, and back (docs/api.md "Identifiers").
//
// Internally signals are numbered in arrival order, and the first ids shown
// ("sig-<number>", "ntf-<recipient>-<other>-<generation>") carried those
// numbers: anyone holding two ids learnt how many signals the whole broker had
// received between them, an observation that depends on other organisations'
// activity (non-interference, ARCHITECTURE.md §1). Ids are now one AES block
// under a key derived from the broker's index secret (crypto/id_cipher.h),
// written in lowercase base32:
//
//   signal        sig_<26 chars>   block = number (8 bytes) || 8 zero bytes
//   notification  ntf_<26 chars>   block = kind || signal || other || generation
//   pattern       pat_<26 chars>   block = 0xff || anchor || coordinator tag || 0
//
// The zero half of a signal id authenticates it: a made-up id opens to a
// block that fails the check (2^-64), so ids cannot be guessed or enumerated.
// Ids issued before this format stay readable (ParseSignalId and
// ParseNotificationId accept them); nothing stored is rewritten.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "crypto/id_cipher.h"

namespace samenloop::broker {

// What a notification is about, as its id records it.
struct NotificationRef {
  // Values are part of issued ids and never change meaning; kMove is 6
  // (signal: the arriving signal, other: the coordinator's tag), kLead 9.
  enum class Kind : uint8_t { kMatch = 1, kCoordination = 2, kRetraction = 3, kChange = 4, kOutOfView = 5, kMove = 6, kLead = 9 };
  Kind kind = Kind::kMatch;
  // kMatch and kChange: the recipient's signal. kOutOfView: the signal
  // whose closing left the person out of view. kCoordination: the signal the
  // coordinator is told of. kRetraction: the recipient's signal named in the
  // retracted notification (0 for a coordinator).
  uint64_t signal = 0;
  // kMatch and kChange: the other organisation's signal. kOutOfView: the
  // coordinator's tag, as for kCoordination. kCoordination: a tag of the
  // coordinator (ids of different coordinators never collide). kRetraction:
  // the revoked signal. kLead: the signal whose lead it tells of (signal)
  // and the recipient's signal or coordinator tag (other).
  uint64_t other = 0;
  // kMatch: counts the pair's match notifications. kChange: the revision
  // of the changed signal (one notice per change). kRetraction: the
  // retracted entry's cursor. kLead: the lead event (a broker-wide count).
  uint64_t generation = 1;
};

class OpaqueIds {
 public:
  explicit OpaqueIds(crypto::IdCipher cipher) : cipher_(std::move(cipher)) {}

  std::string SignalId(uint64_t number) const;
  // Accepts this format and the earlier "sig-<number>". False for anything
  // else, including a well-formed id that was not issued under this key.
  bool ParseSignalId(absl::string_view id, uint64_t* number) const;

  // Signal numbers and generations must be below 2^48 and 2^24.
  std::string NotificationId(const NotificationRef& ref) const;
  std::optional<NotificationRef> ParseNotificationId(absl::string_view id) const;

  // The `other` of a coordination ref: 48 bits of a hash of the coordinator.
  static uint64_t CoordinatorTag(absl::string_view coordinator);

  // A coordination pattern's handle, "pat_<26 chars>": one AES block of
  // (a pattern marker, the coordinator's tag, the anchor signal number), so
  // it is stable for the pattern, differs between coordinators and tells
  // nothing of the broker's numbering. Never parsed back.
  std::string PatternHandle(absl::string_view coordinator, uint64_t anchor) const;

 private:
  crypto::IdCipher cipher_;
};

// Reads an id of the first format ("ntf-..."), which needs no key.
std::optional<NotificationRef> ParseFirstFormatNotificationId(absl::string_view id);

// The signal numbers a notification names and is withdrawn with: both
// signals of a match or a change notice, the signal of a coordination notice, none for a
// retraction (it must reach the recipient although its signal is revoked);
// the lead's signal for a lead notice.
std::vector<uint64_t> SignalsNamedBy(const NotificationRef& ref);

}  // namespace samenloop::broker

#endif  // SAMENLOOP_BROKER_CORE_OPAQUE_IDS_H_
