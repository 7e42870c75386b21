#ifndef SAMENLOOP_COMMON_CALLER_IDENTITY_H_
#define SAMENLOOP_COMMON_CALLER_IDENTITY_H_

// CallerIdentity is who is calling, as stated by the caller's mTLS client
// certificate and nothing else. The deployment CA puts the identity in
// subjectAltName URIs:
//
//   samenloop://org/<organisation-id>   exactly one
//   samenloop://role/<role>             exactly one: org, privacy_officer,
//                                       auditor or operator
//   samenloop://kind/<kind>             optional, informational
//
// Request fields never override it (ARCHITECTURE.md §1).

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace grpc {
class AuthContext;
class ServerContext;
}

namespace samenloop {

enum class Role { kOrg, kPrivacyOfficer, kAuditor, kOperator };

absl::string_view RoleName(Role role);

struct CallerIdentity {
  std::string organisation_id;
  Role role = Role::kOrg;
  std::string organisation_kind;  // empty when the certificate has none
};

// Parses the identity from a PEM certificate. The certificate chain has
// already been verified by TLS; this only reads the SAN URIs.
absl::StatusOr<CallerIdentity> IdentityFromCertificatePem(absl::string_view pem);

// Reads the verified peer certificate of a gRPC call. UNAUTHENTICATED when
// there is none or it carries no valid Samenloop identity.
absl::StatusOr<CallerIdentity> IdentityFromServerContext(const grpc::ServerContext& context);
// The same from a call's auth context (e.g. in a server interceptor); null
// counts as no certificate.
absl::StatusOr<CallerIdentity> IdentityFromAuthContext(const grpc::AuthContext* auth);

// True for organisation ids the broker accepts: 1–64 characters of lowercase
// letters, digits and '-', starting with a letter.
bool IsValidOrganisationId(absl::string_view id);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_CALLER_IDENTITY_H_
