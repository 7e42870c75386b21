// Unknown protobuf fields are never stored (issue 18, item 2): a request
// carrying a field this API version does not define, at any depth of any
// RPC of either server, is refused with INVALID_ARGUMENT naming where it was
// and its number, before anything is stored, audited or echoed. Before,
// a Signal with an unknown field was stored and returned by GetSignal, so a
// careless client could put a plaintext BSN or a narrative into the broker.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"
#include "tests/integration/every_rpc_requests.h"
#include "tests/integration/hostile_input.h"

namespace samenloop::testing {
namespace {

constexpr int kUnknownField = 99;
const std::string kSmuggled = absl::StrCat("BSN ", kMarker, " and a case narrative");

void AddUnknown(google::protobuf::Message& message) {
  message.GetReflection()->MutableUnknownFields(&message)->AddLengthDelimited(kUnknownField, kSmuggled);
}

// Every message inside `message` (itself included), by the path errors use.
void CollectMessages(google::protobuf::Message& message, const std::string& path,
                     std::vector<std::pair<std::string, google::protobuf::Message*>>& out) {
  out.emplace_back(path.empty() ? "request" : path, &message);
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string prefix = absl::StrCat(path, path.empty() ? "" : ".", field->name());
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        CollectMessages(*reflection->MutableRepeatedMessage(&message, field, i), absl::StrCat(prefix, "[", i, "]"),
                        out);
      }
    } else {
      CollectMessages(*reflection->MutableMessage(&message, field), prefix, out);
    }
  }
}

class UnknownFieldsTest : public HostileInputTest {};

TEST_F(UnknownFieldsTest, ASignalCarryingUnknownFieldsIsRefusedAndNeverStored) {
  std::vector<HostileCase> cases;
  const auto submit = [this](std::function<void(v1::SubmitSignalsRequest&)> spoil) {
    return [this, spoil] {
      v1::SubmitSignalsRequest request = OneItem("smuggler", ValidSignal(10));
      spoil(request);
      v1::SubmitSignalsResponse response;
      return FromStatus(signals_->SubmitSignals(Deadline().get(), request, &response));
    };
  };
  const grpc::StatusCode INVALID = grpc::StatusCode::INVALID_ARGUMENT;
  cases.push_back({"in the signal", submit([](auto& r) { AddUnknown(*r.mutable_items(0)->mutable_signal()); }),
                   INVALID, "items[0].signal: unknown field 99", 0});
  cases.push_back({"in the contact",
                   submit([](auto& r) { AddUnknown(*r.mutable_items(0)->mutable_signal()->mutable_contact()); }),
                   INVALID, "items[0].signal.contact: unknown field 99", 0});
  cases.push_back({"in the subject",
                   submit([](auto& r) { AddUnknown(*r.mutable_items(0)->mutable_signal()->mutable_subject()); }),
                   INVALID, "items[0].signal.subject: unknown field 99", 0});
  cases.push_back({"in the item", submit([](auto& r) { AddUnknown(*r.mutable_items(0)); }), INVALID,
                   "items[0]: unknown field 99", 0});
  cases.push_back({"in the request", submit([](auto& r) { AddUnknown(r); }), INVALID, "request: unknown field 99", 0});
  cases.push_back({"in an update",
                   [this] {
                     return Update([](v1::UpdateSignalRequest& r) {
                       r.mutable_signal()->mutable_contact()->set_name("Team New");
                       AddUnknown(*r.mutable_signal()->mutable_contact());
                       r.mutable_update_mask()->add_paths("contact");
                     });
                   },
                   INVALID, "signal.contact: unknown field 99", 0});
  RunBattery(cases);

  // What GetSignal returns holds none of it, and neither do the broker's files.
  v1::GetSignalRequest get;
  get.set_signal_id(own_signal_);
  v1::Signal stored;
  ASSERT_TRUE(signals_->GetSignal(Deadline().get(), get, &stored).ok());
  EXPECT_TRUE(stored.GetReflection()->GetUnknownFields(stored).empty());
  EXPECT_TRUE(stored.contact().GetReflection()->GetUnknownFields(stored.contact()).empty());
  for (const auto& entry : std::filesystem::recursive_directory_iterator(stack_.broker_data_dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(kMarker), std::string::npos) << entry.path();
  }
}

TEST_F(UnknownFieldsTest, EveryRpcOfBothServersRefusesThemAtEveryDepth) {
  std::vector<RpcRequest> rpcs = EveryRpcRequest(own_signal_);
  std::set<std::string> covered;
  for (const RpcRequest& rpc : rpcs) covered.insert(rpc.method);
  const std::vector<std::string> all = AllMethods();
  EXPECT_EQ(covered, std::set<std::string>(all.begin(), all.end())) << "every RPC has a request here";

  std::vector<HostileCase> cases;
  for (const RpcRequest& rpc : rpcs) {
    std::vector<std::pair<std::string, google::protobuf::Message*>> places;
    std::shared_ptr<google::protobuf::Message> probe(rpc.request->New());
    probe->CopyFrom(*rpc.request);
    CollectMessages(*probe, "", places);
    for (size_t i = 0; i < places.size(); ++i) {
      std::shared_ptr<google::protobuf::Message> spoiled(rpc.request->New());
      spoiled->CopyFrom(*rpc.request);
      std::vector<std::pair<std::string, google::protobuf::Message*>> targets;
      CollectMessages(*spoiled, "", targets);
      AddUnknown(*targets[i].second);
      const std::string bytes = spoiled->SerializeAsString();
      // Refused audit queries and policy applies are on the record too.
      const bool audited = rpc.method.find("QueryEvents") != std::string::npos ||
                           rpc.method.find("SubjectReport") != std::string::npos ||
                           rpc.method.find("ApplyPolicy") != std::string::npos;
      cases.push_back({absl::StrCat(rpc.method, " at ", places[i].first),
                       [this, rpc, bytes] {
                         return FromStatus(CallRaw(rpc.method, bytes, rpc.identity, rpc.pseudonymiser));
                       },
                       grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat(places[i].first, ": unknown field 99"),
                       audited ? 1u : 0u});
    }
  }
  EXPECT_GT(cases.size(), 40u);
  RunBattery(cases);
}

}  // namespace
}  // namespace samenloop::testing
