#include "tests/integration/every_rpc_requests.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "samenloop/v1/audit.grpc.pb.h"
#include "samenloop/v1/consent.grpc.pb.h"
#include "samenloop/v1/notifications.grpc.pb.h"
#include "samenloop/v1/policy_admin.grpc.pb.h"
#include "samenloop/v1/pseudonymiser.grpc.pb.h"
#include "samenloop/v1/signals.grpc.pb.h"
#include "tests/integration/hostile_input.h"
#include "tests/integration/test_requests.h"

namespace samenloop::testing {
namespace {

template <typename Service>
std::string Method(const char* name) {
  return absl::StrCat("/", Service::service_full_name(), "/", name);
}

template <typename T>
std::shared_ptr<google::protobuf::Message> Own(T message) {
  return std::make_shared<T>(std::move(message));
}

v1::Signal FullSignal() {
  v1::Signal s = ValidSignal(30);
  v1::RelatedPerson* related = s.add_related();
  *related->mutable_person() = TestPseudonym(31);
  related->set_relation(v1::RELATION_PARENT);
  related->set_role(v1::PERSON_ROLE_WITNESS);
  s.mutable_contact()->set_phone("020-1234567");
  s.mutable_contact()->set_email("team@example.org");
  *s.mutable_opened_at() = FromNow(-absl::Hours(48));
  *s.mutable_last_confirmed_at() = FromNow(-absl::Hours(24));
  s.set_protected_(true);
  *s.add_protected_against() = TestPseudonym(32);
  s.mutable_duty_to_inform()->set_status(v1::DUTY_TO_INFORM_STATUS_POSTPONED);
  s.mutable_duty_to_inform()->set_postponement_reason("safety");
  *s.mutable_duty_to_inform()->mutable_informed_at() = FromNow(-absl::Hours(24));
  return s;
}

v1::TimeRange LastYear() {
  v1::TimeRange range;
  *range.mutable_from() = FromNow(-absl::Hours(24 * 365));
  *range.mutable_until() = FromNow(absl::Hours(1));
  return range;
}

v1::PageRequest Page() {
  v1::PageRequest page;
  page.set_page_size(10);
  return page;
}

}  // namespace

std::vector<RpcRequest> EveryRpcRequest(const std::string& own_signal) {
  const std::string org = kHostileOrg;
  std::vector<RpcRequest> out;

  out.push_back({Method<v1::SignalService>("SubmitSignals"), org, false, Own(OneItem("unknown-fields", FullSignal()))});
  v1::UpdateSignalRequest update;
  update.set_signal_id(own_signal);
  update.mutable_signal()->mutable_contact()->set_name("Team Update");
  update.mutable_update_mask()->add_paths("contact");
  out.push_back({Method<v1::SignalService>("UpdateSignal"), org, false, Own(update)});
  v1::CloseSignalRequest close;
  close.set_signal_id(own_signal);
  *close.mutable_closed_at() = FromNow(absl::ZeroDuration());
  out.push_back({Method<v1::SignalService>("CloseSignal"), org, false, Own(close)});
  v1::ReopenSignalRequest reopen;
  reopen.set_signal_id(own_signal);
  out.push_back({Method<v1::SignalService>("ReopenSignal"), org, false, Own(reopen)});
  v1::RevokeSignalRequest revoke;
  revoke.set_signal_id(own_signal);
  revoke.set_reason("wrong person");
  out.push_back({Method<v1::SignalService>("RevokeSignal"), org, false, Own(revoke)});
  v1::GetSignalRequest get;
  get.set_signal_id(own_signal);
  out.push_back({Method<v1::SignalService>("GetSignal"), org, false, Own(get)});
  v1::ListOwnSignalsRequest list;
  *list.mutable_page() = Page();
  list.add_statuses(v1::SIGNAL_STATUS_OPEN);
  out.push_back({Method<v1::SignalService>("ListOwnSignals"), org, false, Own(list)});

  v1::TakeLeadRequest take;
  take.set_signal_id(own_signal);
  out.push_back({Method<v1::SignalService>("TakeLead"), org, false, Own(take)});
  v1::HandOverLeadRequest handover;
  handover.set_signal_id(own_signal);
  handover.set_to_organisation("ggz-inforsa");
  out.push_back({Method<v1::SignalService>("HandOverLead"), org, false, Own(handover)});
  v1::ReleaseLeadRequest release;
  release.set_signal_id(own_signal);
  out.push_back({Method<v1::SignalService>("ReleaseLead"), org, false, Own(release)});

  v1::SubscribeRequest subscribe;
  subscribe.set_stop_when_drained(true);
  out.push_back({Method<v1::NotificationService>("Subscribe"), org, false, Own(subscribe)});
  out.push_back({Method<v1::NotificationService>("Acknowledge"), org, false, Own(v1::AcknowledgeRequest())});

  v1::RegisterConsentRequest consent;
  v1::ConsentRecord& record = *consent.mutable_record();
  *record.mutable_subject() = TestPseudonym(40);
  record.set_kind(v1::CONSENT_KIND_CONSENT);
  record.set_given_by(v1::CONSENT_GIVER_PARENT_WITH_AUTHORITY);
  *record.mutable_giver() = TestPseudonym(41);
  record.mutable_scope()->add_categories("housing_nuisance");
  record.mutable_scope()->set_purpose("help at home");
  *record.mutable_valid_from() = FromNow(absl::ZeroDuration());
  *record.mutable_valid_until() = FromNow(absl::Hours(24 * 30));
  out.push_back({Method<v1::ConsentService>("RegisterConsent"), org, false, Own(consent)});
  v1::WithdrawConsentRequest withdraw;
  withdraw.set_consent_id("con-1");
  out.push_back({Method<v1::ConsentService>("WithdrawConsent"), org, false, Own(withdraw)});
  v1::ListConsentsRequest consents;
  *consents.mutable_subject() = TestPseudonym(40);
  *consents.mutable_page() = Page();
  out.push_back({Method<v1::ConsentService>("ListConsents"), org, false, Own(consents)});

  v1::QueryEventsRequest query;
  *query.mutable_time_range() = LastYear();
  *query.mutable_page() = Page();
  out.push_back({Method<v1::AuditService>("QueryEvents"), "auditor", false, Own(query)});
  out.push_back({Method<v1::AuditService>("GetTreeHead"), "auditor", false, Own(v1::GetTreeHeadRequest())});
  v1::ListTreeHeadsRequest heads;
  *heads.mutable_time_range() = LastYear();
  *heads.mutable_page() = Page();
  out.push_back({Method<v1::AuditService>("ListTreeHeads"), "auditor", false, Own(heads)});
  v1::GetConsistencyProofRequest proof;
  proof.set_first(1);
  proof.set_second(1);
  out.push_back({Method<v1::AuditService>("GetConsistencyProof"), "auditor", false, Own(proof)});
  v1::SubjectReportRequest report;
  *report.mutable_subject() = TestPseudonym(10);
  *report.mutable_page() = Page();
  out.push_back({Method<v1::AuditService>("SubjectReport"), "auditor", false, Own(report)});
  v1::GetStatisticsRequest statistics;
  *statistics.mutable_time_range() = LastYear();
  out.push_back({Method<v1::AuditService>("GetStatistics"), "auditor", false, Own(statistics)});

  v1::ApplyPolicyRequest apply;
  apply.set_policy_yaml("version: x\n");
  apply.set_file_name("region.yaml");
  out.push_back({Method<v1::PolicyAdminService>("ApplyPolicy"), "privacy-officer", false, Own(apply)});
  out.push_back({Method<v1::PolicyAdminService>("GetActivePolicy"), "privacy-officer", false,
                 Own(v1::GetActivePolicyRequest())});
  out.push_back({Method<v1::PolicyAdminService>("ListPolicyVersions"), "privacy-officer", false,
                 Own(v1::ListPolicyVersionsRequest())});

  v1::EvaluateRequest evaluate;
  evaluate.add_blinded_elements(std::string(32, '\x01'));
  evaluate.set_mode(v1::OPRF_MODE_OPRF);
  out.push_back({Method<v1::Pseudonymiser>("Evaluate"), org, true, Own(evaluate)});
  out.push_back({Method<v1::Pseudonymiser>("GetPublicKey"), org, true, Own(v1::GetPublicKeyRequest())});
  return out;
}

std::vector<std::string> AllMethods() {
  std::vector<std::string> out;
  for (const char* name : {v1::SignalService::service_full_name(), v1::NotificationService::service_full_name(),
                           v1::ConsentService::service_full_name(), v1::AuditService::service_full_name(),
                           v1::PolicyAdminService::service_full_name(), v1::Pseudonymiser::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      out.push_back(absl::StrCat("/", service->full_name(), "/", service->method(i)->name()));
    }
  }
  return out;
}

}  // namespace samenloop::testing
