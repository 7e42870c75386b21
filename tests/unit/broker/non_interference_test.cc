// Non-interference as a property (ARCHITECTURE.md §1, issue 17): for every
// recipient, what it observes (the notifications released to it, in order,
// with their cursors, ids, counts and times, and the results of its own
// submissions) is identical with and without the signals it may never learn
// of. Scenarios are generated: organisations of several kinds, persons in
// households, a policy with permits, consent-based permits and forbids, two
// coordination rules (one over households), protected signals, consents, closes, revocations and
// deliveries at random moments. Each scenario is run once in full and once per
// recipient without that recipient's hidden signals, on a real RocksDB store.
//
// Hidden from recipient R: other organisations' protected signals (no rule of
// the generated policy discloses a protected signal), and for a recipient
// that is not a coordinator, signals of a category a forbid rule keeps from
// R's kind. A coordinator may learn of forbidden categories through a
// pattern, so for it only the protected ones are hidden.
//
// SAMENLOOP_NI_SEED=<n> reruns one failing scenario; SAMENLOOP_NI_SCENARIOS
// sets how many run (default 300).

#include <sodium.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "broker/core/schema.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "broker/ledger.h"
#include "gtest/gtest.h"
#include "policy/rule_policy.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

constexpr int kOrganisations = 6;
const char* const kKinds[kOrganisations] = {"police", "vt", "ggz", "local_team", "school", "gi"};
const char* const kCategories[] = {"domestic_violence", "housing_nuisance", "psychiatric_concern", "school_absence"};
const char* const kLevels[] = {"existence_and_contact", "category", "details"};
constexpr char kCoordinator[] = "zvh";

std::string OrgId(int i) { return absl::StrCat("org-", i); }

CallerIdentity Caller(const std::string& org) {
  if (org == kCoordinator) return CallerIdentity{org, Role::kOrg, "safety_house"};
  return CallerIdentity{org, Role::kOrg, kKinds[org.back() - '0']};
}

struct Scenario {
  std::string policy_yaml;
  std::map<std::string, std::set<std::string>> forbidden;  // kind -> categories
  struct SignalSpec {
    std::string label;  // also its local reference and idempotency key
    std::string org;
    v1::Signal signal;
  };
  std::vector<SignalSpec> signals;
  struct Step {
    enum Kind { kSubmit, kClose, kReopen, kEscalate, kRevoke, kConsent, kDeliver } kind;
    int signal = -1;      // index into signals (submit, close, revoke)
    std::string org;      // consent giver's registrar, or the recipient
    v1::ConsentRecord consent;
  };
  std::vector<Step> steps;
};

