#include "broker/signals/signal_validation.h"

#include "gtest/gtest.h"
#include "tests/unit/broker/signal_test_helpers.h"

namespace samenloop::broker {
namespace {

using testing::RandomPseudonym;
using testing::ValidSignal;

std::string ErrorOf(const v1::Signal& signal) {
  absl::Status status = ValidateNewSignal(signal, "items[0].signal", absl::Now());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST(SignalValidation, ValidSignalPasses) {
  EXPECT_TRUE(ValidateNewSignal(ValidSignal(RandomPseudonym()), "s", absl::Now()).ok());
}

TEST(SignalValidation, EachBrokenRuleNamesItsField) {
  v1::Signal s = ValidSignal(RandomPseudonym());

  v1::Signal no_subject = s;
  no_subject.clear_subject();
  EXPECT_EQ(ErrorOf(no_subject), "items[0].signal.subject: is required");

  v1::Signal short_pseudonym = s;
  short_pseudonym.mutable_subject()->set_value("abc");
  EXPECT_EQ(ErrorOf(short_pseudonym),
            "items[0].signal.subject.value: must be a 64-byte pseudonym from the SDK (got 3 bytes)");

  v1::Signal no_age = s;
  no_age.clear_age_band();
  EXPECT_NE(ErrorOf(no_age).find("items[0].signal.age_band:"), std::string::npos);

  v1::Signal unknown_enum = s;
  unknown_enum.set_nature(static_cast<v1::Nature>(99));
  EXPECT_NE(ErrorOf(unknown_enum).find("items[0].signal.nature:"), std::string::npos);

  v1::Signal bad_category = s;
  bad_category.set_category("Housing Nuisance");
  EXPECT_NE(ErrorOf(bad_category).find("items[0].signal.category:"), std::string::npos);

  v1::Signal no_contact = s;
  no_contact.clear_contact();
  EXPECT_NE(ErrorOf(no_contact).find("items[0].signal.contact.name: is required"), std::string::npos);

  v1::Signal long_reference = s;
  long_reference.set_local_reference(std::string(129, 'x'));
  EXPECT_NE(ErrorOf(long_reference).find("items[0].signal.local_reference: too long"), std::string::npos);

  v1::Signal postponed = s;
  postponed.mutable_duty_to_inform()->set_status(v1::DUTY_TO_INFORM_STATUS_POSTPONED);
  EXPECT_NE(ErrorOf(postponed).find("duty_to_inform.postponement_reason: is required"), std::string::npos);
}

TEST(SignalValidation, RelatedPersonsAreChecked) {
  v1::Pseudonym subject = RandomPseudonym();
  v1::Signal s = ValidSignal(subject);
  v1::RelatedPerson* father = s.add_related();
  *father->mutable_person() = RandomPseudonym();
  father->set_relation(v1::RELATION_PARENT);
  EXPECT_TRUE(ValidateNewSignal(s, "s", absl::Now()).ok());

  v1::Signal no_relation = s;
  no_relation.mutable_related(0)->clear_relation();
  EXPECT_NE(ErrorOf(no_relation).find("items[0].signal.related[0].relation: must be one of"), std::string::npos);

  v1::Signal self = s;
  *self.mutable_related(0)->mutable_person() = subject;
  EXPECT_NE(ErrorOf(self).find("related[0].person: duplicates the subject"), std::string::npos);

  v1::Signal too_many = s;
  for (int i = 0; i < kMaxRelated; ++i) {
    v1::RelatedPerson* r = too_many.add_related();
    *r->mutable_person() = RandomPseudonym();
    r->set_relation(v1::RELATION_SIBLING);
  }
  EXPECT_NE(ErrorOf(too_many).find("items[0].signal.related: at most 32"), std::string::npos);
}

TEST(SignalValidation, IdentityFieldsCannotBeSetByTheClient) {
  v1::Signal s = ValidSignal(RandomPseudonym());
  s.set_source_organisation("veilig-thuis-amsterdam");
  EXPECT_EQ(ErrorOf(s),
            "items[0].signal.source_organisation: is set by the broker from your client certificate; leave it "
            "empty");
  v1::Signal with_status = ValidSignal(RandomPseudonym());
  with_status.set_status(v1::SIGNAL_STATUS_CLOSED);
  EXPECT_NE(ErrorOf(with_status).find("items[0].signal.status:"), std::string::npos);
}

TEST(SignalValidation, ErrorsNeverEchoContent) {
  v1::Signal s = ValidSignal(RandomPseudonym());
  s.mutable_contact()->set_name(std::string(201, 'Q'));
  std::string message = ErrorOf(s);
  EXPECT_EQ(message.find("QQQ"), std::string::npos);
}

TEST(IdempotencyKey, Rules) {
  EXPECT_TRUE(ValidateIdempotencyKey("case-1", "k").ok());
  EXPECT_FALSE(ValidateIdempotencyKey("", "k").ok());
  EXPECT_FALSE(ValidateIdempotencyKey(std::string(129, 'a'), "k").ok());
  EXPECT_FALSE(ValidateIdempotencyKey("tab\there", "k").ok());
}

}  // namespace
}  // namespace samenloop::broker
