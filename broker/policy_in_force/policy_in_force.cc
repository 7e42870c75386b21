#include "broker/policy_in_force/policy_in_force.h"

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "audit/events.h"
#include "broker/core/transaction.h"
#include "common/free_text.h"
#include "policy/rule_policy.h"

namespace samenloop::broker {
namespace {

constexpr char kActivePolicyKey[] = "policy/active";
constexpr char kPolicyHistoryPrefix[] = "policy/history/";

}  // namespace

absl::StatusOr<std::shared_ptr<const policy::DisclosurePolicy>> StartupPolicy(
    const Store& store, std::shared_ptr<const policy::DisclosurePolicy> fallback) {
  absl::StatusOr<std::string> bytes = store.Get(Family::kMeta, kActivePolicyKey);
  if (absl::IsNotFound(bytes.status())) return fallback;
  if (!bytes.ok()) return bytes.status();
  storage::PolicyRecord record;
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored policy record does not parse");
  policy::LoadedPolicy loaded = policy::LoadPolicy(record.policy_yaml(), record.file_name());
  if (loaded.policy == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the policy applied to this store (", record.version_hash(), ") no longer compiles with this broker: ",
        loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().ToString(),
        "; start the previous broker version and apply a corrected policy"));
  }
  return std::shared_ptr<const policy::DisclosurePolicy>(loaded.policy);
}

absl::StatusOr<storage::PolicyRecord> PolicyInForce::ActiveRecord() const {
  absl::StatusOr<std::string> bytes = context_.store().Get(Family::kMeta, kActivePolicyKey);
  if (!bytes.ok()) return bytes.status();
  storage::PolicyRecord record;
  if (!record.ParseFromString(*bytes)) return absl::DataLossError("stored policy record does not parse");
  return record;
}

absl::StatusOr<std::vector<storage::PolicyRecord>> PolicyInForce::History() const {
  std::vector<storage::PolicyRecord> out;
  std::unique_ptr<rocksdb::Iterator> it = context_.store().NewIterator(Family::kMeta);
  for (it->Seek(kPolicyHistoryPrefix); it->Valid() && it->key().starts_with(kPolicyHistoryPrefix); it->Next()) {
    storage::PolicyRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("stored policy record does not parse");
    }
    out.push_back(std::move(record));
  }
  if (!it->status().ok()) return absl::InternalError(absl::StrCat("policy history: ", it->status().ToString()));
  return out;
}

absl::StatusOr<ReevaluationResult> PolicyInForce::Apply(const CallerIdentity& caller,
                                                        std::shared_ptr<const policy::DisclosurePolicy> policy,
                                                        storage::PolicyRecord record,
                                                        absl::string_view expected_active_version) {
  const absl::Time now = context_.Now();
  std::unique_lock<std::mutex> lock = context_.LockWrites();
  const std::string active = context_.PolicyLocked().Version();
  if (!expected_active_version.empty() && expected_active_version != active) {
    return absl::FailedPreconditionError(absl::StrCat("expected_active_version: the active policy is ", active,
                                                      ", not ", EscapedPrefix(expected_active_version),
                                                      "; another policy was applied in the meantime"));
  }
  absl::StatusOr<std::vector<storage::PolicyRecord>> history = History();
  if (!history.ok()) return history.status();
  record.set_applied_at_unix_ms(absl::ToUnixMillis(now));
  record.set_applied_by(caller.organisation_id);

  Transaction write(context_);
  const std::string bytes = record.SerializeAsString();
  write.Put(Family::kMeta, kActivePolicyKey, bytes);
  write.Put(Family::kMeta, absl::StrCat(kPolicyHistoryPrefix, keys::U64(history->size() + 1)), bytes);
  v1::AuditEvent event = BaseEvent(v1::AUDIT_EVENT_TYPE_POLICY_APPLIED, caller, now);
  event.mutable_basis()->set_policy_version(record.version_hash());
  event.set_reason(absl::StrCat("policy version \"", record.declared_version(), "\" applied, replacing ", active));
  write.AppendAudit(std::move(event));
  write.Put(Family::kMeta, kReevaluateAllKey, keys::U64(0));
  if (absl::Status committed = write.Commit(); !committed.ok()) return committed;
  context_.ReplacePolicy(std::move(policy));
  return reevaluation_.AllFrom(0);
}

}  // namespace samenloop::broker