Scenario Generate(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto chance = [&rng](int percent) { return static_cast<int>(rng() % 100) < percent; };
  Scenario s;

  std::string rules;
  for (int k = 0; k < kOrganisations; ++k) {
    const std::string kind = kKinds[k];
    // Forbids first, at most two a kind: a permit they cover completely is
    // refused by the validator, so permits keep an unforbidden category.
    for (const char* c : kCategories) {
      if (s.forbidden[kind].size() < 2 && chance(15)) {
        s.forbidden[kind].insert(c);
        absl::StrAppend(&rules, "  - { id: f-", kind, "-", c, ", effect: forbid, recipient: { kinds: [", kind,
                        "] }, categories: [", c, "] }\n");
      }
    }
    std::vector<std::string> cats;
    bool unforbidden = false;
    for (const char* c : kCategories) {
      if (chance(60)) {
        cats.push_back(c);
        unforbidden |= s.forbidden[kind].count(c) == 0;
      }
    }
    if (unforbidden) {
      absl::StrAppend(&rules, "  - { id: p-", kind, ", effect: permit, recipient: { kinds: [", kind, "] }, categories: [",
                      absl::StrJoin(cats, ", "), "], level: ", kLevels[pick(3)],
                      ", legal_basis: task, objection: ", chance(50) ? "stops" : "does_not_stop", " }\n");
    }
    if (chance(40)) {
      absl::StrAppend(&rules, "  - { id: pc-", kind, ", effect: permit, recipient: { kinds: [", kind,
                      "] }, level: existence_and_contact, legal_basis: consent, consent: required }\n");
    }
  }
  std::string orgs;
  // Two regions (the first half of the organisations in "ra", the rest in
  // the file's "rb"), for the move rule.
  for (int i = 0; i < kOrganisations; ++i) {
    absl::StrAppend(&orgs, "  - { id: ", OrgId(i), ", kind: ", kKinds[i], i < kOrganisations / 2 ? ", region: ra" : "",
                    " }\n");
  }
  s.policy_yaml = absl::StrCat(
      "version: \"prop\"\nregion: rb\norganisation_kinds: [police, vt, ggz, local_team, school, gi, safety_house]\n",
      "organisations:\n", orgs, "  - { id: zvh, kind: safety_house, name: \"Zorg- en Veiligheidshuis\" }\n",
      "categories:\n", "  - { id: domestic_violence, active: 1y, visible: 2y }\n",
      "  - { id: housing_nuisance, active: 1y, visible: 2y }\n",
      "  - { id: psychiatric_concern, active: 1y, visible: 2y }\n",
      "  - { id: school_absence, active: 1y, visible: 2y }\n",
      "legal_bases:\n  - { id: task, citation: \"AVG art. 6(1)(e)\" }\n  - { id: consent, citation: \"AVG art. 6(1)(a)\" }\n",
      "rules:\n", rules.empty() ? "  - { id: none, effect: forbid, categories: [school_absence] }\n" : rules,
      "coordination:\n  - { id: many, coordinator: zvh, legal_basis: task, min_organisations: ", 2 + pick(2),
      ", window: 1y }\n  - { id: household, coordinator: zvh, legal_basis: task, scope: household, level: ",
      chance(50) ? "category" : "existence_and_contact", ", min_organisations: ", 3 + pick(2), ", window: 1y }\n",
      "  - { id: dv-history, coordinator: zvh, legal_basis: task, closed_category: domestic_violence }\n"
      "  - { id: out-of-view, coordinator: zvh, legal_basis: task, out_of_view: true",
      chance(50) ? ", scope: household" : "", " }\n",
      "  - { id: moved, coordinators: { ra: zvh, rb: zvh }, legal_basis: task, move: true",
      chance(50) ? ", scope: household" : "", " }\n");

  const int persons = 3 + pick(4);
  std::vector<v1::Pseudonym> people(static_cast<size_t>(persons));
  for (v1::Pseudonym& p : people) {
    std::string bytes(64, '\0');
    for (char& b : bytes) b = static_cast<char>(rng());
    p.set_value(bytes);
  }
  const int count = 5 + pick(10);
  for (int i = 0; i < count; ++i) {
    Scenario::SignalSpec spec;
    spec.label = absl::StrCat("s", i);
    spec.org = OrgId(pick(kOrganisations));
    const int subject = pick(persons);
    spec.signal = testing::ValidSignal(people[static_cast<size_t>(subject)], kCategories[pick(4)]);
    spec.signal.set_local_reference(spec.label);
    spec.signal.set_nature(static_cast<v1::Nature>(1 + pick(3)));
    spec.signal.set_severity(static_cast<v1::Severity>(1 + pick(4)));
    spec.signal.mutable_contact()->set_name(absl::StrCat("contact ", i));
    *spec.signal.mutable_opened_at() = google::protobuf::Timestamp();
    spec.signal.mutable_opened_at()->set_seconds(1764000000 - static_cast<int64_t>(pick(300)) * 86400);
    for (int r = 0; r < pick(3); ++r) {
      const int other = pick(persons);
      if (other == subject) continue;
      bool dup = false;
      for (const v1::RelatedPerson& rp : spec.signal.related()) dup |= rp.person().value() == people[static_cast<size_t>(other)].value();
      if (dup) continue;
      v1::RelatedPerson* related = spec.signal.add_related();
      *related->mutable_person() = people[static_cast<size_t>(other)];
      related->set_relation(static_cast<v1::Relation>(1 + pick(8)));
    }
    if (chance(20)) spec.signal.set_protected_(true);
    s.signals.push_back(spec);
  }
  std::vector<int> submitted;
  for (int i = 0; i < count; ++i) {
    s.steps.push_back({Scenario::Step::kSubmit, i, "", {}});
    submitted.push_back(i);
    if (chance(25)) s.steps.push_back({Scenario::Step::kClose, submitted[static_cast<size_t>(pick(static_cast<int>(submitted.size())))], "", {}});
    // Changes a recipient told of the signal hears of (change notices).
    if (chance(10)) s.steps.push_back({Scenario::Step::kReopen, submitted[static_cast<size_t>(pick(static_cast<int>(submitted.size())))], "", {}});
    if (chance(10)) s.steps.push_back({Scenario::Step::kEscalate, submitted[static_cast<size_t>(pick(static_cast<int>(submitted.size())))], "", {}});
    if (chance(8)) s.steps.push_back({Scenario::Step::kRevoke, submitted[static_cast<size_t>(pick(static_cast<int>(submitted.size())))], "", {}});
    if (chance(20)) {
      Scenario::Step consent{Scenario::Step::kConsent, -1, OrgId(pick(kOrganisations)), {}};
      *consent.consent.mutable_subject() = people[static_cast<size_t>(pick(persons))];
      consent.consent.set_kind(chance(70) ? v1::CONSENT_KIND_CONSENT : v1::CONSENT_KIND_OBJECTION);
      consent.consent.set_given_by(v1::CONSENT_GIVER_SUBJECT);
      s.steps.push_back(consent);
    }
    if (chance(40)) {
      const std::string who = chance(20) ? std::string(kCoordinator) : OrgId(pick(kOrganisations));
      s.steps.push_back({Scenario::Step::kDeliver, -1, who, {}});
    }
  }
  for (int i = 0; i < kOrganisations; ++i) s.steps.push_back({Scenario::Step::kDeliver, -1, OrgId(i), {}});
  s.steps.push_back({Scenario::Step::kDeliver, -1, kCoordinator, {}});
  return s;
}

// Indices of the signals `recipient` may never learn of.
std::set<int> HiddenFrom(const Scenario& s, const std::string& recipient) {
  std::set<int> hidden;
  const bool coordinator = recipient == kCoordinator;
  const std::string kind = Caller(recipient).organisation_kind;
  for (size_t i = 0; i < s.signals.size(); ++i) {
    const Scenario::SignalSpec& spec = s.signals[i];
    if (spec.org == recipient) continue;
    auto forbidden = s.forbidden.find(kind);
    const bool forbidden_category = !coordinator && forbidden != s.forbidden.end() &&
                                    forbidden->second.count(spec.signal.category()) > 0;
    if (spec.signal.protected_() || forbidden_category) hidden.insert(static_cast<int>(i));
  }
  return hidden;
}

// What one organisation observed, as comparable text: ids it cannot
// interpret are replaced by the order in which it first saw them.
class Observer {
 public:
  void Released(const std::vector<v1::Notification>& page) {
    for (v1::Notification n : page) {
      n.set_notification_id(Alias(n.notification_id()));
      if (!n.retracts_notification_id().empty()) n.set_retracts_notification_id(Alias(n.retracts_notification_id()));
      if (!n.follows_notification_id().empty()) n.set_follows_notification_id(Alias(n.follows_notification_id()));
      if (!n.pattern_handle().empty()) n.set_pattern_handle(Alias(n.pattern_handle()));
      n.clear_your_signal_id();  // the local reference names the same signal
      lines_.push_back(n.ShortDebugString());
    }
  }
  void Submitted(const v1::SubmitSignalResult& result) {
    lines_.push_back(absl::StrCat("submit code=", result.code(), " told=", result.notifications_created(),
                                  " duplicate=", result.duplicate()));
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::string Alias(const std::string& id) {
    auto [it, inserted] = aliases_.emplace(id, aliases_.size());
    return absl::StrCat("id#", it->second);
  }
  std::map<std::string, size_t> aliases_;
  std::vector<std::string> lines_;
};

std::map<std::string, Observer> RunScenario(const Scenario& s, const std::set<int>& without, const std::string& dir) {
  SubjectKeyer keyer(testing::TestSecret());
  NotificationHub hub;
  std::unique_ptr<Store> store = *OpenBrokerStore(dir);
  absl::Time now = absl::FromUnixSeconds(1764000000);
  LedgerOptions options;
  options.clock = [&now] { return now; };
  policy::LoadedPolicy loaded = policy::LoadPolicy(s.policy_yaml, "prop.yaml");
  EXPECT_NE(loaded.policy, nullptr) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].ToString());
  std::unique_ptr<Ledger> ledger = *Ledger::Create(store.get(), &keyer, loaded.policy, &hub, options);
  std::map<std::string, Observer> seen;
  std::map<int, std::string> ids;
  std::map<std::string, uint64_t> cursors;
  for (size_t step = 0; step < s.steps.size(); ++step) {
    // Every step has its own time in both runs, so timestamps compare.
    now = absl::FromUnixSeconds(1764000000 + static_cast<int64_t>(step) * 60);
    const Scenario::Step& st = s.steps[step];
    if (st.signal >= 0 && without.count(st.signal) > 0) continue;
    switch (st.kind) {
      case Scenario::Step::kSubmit: {
        const Scenario::SignalSpec& spec = s.signals[static_cast<size_t>(st.signal)];
        v1::SubmitSignalsRequest request;
        v1::SubmitSignalItem* item = request.add_items();
        item->set_idempotency_key(spec.label);
        *item->mutable_signal() = spec.signal;
        absl::StatusOr<v1::SubmitSignalsResponse> response = ledger->submission().Submit(Caller(spec.org), request);
        EXPECT_TRUE(response.ok()) << response.status();
        if (!response.ok()) break;
        ids[st.signal] = response->results(0).signal_id();
        seen[spec.org].Submitted(response->results(0));
        break;
      }
      case Scenario::Step::kClose: {
        v1::CloseSignalRequest request;
        request.set_signal_id(ids[st.signal]);
        (void)ledger->signals().Close(Caller(s.signals[static_cast<size_t>(st.signal)].org), request);
        break;
      }
      case Scenario::Step::kReopen: {
        v1::ReopenSignalRequest request;
        request.set_signal_id(ids[st.signal]);
        (void)ledger->signals().Reopen(Caller(s.signals[static_cast<size_t>(st.signal)].org), request);
        break;
      }
      case Scenario::Step::kEscalate: {
        // Acute, and a new number to call.
        v1::UpdateSignalRequest request;
        request.set_signal_id(ids[st.signal]);
        request.mutable_signal()->set_severity(v1::SEVERITY_ACUTE);
        request.mutable_signal()->mutable_contact()->set_name("Crisisdienst");
        request.mutable_update_mask()->add_paths("severity");
        request.mutable_update_mask()->add_paths("contact");
        (void)ledger->signals().Update(Caller(s.signals[static_cast<size_t>(st.signal)].org), request);
        break;
      }
      case Scenario::Step::kRevoke: {
        v1::RevokeSignalRequest request;
        request.set_signal_id(ids[st.signal]);
        request.set_reason_class(v1::REVOCATION_REASON_WRONG_PERSON);
        (void)ledger->signals().Revoke(Caller(s.signals[static_cast<size_t>(st.signal)].org), request);
        break;
      }
      case Scenario::Step::kConsent:
        EXPECT_TRUE(ledger->consents().RegisterConsent(Caller(st.org), st.consent).ok());
        break;
      case Scenario::Step::kDeliver: {
        uint64_t next = 0;
        absl::StatusOr<std::vector<v1::Notification>> page =
            ledger->outbox().ReleaseOutbox(st.org, cursors[st.org], 10000, &next);
        EXPECT_TRUE(page.ok()) << page.status();
        if (!page.ok()) break;
        cursors[st.org] = next;
        seen[st.org].Released(*page);
        break;
      }
    }
  }
  return seen;
}

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : std::strtoull(value, nullptr, 10);
}

TEST(NonInterference, EveryRecipientSeesTheSameWithoutTheSignalsItMayNotLearnOf) {
  ASSERT_GE(sodium_init(), 0);
  // /dev/shm when there is one: the same RocksDB, without a disk's fsyncs.
  setenv("TMPDIR", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", 0);
  const uint64_t base = EnvOr("SAMENLOOP_NI_SEED", std::random_device()());
  const uint64_t scenarios = std::getenv("SAMENLOOP_NI_SEED") != nullptr ? 1 : EnvOr("SAMENLOOP_NI_SCENARIOS", 300);
  std::cout << "non-interference: seeds " << base << " .. " << base + scenarios - 1
            << " (rerun one with SAMENLOOP_NI_SEED=<seed>)\n";
  uint64_t compared = 0, differing_runs = 0;
  for (uint64_t seed = base; seed < base + scenarios; ++seed) {
    const Scenario s = Generate(seed);
    samenloop::testing::TempDir dir;
    std::map<std::string, Observer> full = RunScenario(s, {}, dir.Sub("full"));
    std::vector<std::string> recipients;
    for (int i = 0; i < kOrganisations; ++i) recipients.push_back(OrgId(i));
    recipients.push_back(kCoordinator);
    for (const std::string& recipient : recipients) {
      const std::set<int> hidden = HiddenFrom(s, recipient);
      if (hidden.empty()) continue;
      std::map<std::string, Observer> without = RunScenario(s, hidden, dir.Sub("without-" + recipient));
      ++compared;
      const std::vector<std::string>& a = full[recipient].lines();
      const std::vector<std::string>& b = without[recipient].lines();
      if (a != b) ++differing_runs;
      ASSERT_EQ(a, b) << "seed " << seed << ": " << recipient << " observes signals it may not learn of\n"
                      << "policy:\n" << s.policy_yaml;
    }
  }
  std::cout << "non-interference: " << compared << " recipient comparisons over " << scenarios << " scenarios\n";
  EXPECT_GT(compared, scenarios / 2) << "the generator must produce hidden signals";
}

}  // namespace
}  // namespace samenloop::broker
